// The op benchmark cases: matmul, then each of core's composite ops forward+backward at a
// transformer-like shape. torch_bench.py mirrors these names and shapes one for one.
import {
  tf,
  embedding,
  gelu,
  layerNorm,
  logSoftmax,
  rmsNorm,
  scaledDotProductAttention,
  softmaxCrossEntropy,
} from '@llmkit/core';

/** Shapes shared with torch_bench.py. */
export const SHAPE = { B: 16, T: 64, C: 128, H: 4, V: 65, bigV: 50257, bigRows: 128 };

const F32 = 4;

function randn(shape, seed) {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}
function labelsOf(n, v, seed) {
  return tf.randomUniformInt([n], 0, v, seed);
}

/**
 * Each case: `name` (shared with torch_bench.py), `shape` (for the reader), `setup()` returning
 * { run, dispose, syncIndex } where `run()` does one forward+backward and returns its tensors,
 * and the work per call: `flops` (matmul, attention) or `bytes` (the minimum a fused forward and
 * backward must read and write once each) and `elems` (elements of the op's main tensor).
 */
export function opCases() {
  const { B, T, C, H, V, bigV, bigRows } = SHAPE;
  const D = C / H;
  const rows = B * T;
  const matmul = (n) => ({
    name: `matmul ${n}x${n}x${n}`,
    shape: `[${n},${n}]@[${n},${n}]`,
    kind: 'matmul',
    flops: 2 * n ** 3,
    setup() {
      const a = randn([n, n], 1), b = randn([n, n], 2);
      return { run: () => [tf.matMul(a, b)], dispose: () => tf.dispose([a, b]) };
    },
  });
  const crossEntropy = (n, v) => ({
    name: `softmaxCrossEntropy V=${v}`,
    shape: `logits [${n},${v}]`,
    // Forward reads logits; backward reads them again and writes dlogits.
    bytes: 3 * n * v * F32,
    elems: n * v,
    setup() {
      const logits = randn([n, v], 3), labels = labelsOf(n, v, 4);
      const f = tf.valueAndGrads((l) => softmaxCrossEntropy(l, labels));
      return {
        run: () => {
          const { value, grads } = f([logits]);
          return [value, ...grads];
        },
        dispose: () => tf.dispose([logits, labels]),
      };
    },
  });
  // Row-wise and elementwise ops: forward reads x and writes y, backward reads dy and x (or y)
  // and writes dx: 5 passes over the tensor.
  const rowwise = (name, shape, makeInputs, op) => {
    const n = shape.reduce((a, d) => a * d, 1);
    return {
      name,
      shape: `[${shape.join(',')}]`,
      bytes: 5 * n * F32,
      elems: n,
      setup() {
        const x = randn(shape, 5), dy = randn(shape, 6);
        const extra = makeInputs();
        const g = tf.grads((xx, ...params) => op(xx, ...params));
        return {
          run: () => g([x, ...extra], dy),
          // Sync on the smallest gradient (gamma's when there is one) to keep the copy out of the time.
          syncIndex: extra.length > 0 ? 1 : 0,
          dispose: () => tf.dispose([x, dy, ...extra]),
        };
      },
    };
  };
  const ones = () => tf.ones([C]);
  const zeros = () => tf.zeros([C]);
  return [
    matmul(512),
    matmul(1024),
    crossEntropy(rows, V),
    crossEntropy(bigRows, bigV),
    rowwise('logSoftmax', [B, T, V], () => [], (x) => logSoftmax(x)),
    rowwise('layerNorm', [B, T, C], () => [ones(), zeros()], (x, g, b) => layerNorm(x, g, b)),
    rowwise('rmsNorm', [B, T, C], () => [ones()], (x, g) => rmsNorm(x, g)),
    rowwise('gelu tanh', [B, T, 4 * C], () => [], (x) => gelu(x, { approximate: 'tanh' })),
    rowwise('gelu erf', [B, T, 4 * C], () => [], (x) => gelu(x, { approximate: 'none' })),
    {
      name: 'attention causal',
      shape: `q,k,v [${B},${H},${T},${D}]`,
      // QK^T and PV forward (2 matmuls), dV, dP, dQ, dK backward (4): 6 x 2*B*H*T*T*D.
      flops: 12 * B * H * T * T * D,
      setup() {
        const q = randn([B, H, T, D], 7), k = randn([B, H, T, D], 8), v = randn([B, H, T, D], 9);
        const dy = randn([B, H, T, D], 10);
        const g = tf.grads((qq, kk, vv) => scaledDotProductAttention(qq, kk, vv, { causal: true }));
        return { run: () => g([q, k, v], dy), dispose: () => tf.dispose([q, k, v, dy]) };
      },
    },
    {
      name: 'embedding',
      shape: `W [${V},${C}], ids [${B},${T}]`,
      // Forward reads and writes B*T rows; backward reads dy and writes dW.
      bytes: (3 * rows * C + V * C) * F32,
      elems: rows * C,
      setup() {
        const w = randn([V, C], 11), ids = tf.randomUniformInt([B, T], 0, V, 12), dy = randn([B, T, C], 13);
        const g = tf.grads((ww) => embedding(ww, ids));
        return { run: () => g([w], dy), dispose: () => tf.dispose([w, ids, dy]) };
      },
    },
  ];
}
