// Properties of Module over random nested structures: plain modules and ModuleLists, with
// parameters, persistent and non-persistent buffers, tied Variables and shared submodules.
import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Module, ModuleList } from '../src/module/index.js';
import { normal } from '../src/random/initializers.js';
import { Rng } from '../src/random/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface ParamSpec {
  shape: number[];
  /** Reuse an earlier parameter's Variable (index modulo the count so far) instead of a new one. */
  tie: number | null;
}
interface BufferSpec {
  shape: number[];
  persistent: boolean;
}
/** Register an already built module again (index modulo the count so far). */
interface ShareSpec {
  share: number;
}
interface NodeSpec {
  list: boolean;
  params: ParamSpec[];
  buffers: BufferSpec[];
  children: (NodeSpec | ShareSpec)[];
}

const shape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 });
const { node: nodeSpec } = fc.letrec<{ node: NodeSpec }>((tie) => ({
  node: fc.record({
    list: fc.boolean(),
    params: fc.array(fc.record({ shape, tie: fc.option(fc.nat(20), { freq: 4 }) }), { maxLength: 3 }),
    buffers: fc.array(fc.record({ shape, persistent: fc.boolean() }), { maxLength: 2 }),
    children: fc.array(
      // The first branch is the one fast-check takes at maxDepth, so the tree stays finite.
      fc.oneof({ maxDepth: 3, depthSize: 'small' }, fc.record({ share: fc.nat(20) }), tie('node')),
      { maxLength: 3 },
    ),
  }),
}));

class Node extends Module {}

/** Builds the structure of `spec`; the same spec always gives the same ties and sharing. */
function build(spec: NodeSpec, seed: number): Module {
  const rng = new Rng(seed);
  const built: Module[] = [];
  const variables: tf.Variable[] = [];
  const child = (c: NodeSpec | ShareSpec): Module => {
    if ('share' in c) return built.length > 0 ? built[c.share % built.length]! : make({ list: false, params: [], buffers: [], children: [] });
    return make(c);
  };
  const make = (s: NodeSpec): Module => {
    let module: Module;
    if (s.list) {
      module = new ModuleList(s.children.map(child));
    } else {
      module = new Node();
      s.params.forEach((p, i) => {
        const value = p.tie !== null && variables.length > 0 ? variables[p.tie % variables.length]! : normal(p.shape, { rng });
        variables.push(module.registerParameter(`p${i}`, value));
      });
      s.buffers.forEach((b, i) => module.registerBuffer(`b${i}`, normal(b.shape, { rng }), { persistent: b.persistent }));
      s.children.forEach((c, i) => module.registerModule(`c${i}`, child(c)));
    }
    built.push(module);
    return module;
  };
  return make(spec);
}

function valuesOf(module: Module): [string, number[]][] {
  return [...module.stateDict()].map(([key, t]) => [key, Array.from(t.dataSync())]);
}

describe('Module properties', () => {
  test('namedParameters: paths are unique, each Variable is listed once, under a stateDict key holding that Variable', () => {
    fc.assert(
      fc.property(nodeSpec, (spec) => {
        const before = tf.memory().numTensors;
        const m = build(spec, 1);
        const named = m.namedParameters();
        const paths = named.map(([p]) => p);
        expect(new Set(paths).size).toBe(paths.length);
        expect(new Set(named.map(([, v]) => v)).size).toBe(named.length);
        const sd = m.stateDict();
        for (const [path, variable] of named) expect(sd.get(path)).toBe(variable);
        for (const [path] of m.namedBuffers()) expect(paths).not.toContain(path);
        // Every stateDict value is a parameter or a persistent buffer of the module.
        const owned = new Set([...m.parameters(), ...m.buffers()]);
        for (const value of sd.values()) expect(owned.has(value as tf.Variable)).toBe(true);
        expect(m.numParameters()).toBe(named.reduce((n, [, v]) => n + v.size, 0));
        m.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }),
    );
  });

  test('loadStateDict(stateDict()) is the identity: same values, same Variables, no tensor allocated', () => {
    fc.assert(
      fc.property(nodeSpec, (spec) => {
        const m = build(spec, 1);
        const variables = m.stateDict();
        const before = valuesOf(m);
        const count = tf.memory().numTensors;
        expect(m.loadStateDict(m.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
        expect(valuesOf(m)).toEqual(before);
        expect(tf.memory().numTensors).toBe(count);
        expect([...m.stateDict()]).toEqual([...variables]);
        m.dispose();
      }),
    );
  });

  test('loading one instance’s stateDict into another of the same structure makes their states equal', () => {
    fc.assert(
      fc.property(nodeSpec, fc.integer(), (spec, seed) => {
        const before = tf.memory().numTensors;
        const a = build(spec, seed);
        const b = build(spec, seed + 1);
        expect([...b.stateDict().keys()]).toEqual([...a.stateDict().keys()]);
        b.loadStateDict(a.stateDict());
        expect(valuesOf(b)).toEqual(valuesOf(a));
        a.dispose();
        expect(valuesOf(b).length).toBe(b.stateDict().size); // b still readable after a is gone
        b.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }),
    );
  });
});
