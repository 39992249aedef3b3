import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Module, ModuleDict } from '../src/module/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

class Leaf extends Module {
  constructor(readonly id: number) {
    super();
    this.registerParameter('w', tf.fill([1], id));
  }
}

describe('ModuleDict', () => {
  test('keeps insertion order from a record or from pairs; get/has/keys/values/size', () => {
    const fromRecord = new ModuleDict({ b: new Leaf(2), a: new Leaf(1) });
    expect(fromRecord.keys()).toEqual(['b', 'a']);
    expect(fromRecord.get('a')?.id).toBe(1);
    expect(fromRecord.get('z')).toBeUndefined();
    expect(fromRecord.has('b')).toBe(true);
    expect(fromRecord.size).toBe(2);
    expect(fromRecord.values().map((m) => m.id)).toEqual([2, 1]);
    expect([...fromRecord.stateDict().keys()]).toEqual(['b.w', 'a.w']);
    const fromPairs = new ModuleDict([['x', new Leaf(3)] as const]).set('y', new Leaf(4));
    expect([...fromPairs].map(([name, m]) => `${name}=${m.id}`)).toEqual(['x=3', 'y=4']);
    expect(fromPairs.entries().map(([name]) => name)).toEqual(['x', 'y']);
    fromRecord.dispose();
    fromPairs.dispose();
  });

  test('names follow the module rules; registerModule is refused in favour of set()', () => {
    const dict = new ModuleDict<Leaf>();
    const leaf = new Leaf(1);
    expect(() => dict.set('a.b', leaf)).toThrow(/name 'a\.b' must not contain '\.'/);
    dict.set('a', leaf);
    const other = new Leaf(2);
    expect(() => dict.set('a', other)).toThrow(/name 'a' is already registered as a module/);
    expect(() => dict.registerModule('c', other)).toThrow(/use set\('c', module\)/);
    expect(dict.get('a')).toBe(leaf);
    dict.dispose();
    other.dispose();
  });
});
