// The Node side of the browser run: builds the bundle into a temporary folder, serves it on
// 127.0.0.1 (localhost is a secure context, which WebGPU requires), launches headless Chromium
// through playwright-core with WebGPU enabled, and collects the events entry.ts sends. Never
// throws: whatever goes wrong (no Chromium, a crash, a timeout) comes back in `error`, with the
// results that arrived before it. The browser, the server and the folder are always cleaned up.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildBrowserBundle, FIXTURE_DIR } from './build.js';
import { EVENT_BINDING, type BrowserEnv, type BrowserEvent, type FinalState, type TestResult } from './protocol.js';

export const CHROMIUM = process.env.LLMKIT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags that give headless Chromium a WebGPU adapter without a GPU: `--enable-unsafe-webgpu` lets
 * WebGPU run on Linux and on SwiftShader (Chromium's software Vulkan, which it then picks by
 * itself); without it requestAdapter() returns null ("No available adapters"). playwright-core
 * adds `--no-sandbox` (chromiumSandbox defaults to false) and `--headless` (the new headless).
 * LLMKIT_CHROMIUM_ARGS (space-separated) replaces them.
 */
export const CHROMIUM_ARGS = process.env.LLMKIT_CHROMIUM_ARGS?.split(/\s+/).filter(Boolean) ?? ['--enable-unsafe-webgpu', '--ignore-gpu-blocklist'];

export interface BrowserRunOptions {
  /** fast-check runs per property in the page. */
  numRuns: number;
  /** Kill the run after this long. */
  timeoutMs: number;
  /** Per async test timeout inside the page. */
  testTimeoutMs?: number;
  /** Also run the suite on 'webgpu-unfused' (core's composite defaults). */
  unfused?: boolean;
  /** Progress (each result as it arrives), for a human watching. */
  log?: (line: string) => void;
}

export interface BrowserRun {
  env: BrowserEnv | null;
  results: TestResult[];
  /** Tests registered in the page. */
  collected: number | null;
  /** The test running when the run stopped early, if any. */
  running: string[] | null;
  /** Set when the run did not finish normally: no Chromium, a build error, a crash, a timeout. */
  error: string | null;
  /** Uncaught errors in the page. */
  pageErrors: string[];
  /** Console errors and warnings of the page, in order. */
  console: string[];
  /** tfjs's backend and WEBGPU_CPU_FORWARD after the suite ran. */
  final: FinalState | null;
  timings: { buildMs: number; launchMs: number; runMs: number; totalMs: number; bundleBytes: number };
  chromiumVersion: string | null;
}

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.map': 'application/json' };

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    // The bundle and page from `dir`; fixtures/ops too, for code that fetches them next to the bundle.
    const file = path.startsWith('/fixtures/ops/')
      ? join(FIXTURE_DIR, path.slice('/fixtures/ops/'.length))
      : join(dir, path === '/' ? 'index.html' : path);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path.includes('..') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}

export async function runConformanceInChromium(options: BrowserRunOptions): Promise<BrowserRun> {
  const log = options.log ?? (() => {});
  const t0 = Date.now();
  const run: BrowserRun = {
    env: null,
    results: [],
    collected: null,
    running: null,
    error: null,
    pageErrors: [],
    console: [],
    final: null,
    timings: { buildMs: 0, launchMs: 0, runMs: 0, totalMs: 0, bundleBytes: 0 },
    chromiumVersion: null,
  };
  const dir = mkdtempSync(join(tmpdir(), 'llmkit-webgpu-browser-'));
  let server: Server | undefined;
  let browser: Browser | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tRun = 0;
  try {
    const built = await buildBrowserBundle(dir);
    run.timings.bundleBytes = built.bytes;
    run.timings.buildMs = Date.now() - t0;
    const served = await serve(dir);
    server = served.server;

    const { chromium } = await import('playwright-core');
    const tLaunch = Date.now();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    run.chromiumVersion = browser.version();
    const page = await browser.newPage();
    run.timings.launchMs = Date.now() - tLaunch;

    tRun = Date.now();
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the browser run timed out after ${Math.round(options.timeoutMs / 1000)} s (${run.results.length} test(s) finished)`)),
        options.timeoutMs - (Date.now() - t0),
      );
      page.on('pageerror', (err) => {
        run.pageErrors.push(err.stack ?? err.message);
        // Before the page reported, an uncaught error means the bundle failed to load: stop now.
        if (!run.env) reject(new Error(`the page failed to start: ${err.stack ?? err.message}`));
      });
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') run.console.push(`console.${msg.type()}: ${msg.text()}`);
      });
      page.on('crash', () => reject(new Error('the page crashed (renderer process gone)')));
      browser!.on('disconnected', () => reject(new Error('Chromium exited (disconnected)')));
      void page
        .exposeBinding(EVENT_BINDING, (_source, json: string) => {
          const event = JSON.parse(json) as BrowserEvent;
          switch (event.type) {
            case 'env':
              run.env = event.env;
              log(`env: ${JSON.stringify(event.env)}`);
              break;
            case 'collected':
              run.collected = event.count;
              log(`${event.count} tests registered`);
              break;
            case 'start':
              run.running = event.path;
              break;
            case 'result':
              run.running = null;
              run.results.push(event.result);
              log(`${event.result.status} ${(event.result.durationMs / 1000).toFixed(1)}s ${event.result.path.join(' > ')}`);
              break;
            case 'done':
              run.final = event.final ?? null;
              resolve();
              break;
            case 'fatal':
              reject(new Error(`the page failed: ${event.error}`));
              break;
          }
        })
        .then(() => page.goto(`${served.url}?numRuns=${options.numRuns}&testTimeoutMs=${options.testTimeoutMs ?? 120_000}${options.unfused ? '&unfused=1' : ''}`))
        .catch(reject);
    });
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
    if (tRun) run.timings.runMs = Date.now() - tRun;
    await browser?.close().catch(() => {});
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
    run.timings.totalMs = Date.now() - t0;
  }
  return run;
}
