import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { Module, isModule } from '../src/module/index.js';
import { ConfigError } from '../src/errors.js';
import { HIDDEN, TinyLM, VOCAB, WIDTH } from './module-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A module with nothing of its own, for building structures in tests. */
class Node extends Module {}

function numVariables(): number {
  return Object.keys(tf.engine().registeredVariables).length;
}

let model: TinyLM;
beforeEach(() => {
  model = new TinyLM(1);
});
afterEach(() => {
  model.dispose();
});

describe('Module paths', () => {
  test('namedParameters: own parameters first, then children depth first, tied lm_head.weight left out', () => {
    expect(model.namedParameters().map(([path]) => path)).toEqual([
      'gain',
      'wte.weight',
      'h.0.fc.weight',
      'h.0.fc.bias',
      'h.0.proj.weight',
      'h.0.proj.bias',
      'h.1.fc.weight',
      'h.1.fc.bias',
      'h.1.proj.weight',
      'h.1.proj.bias',
    ]);
    expect(model.parameters()).toEqual(model.namedParameters().map(([, v]) => v));
    expect(model.namedParameters()[1]![1]).toBe(model.wte.weight);
  });

  test('stateDict: every key, persistent buffers before a module’s children, tied key kept', () => {
    expect([...model.stateDict().keys()]).toEqual([
      'gain',
      'wte.weight',
      'h.0.scale',
      'h.0.fc.weight',
      'h.0.fc.bias',
      'h.0.proj.weight',
      'h.0.proj.bias',
      'h.1.scale',
      'h.1.fc.weight',
      'h.1.fc.bias',
      'h.1.proj.weight',
      'h.1.proj.bias',
      'lm_head.weight',
    ]);
  });

  test('namedBuffers lists persistent and non-persistent buffers', () => {
    expect(model.namedBuffers().map(([path]) => path)).toEqual(['h.0.scale', 'h.0.mask', 'h.1.scale', 'h.1.mask']);
    expect(model.buffers().every((b) => !b.trainable)).toBe(true);
  });

  test('namedModules starts with the module itself at path ""; children are the direct ones', () => {
    expect(model.namedModules().map(([path]) => path)).toEqual([
      '',
      'wte',
      'h',
      'h.0',
      'h.0.fc',
      'h.0.proj',
      'h.1',
      'h.1.fc',
      'h.1.proj',
      'lm_head',
    ]);
    expect(model.modules()[0]).toBe(model);
    expect(model.namedChildren().map(([name]) => name)).toEqual(['wte', 'h', 'lm_head']);
    expect(model.children()).toEqual([model.wte, model.h, model.lmHead]);
  });

  test('a module registered at two paths is listed once by namedModules, under both by stateDict', () => {
    const root = new Node();
    const shared = root.registerModule('a', new Node());
    shared.registerParameter('w', tf.zeros([2]));
    root.registerModule('b', shared);
    expect(root.namedModules().map(([p]) => p)).toEqual(['', 'a']);
    expect(root.namedChildren().map(([p]) => p)).toEqual(['a']);
    expect(root.namedParameters().map(([p]) => p)).toEqual(['a.w']);
    expect([...root.stateDict().keys()]).toEqual(['a.w', 'b.w']);
    root.dispose();
  });
});

describe('Module tied weights', () => {
  test('a tied Variable is one object, counted once by parameters() and numParameters()', () => {
    expect(model.lmHead.weight).toBe(model.wte.weight);
    expect(model.stateDict().get('lm_head.weight')).toBe(model.stateDict().get('wte.weight'));
    const linear = WIDTH * HIDDEN + HIDDEN + HIDDEN * WIDTH + WIDTH;
    expect(model.numParameters()).toBe(WIDTH + VOCAB * WIDTH + 2 * linear);
    expect(new Set(model.parameters()).size).toBe(model.parameters().length);
  });

  test('freezing the embedding freezes the tied head too; trainableParameters and numParameters follow', () => {
    model.wte.freeze();
    expect(model.lmHead.weight.trainable).toBe(false);
    expect(model.trainableParameters()).not.toContain(model.wte.weight);
    expect(model.numParameters({ trainableOnly: true })).toBe(model.numParameters() - VOCAB * WIDTH);
    model.unfreeze();
    expect(model.parameters().every((v) => v.trainable)).toBe(true);
    model.setTrainable(false);
    expect(model.trainableParameters()).toEqual([]);
  });
});

describe('Module registration', () => {
  test('a plain tensor is consumed: wrapped in a Variable and disposed', () => {
    const m = new Node();
    const t = tf.ones([3]);
    const v = m.registerParameter('w', t);
    expect(t.isDisposed).toBe(true);
    expect(v).toBeInstanceOf(tf.Variable);
    expect(Array.from(v.dataSync())).toEqual([1, 1, 1]);
    expect(v.trainable).toBe(true);
    expect(m.registerParameter('frozen', tf.ones([1]), { trainable: false }).trainable).toBe(false);
    m.dispose();
  });

  test('a Variable is stored as is; an explicit trainable option is applied to it', () => {
    const m = new Node();
    const v = tf.variable(tf.zeros([2]), true);
    expect(m.registerParameter('w', v, { trainable: false })).toBe(v);
    expect(v.trainable).toBe(false);
    m.dispose();
    expect(v.isDisposed).toBe(true);
  });

  test('buffers are non-trainable Variables; a trainable Variable is refused as a buffer', () => {
    const m = new Node();
    expect(m.registerBuffer('b', tf.ones([2])).trainable).toBe(false);
    const v = tf.variable(tf.zeros([2]), true);
    expect(() => m.registerBuffer('v', v)).toThrow(/buffer 'v' is trainable/);
    v.dispose();
    m.dispose();
  });

  test.each([
    ['', /name must not be empty/],
    ['a.b', /name 'a\.b' must not contain '\.'/],
  ])('name %j is rejected with a ConfigError, and the tensor is left to the caller', (name, message) => {
    const m = new Node();
    const t = tf.ones([1]);
    expect(() => m.registerParameter(name, t)).toThrow(ConfigError);
    expect(() => m.registerBuffer(name, t)).toThrow(message);
    expect(() => m.registerModule(name, new Node())).toThrow(message);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  test('a name is unique across parameters, buffers and modules of one module', () => {
    const m = new Node();
    m.registerParameter('w', tf.ones([1]));
    m.registerBuffer('b', tf.ones([1]));
    m.registerModule('c', new Node());
    const t = tf.ones([1]);
    expect(() => m.registerParameter('w', t)).toThrow(/Node\.registerParameter: name 'w' is already registered as a parameter/);
    expect(() => m.registerModule('b', new Node())).toThrow(/name 'b' is already registered as a buffer/);
    expect(() => m.registerBuffer('c', t)).toThrow(/name 'c' is already registered as a module/);
    t.dispose();
    m.dispose();
  });

  test('the same name in different modules is fine: paths differ by prefix', () => {
    const m = new Node();
    m.registerParameter('w', tf.ones([1]));
    m.registerModule('c', new Node()).registerParameter('w', tf.ones([1]));
    expect(m.namedParameters().map(([p]) => p)).toEqual(['w', 'c.w']);
    m.dispose();
  });

  test('values of the wrong kind are rejected with ConfigError', () => {
    const m = new Node();
    expect(() => m.registerParameter('w', [1, 2] as unknown as tf.Tensor)).toThrow(/'w' must be a tf.Tensor or tf.Variable, got Array/);
    expect(() => m.registerModule('c', {} as Module)).toThrow(/'c' must be a Module, got Object/);
    const disposed = tf.ones([1]);
    disposed.dispose();
    expect(() => m.registerParameter('d', disposed)).toThrow(/the tensor given for 'd' is disposed/);
    expect(() => m.registerParameter('t', tf.scalar(1), { trainable: 'yes' as unknown as boolean })).toThrow(ConfigError);
    m.dispose();
  });

  test('a module cannot be registered inside itself or its own descendant', () => {
    const a = new Node();
    const b = a.registerModule('b', new Node());
    expect(() => a.registerModule('self', a)).toThrow(/inside itself/);
    expect(() => b.registerModule('a', a)).toThrow(/inside itself/);
    a.dispose();
  });

  test('isModule recognises modules by their marker, not by instanceof', () => {
    expect(isModule(model)).toBe(true);
    expect(isModule({})).toBe(false);
    expect(isModule(null)).toBe(false);
    const foreign = { [Symbol.for('llmkit.module')]: true };
    expect(isModule(foreign)).toBe(true);
  });
});

describe('Module train/eval', () => {
  test('eval() and train() reach every descendant; a subtree can be switched alone', () => {
    expect(model.modules().every((m) => m.training)).toBe(true);
    expect(model.eval()).toBe(model);
    expect(model.modules().map((m) => m.training)).toEqual(model.modules().map(() => false));
    model.h.at(1).train();
    expect(model.namedModules().filter(([, m]) => m.training).map(([p]) => p)).toEqual(['h.1', 'h.1.fc', 'h.1.proj']);
    model.train();
    expect(model.modules().every((m) => m.training)).toBe(true);
    model.train(false);
    expect(model.modules().some((m) => m.training)).toBe(false);
  });
});

describe('Module dispose', () => {
  test('dispose() frees every Variable and buffer; tf.memory() returns to its starting count', () => {
    const before = tf.memory();
    const variablesBefore = numVariables();
    const m = new TinyLM(7);
    expect(tf.memory().numTensors).toBeGreaterThan(before.numTensors);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(numVariables()).toBe(variablesBefore);
    expect(m.isDisposed && m.h.at(0).fc.isDisposed).toBe(true);
  });

  test('a tied Variable is disposed exactly once: data shared with a clone survives', () => {
    const before = tf.memory().numTensors;
    const m = new TinyLM(7);
    const snapshot = tf.clone(m.wte.weight);
    const expected = Array.from(snapshot.dataSync());
    m.dispose();
    // A second release of the tied Variable would free the clone's data too.
    expect(Array.from(snapshot.dataSync())).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before + 1);
    snapshot.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('disposing twice is harmless, and a disposed module refuses new entries', () => {
    const before = tf.memory().numTensors;
    const m = new TinyLM(7);
    m.dispose();
    expect(() => m.dispose()).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    const t = tf.ones([1]);
    expect(() => m.registerParameter('late', t)).toThrow(/TinyLM\.registerParameter: the module is disposed/);
    t.dispose();
    expect(() => m.stateDict()).toThrow(/'gain' is disposed/);
  });

  test('building a model inside tf.tidy keeps its Variables', () => {
    let m!: TinyLM;
    tf.tidy(() => {
      m = new TinyLM(3);
    });
    expect(m.parameters().some((v) => v.isDisposed)).toBe(false);
    m.dispose();
  });
});
