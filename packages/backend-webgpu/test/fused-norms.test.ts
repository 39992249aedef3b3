// The fused WGSL LayerNorm and RMSNorm kernels (forward and backward) against core's default
// composites on the same WebGPU device ('webgpu-unfused'), against the cpu backend, and against a
// float64 reference computed here from the same float32 inputs: y and the gradients of sum(y * w)
// with respect to x, gamma (and beta), on 1-, 2- and 3-D inputs, C not a multiple of 4, C = 1,
// several epsilons. fp32 tolerance |a - b| <= 1e-4 + 1e-4 |b| (only the summation order differs);
// the large-mean cases (values ~1000 +- 1) are held to |a - b| <= 2e-3 + 1e-3 |b| against float64,
// which a one-pass E[x^2] - E[x]^2 variance misses by orders of magnitude (fp32 spacing at 1e6 is
// 0.0625, against a variance of ~1). Skipped when no WebGPU adapter exists.
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, layerNorm, rmsNorm, tf } from '@llmkit/core';
import { expectClose as expectCloseTol, gaussian, use, type Tol } from './fused-helpers.js';
import { describeWebGpu } from './gpu-env.js';

const TOL: Tol = { atol: 1e-4, rtol: 1e-4 };
const LARGE_TOL: Tol = { atol: 2e-3, rtol: 1e-3 };
const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, tol: Tol = TOL) => expectCloseTol(actual, expected, label, tol);
const randn = gaussian;

type Kind = 'layerNorm' | 'rmsNorm';

interface NormCase {
  name: string;
  shape: number[];
  epsilon?: number;
  /** Mean and standard deviation of x (default 0, 1). */
  xMean?: number;
  xStd?: number;
}

const cases: NormCase[] = [
  { name: '3-D, C=5', shape: [2, 3, 5] },
  { name: '2-D, C=130, epsilon 1e-3', shape: [4, 130], epsilon: 1e-3 },
  { name: '1-D (one row, scalar statistics), C=10', shape: [10] },
  { name: 'C=1 (zero variance: epsilon decides), epsilon 0.25', shape: [7, 1], epsilon: 0.25 },
  { name: '3-D, C=64, 200 rows (several workgroups and row blocks), large epsilon 0.5', shape: [2, 100, 64], epsilon: 0.5, xStd: 0.5 },
  { name: 'wide rows, C=771', shape: [3, 771] },
  { name: 'large values: mean 1000, std 1, C=96', shape: [2, 5, 96], xMean: 1000 },
];

interface NormData {
  x: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  w: Float32Array;
}

function normData(c: NormCase, seed: number): NormData {
  const rng = new Rng(seed);
  const n = c.shape.reduce((a, d) => a * d, 1);
  const cols = c.shape[c.shape.length - 1]!;
  return {
    x: randn(rng, n, c.xMean ?? 0, c.xStd ?? 1),
    gamma: randn(rng, cols, 1, 0.5),
    beta: randn(rng, cols),
    w: randn(rng, n),
  };
}

/** y and the gradients of sum(y * w) with respect to x, gamma (and beta) on the active backend. */
async function runNorm(kind: Kind, c: NormCase, data: NormData): Promise<Float32Array[]> {
  const cols = c.shape[c.shape.length - 1]!;
  const x = tf.tensor(data.x, c.shape);
  const gamma = tf.tensor(data.gamma, [cols]);
  const beta = tf.tensor(data.beta, [cols]);
  const w = tf.tensor(data.w, c.shape);
  const opts = c.epsilon === undefined ? {} : { epsilon: c.epsilon };
  const f = kind === 'layerNorm' ? (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(a, g, b, opts) : (a: tf.Tensor, g: tf.Tensor) => rmsNorm(a, g, opts);
  const y = f(x, gamma, beta);
  const args = kind === 'layerNorm' ? [x, gamma, beta] : [x, gamma];
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(xs[0]!, xs[1]!, xs[2]!), w)))(args);
  const out = (await Promise.all([y, ...grads].map((t) => t.data()))) as Float32Array[];
  tf.dispose([x, gamma, beta, w, y, ...grads]);
  return out;
}

/** The same in float64 on the host: [y, dx, dgamma, (dbeta)]. */
function reference(kind: Kind, c: NormCase, data: NormData): Float64Array[] {
  const cols = c.shape[c.shape.length - 1]!;
  const rows = data.x.length / cols;
  const eps = c.epsilon ?? (kind === 'layerNorm' ? 1e-5 : 1e-6);
  const y = new Float64Array(data.x.length);
  const dx = new Float64Array(data.x.length);
  const dgamma = new Float64Array(cols);
  const dbeta = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const xs = Array.from(data.x.subarray(r * cols, (r + 1) * cols));
    const mean = kind === 'layerNorm' ? xs.reduce((a, v) => a + v, 0) / cols : 0;
    const ms = xs.reduce((a, v) => a + (v - mean) ** 2, 0) / cols;
    const rstd = 1 / Math.sqrt(ms + eps);
    const xhat = xs.map((v) => (v - mean) * rstd);
    const g = xhat.map((_, j) => data.w[r * cols + j]! * data.gamma[j]!);
    const meanG = kind === 'layerNorm' ? g.reduce((a, v) => a + v, 0) / cols : 0;
    const meanGx = g.reduce((a, v, j) => a + v * xhat[j]!, 0) / cols;
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      y[i] = xhat[j]! * data.gamma[j]! + (kind === 'layerNorm' ? data.beta[j]! : 0);
      dx[i] = rstd * (g[j]! - meanG - xhat[j]! * meanGx);
      dgamma[j] = dgamma[j]! + data.w[i]! * xhat[j]!;
      dbeta[j] = dbeta[j]! + data.w[i]!;
    }
  }
  return kind === 'layerNorm' ? [y, dx, dgamma, dbeta] : [y, dx, dgamma];
}

const OUT_NAMES = ['y', 'dx', 'dgamma', 'dbeta'];

for (const kind of ['layerNorm', 'rmsNorm'] as const) {
  await describeWebGpu(`fused ${kind} (WGSL) vs default composite (same device), cpu and float64`, () => {
    for (const [ci, c] of cases.entries()) {
      it(`${c.name}: [${c.shape.join(', ')}]`, async () => {
        const data = normData(c, 100 * (kind === 'layerNorm' ? 1 : 2) + ci);
        await use('webgpu');
        const fused = await runNorm(kind, c, data);
        await use('webgpu-unfused');
        const unfusedOut = await runNorm(kind, c, data);
        await use('cpu');
        const cpu = await runNorm(kind, c, data);
        const f64 = reference(kind, c, data);
        const large = c.xMean !== undefined;
        for (let i = 0; i < f64.length; i++) {
          const name = OUT_NAMES[i]!;
          expectClose(fused[i]!, f64[i]!, `${name} fused vs float64`, large ? LARGE_TOL : TOL);
          if (!large) {
            expectClose(fused[i]!, unfusedOut[i]!, `${name} fused vs unfused`);
            expectClose(fused[i]!, cpu[i]!, `${name} fused vs cpu`);
          } else {
            // The defaults are two-pass too: all three agree with float64 at this tolerance.
            expectClose(unfusedOut[i]!, f64[i]!, `${name} unfused vs float64`, LARGE_TOL);
            expectClose(cpu[i]!, f64[i]!, `${name} cpu vs float64`, LARGE_TOL);
          }
        }
      });
    }
  });
}

await describeWebGpu('fused norms save the same statistics as the defaults', () => {
  it('LlmkitLayerNorm outputs [y, mean, rstd] and LlmkitRmsNorm [y, rstd], statistics of x.shape[:-1], equal to the defaults', async () => {
    const shapes = [[2, 3, 5], [9], [4, 1]];
    const run = async (name: 'webgpu' | 'webgpu-unfused') => {
      await use(name);
      const results: { shapes: number[][]; values: Float32Array[] }[] = [];
      for (const shape of shapes) {
        const c = shape[shape.length - 1]!;
        const data = normData({ name: '', shape }, 7);
        // Through the ops first: registers core's defaults lazily on the unfused backend.
        tf.dispose([
          layerNorm(tf.tensor(data.x, shape), tf.tensor(data.gamma, [c]), tf.tensor(data.beta, [c])),
          rmsNorm(tf.tensor(data.x, shape), tf.tensor(data.gamma, [c])),
        ]);
        const outs = tf.tidy(() => {
          const x = tf.tensor(data.x, shape);
          const gamma = tf.tensor(data.gamma, [c]);
          const beta = tf.tensor(data.beta, [c]);
          return [
            ...(tf.engine().runKernel('LlmkitLayerNorm', { x, gamma, beta }, { epsilon: 1e-3 }) as tf.Tensor[]),
            ...(tf.engine().runKernel('LlmkitRmsNorm', { x, gamma }, { epsilon: 1e-3 }) as tf.Tensor[]),
          ];
        });
        results.push({ shapes: outs.map((t) => t.shape), values: (await Promise.all(outs.map((t) => t.data()))) as Float32Array[] });
        tf.dispose(outs);
      }
      return results;
    };
    const fused = await run('webgpu');
    const reference = await run('webgpu-unfused');
    for (const [si, shape] of shapes.entries()) {
      const rowShape = shape.slice(0, -1);
      expect(fused[si]!.shapes).toEqual([shape, rowShape, rowShape, shape, rowShape]);
      expect(reference[si]!.shapes).toEqual(fused[si]!.shapes);
      for (const [i, label] of ['ln y', 'ln mean', 'ln rstd', 'rms y', 'rms rstd'].entries()) {
        expectClose(fused[si]!.values[i]!, reference[si]!.values[i]!, `[${shape.join(', ')}] ${label}`);
      }
    }
  });
});

await describeWebGpu('fused norms leak no tensors', () => {
  beforeAll(async () => {
    await use('webgpu');
  });

  it('repeated layerNorm + rmsNorm forward and backward leave tf.memory() unchanged', async () => {
    const rng = new Rng(5);
    const x = tf.tensor(randn(rng, 2 * 6 * 10), [2, 6, 10]);
    const gamma = tf.tensor(randn(rng, 10, 1, 0.2), [10]);
    const beta = tf.tensor(randn(rng, 10), [10]);
    const pass = async () => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(rmsNorm(layerNorm(a, g, b), g, { epsilon: 1e-5 }))),
      )([x, gamma, beta]);
      await Promise.all([value, ...grads].map((t) => t.data()));
      tf.dispose([value, ...grads]);
    };
    await pass();
    const before = tf.memory();
    for (let i = 0; i < 3; i++) await pass();
    const after = tf.memory();
    tf.dispose([x, gamma, beta]);
    expect({ numTensors: after.numTensors, numBytes: after.numBytes }).toEqual({ numTensors: before.numTensors, numBytes: before.numBytes });
  });
});

describe('fused-norms test helpers', () => {
  it('the float64 reference is the two-pass formula (a sanity check without a GPU)', () => {
    const c: NormCase = { name: '', shape: [1, 4], epsilon: 0 };
    const data: NormData = { x: Float32Array.of(1, 2, 3, 4), gamma: Float32Array.of(1, 1, 1, 1), beta: new Float32Array(4), w: new Float32Array(4) };
    const [y] = reference('layerNorm', c, data);
    const s = Math.sqrt(1.25);
    expectClose(y!, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], 'y');
  });
});
