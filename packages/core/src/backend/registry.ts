// The backend registry: `registerBackend` (called by backend packages on import), `useBackend`
// (one line in user code to switch), `currentBackend`; `ensureBackend` (a library's first use picks
// one when the user did not) and `requireBackend` (llmkit's error instead of tfjs's when none is ready).
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';
import type { Backend } from './backend.js';
import { installKernelOverrides } from '../ops/composite.js';

/** Packages that provide the well-known backends, for error messages and lazy loading. */
const KNOWN_PACKAGES: Readonly<Record<string, string>> = {
  wasm: '@llmkit/backend-wasm',
  cpu: '@llmkit/backend-cpu',
  webgpu: '@llmkit/backend-webgpu',
  cuda: '@llmkit/backend-cuda',
};

/** What `useBackend()` imports, in this order, when no backend is registered: the CPU backends that need no device. */
const DEFAULT_PACKAGES = ['wasm', 'cpu'] as const;

// The registry lives on globalThis so that two copies of @llmkit/core share it, as they share tfjs's engine.
interface RegistryState {
  backends: Map<string, Backend>;
  initialized: Map<string, Promise<void>>;
  current: Backend | null;
}
const REGISTRY_KEY = Symbol.for('llmkit.backendRegistry');
function state(): RegistryState {
  const g = globalThis as Record<symbol, RegistryState | undefined>;
  return (g[REGISTRY_KEY] ??= { backends: new Map(), initialized: new Map(), current: null });
}

/** Adds a backend to the registry (backend packages call this when imported). Re-registering a name replaces it. */
export function registerBackend(backend: Backend): void {
  if (!backend.name || !backend.tfjsBackend) {
    throw new BackendError(`registerBackend: a backend needs a name and a tfjsBackend; got name=${JSON.stringify(backend.name)}, tfjsBackend=${JSON.stringify(backend.tfjsBackend)}`);
  }
  state().backends.set(backend.name, backend);
}

/** Names of the registered backends, highest priority first. */
export function listBackends(): string[] {
  return [...state().backends.values()].sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0)).map((b) => b.name);
}

/** Looks a backend up by name without activating it. */
export function getBackend(name: string): Backend | undefined {
  return state().backends.get(name);
}

async function importBackendPackage(name: string): Promise<boolean> {
  const pkg = KNOWN_PACKAGES[name];
  if (!pkg) return false;
  try {
    // A variable specifier keeps bundlers from trying to resolve backends that are not installed.
    await import(/* @vite-ignore */ pkg);
    return state().backends.has(name);
  } catch {
    return false;
  }
}

function unknownBackendError(name: string): BackendError {
  const registered = listBackends();
  const pkg = KNOWN_PACKAGES[name];
  const hint = pkg
    ? `Install it with \`npm i ${pkg}\` and import it once (\`import '${pkg}'\`).`
    : `Known backends come from ${Object.values(KNOWN_PACKAGES).join(', ')}.`;
  return new BackendError(
    `Unknown backend '${name}'. Registered backends: ${registered.length ? registered.join(', ') : '(none)'}. ${hint}`,
  );
}

/**
 * Activates a backend: initialises it once, registers its fused kernels and makes it tfjs's
 * current backend. Accepts a registered name or a `Backend` object (which is registered first).
 * With no argument, picks the registered backend with the highest priority (when none is
 * registered, it imports the first installed of @llmkit/backend-wasm and @llmkit/backend-cpu).
 *
 * ```ts
 * import '@llmkit/backend-wasm';
 * import { useBackend } from '@llmkit/core';
 * await useBackend('wasm');   // swap backends by changing this line
 * ```
 */
export async function useBackend(backendOrName?: Backend | string): Promise<Backend> {
  const s = state();
  let backend: Backend | undefined;
  if (backendOrName === undefined) {
    // Nothing imported yet: take the first installed default (wasm, a dependency of @llmkit/trainer).
    for (const name of DEFAULT_PACKAGES) if (listBackends().length === 0) await importBackendPackage(name);
    const best = listBackends()[0];
    if (best === undefined) throw unknownBackendError('wasm');
    backend = s.backends.get(best);
  } else if (typeof backendOrName === 'string') {
    backend = s.backends.get(backendOrName);
    if (!backend && (await importBackendPackage(backendOrName))) backend = s.backends.get(backendOrName);
    if (!backend) throw unknownBackendError(backendOrName);
  } else {
    registerBackend(backendOrName);
    backend = backendOrName;
  }
  if (!backend) throw unknownBackendError(String(backendOrName));
  const chosen = backend;

  let ready = s.initialized.get(chosen.name);
  if (!ready) {
    ready = chosen.init().catch((cause: unknown) => {
      s.initialized.delete(chosen.name);
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new BackendError(`Backend '${chosen.name}' failed to initialise: ${why}`, { cause });
    });
    s.initialized.set(chosen.name, ready);
  }
  await ready;

  // tfjs throws for a name it has no factory for and returns false when the factory fails.
  const ok = tf.findBackendFactory(chosen.tfjsBackend) != null && (await tf.setBackend(chosen.tfjsBackend));
  if (!ok) {
    throw new BackendError(
      `Backend '${chosen.name}' could not activate TensorFlow.js backend '${chosen.tfjsBackend}'. ` +
        `TensorFlow.js has: ${Object.keys(tf.engine().registryFactory).join(', ') || '(none)'}.`,
    );
  }
  await tf.ready();
  installKernelOverrides(chosen.tfjsBackend, chosen.kernels ?? []);
  s.current = chosen;
  return chosen;
}

/** The backend last activated with `useBackend`. Throws if none was. */
export function currentBackend(): Backend {
  const s = state();
  if (!s.current) {
    throw new BackendError(
      `No llmkit backend is active. Call \`await useBackend()\` first (registered: ${listBackends().join(', ') || '(none)'}).`,
    );
  }
  if (s.current.tfjsBackend !== tf.getBackend()) {
    throw new BackendError(
      `TensorFlow.js was switched to '${tf.getBackend()}' behind llmkit's back (active llmkit backend: '${s.current.name}'). Switch with useBackend().`,
    );
  }
  return s.current;
}

/**
 * The active backend, or one activated now when none was chosen with `useBackend` (`chosen: true`,
 * for the caller to say so): the llmkit backend over the TensorFlow.js backend already running
 * (tfjs starts a synchronous one, such as cpu, by itself at the first tensor), else what
 * `useBackend()` picks. For libraries' first use (the trainer's first step).
 */
export async function ensureBackend(): Promise<{ backend: Backend; chosen: boolean }> {
  const s = state();
  if (s.current) return { backend: s.current, chosen: false };
  const running = tf.getBackend() as string | null;
  const over = running ? [...s.backends.values()].filter((b) => b.tfjsBackend === running).sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))[0] : undefined;
  return { backend: await useBackend(over?.name), chosen: true };
}

/**
 * Throws llmkit's BackendError, naming the fix, where TensorFlow.js would throw "No backend found
 * in registry" or "backend 'wasm' has not yet been initialized" (an async backend imported but not
 * awaited). Called before the first tensor of a model (core's initializers).
 */
export function requireBackend(where: string): void {
  try {
    tf.backend();
  } catch (cause) {
    const registered = listBackends();
    const what = registered.length > 0 ? `${registered.join(', ')} registered but not activated` : `none is installed or imported`;
    throw new BackendError(
      `${where}: no backend is active (${what}); call \`await useBackend()\` from '@llmkit/core' first (it picks the best installed; \`npm i @llmkit/backend-wasm\` if none is)`,
      { cause },
    );
  }
}
