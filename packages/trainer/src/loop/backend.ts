// The trainer's default backend: when the user chose none with useBackend, the first step picks
// one (core's ensureBackend: the one tfjs already runs the model on, else the best installed, wasm
// being the trainer's own dependency) and says so once, so training never starts on a backend
// nobody named, nor fails with tfjs's "No backend found in registry".
import { ensureBackend, listBackends } from '@llmkit/core';

/**
 * Activates a backend if none is, and prints which (once per choice) unless `announce` is false.
 * @throws BackendError (from core) naming the package to install and import when none is available.
 */
export async function firstUseBackend(announce: boolean): Promise<void> {
  // Imported from here, not by core, so that the trainer's own dependency is the one found.
  if (listBackends().length === 0) await import('@llmkit/backend-wasm').catch(() => undefined);
  const { backend, chosen } = await ensureBackend();
  if (!chosen || !announce) return;
  console.info(
    `@llmkit/trainer: no backend chosen with useBackend(); training on '${backend.name}' (${backend.describe().device}). ` +
      `\`await useBackend('${backend.name}')\` before building the model chooses it explicitly.`,
  );
}
