import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Module, ModuleList } from '../src/module/index.js';
import { ConfigError } from '../src/errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

class Leaf extends Module {
  constructor(readonly id: number) {
    super();
    this.registerParameter('w', tf.fill([1], id));
  }
}

describe('ModuleList', () => {
  test('children are named 0, 1, 2 … in order; length, at() and iteration agree', () => {
    const list = new ModuleList([new Leaf(10), new Leaf(11)]).push(new Leaf(12));
    expect(list.length).toBe(3);
    expect([...list].map((m) => m.id)).toEqual([10, 11, 12]);
    expect(list.at(0).id).toBe(10);
    expect(list.at(-1).id).toBe(12);
    expect(list.namedParameters().map(([p]) => p)).toEqual(['0.w', '1.w', '2.w']);
    list.dispose();
  });

  test('at() outside [-length, length) or with a non-integer throws a ConfigError', () => {
    const list = new ModuleList([new Leaf(1)]);
    expect(() => list.at(1)).toThrow(/ModuleList\.at: index 1 is out of range for a list of length 1/);
    expect(() => list.at(-2)).toThrow(ConfigError);
    expect(() => list.at(0.5)).toThrow(ConfigError);
    list.dispose();
  });

  test('push() checks every argument before adding any; registerModule by name is refused', () => {
    const list = new ModuleList<Leaf>();
    const leaf = new Leaf(1);
    expect(() => list.push(leaf, {} as Leaf)).toThrow(/argument 1 must be a Module/);
    expect(list.length).toBe(0);
    expect(() => list.registerModule('x', leaf)).toThrow(/use push\(\)/);
    expect(list.children()).toEqual([]);
    leaf.dispose();
  });

  test('an empty list is a module with no parameters', () => {
    const list = new ModuleList();
    expect(list.length).toBe(0);
    expect(list.numParameters()).toBe(0);
    expect(list.stateDict().size).toBe(0);
  });
});
