// The trainer's default backend: when the user chose none with useBackend, the first step picks
// one (core's ensureBackend: the one tfjs already runs, else the best installed, wasm being the
// trainer's own dependency) and says so once, so training never starts on a backend nobody named.
import { ensureBackend } from '@llmkit/core';

/**
 * Activates a backend if none is, and prints which (once per choice) unless `announce` is false.
 * @throws BackendError (from core) naming the package to install and import when none is available.
 */
export async function firstUseBackend(announce: boolean): Promise<void> {
  const { backend, chosen } = await ensureBackend();
  if (!chosen || !announce) return;
  const device = backend.describe().device;
  console.info(`@llmkit/trainer: no backend chosen with useBackend(); training on '${backend.name}' (${device}). Choose one with \`await useBackend('${backend.name}')\` to silence this.`);
}
