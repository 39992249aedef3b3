// Bench-only experiment, not a backend: a BatchMatMul for tfjs-wasm that never hands its kernel a
// transpose flag or a batch > 1. tfjs-wasm reaches XNNPACK's fast GEMM only for an untransposed
// batch-1 product; a transposed operand (every weight and input gradient of a linear layer) or a
// batch (attention's [B*H] products) falls to a scalar loop 10-20x slower. Here a transposed
// operand is materialised with tfjs-wasm's Transpose kernel and a batch becomes one 2-D call per
// matrix, to measure what a real kernel in @llmkit/backend-wasm would buy.
import { tf } from '@llmkit/core';

const size = (shape) => shape.reduce((a, d) => a * d, 1);

/** Registers the prototype for 'wasm' and returns a function that restores tfjs-wasm's kernel. */
export function installMatmulPrototype() {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!original || !transposeKernel) throw new Error('matmul prototype: tfjs-wasm kernels not registered (activate wasm first)');
  const matmul2d = (backend, a, b) => original.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
  const swapLast = (backend, x) => {
    const perm = x.shape.map((_, i) => i);
    perm.splice(-2, 2, x.shape.length - 1, x.shape.length - 2);
    return transposeKernel.kernelFunc({ inputs: { x }, backend, attrs: { perm } });
  };
  const kernelFunc = ({ inputs, attrs, backend }) => {
    const temps = [];
    let a = inputs.a, b = inputs.b;
    if (attrs.transposeA) temps.push((a = swapLast(backend, a)));
    if (attrs.transposeB) temps.push((b = swapLast(backend, b)));
    const batchA = size(a.shape.slice(0, -2)), batchB = size(b.shape.slice(0, -2));
    let out;
    if (batchA <= 1 && batchB <= 1) {
      out = matmul2d(backend, a, b);
      out.shape = [...(a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2), a.shape.at(-2), b.shape.at(-1)];
    } else if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
      out = original.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
    } else {
      const [m, k] = a.shape.slice(-2), n = b.shape.at(-1);
      const batchShape = (batchA >= batchB ? a : b).shape.slice(0, -2);
      out = backend.makeOutput([...batchShape, m, n], 'float32');
      for (let i = 0; i < Math.max(batchA, batchB); i++) {
        const ai = backend.makeOutput([m, k], 'float32'), bi = backend.makeOutput([k, n], 'float32');
        // Views are taken after every allocation: a heap growth detaches older ones.
        const ia = batchA === 1 ? 0 : i, ib = batchB === 1 ? 0 : i;
        backend.typedArrayFromHeap(ai).set(backend.typedArrayFromHeap(a).subarray(ia * m * k, (ia + 1) * m * k));
        backend.typedArrayFromHeap(bi).set(backend.typedArrayFromHeap(b).subarray(ib * k * n, (ib + 1) * k * n));
        const oi = matmul2d(backend, ai, bi);
        backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(oi), i * m * n);
        for (const t of [ai, bi, oi]) backend.disposeData(t.dataId);
      }
    }
    for (const t of temps) backend.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc });
  return () => {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(original);
  };
}

/** Largest |difference| between the prototype and tfjs-wasm's kernel over the shapes a GPT uses. */
export function checkMatmulPrototype() {
  const cases = [
    [[64, 48], [48, 40], false, false],
    [[48, 64], [48, 40], true, false],
    [[64, 48], [40, 48], false, true],
    [[48, 64], [40, 48], true, true],
    [[2, 3, 16, 8], [2, 3, 8, 12], false, false],
    [[2, 3, 16, 8], [2, 3, 12, 8], false, true],
    [[2, 3, 8, 16], [2, 3, 8, 12], true, false],
    [[2, 3, 16, 8], [8, 12], false, false],
  ];
  const reference = cases.map(([sa, sb, ta, tb], i) => {
    const a = tf.randomNormal(sa, 0, 1, 'float32', 2 * i), b = tf.randomNormal(sb, 0, 1, 'float32', 2 * i + 1);
    const y = tf.matMul(a, b, ta, tb);
    return { a, b, ta, tb, y };
  });
  const uninstall = installMatmulPrototype();
  let worst = 0;
  try {
    for (const { a, b, ta, tb, y } of reference) {
      const z = tf.matMul(a, b, ta, tb);
      if (z.shape.join() !== y.shape.join()) throw new Error(`matmul prototype: shape [${z.shape}] != [${y.shape}]`);
      worst = Math.max(worst, tf.tidy(() => tf.max(tf.abs(tf.sub(z, y))).dataSync()[0]));
      z.dispose();
    }
  } finally {
    uninstall();
    for (const r of reference) tf.dispose([r.a, r.b, r.y]);
  }
  return worst;
}
