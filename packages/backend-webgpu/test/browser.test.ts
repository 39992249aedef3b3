// The shared conformance suite on webgpu in a browser: headless Chromium (playwright-core) with
// WebGPU on SwiftShader where there is no GPU. browser/harness.ts bundles browser/entry.ts (testkit
// with 'vitest' aliased to a small shim, fixtures embedded), serves it on 127.0.0.1 and runs the
// suite in the page, during this file's collection; each browser test then becomes a test here.
//
// In CI (`CI` set) a missing Chromium, a missing navigator.gpu or a null adapter fails; on a
// developer's machine they skip the file with a warning. Environment: LLMKIT_CHROMIUM (default
// /usr/bin/chromium), LLMKIT_CHROMIUM_ARGS (replaces the WebGPU flags), LLMKIT_BROWSER_NUM_RUNS
// (fast-check runs per property, default 25), LLMKIT_BROWSER_TIMEOUT_MS (whole run, default
// 240000), LLMKIT_BROWSER_UNFUSED=1 (also run the suite on 'webgpu-unfused'),
// LLMKIT_BROWSER_VERBOSE=1 (print each result as it arrives).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, runConformanceInChromium } from './browser/harness.js';

const INSTALL_HINT = 'apt-get install -y chromium';
const CI = !!process.env.CI;
const NUM_RUNS = Number(process.env.LLMKIT_BROWSER_NUM_RUNS ?? 25);
const TIMEOUT_MS = Number(process.env.LLMKIT_BROWSER_TIMEOUT_MS ?? 240_000);
const SUITE = 'webgpu conformance in headless Chromium (playwright-core)';

function skipLocally(why: string): void {
  console.warn(`[backend-webgpu] skipping "${SUITE}": ${why}`);
  describe.skip(`${SUITE} (skipped: ${why})`, () => {
    it('runs the conformance suite on navigator.gpu', () => {});
  });
}

if (!existsSync(CHROMIUM)) {
  const why = `no Chromium at ${CHROMIUM} (install it: \`${INSTALL_HINT}\`, or set LLMKIT_CHROMIUM)`;
  if (CI) {
    describe(SUITE, () => {
      it('has Chromium (required in CI)', () => {
        throw new Error(`${why}. CI must run the browser suite.`);
      });
    });
  } else {
    skipLocally(why);
  }
} else {
  const run = await runConformanceInChromium({
    numRuns: NUM_RUNS,
    timeoutMs: TIMEOUT_MS,
    unfused: process.env.LLMKIT_BROWSER_UNFUSED === '1',
    ...(process.env.LLMKIT_BROWSER_VERBOSE ? { log: (line: string) => console.log(`[browser] ${line}`) } : {}),
  });
  const env = run.env;
  const adapter = env?.adapter ? [env.adapter.vendor, env.adapter.architecture, env.adapter.description].filter(Boolean).join(' ') : null;
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const r of run.results) counts[r.status]++;
  const t = run.timings;
  console.log(
    `[backend-webgpu] Chromium ${run.chromiumVersion ?? '?'} (${CHROMIUM} ${CHROMIUM_ARGS.join(' ')}), adapter: ${adapter ?? 'none'}; ` +
      `${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped of ${run.collected ?? '?'}; fast-check numRuns ${NUM_RUNS}; ` +
      `build ${(t.buildMs / 1000).toFixed(1)} s (${(t.bundleBytes / 1e6).toFixed(1)} MB), launch ${(t.launchMs / 1000).toFixed(1)} s, ` +
      `run ${(t.runMs / 1000).toFixed(1)} s, total ${(t.totalMs / 1000).toFixed(1)} s`,
  );
  if (run.console.length) console.warn(`[backend-webgpu] browser console:\n  ${run.console.join('\n  ')}`);

  const noGpu = !run.error && env && (!env.gpu || !env.adapter);
  if (noGpu && !CI) {
    skipLocally(env.gpu ? 'navigator.gpu.requestAdapter() returned null in Chromium' : 'navigator.gpu is undefined in Chromium');
  } else {
    const pageReported = () => {
      if (!env) throw new Error(`the browser run failed before the page reported: ${run.error ?? 'no report'}`);
    };
    describe(`${SUITE}: ${adapter ?? (env ? 'no adapter' : 'the page did not report')}`, () => {
      it('Chromium exposes navigator.gpu in a secure context', () => {
        pageReported();
        expect(env?.secureContext, 'isSecureContext').toBe(true);
        expect(env?.gpu, `navigator.gpu is undefined in Chromium ${run.chromiumVersion} with ${CHROMIUM_ARGS.join(' ')}`).toBe(true);
      });

      it('navigator.gpu.requestAdapter() returns an adapter', () => {
        pageReported();
        expect(env?.adapter, `requestAdapter() returned null in Chromium ${run.chromiumVersion} with ${CHROMIUM_ARGS.join(' ')}`).toBeTruthy();
      });

      it('the page ran the whole suite on webgpu with WEBGPU_CPU_FORWARD=false, without uncaught errors', () => {
        if (!run.error && !env?.adapter) throw new Error('the suite did not run: the page found no WebGPU adapter');
        if (run.error) {
          const running = run.running ? `; running: ${run.running.join(' > ')}` : '';
          throw new Error(`${run.error}${running}\n${run.pageErrors.join('\n')}`);
        }
        expect(run.pageErrors, 'uncaught errors in the page').toEqual([]);
        expect(run.results.length, 'results received vs tests registered').toBe(run.collected);
        expect(run.results.length, 'tests run').toBeGreaterThan(0);
        expect(run.final).toEqual({ tfBackend: 'webgpu', webgpuCpuForward: false });
      });

      for (const r of run.results) {
        const name = r.path.join(' > ');
        if (r.status === 'skip') {
          it.skip(`${name}${r.error && r.error !== 'it.skip' ? ` (${r.error})` : ''}`, () => {});
          continue;
        }
        it(name, () => {
          if (r.status === 'fail') throw new Error(`failed in Chromium: ${r.error ?? 'unknown error'}`);
        });
      }
    });
  }
}
