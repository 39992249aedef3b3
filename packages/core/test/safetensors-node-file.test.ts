import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SafetensorsError } from '../src/errors.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../src/safetensors/node-file.js';
import { serializeSafetensors } from '../src/safetensors/serialize.js';

// Pass-through, so that one test can make rename fail after the temporary file is fully written.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, default: actual, rename: vi.fn(actual.rename) };
});

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  dir = await fsp.mkdtemp(join(tmpdir(), 'llmkit-safetensors-'));
});

afterEach(async () => {
  vi.mocked(fsp.rename).mockClear();
  await fsp.rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    expect(SafetensorsError.isInstance(e), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('writeSafetensorsFile / readSafetensorsFile', () => {
  test('typed-array tensors and metadata round-trip through a file; no temporary file remains', async () => {
    const path = join(dir, 'model.safetensors');
    await writeSafetensorsFile(path, { w: { dtype: 'BF16', shape: [2], data: new Float32Array([1, -2]) } }, { step: '3' });
    const parsed = await readSafetensorsFile(path);
    expect(parsed.metadata).toEqual({ step: '3' });
    expect(Array.from(parsed.tensors.get('w')?.data ?? [])).toEqual([1, -2]);
    expect(await fsp.readdir(dir)).toEqual(['model.safetensors']);
  });

  test('tf.Tensors and already serialized bytes are written too', async () => {
    const a = tf.tensor1d([0.5, 2]);
    await writeSafetensorsFile(join(dir, 't.safetensors'), { a }, undefined, { floatDtype: 'F16' });
    const t = (await readSafetensorsFile(join(dir, 't.safetensors'))).tensors.get('a');
    expect(t?.dtype).toBe('F16');
    expect(Array.from(t?.data ?? [])).toEqual([0.5, 2]);
    a.dispose();

    const bytes = serializeSafetensors({ x: { shape: [1], data: new Int32Array([9]) } });
    await writeSafetensorsFile(join(dir, 'b.safetensors'), bytes);
    expect(new Uint8Array(await fsp.readFile(join(dir, 'b.safetensors')))).toEqual(bytes);
  });

  test('overwrites an existing file with the new content', async () => {
    const path = join(dir, 'm.safetensors');
    await fsp.writeFile(path, 'old');
    await writeSafetensorsFile(path, { x: { shape: [], data: new Float32Array([1]) } });
    expect(Array.from((await readSafetensorsFile(path)).tensors.get('x')?.data ?? [])).toEqual([1]);
    expect(await fsp.readdir(dir)).toEqual(['m.safetensors']);
  });

  test('writing into a missing directory fails naming the path and leaves nothing behind', async () => {
    const path = join(dir, 'missing', 'model.safetensors');
    const error = await rejection(writeSafetensorsFile(path, { x: { shape: [1], data: new Float32Array([1]) } }));
    expect(error.message).toContain(`cannot write '${path}'`);
    expect(error.message).toContain('ENOENT');
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  test('a failure after the temporary file is written (rename) removes it; the old file is untouched', async () => {
    const path = join(dir, 'model.safetensors');
    await fsp.writeFile(path, 'previous contents');
    vi.mocked(fsp.rename).mockRejectedValueOnce(Object.assign(new Error('EIO: simulated i/o error'), { code: 'EIO' }));
    const error = await rejection(writeSafetensorsFile(path, { x: { shape: [2], data: new Float32Array([1, 2]) } }));
    expect(error.message).toContain(`cannot write '${path}': EIO: simulated i/o error`);
    // The temporary file was complete when rename failed: it sat next to the target.
    const [from, to] = vi.mocked(fsp.rename).mock.calls[0] as [string, string];
    expect(from).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tmp-[0-9a-f]{12}$`));
    expect(to).toBe(path);
    expect(await fsp.readdir(dir)).toEqual(['model.safetensors']);
    expect(await fsp.readFile(path, 'utf8')).toBe('previous contents');
  });

  test('a real rename failure (target is a non-empty directory) removes the temporary file', async () => {
    const path = join(dir, 'model.safetensors');
    await fsp.mkdir(path);
    await fsp.writeFile(join(path, 'keep'), 'x');
    await rejection(writeSafetensorsFile(path, { x: { shape: [1], data: new Float32Array([1]) } }));
    expect(await fsp.readdir(dir)).toEqual(['model.safetensors']);
    expect(await fsp.readFile(join(path, 'keep'), 'utf8')).toBe('x');
  });

  test('invalid input fails before touching the disk, naming the path', async () => {
    const path = join(dir, 'model.safetensors');
    await fsp.writeFile(path, 'previous contents');
    const bad = await rejection(writeSafetensorsFile(path, { x: { shape: [3], data: new Float32Array([1]) } }));
    expect(bad.message).toContain(`safetensors: '${path}': tensor 'x': shape [3] has 3 elements; data has 1`);
    const corrupt = await rejection(writeSafetensorsFile(path, new Uint8Array(4)));
    expect(corrupt.message).toContain(`'${path}': buffer is 4 bytes`);
    const withMetadata = await rejection(writeSafetensorsFile(path, serializeSafetensors({}), { a: 'b' }));
    expect(withMetadata.message).toContain('metadata cannot be added to an already serialized buffer');
    expect(await fsp.readdir(dir)).toEqual(['model.safetensors']);
    expect(await fsp.readFile(path, 'utf8')).toBe('previous contents');
  });

  test('reading a missing or malformed file names the path', async () => {
    const missing = join(dir, 'nope.safetensors');
    const error = await rejection(readSafetensorsFile(missing));
    expect(error.message).toContain(`cannot read '${missing}'`);
    expect(error.message).toContain('ENOENT');

    const truncated = join(dir, 'cut.safetensors');
    await fsp.writeFile(truncated, serializeSafetensors({ w: { shape: [4], data: new Float32Array(4) } }).subarray(0, 30));
    const bad = await rejection(readSafetensorsFile(truncated));
    expect(bad.message).toMatch(new RegExp(`^safetensors: '${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': header length \\d+ needs`));
  });
});

describe('browser safety', () => {
  test('the safetensors module bundles for the browser: no Node builtin is resolved at build time', async () => {
    // esbuild comes with tsup (a root devDependency); a literal import('node:fs/promises') fails here.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [new URL('../src/safetensors/index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      external: ['@tensorflow/*'],
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]?.text).not.toMatch(/from ["']node:|import\(["']node:/);
  });
});
