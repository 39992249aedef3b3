// The browser demo page, run for real: headless Chromium (playwright-core) opens apps/demo/web and
// trains the tiny model on wasm through the page's controls; the loss chart, the streamed sample and
// the attention heat-map must show on their canvases; a second run is interrupted by reloading the
// tab and resumed from its OPFS checkpoint with the uninterrupted run's losses; the checkpoint is
// downloaded (a tar of the folder Node's trainer reads) and loaded back from the file; webgpu
// (SwiftShader where there is no GPU) and cpu start from the same first loss. Screenshots go to
// $LLMKIT_ARTIFACTS/browser-demo or apps/demo/test-artifacts/browser-demo. Without Chromium the test
// fails in CI and is skipped elsewhere (apt-get install -y chromium).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { readTrainerState } from '@llmkit/trainer';
import { serve } from '../web/serve.mjs';
import { unpackTar } from '../web/tar.js';

const CHROMIUM = process.env.LLMKIT_CHROMIUM ?? '/usr/bin/chromium';
// --enable-unsafe-webgpu: without it Linux Chromium exposes navigator.gpu but no adapter (DEVELOPERS.md).
const ARGS = ['--enable-unsafe-webgpu', '--ignore-gpu-blocklist'];
const ARTIFACTS = join(process.env.LLMKIT_ARTIFACTS ?? fileURLToPath(new URL('../test-artifacts', import.meta.url)), 'browser-demo');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) console.warn(`browser demo test skipped: no ${CHROMIUM} (apt-get install -y chromium)`);

const STEPS = 24;
// The page prints losses with 6 decimals; a resumed run on the same backend computes the same float32
// numbers as the uninterrupted one, so they must agree to the printed precision.
const RESUME_TOLERANCE = 1e-6;

describe.skipIf(!haveChromium && !process.env.CI)('browser demo page (headless Chromium)', () => {
  let server;
  let browser;
  let page;
  const problems = [];
  /** The uninterrupted wasm run's loss after each step. */
  let uninterrupted;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI must run the browser demo, but ${CHROMIUM} is missing (apt-get install -y chromium)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await serve(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
    // A fresh context: its OPFS starts empty.
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    await open();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open() {
    await page.goto(`${server.url}?sample=40`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
  }

  const idle = (timeout = 280_000) => page.waitForFunction(() => !document.getElementById('train').disabled, null, { timeout, polling: 200 });

  /** Starts a new run of the tiny model through the page's controls. */
  async function start(backend, steps, saveEvery = 4) {
    await page.selectOption('#backend', backend);
    await page.selectOption('#size', 'tiny');
    await page.fill('#steps', String(steps));
    await page.fill('#save-every', String(saveEvery));
    await page.click('#train');
  }

  const log = () => page.textContent('#log');

  /** step -> loss, from the log's step lines. */
  function losses(text, label = 'loss') {
    return new Map([...text.matchAll(new RegExp(`step (\\d+)/\\d+  ${label} (\\d+\\.\\d+)`, 'g'))].map((m) => [Number(m[1]), Number(m[2])]));
  }

  /** Pixels of a canvas within 40 (per channel sum) of `rgb`, and its distinct colours. */
  function pixels(selector, rgb) {
    return page.evaluate(
      ([sel, [r, g, b]]) => {
        const canvas = document.querySelector(sel);
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let near = 0;
        const colours = new Set();
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0) continue;
          colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
          if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40) near++;
        }
        return { near, colours: colours.size };
      },
      [selector, rgb],
    );
  }

  /** Counts the changes of the sample's text, to see it stream rather than appear at once. */
  const watchSample = () =>
    page.evaluate(() => {
      window.sampleChanges = 0;
      new MutationObserver(() => window.sampleChanges++).observe(document.getElementById('sample'), { childList: true, characterData: true, subtree: true });
    });

  it('trains on wasm: falling losses on the chart with validation points, tokens/s, a streamed sample, an attention heat-map', async () => {
    await watchSample();
    await start('wasm', STEPS);
    await idle();
    const text = await log();
    expect(text).not.toMatch(/error:/);
    expect(text).toMatch(/^backend wasm: CPU \(WebAssembly/);
    uninterrupted = losses(text);
    expect([...uninterrupted.keys()]).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(uninterrupted.get(STEPS)).toBeLessThan(uninterrupted.get(1) - 0.5);
    const validation = losses(text, 'val loss');
    expect(validation.size).toBe(STEPS / 3); // every steps / 8 = 3 steps
    expect(Number((await page.textContent('#stat-speed')).replace(/,/g, ''))).toBeGreaterThan(0);
    // The chart: the train line in its colour and the validation points in theirs (uPlot's canvas).
    expect((await pixels('#chart canvas', [37, 99, 235])).near).toBeGreaterThan(100);
    expect((await pixels('#chart canvas', [234, 88, 12])).near).toBeGreaterThan(100);
    const sample = await page.textContent('#sample');
    expect(sample.startsWith('ROMEO:')).toBe(true);
    expect(sample.length).toBeGreaterThanOrEqual('ROMEO:'.length + 20);
    expect(await page.evaluate(() => window.sampleChanges)).toBeGreaterThanOrEqual(10);
    // The heat-map: a lower triangle of shades (a causal head's weights), not a blank canvas.
    const heat = await pixels('#heatmap', [255, 255, 255]);
    expect(heat.colours).toBeGreaterThan(20);
    expect(await page.locator('#layer option').count()).toBe(2);
    expect(await page.locator('#head option').count()).toBe(4);
    await page.selectOption('#layer', '1');
    await page.selectOption('#head', '3');
    await page.screenshot({ path: join(ARTIFACTS, 'trained-wasm.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('a run whose tab is reloaded resumes from its OPFS checkpoint with the losses of the uninterrupted run', async () => {
    await start('wasm', STEPS);
    // Close the tab's page as soon as a checkpoint is saved, mid-run.
    await page.waitForFunction(() => /checkpoint step \d+ saved/.test(document.getElementById('log').textContent), null, { timeout: 120_000, polling: 'raf' });
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    const info = await page.textContent('#resume-info');
    const saved = Number(/step (\d+) of 24/.exec(info)?.[1]);
    expect(info).toMatch(/^Saved in OPFS: step \d+ of 24 \(tiny model on wasm\)/);
    expect(saved).toBeLessThan(STEPS);
    await page.click('#resume');
    await idle();
    const text = await log();
    expect(text).toMatch(new RegExp(`resuming OPFS checkpoint at step ${saved}`));
    const resumed = losses(text);
    expect(resumed.size).toBe(STEPS - saved);
    for (const [step, loss] of resumed) expect(Math.abs(loss - uninterrupted.get(step)), `step ${step}`).toBeLessThanOrEqual(RESUME_TOLERANCE);
    expect((await pixels('#chart canvas', [37, 99, 235])).near).toBeGreaterThan(100);
    await page.screenshot({ path: join(ARTIFACTS, 'resumed-wasm.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('downloads the checkpoint as a tar of the folder Node reads, and loads it back from the file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe(`llmkit-demo-step-0000${STEPS}.tar`);
    const dir = mkdtempSync(join(tmpdir(), 'browser-checkpoint-'));
    const files = unpackTar(new Uint8Array(readFileSync(file)), file);
    for (const [path, bytes] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }
    const folder = `step-0000${STEPS}`;
    expect(files.map(([p]) => p).sort()).toEqual(['latest', ...['config.json', 'model.safetensors', 'optimizer.json', 'optimizer.safetensors', 'tokenizer.json', 'trainer.json'].map((f) => `${folder}/${f}`)]);
    const { state } = await readTrainerState(dir); // Node's own reader, through `latest`
    expect(state.step).toBe(STEPS);
    expect(JSON.parse(readFileSync(join(dir, folder, 'config.json'), 'utf8'))).toMatchObject({ model_type: 'gpt2', n_layer: 2, n_head: 4, n_embd: 64 });

    await page.setInputFiles('#upload', file);
    await idle();
    const text = await log();
    expect(text).toMatch(new RegExp(`resuming '${download.suggestedFilename()}' at step ${STEPS}`));
    expect(text).toMatch(/stopped \(max steps\) at step 24/);
    expect((await page.textContent('#sample')).length).toBeGreaterThanOrEqual(20);

    // A file that is no checkpoint: a CheckpointError naming it, in the page's log.
    await page.setInputFiles('#upload', { name: 'notes.tar', mimeType: 'application/x-tar', buffer: Buffer.from('not a tar file') });
    await idle();
    expect(await log()).toMatch(/^error: CheckpointError: 'notes\.tar': not a tar file/m);
    expect(problems).toEqual([]);
  });

  it('a tab closed in the middle of a save leaves the previous checkpoint whole in OPFS, never a part of the new one', async () => {
    const A = 1 << 20;
    const B = 96 << 20;
    // As strings: vitest rewrites import() in functions it compiles, and these run in the page.
    const openStore = "const { openCheckpointStore } = await import('./checkpoint-store.js'); const store = await openCheckpointStore('opfs');";
    await page.evaluate(`(async () => {
      ${openStore}
      await store.save('step-000001', new Uint8Array(${A}).fill(1));
      window.savedB = false;
      store.save('step-000002', new Uint8Array(${B}).fill(2)).then(() => (window.savedB = true));
    })()`);
    const interrupted = !(await page.evaluate(() => window.savedB));
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    const found = await page.evaluate(`(async () => {
      ${openStore}
      const { name, bytes } = await store.load();
      const whole = bytes.every((x) => x === bytes[0]);
      await store.clear();
      return { name, length: bytes.length, first: bytes[0], whole };
    })()`);
    expect(interrupted).toBe(true); // else this run tested nothing
    expect(found.whole).toBe(true);
    expect([`${found.first}:${found.length}`]).toContain(found.first === 1 ? `1:${A}` : `2:${B}`);
    expect(found.name).toMatch(found.first === 1 ? /^step-000001-/ : /^step-000002-/);
  });

  it('where OPFS is missing, IndexedDB keeps the checkpoint: a finished run is offered after a reload and loads', async () => {
    await page.goto(`${server.url}?sample=20&store=indexeddb`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    await start('wasm', 3, 2);
    await idle();
    expect(await log()).toMatch(/checkpoint step 2 saved \(IndexedDB, [\d.]+ MB\)\n(.*\n)*checkpoint step 3 saved \(IndexedDB/);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    expect(await page.textContent('#resume-info')).toMatch(/^Saved in IndexedDB: step 3 of 3 \(tiny model on wasm\)/);
    await page.click('#resume');
    await idle();
    const text = await log();
    expect(text).toMatch(/resuming IndexedDB checkpoint at step 3\n/);
    expect(text).toMatch(/stopped \(max steps\) at step 3/);
    expect(problems).toEqual([]);
  });

  /** One step on `backend` in the same page: the seed fixes the model and the batch, so the first loss is wasm's. */
  async function firstStepOn(backend) {
    await start(backend, 1);
    await idle(580_000);
    const text = await log();
    expect(text).not.toMatch(/error:/);
    // Computed before any update, so the schedule (which depends on the step count) plays no part.
    expect(Math.abs(losses(text).get(1) - uninterrupted.get(1))).toBeLessThan(1e-4);
    expect((await page.textContent('#sample')).length).toBeGreaterThanOrEqual('ROMEO:'.length + 8);
    expect((await pixels('#heatmap', [255, 255, 255])).colours).toBeGreaterThan(20);
    await page.screenshot({ path: join(ARTIFACTS, `trained-${backend}.png`), fullPage: true });
    expect(problems).toEqual([]);
    return text;
  }

  it('the same page trains on cpu by switching the backend: the same first loss as wasm', async () => {
    expect(await firstStepOn('cpu')).toMatch(/^backend cpu: .*pure JavaScript/);
  });

  // On SwiftShader (no GPU) the first step compiles every shader: minutes on a loaded machine. The
  // sample is cut to 8 characters, as each generated position compiles shaders of a new shape.
  it('the same page trains on webgpu by switching the backend: the same first loss as wasm', async () => {
    await page.goto(`${server.url}?sample=8`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    expect(await firstStepOn('webgpu')).toMatch(/^backend webgpu: .*\(WebGPU via navigator\.gpu\)/);
  }, 600_000);
});
