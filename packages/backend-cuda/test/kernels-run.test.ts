// The kernels/*.cu sources run (on the CPU test double, or on a real GPU with
// LLMKIT_CUDA_TARGET=real) and agree with float64 references written here from the definitions.
// Tolerance: 2e-5 absolute unless stated (float32 accumulation over rows of <= 100 elements).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packLayout, broadcastShape, broadcastStrides, contiguousStrides } from '../src/kernels/layout.js';
import { openHarness, randomFloats, maxAbsDiff, type Harness } from './kernel-harness.js';

const TOL = 2e-5;
let h: Harness;
beforeAll(() => {
  h = openHarness();
});
afterAll(() => h?.freeAll());

const i32 = (n: number) => ({ i32: n });
const f32 = (x: number) => ({ f32: x });
const ptr = (p: ReturnType<Harness['upload']>) => ({ ptr: p });

describe('elementwise', () => {
  it('binary_add broadcasts [2,3,4] + [3,1] as numpy does', () => {
    const as = [2, 3, 4], bs = [3, 1];
    const a = randomFloats(24, 1), b = randomFloats(3, 2);
    const out = broadcastShape(as, bs);
    const pa = h.upload(a), pb = h.upload(b), po = h.zeros(24);
    const layout = packLayout(out, [broadcastStrides(as, out), broadcastStrides(bs, out), contiguousStrides(out)]);
    h.launch('elementwise-binary', 'binary_add', [1], [128], [ptr(pa), ptr(pb), ptr(po), i32(24), { bytes: layout }]);
    const expected = Array.from({ length: 24 }, (_, i) => a[i]! + b[Math.floor(i / 4) % 3]!);
    expect(maxAbsDiff(h.read(po, 24), expected)).toBeLessThanOrEqual(1e-7);
  });

  it('unary_sigmoid and gelu (tanh form) forward and backward', () => {
    const n = 300;
    const x = randomFloats(n, 3, 4), dy = randomFloats(n, 4);
    const px = h.upload(x), pdy = h.upload(dy), po = h.zeros(n), pd = h.zeros(n);
    h.launch('elementwise-unary', 'unary_sigmoid', [2], [64], [ptr(px), ptr(po), i32(n)]);
    expect(maxAbsDiff(h.read(po, n), Array.from(x, (v) => 1 / (1 + Math.exp(-v))))).toBeLessThanOrEqual(1e-6);
    const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    h.launch('gelu', 'gelu_tanh_forward', [2], [64], [ptr(px), ptr(po), i32(n)]);
    expect(maxAbsDiff(h.read(po, n), Array.from(x, gelu))).toBeLessThanOrEqual(1e-5);
    h.launch('gelu', 'gelu_tanh_backward', [2], [64], [ptr(px), ptr(pdy), ptr(pd), i32(n)]);
    // Against central differences of the float64 forward.
    const eps = 1e-4;
    expect(maxAbsDiff(h.read(pd, n), Array.from(x, (v, i) => (dy[i]! * (gelu(v + eps) - gelu(v - eps))) / (2 * eps)))).toBeLessThanOrEqual(1e-4);
  });
});

describe('row reductions and softmax', () => {
  const rows = 5, cols = 70;
  const x = randomFloats(rows * cols, 5, 3);
  const row = (r: number) => Array.from(x.subarray(r * cols, (r + 1) * cols));

  it('reduce_sum, reduce_max and reduce_argmax per row (blocks of 64 threads: two warps meet in shared memory)', () => {
    const px = h.upload(x), ps = h.zeros(rows), pm = h.zeros(rows), pa = h.zeros(rows);
    h.launch('reduce', 'reduce_sum', [rows], [64], [ptr(px), ptr(ps), i32(rows), i32(cols)]);
    h.launch('reduce', 'reduce_max', [rows], [64], [ptr(px), ptr(pm), i32(rows), i32(cols)]);
    h.launch('reduce', 'reduce_argmax', [rows], [64], [ptr(px), ptr(pa), i32(rows), i32(cols)]);
    const sums = Array.from({ length: rows }, (_, r) => row(r).reduce((s, v) => s + v, 0));
    expect(maxAbsDiff(h.read(ps, rows), sums)).toBeLessThanOrEqual(1e-4);
    expect(Array.from(h.read(pm, rows))).toEqual(Array.from({ length: rows }, (_, r) => Math.max(...row(r))));
    expect(Array.from(h.readInt(pa, rows))).toEqual(Array.from({ length: rows }, (_, r) => row(r).indexOf(Math.max(...row(r)))));
  });

  it('softmax_forward and log_softmax_forward; softmax_backward = y * (dy - sum(dy * y))', () => {
    const dy = randomFloats(rows * cols, 6);
    const px = h.upload(x), py = h.zeros(rows * cols), pl = h.zeros(rows * cols), pdy = h.upload(dy), pdx = h.zeros(rows * cols);
    h.launch('softmax', 'softmax_forward', [rows], [96], [ptr(px), ptr(py), i32(rows), i32(cols)]);
    h.launch('softmax', 'log_softmax_forward', [rows], [96], [ptr(px), ptr(pl), i32(rows), i32(cols)]);
    h.launch('softmax', 'softmax_backward', [rows], [96], [ptr(py), ptr(pdy), ptr(pdx), i32(rows), i32(cols)]);
    const y: number[] = [], l: number[] = [], dx: number[] = [];
    for (let r = 0; r < rows; r++) {
      const v = row(r), m = Math.max(...v), s = v.reduce((a, b) => a + Math.exp(b - m), 0);
      const p = v.map((b) => Math.exp(b - m) / s);
      const d = p.reduce((a, pi, c) => a + pi * dy[r * cols + c]!, 0);
      y.push(...p);
      l.push(...v.map((b) => b - m - Math.log(s)));
      dx.push(...p.map((pi, c) => pi * (dy[r * cols + c]! - d)));
    }
    expect(maxAbsDiff(h.read(py, rows * cols), y)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(h.read(pl, rows * cols), l)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(h.read(pdx, rows * cols), dx)).toBeLessThanOrEqual(1e-6);
  });
});

describe('layer norm', () => {
  it('forward (saving mean and 1/std) and backward: dx against central differences, dgamma/dbeta as column sums', () => {
    const rows = 4, cols = 40, eps = 1e-5;
    const x = randomFloats(rows * cols, 7, 2), g = randomFloats(cols, 8), b = randomFloats(cols, 9), dy = randomFloats(rows * cols, 10);
    const px = h.upload(x), pg = h.upload(g), pb = h.upload(b), pdy = h.upload(dy);
    const py = h.zeros(rows * cols), pmean = h.zeros(rows), prstd = h.zeros(rows), pdx = h.zeros(rows * cols), pdg = h.zeros(cols), pdb = h.zeros(cols);
    h.launch('layer-norm', 'layer_norm_forward', [rows], [64], [ptr(px), ptr(pg), ptr(pb), ptr(py), ptr(pmean), ptr(prstd), i32(rows), i32(cols), f32(eps)]);
    h.launch('layer-norm', 'layer_norm_backward_dx', [rows], [64], [ptr(px), ptr(pg), ptr(pdy), ptr(pmean), ptr(prstd), ptr(pdx), i32(rows), i32(cols)]);
    h.launch('layer-norm', 'layer_norm_backward_params', [1, 2], [64], [ptr(px), ptr(pdy), ptr(pmean), ptr(prstd), ptr(pdg), ptr(pdb), i32(rows), i32(cols), i32(2)]);
    const norm = (v: number[]) => {
      const m = v.reduce((s, a) => s + a, 0) / v.length;
      const rs = 1 / Math.sqrt(v.reduce((s, a) => s + (a - m) ** 2, 0) / v.length + eps);
      return v.map((a, c) => (a - m) * rs * g[c]! + b[c]!);
    };
    const y: number[] = [], dx: number[] = [];
    const dg = new Array<number>(cols).fill(0), db = new Array<number>(cols).fill(0);
    for (let r = 0; r < rows; r++) {
      const v = Array.from(x.subarray(r * cols, (r + 1) * cols));
      y.push(...norm(v));
      const m = v.reduce((s, a) => s + a, 0) / cols, rs = 1 / Math.sqrt(v.reduce((s, a) => s + (a - m) ** 2, 0) / cols + eps);
      for (let c = 0; c < cols; c++) {
        const h2 = 1e-3;
        const up = [...v], dn = [...v];
        up[c]! += h2;
        dn[c]! -= h2;
        const yu = norm(up), yd = norm(dn);
        dx.push(yu.reduce((s, a, k) => s + (a - yd[k]!) * dy[r * cols + k]!, 0) / (2 * h2));
        dg[c]! += dy[r * cols + c]! * (v[c]! - m) * rs;
        db[c]! += dy[r * cols + c]!;
      }
    }
    expect(maxAbsDiff(h.read(py, rows * cols), y)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(h.read(pdx, rows * cols), dx)).toBeLessThanOrEqual(5e-4);
    expect(maxAbsDiff(h.read(pdg, cols), dg)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(h.read(pdb, cols), db)).toBeLessThanOrEqual(TOL);
  });
});

describe('softmax cross-entropy', () => {
  it('forward loss and saved lse, backward dloss * (softmax - onehot); ignored rows give 0', () => {
    const rows = 4, vocab = 50, ignore = -100;
    const logits = randomFloats(rows * vocab, 11, 3);
    const targets = new Int32Array([3, 49, ignore, 0]);
    const dloss = new Float32Array([0.25, 0.25, 0.25, 0.25]);
    const pl = h.upload(logits), pt = h.upload(targets), ploss = h.zeros(rows), plse = h.zeros(rows), pdl = h.upload(dloss), pd = h.zeros(rows * vocab);
    h.launch('softmax-cross-entropy', 'xent_forward', [rows], [64], [ptr(pl), ptr(pt), ptr(ploss), ptr(plse), i32(rows), i32(vocab), i32(ignore)]);
    h.launch('softmax-cross-entropy', 'xent_backward', [rows], [64], [ptr(pl), ptr(pt), ptr(plse), ptr(pdl), ptr(pd), i32(rows), i32(vocab), i32(ignore)]);
    const loss: number[] = [], lse: number[] = [], grad: number[] = [];
    for (let r = 0; r < rows; r++) {
      const v = Array.from(logits.subarray(r * vocab, (r + 1) * vocab));
      const m = Math.max(...v), l = m + Math.log(v.reduce((s, a) => s + Math.exp(a - m), 0));
      const t = targets[r]!, valid = t !== ignore;
      lse.push(l);
      loss.push(valid ? l - v[t]! : 0);
      grad.push(...v.map((a, c) => (valid ? dloss[r]! * (Math.exp(a - l) - (c === t ? 1 : 0)) : 0)));
    }
    expect(maxAbsDiff(h.read(ploss, rows), loss)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(h.read(plse, rows), lse)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(h.read(pd, rows * vocab), grad)).toBeLessThanOrEqual(1e-6);
  });
});

describe('flash-style attention', () => {
  /** softmax(q kᵀ scale + causal) v in float64, with lse, and the backward from the definitions. */
  function reference(q: Float32Array, k: Float32Array, v: Float32Array, dy: Float32Array, bh: number, tq: number, tk: number, d: number, scale: number) {
    const out = new Float64Array(bh * tq * d), lse = new Float64Array(bh * tq);
    const dq = new Float64Array(bh * tq * d), dk = new Float64Array(bh * tk * d), dv = new Float64Array(bh * tk * d);
    const off = tk - tq;
    for (let b = 0; b < bh; b++) {
      for (let i = 0; i < tq; i++) {
        const s: number[] = [];
        for (let j = 0; j <= Math.min(tk - 1, i + off); j++) {
          let dot = 0;
          for (let c = 0; c < d; c++) dot += q[(b * tq + i) * d + c]! * k[(b * tk + j) * d + c]!;
          s.push(dot * scale);
        }
        const m = Math.max(...s), z = s.reduce((a, x) => a + Math.exp(x - m), 0);
        lse[b * tq + i] = m + Math.log(z);
        const p = s.map((x) => Math.exp(x - m) / z);
        for (let c = 0; c < d; c++) out[(b * tq + i) * d + c] = p.reduce((a, pj, j) => a + pj * v[(b * tk + j) * d + c]!, 0);
        const dp = p.map((_, j) => {
          let t = 0;
          for (let c = 0; c < d; c++) t += dy[(b * tq + i) * d + c]! * v[(b * tk + j) * d + c]!;
          return t;
        });
        const delta = p.reduce((a, pj, j) => a + pj * dp[j]!, 0);
        p.forEach((pj, j) => {
          const ds = pj * (dp[j]! - delta);
          for (let c = 0; c < d; c++) {
            dq[(b * tq + i) * d + c]! += ds * k[(b * tk + j) * d + c]! * scale;
            dk[(b * tk + j) * d + c]! += ds * q[(b * tq + i) * d + c]! * scale;
            dv[(b * tk + j) * d + c]! += pj * dy[(b * tq + i) * d + c]!;
          }
        });
      }
    }
    return { out, lse, dq, dk, dv };
  }

  for (const [tq, tk, d] of [[40, 40, 16], [7, 45, 48]] as const) {
    it(`causal, Tq=${tq}, Tk=${tk}, D=${d} (keys past one 32-row tile): output, lse, dq, dk, dv`, () => {
      const bh = 2, heads = 2, scale = 1 / Math.sqrt(d);
      const q = randomFloats(bh * tq * d, 12), k = randomFloats(bh * tk * d, 13), v = randomFloats(bh * tk * d, 14), dy = randomFloats(bh * tq * d, 15);
      const ref = reference(q, k, v, dy, bh, tq, tk, d, scale);
      const pq = h.upload(q), pk = h.upload(k), pv = h.upload(v), pdy = h.upload(dy);
      const po = h.zeros(bh * tq * d), plse = h.zeros(bh * tq), pdelta = h.zeros(bh * tq);
      const pdq = h.zeros(bh * tq * d), pdk = h.zeros(bh * tk * d), pdv = h.zeros(bh * tk * d);
      const rowsGrid = Math.ceil(tq / 8), keysGrid = Math.ceil(tk / 8);
      const common = [i32(heads), i32(tq), i32(tk), i32(d), f32(scale), i32(1)];
      h.launch('attention', 'attention_forward', [rowsGrid, bh], [256], [ptr(pq), ptr(pk), ptr(pv), { ptr: null }, ptr(po), ptr(plse), ...common]);
      expect(maxAbsDiff(h.read(po, bh * tq * d), ref.out)).toBeLessThanOrEqual(TOL);
      expect(maxAbsDiff(h.read(plse, bh * tq), ref.lse)).toBeLessThanOrEqual(TOL);
      h.launch('attention', 'attention_backward_delta', [Math.ceil((bh * tq) / 8)], [256], [ptr(pdy), ptr(po), ptr(pdelta), i32(bh * tq), i32(d)]);
      h.launch('attention', 'attention_backward_dq', [rowsGrid, bh], [256], [ptr(pq), ptr(pk), ptr(pv), { ptr: null }, ptr(pdy), ptr(plse), ptr(pdelta), ptr(pdq), ...common]);
      h.launch('attention', 'attention_backward_dkv', [keysGrid, bh], [256], [ptr(pq), ptr(pk), ptr(pv), { ptr: null }, ptr(pdy), ptr(plse), ptr(pdelta), ptr(pdk), ptr(pdv), ...common]);
      expect(maxAbsDiff(h.read(pdq, bh * tq * d), ref.dq)).toBeLessThanOrEqual(TOL);
      expect(maxAbsDiff(h.read(pdk, bh * tk * d), ref.dk)).toBeLessThanOrEqual(TOL);
      expect(maxAbsDiff(h.read(pdv, bh * tk * d), ref.dv)).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('AdamW, gather', () => {
  it('adamw_multi_tensor updates two tensors in one launch as PyTorch AdamW does', () => {
    const sizes = [5, 130];
    const lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8, step = 3, wd = [0.1, 0];
    const table = new DataView(new ArrayBuffer(40 * sizes.length));
    const host = sizes.map((n, t) => ({ p: randomFloats(n, 20 + t), g: randomFloats(n, 30 + t), m: randomFloats(n, 40 + t, 0.1), v: randomFloats(n, 50 + t, 0.01).map(Math.abs) }));
    const dev = host.map((x) => ({ p: h.upload(x.p), g: h.upload(x.g), m: h.upload(x.m), v: h.upload(x.v) }));
    dev.forEach((x, t) => {
      [x.p, x.g, x.m, x.v].forEach((q, j) => table.setBigUint64(40 * t + 8 * j, q, true));
      table.setInt32(40 * t + 32, sizes[t]!, true);
      table.setFloat32(40 * t + 36, wd[t]!, true);
    });
    const ptab = h.upload(new Uint8Array(table.buffer));
    const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
    h.launch('adamw', 'adamw_multi_tensor', [1, sizes.length], [64], [ptr(ptab), f32(lr), f32(b1), f32(b2), f32(eps), f32(bc1), f32(bc2), f32(0.5)]);
    host.forEach((x, t) => {
      const expected = Array.from(x.p, (p, i) => {
        const g = x.g[i]! * 0.5;
        const m = b1 * x.m[i]! + (1 - b1) * g, v = b2 * x.v[i]! + (1 - b2) * g * g;
        return p * (1 - lr * wd[t]!) - (lr * (m / bc1)) / (Math.sqrt(v / bc2) + eps);
      });
      expect(maxAbsDiff(h.read(dev[t]!.p, sizes[t]!), expected)).toBeLessThanOrEqual(1e-6);
    });
  });

  it('gather rows by index and scatter-add the gradient (repeated indices add up)', () => {
    const vocab = 6, dim = 5, idx = new Int32Array([2, 0, 2, 5]);
    const table = randomFloats(vocab * dim, 60), dy = randomFloats(idx.length * dim, 61);
    const pt = h.upload(table), pi = h.upload(idx), po = h.zeros(idx.length * dim), pdy = h.upload(dy), pdt = h.zeros(vocab * dim);
    h.launch('gather', 'gather_f32', [1], [64], [ptr(pt), ptr(pi), ptr(po), i32(1), i32(vocab), i32(dim), i32(idx.length)]);
    h.launch('gather', 'gather_backward', [1], [64], [ptr(pdy), ptr(pi), ptr(pdt), i32(1), i32(vocab), i32(dim), i32(idx.length)]);
    expect(Array.from(h.read(po, idx.length * dim))).toEqual(Array.from(idx).flatMap((r) => Array.from(table.subarray(r * dim, (r + 1) * dim))));
    const grad = new Array<number>(vocab * dim).fill(0);
    idx.forEach((r, t) => {
      for (let c = 0; c < dim; c++) grad[r * dim + c]! += dy[t * dim + c]!;
    });
    expect(maxAbsDiff(h.read(pdt, vocab * dim), grad)).toBeLessThanOrEqual(1e-6);
  });
});

describe('launch validation (as the driver validates)', () => {
  it('a block of more than 1024 threads is CUDA_ERROR_INVALID_VALUE; an unknown kernel name is CUDA_ERROR_NOT_FOUND', () => {
    const p = h.zeros(4);
    expect(() => h.launch('gelu', 'gelu_tanh_forward', [1], [2048], [ptr(p), ptr(p), i32(4)])).toThrow(/^cuLaunchKernel failed: CUDA_ERROR_INVALID_VALUE \(1\)$/);
    expect(() => h.launch('gelu', 'gelu_no_such_kernel', [1], [32], [])).toThrow(/^cuModuleGetFunction failed: CUDA_ERROR_NOT_FOUND \(500\)$/);
  });
});
