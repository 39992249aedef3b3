// The browser side of browser.test.ts: bundled by build.ts (with 'vitest' aliased to
// vitest-shim.ts and the fixtures embedded), loaded by a headless Chromium. It checks that
// navigator.gpu gives an adapter, registers the shared conformance suite on 'webgpu' (with
// WEBGPU_CPU_FORWARD=false, like the Node run), runs it test by test and sends each result to the
// Node side through the binding `window.__llmkitEvent` (see protocol.ts).
//
// Query parameters: numRuns (fast-check runs per property), testTimeoutMs, unfused=1 (also run
// the suite on core's composite defaults, 'webgpu-unfused').
import { createWebGpuBackend } from '@llmkit/backend-webgpu';
import { getBackend, tf } from '@llmkit/core';
import { runConformance } from '@llmkit/testkit';
import { EVENT_BINDING, type BrowserEnv, type BrowserEvent } from './protocol.js';
import { collectedCount, runCollected } from './vitest-shim.js';

type Send = (json: string) => Promise<void>;

function send(event: BrowserEvent): Promise<void> {
  const binding = (window as unknown as Record<string, Send | undefined>)[EVENT_BINDING];
  const json = JSON.stringify(event);
  if (binding) return binding(json);
  console.log(`[llmkit-event] ${json}`);
  return Promise.resolve();
}

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

async function probe(): Promise<BrowserEnv> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  const env: BrowserEnv = { userAgent: navigator.userAgent, secureContext: isSecureContext, gpu: !!gpu, adapter: null };
  if (!gpu) return env;
  const adapter = await gpu.requestAdapter();
  if (adapter) {
    const i = adapter.info ?? {};
    env.adapter = { vendor: i.vendor ?? '', architecture: i.architecture ?? '', device: i.device ?? '', description: i.description ?? '' };
  }
  return env;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const params = new URLSearchParams(location.search);
  const numRuns = Number(params.get('numRuns') ?? 25);
  const testTimeoutMs = Number(params.get('testTimeoutMs') ?? 120_000);

  const env = await probe();
  if (!env.gpu || !env.adapter) {
    await send({ type: 'env', env });
    await send({ type: 'done', durationMs: performance.now() - t0 });
    return;
  }
  // Initialise the backend once up front, so that env names the device tfjs will use.
  const webgpu = getBackend('webgpu');
  if (webgpu) {
    await webgpu.init();
    env.backend = webgpu.describe().device;
  }
  await send({ type: 'env', env });

  // Without this tfjs-webgpu runs ops whose inputs are small on the CPU (tfjs-cpu's kernels).
  const setup = () => {
    tf.env().set('WEBGPU_CPU_FORWARD', false);
  };
  runConformance('webgpu', { numRuns, setup });
  if (params.get('unfused') === '1') {
    runConformance(createWebGpuBackend({ name: 'webgpu-unfused', fused: false }), { numRuns, setup });
  }
  await send({ type: 'collected', count: await collectedCount() });
  await runCollected({
    testTimeoutMs,
    hookTimeoutMs: testTimeoutMs,
    onStart: (path) => void send({ type: 'start', path }),
    onResult: (result) => send({ type: 'result', result }),
  });
  const final = { tfBackend: tf.getBackend(), webgpuCpuForward: tf.env().get('WEBGPU_CPU_FORWARD') };
  await send({ type: 'done', durationMs: performance.now() - t0, final });
}

main().catch((err: unknown) => {
  void send({ type: 'fatal', error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) });
});
