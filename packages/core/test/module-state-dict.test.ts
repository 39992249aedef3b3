import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, StateDictError } from '../src/errors.js';
import { HIDDEN, TinyLM, WIDTH, copyOf, logits, values } from './module-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let source: TinyLM;
let target: TinyLM;
beforeEach(() => {
  source = new TinyLM(1);
  target = new TinyLM(2);
});
afterEach(() => {
  source.dispose();
  target.dispose();
});

/** Calls fn, expects a StateDictError, and returns its message. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(StateDictError.isInstance(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a StateDictError, nothing was thrown');
}

function disposeAll(dict: Map<string, tf.Tensor>): void {
  tf.dispose([...dict.values()]);
}

describe('stateDict / loadStateDict round trip', () => {
  test('loading into a freshly initialised instance gives identical outputs (exact on cpu)', () => {
    const expected = logits(source);
    expect(logits(target)).not.toEqual(expected);
    const result = target.loadStateDict(source.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(logits(target)).toEqual(expected);
    expect(values(target)).toEqual(values(source));
  });

  test('stateDict returns the live Variables: no tensor is allocated, and later updates show through', () => {
    const before = tf.memory().numTensors;
    const sd = source.stateDict();
    expect(tf.memory().numTensors).toBe(before);
    expect(sd.get('gain')).toBe(source.gain);
    const zeros = tf.zeros([WIDTH]);
    source.gain.assign(zeros);
    zeros.dispose();
    expect(Array.from(sd.get('gain')!.dataSync())).toEqual([0, 0, 0, 0]);
  });

  test('the caller may dispose its dict right after loading; nothing leaks', () => {
    const expected = logits(source);
    const before = tf.memory();
    const dict = copyOf(source);
    target.loadStateDict(dict);
    disposeAll(dict);
    expect(logits(target)).toEqual(expected);
    // The target's old data was released and the dict's data is now the target's: the same
    // number of tensors and of data buffers as before the copy.
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  test('the target keeps its values after the source model is disposed', () => {
    const expected = logits(source);
    target.loadStateDict(source.stateDict());
    source.dispose();
    expect(logits(target)).toEqual(expected);
  });

  test('loading a module’s own stateDict into itself changes nothing and frees nothing', () => {
    const before = values(target);
    const count = tf.memory().numTensors;
    target.loadStateDict(target.stateDict());
    expect(values(target)).toEqual(before);
    expect(tf.memory().numTensors).toBe(count);
  });

  test('a plain record is accepted as well as a Map', () => {
    target.loadStateDict(Object.fromEntries(source.stateDict()));
    expect(values(target)).toEqual(values(source));
  });

  test('persistent buffers are loaded; non-persistent ones are neither saved nor expected', () => {
    target.loadStateDict(source.stateDict());
    expect(Array.from(target.h.at(0).scale.dataSync())).toEqual(Array.from(source.h.at(0).scale.dataSync()));
    expect(target.stateDict().has('h.0.mask')).toBe(false);
    const withMask = new Map(source.stateDict()).set('h.0.mask', source.buffers()[1]!);
    expect(errorOf(() => target.loadStateDict(withMask))).toMatch(/unexpected key 'h\.0\.mask'/);
  });
});

describe('loadStateDict errors name the key, expected and actual', () => {
  test('missing key', () => {
    const dict = new Map(source.stateDict());
    dict.delete('h.1.proj.bias');
    expect(errorOf(() => target.loadStateDict(dict))).toBe(
      "TinyLM.loadStateDict: 1 problem, nothing was loaded:\n  missing key 'h.1.proj.bias' (expected shape [4], float32)",
    );
  });

  test('unexpected key', () => {
    const extra = tf.zeros([2, 3]);
    const dict = new Map(source.stateDict()).set('h.2.fc.weight', extra);
    expect(errorOf(() => target.loadStateDict(dict))).toMatch(/unexpected key 'h\.2\.fc\.weight' \(shape \[2, 3\], float32\)/);
    extra.dispose();
  });

  test('shape mismatch', () => {
    const wrong = tf.zeros([WIDTH, HIDDEN + 1]);
    const dict = new Map(source.stateDict()).set('h.0.fc.weight', wrong);
    expect(errorOf(() => target.loadStateDict(dict))).toMatch(/'h\.0\.fc\.weight': shape mismatch, expected \[4, 8\], got \[4, 9\]/);
    wrong.dispose();
  });

  test('dtype mismatch', () => {
    const wrong = tf.zeros([WIDTH], 'int32');
    const dict = new Map(source.stateDict()).set('gain', wrong);
    expect(errorOf(() => target.loadStateDict(dict))).toMatch(/'gain': dtype mismatch, expected float32, got int32/);
    wrong.dispose();
  });

  test('values that are not live tensors', () => {
    const disposed = tf.zeros([WIDTH]);
    disposed.dispose();
    const dict = new Map<string, unknown>(source.stateDict()).set('gain', disposed).set('h.0.scale', [1, 2, 3, 4]);
    const message = errorOf(() => target.loadStateDict(dict as Map<string, tf.Tensor>));
    expect(message).toMatch(/'h\.0\.scale': expected a tf\.Tensor, got Array/);
    expect(message).toMatch(/'gain': the tensor given is disposed/);
  });

  test('every problem is listed in one error', () => {
    const wrongShape = tf.zeros([3]);
    const extra = tf.zeros([1]);
    const dict = new Map(source.stateDict()).set('gain', wrongShape).set('bogus', extra);
    dict.delete('wte.weight');
    dict.delete('lm_head.weight');
    const message = errorOf(() => target.loadStateDict(dict));
    expect(message.split('\n')).toEqual([
      'TinyLM.loadStateDict: 4 problems, nothing was loaded:',
      "  missing key 'wte.weight' (expected shape [5, 4], float32)",
      "  missing key 'lm_head.weight' (expected shape [5, 4], float32)",
      "  unexpected key 'bogus' (shape [1], float32)",
      "  'gain': shape mismatch, expected [4], got [3]",
    ]);
    tf.dispose([wrongShape, extra]);
  });

  test('something that is not a dict, and a bad strict option', () => {
    expect(errorOf(() => target.loadStateDict(tf.zeros([1]) as unknown as Map<string, tf.Tensor>))).toMatch(/expected a Map or a record of tensors/);
    expect(() => target.loadStateDict(source.stateDict(), { strict: 'no' as unknown as boolean })).toThrow(ConfigError);
  });
});

describe('loadStateDict is all or nothing', () => {
  test('a bad last key leaves every weight, even the ones before it, unchanged', () => {
    const before = values(target);
    const dict = new Map(source.stateDict());
    const lastKey = 'h.1.proj.bias';
    const wrong = tf.zeros([WIDTH + 1]);
    dict.set(lastKey, wrong);
    expect(() => target.loadStateDict(dict)).toThrow(StateDictError);
    expect(values(target)).toEqual(before);
    wrong.dispose();
  });

  test('with strict: false, a shape mismatch still throws and loads nothing', () => {
    const before = values(target);
    const dict = new Map(source.stateDict());
    dict.delete('gain');
    const wrong = tf.zeros([1]);
    dict.set('h.1.scale', wrong);
    expect(errorOf(() => target.loadStateDict(dict, { strict: false }))).toMatch(/'h\.1\.scale': shape mismatch, expected \[4\], got \[1\]/);
    expect(values(target)).toEqual(before);
    wrong.dispose();
  });
});

describe('loadStateDict with strict: false', () => {
  test('returns missing and unexpected keys, loads the rest, leaves missing ones as they were', () => {
    const targetGain = Array.from(target.gain.dataSync());
    const extra = tf.zeros([1]);
    const dict = new Map(source.stateDict()).set('extra', extra);
    dict.delete('gain');
    dict.delete('h.0.fc.bias');
    const result = target.loadStateDict(dict, { strict: false });
    expect(result).toEqual({ missingKeys: ['gain', 'h.0.fc.bias'], unexpectedKeys: ['extra'] });
    expect(Array.from(target.gain.dataSync())).toEqual(targetGain);
    expect(Array.from(target.h.at(1).fc.weight.dataSync())).toEqual(Array.from(source.h.at(1).fc.weight.dataSync()));
    extra.dispose();
  });
});

describe('loadStateDict with tied weights', () => {
  test('one key of a tie is enough (checkpoints often drop lm_head.weight): it fills both paths', () => {
    const dict = new Map(source.stateDict());
    dict.delete('lm_head.weight');
    expect(target.loadStateDict(dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(Array.from(target.lmHead.weight.dataSync())).toEqual(Array.from(source.wte.weight.dataSync()));
    expect(target.lmHead.weight).toBe(target.wte.weight);
  });

  test('two keys of a tie with equal values load; with different values they are an error naming both', () => {
    const dict = copyOf(source);
    expect(() => target.loadStateDict(dict)).not.toThrow();
    const before = values(target);
    const other = tf.zeros([5, 4]);
    const clash = new Map(dict).set('lm_head.weight', other);
    expect(errorOf(() => target.loadStateDict(clash))).toMatch(/tied keys 'wte\.weight' and 'lm_head\.weight' \(one Variable\) hold different values/);
    expect(values(target)).toEqual(before);
    disposeAll(dict);
    other.dispose();
  });

  test('NaN equals NaN when comparing the two keys of a tie', () => {
    const a = tf.fill([5, 4], NaN);
    const b = tf.fill([5, 4], NaN);
    const dict = new Map(source.stateDict()).set('wte.weight', a).set('lm_head.weight', b);
    expect(() => target.loadStateDict(dict)).not.toThrow();
    tf.dispose([a, b]);
  });

  test('missing every key of a tie reports each of them', () => {
    const dict = new Map(source.stateDict());
    dict.delete('wte.weight');
    dict.delete('lm_head.weight');
    expect(target.loadStateDict(dict, { strict: false }).missingKeys).toEqual(['wte.weight', 'lm_head.weight']);
  });
});
