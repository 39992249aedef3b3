// Multi-threaded tfjs-backend-wasm in Node.
//
// tfjs-backend-wasm 4.22 ships a threaded SIMD build (pthreads = Emscripten workers, which in Node
// are worker_threads) but never uses it in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag returns
// false when IS_NODE, and forcing the flag true fails because tfjs's init() hands Emscripten
// browser-only objects — the pthread worker script as a `blob:` object URL (Node's Worker only
// takes file paths, file: or data: URLs: ERR_WORKER_PATH) and the main script as a Blob (the
// Node branch of the worker script can only importScripts() a file path).
//
// So here llmkit instantiates the threaded build itself, through the Emscripten factory that
// tfjs ships in wasm-out/, with what Node needs, and wraps it in tfjs's own BackendWasm:
//  - the pthread worker is tfjs's worker script (it has a Node branch), from a data: URL;
//  - the main script the workers load is the factory's file path;
//  - the wasm caps XNNPACK's pool at emscripten_num_logical_cores() / 2 (it assumes two
//    hyper-threads per core), so that import reports 2 x the threads asked for;
//  - Emscripten pre-spawns 8 workers (PTHREAD_POOL_SIZE) but XNNPACK takes threads - 1 of them
//    (the calling thread is the pool's first): the others get an inert stand-in, which saves
//    ~1 s of start-up on 2 cores;
//  - Emscripten ref()s a worker while it runs a pthread, and XNNPACK's pool threads never end,
//    so they are unref()'d: a script exits by itself when it is done;
//  - the process-wide uncaughtException/unhandledRejection listeners the factory adds are removed.
// Everything that can fail throws, and the caller falls back to tfjs's single-threaded build.
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { importBuiltin } from '@llmkit/core';
import { recordingPrinter } from './wasm-print.js';

/** tfjs's wasm caps XNNPACK's pool at 8 threads, and Emscripten pre-spawns 8 pthread workers. */
export const MAX_WASM_THREADS = 8;
const PTHREAD_POOL_SIZE = 8;
const INIT_TIMEOUT_MS = 60_000;

interface PthreadWorker {
  unref(): void;
  terminate(): unknown;
  onerror?: (e: unknown) => void;
}
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): unknown;
  PThread: { unusedWorkers: PthreadWorker[]; runningWorkers: PthreadWorker[]; terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}
type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;
type WasmImports = { env: Record<string, unknown> };

/** Core's `import()` that bundlers cannot see (this package's modules import it from here). */
export { importBuiltin };

/** Where tfjs-backend-wasm's threaded build lives, resolved from this module. */
async function threadedFiles() {
  const { createRequire } = await importBuiltin<typeof import('node:module')>('node:module');
  const { dirname, join } = await importBuiltin<typeof import('node:path')>('node:path');
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const { version } = require(pkgJson) as { version: string };
  if (version !== tfWasm.version_wasm) {
    throw new Error(`@tensorflow/tfjs-backend-wasm resolves to ${version} from here but ${tfWasm.version_wasm} is loaded`);
  }
  const dir = dirname(pkgJson);
  const gluePath = join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  return {
    require,
    gluePath,
    workerModulePath: join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'),
    wasmPath: join(dir, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm'),
  };
}

/**
 * Instantiates tfjs-backend-wasm's threaded SIMD build with an XNNPACK pool of `threads` threads
 * (2..8) and returns tfjs's BackendWasm on it. Node only.
 */
export async function createThreadedBackend(threads: number): Promise<tfWasm.BackendWasm> {
  if (!Number.isInteger(threads) || threads < 2 || threads > MAX_WASM_THREADS) {
    throw new Error(`threads must be an integer in 2..${MAX_WASM_THREADS}, got ${threads}`);
  }
  const { Worker } = await importBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
  const { readFile } = await importBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  const { pathToFileURL } = await importBuiltin<typeof import('node:url')>('node:url');
  const files = await threadedFiles();
  const factory = files.require(files.gluePath) as Factory;
  const { wasmWorkerContents } = files.require(files.workerModulePath) as { wasmWorkerContents: string };
  // The worker runs as an ES module from a data: URL, whatever the parent's flags (an `eval: true`
  // worker inherits --input-type=module and then has no `require`); its Node branch needs
  // `require` and `__filename`. As tfjs does before making its Blob, the literal "\n" inside one
  // of its strings is escaped.
  const workerPrelude =
    `import { createRequire } from 'node:module';` +
    `const require = createRequire(${JSON.stringify(pathToFileURL(files.gluePath).href)});` +
    `const __filename = ${JSON.stringify(files.gluePath)};`;
  const workerUrl = new URL(
    'data:text/javascript,' + encodeURIComponent(workerPrelude + wasmWorkerContents.replace(/\n/g, '\\n')),
  );
  const wasmBinary = await readFile(files.wasmPath);

  let failInit: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (failInit = reject));
  failed.catch(() => {});
  const realWorkers: InstanceType<typeof Worker>[] = [];
  const emscriptenOnerror = new Map<PthreadWorker, PthreadWorker['onerror']>();

  /** A pthread worker running tfjs's worker script. */
  class PthreadWorkerThread extends Worker {
    constructor() {
      super(workerUrl);
      realWorkers.push(this);
      // Until Emscripten attaches its handlers (after the wasm is instantiated), fail the init.
      this.on('error', (e) => failInit(e));
    }
  }
  /** Stands in for the pool workers XNNPACK never takes: answers 'load' and does nothing else. */
  class InertWorker {
    private readonly handlers: Record<string, (data: unknown) => void> = {};
    on(event: string, fn: (data: unknown) => void) {
      this.handlers[event] = fn;
      return this;
    }
    postMessage(msg: { cmd?: string }) {
      if (msg?.cmd === 'load') setImmediate(() => this.handlers.message?.({ cmd: 'loaded' }));
    }
    ref() {}
    unref() {}
    terminate() {
      return Promise.resolve(0);
    }
  }

  const g = globalThis as { Worker?: unknown };
  const hadWorker = Object.prototype.hasOwnProperty.call(g, 'Worker');
  const previousWorker = g.Worker;
  const listenersBefore = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  let poolIndex = 0;
  let patchedImports = 0;
  let module: ThreadedModule | undefined;
  let ready: Promise<ThreadedModule>;
  try {
    ready = factory({
      mainScriptUrlOrBlob: files.gluePath,
      locateFile(path: string, prefix: string) {
        if (path.endsWith('.worker.js')) {
          // Called right before each `new Worker(...)` of the pool (Emscripten's getNewWorker pops
          // from the end, so the real workers go last). Worker is looked up on globalThis.
          g.Worker = poolIndex++ < PTHREAD_POOL_SIZE - (threads - 1) ? InertWorker : PthreadWorkerThread;
          return path;
        }
        return prefix + path;
      },
      instantiateWasm(imports: WasmImports, receiveInstance: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        for (const [name, fn] of Object.entries(imports.env)) {
          if (typeof fn === 'function' && fn.name === '_emscripten_num_logical_cores') {
            imports.env[name] = () => 2 * threads;
            patchedImports++;
          }
        }
        if (patchedImports !== 1) throw new Error('emscripten_num_logical_cores import not found in the threaded build');
        WebAssembly.instantiate(wasmBinary, imports as unknown as WebAssembly.Imports)
          .then(({ instance, module: m }) => {
            receiveInstance(instance, m); // posts 'load' to the pool and sets each worker's onerror
            // Emscripten's onerror rethrows, which would crash the process: fail the init instead.
            for (const w of realWorkers) {
              const pw = w as unknown as PthreadWorker;
              emscriptenOnerror.set(pw, pw.onerror);
              pw.onerror = failInit;
            }
          })
          .catch((e: unknown) => failInit(e));
        return {};
      },
      onAbort: (what: unknown) => failInit(new Error(`threaded wasm aborted: ${String(what)}`)),
      // XNNPACK reports failures by printing them; heap-guard.ts turns them into errors.
      print: recordingPrinter((line) => console.log(line)),
      printErr: recordingPrinter((line) => console.warn(line)),
    });
  } finally {
    // The pool is spawned synchronously inside the factory call; put globalThis back as it was.
    if (hadWorker) g.Worker = previousWorker;
    else delete g.Worker;
    const emitter = process as NodeJS.EventEmitter;
    for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
      for (const l of emitter.listeners(event)) {
        if (!(listenersBefore[event] as unknown[]).includes(l)) emitter.removeListener(event, l as (...args: unknown[]) => void);
      }
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`threaded wasm did not start in ${INIT_TIMEOUT_MS / 1000} s`)), INIT_TIMEOUT_MS);
      timer.unref?.();
    });
    module = await Promise.race([ready, failed, timeout]);
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    tfWasm.setThreadsCount(threads);
    // The constructor creates XNNPACK's pthreadpool (pthread_create on the pool's workers).
    const backend = new tfWasm.BackendWasm(module as unknown as ConstructorParameters<typeof tfWasm.BackendWasm>[0]);
    const got = tfWasm.getThreadsCount();
    const running = module.PThread.runningWorkers;
    if (got !== threads || running.length !== threads - 1 || !running.every((w) => w instanceof PthreadWorkerThread)) {
      throw new Error(`threaded wasm started ${got} threads on ${running.length} workers, wanted ${threads}`);
    }
    // From here a crashed pthread would leave the caller waiting on it forever: let Emscripten's
    // handler rethrow, as it would without llmkit.
    for (const [w, onerror] of emscriptenOnerror) w.onerror = onerror;
    for (const w of running) w.unref();
    for (const w of module.PThread.unusedWorkers) void w.terminate();
    module.PThread.unusedWorkers = [];
    return backend;
  } catch (e) {
    if (module) module.PThread.terminateAllThreads();
    for (const w of realWorkers) void w.terminate();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
