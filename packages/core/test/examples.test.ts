// The README's examples (examples/*.ts, included verbatim by the README) run as written, on the
// cpu backend, and print what the README says they print.
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '@llmkit/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => vi.restoreAllMocks());

/** Imports an example (running it) and returns what it logged. */
async function run(path: string): Promise<unknown[][]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import(path);
  return log.mock.calls;
}

describe('README examples', () => {
  it('initializers.ts makes a [768, 3072] weight and frees it', async () => {
    const before = tf.memory().numTensors;
    expect(await run('../examples/initializers.js')).toEqual([[[768, 3072]]]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('modules.ts lists the parameter names and loads a state dict', async () => {
    const before = tf.memory().numTensors;
    expect(await run('../examples/modules.js')).toEqual([[['h.0.weight', 'h.0.bias', 'h.1.weight', 'h.1.bias']]]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
