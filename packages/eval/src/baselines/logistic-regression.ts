// L2-regularised logistic regression (binary, or multinomial over 3+ classes), scikit-learn's
// LogisticRegression with its defaults (C = 1, intercept unpenalised), fitted by L-BFGS: the
// baseline a fine-tuned classifier has to beat on the same bag-of-words split.
import { ConfigError, ShapeError } from '@llmkit/core';
import type { Label } from '../metrics/labels.js';
import { uniqueLabels } from '../metrics/labels.js';

export interface LogisticRegressionOptions {
  /** Inverse of the L2 strength, scikit-learn's `C` (default 1). */
  C?: number;
  /** L-BFGS iterations at most (default 1000). */
  maxIter?: number;
  /** Stop when the largest gradient entry of the mean loss is below this (default 1e-8). */
  tol?: number;
  /** Learn an unpenalised intercept (default true). */
  fitIntercept?: boolean;
}

type Rows = readonly (ArrayLike<number>)[];

function checkRows(where: string, x: Rows, width?: number): number {
  if (!Array.isArray(x) || x.length === 0) throw new ShapeError(`${where}: 'x' must be a non-empty array of feature rows; got ${Array.isArray(x) ? 'an empty array' : typeof x}`);
  const d = width ?? x[0]!.length;
  for (let i = 0; i < x.length; i++) {
    const row = x[i]!;
    if (row.length !== d) throw new ShapeError(`${where}: 'x[${i}]' has ${row.length} features, expected ${d}`);
    for (let j = 0; j < d; j++) if (!Number.isFinite(row[j]!)) throw new ConfigError(`${where}: 'x[${i}][${j}]' must be finite; got ${row[j]}`);
  }
  return d;
}

/** Mean log-loss plus (1 / 2Cn)‖W‖² and its gradient; W is [k, d] then k intercepts, flattened. */
function objective(x: Rows, y: Int32Array, k: number, d: number, c: number, fitIntercept: boolean, w: Float64Array, grad: Float64Array): number {
  const n = x.length;
  grad.fill(0);
  let loss = 0;
  const z = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const row = x[i]!;
    for (let a = 0; a < k; a++) {
      let s = fitIntercept ? w[k * d + a]! : 0;
      for (let j = 0; j < d; j++) s += w[a * d + j]! * row[j]!;
      z[a] = s;
    }
    if (k === 1) {
      // Binary: p = sigmoid(z) is the probability of the second class; log(1 + e^-yz) computed stably.
      const t = y[i] === 1 ? 1 : -1;
      const m = -t * z[0]!;
      loss += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
      z[0] = -t / (1 + Math.exp(-m)); // d loss / d z
    } else {
      let max = -Infinity;
      for (let a = 0; a < k; a++) max = Math.max(max, z[a]!);
      let sum = 0;
      for (let a = 0; a < k; a++) sum += Math.exp(z[a]! - max);
      const lse = max + Math.log(sum);
      loss += lse - z[y[i]!]!;
      for (let a = 0; a < k; a++) z[a] = Math.exp(z[a]! - lse) - (a === y[i] ? 1 : 0);
    }
    for (let a = 0; a < k; a++) {
      const g = z[a]!;
      if (g === 0) continue;
      for (let j = 0; j < d; j++) grad[a * d + j] = grad[a * d + j]! + g * row[j]!;
      if (fitIntercept) grad[k * d + a] = grad[k * d + a]! + g;
    }
  }
  const l2 = 1 / (c * n);
  let penalty = 0;
  for (let p = 0; p < k * d; p++) {
    grad[p] = grad[p]! / n + l2 * w[p]!;
    penalty += w[p]! * w[p]!;
  }
  if (fitIntercept) for (let a = 0; a < k; a++) grad[k * d + a] = grad[k * d + a]! / n;
  return loss / n + 0.5 * l2 * penalty;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** L-BFGS (memory 10) with a backtracking Armijo line search; the objective is smooth and strictly convex. */
function lbfgs(f: (w: Float64Array, g: Float64Array) => number, size: number, maxIter: number, tol: number): { w: Float64Array; iterations: number; converged: boolean } {
  const m = 10;
  let w = new Float64Array(size);
  let g = new Float64Array(size);
  let fw = f(w, g);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const maxAbs = (v: Float64Array): number => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  for (let it = 0; it < maxIter; it++) {
    if (maxAbs(g) < tol) return { w, iterations: it, converged: true };
    // Two-loop recursion: the direction -H g from the last m curvature pairs.
    const q = Float64Array.from(g);
    const alphas: number[] = [];
    for (let i = ss.length - 1; i >= 0; i--) {
      const alpha = dot(ss[i]!, q) / dot(ys[i]!, ss[i]!);
      alphas[i] = alpha;
      for (let j = 0; j < size; j++) q[j] = q[j]! - alpha * ys[i]![j]!;
    }
    const last = ss.length - 1;
    const gamma = last >= 0 ? dot(ss[last]!, ys[last]!) / dot(ys[last]!, ys[last]!) : 1 / Math.max(1, maxAbs(g));
    for (let j = 0; j < size; j++) q[j] = q[j]! * gamma;
    for (let i = 0; i < ss.length; i++) {
      const beta = dot(ys[i]!, q) / dot(ys[i]!, ss[i]!);
      for (let j = 0; j < size; j++) q[j] = q[j]! + ss[i]![j]! * (alphas[i]! - beta);
    }
    let slope = -dot(g, q);
    if (!(slope < 0)) {
      // Not a descent direction (round-off): restart from steepest descent.
      ss.length = 0;
      ys.length = 0;
      q.set(g);
      slope = -dot(g, g);
    }
    let step = 1;
    const wNext = new Float64Array(size);
    const gNext = new Float64Array(size);
    let fNext = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < size; j++) wNext[j] = w[j]! - step * q[j]!;
      fNext = f(wNext, gNext);
      if (fNext <= fw + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNext <= fw)) return { w, iterations: it, converged: false }; // no progress possible at double precision
    const s = new Float64Array(size);
    const yv = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      s[j] = wNext[j]! - w[j]!;
      yv[j] = gNext[j]! - g[j]!;
    }
    if (dot(s, yv) > 1e-20) {
      ss.push(s);
      ys.push(yv);
      if (ss.length > m) {
        ss.shift();
        ys.shift();
      }
    }
    w = wNext;
    g = gNext;
    fw = fNext;
  }
  return { w, iterations: maxIter, converged: maxAbs(g) < tol };
}

/**
 * A fitted model. `coef` is [1, d] for two classes (the second class's log-odds, as scikit-learn)
 * and [k, d] for k ≥ 3 (multinomial).
 *
 * ```ts
 * const lr = LogisticRegression.fit(xTrain, yTrain);   // C = 1
 * const predicted = lr.predict(xTest);
 * ```
 */
export class LogisticRegression {
  private constructor(
    readonly classes: Label[],
    readonly coef: number[][],
    readonly intercept: number[],
    /** L-BFGS iterations used, and whether the gradient fell below `tol`. */
    readonly iterations: number,
    readonly converged: boolean,
  ) {}

  /** @throws ShapeError / ConfigError naming the argument when rows, labels or options are malformed. */
  static fit(x: Rows, y: readonly Label[], options: LogisticRegressionOptions = {}): LogisticRegression {
    const where = 'LogisticRegression.fit';
    const { C = 1, maxIter = 1000, tol = 1e-8, fitIntercept = true } = options;
    if (!(typeof C === 'number' && C > 0 && Number.isFinite(C))) throw new ConfigError(`${where}: 'C' must be a positive number; got ${String(C)}`);
    if (!(Number.isInteger(maxIter) && maxIter > 0)) throw new ConfigError(`${where}: 'maxIter' must be a positive integer; got ${String(maxIter)}`);
    if (!(typeof tol === 'number' && tol > 0)) throw new ConfigError(`${where}: 'tol' must be a positive number; got ${String(tol)}`);
    const d = checkRows(where, x);
    if (!Array.isArray(y) || y.length !== x.length) throw new ShapeError(`${where}: 'y' must hold one label per row (${x.length}); got ${Array.isArray(y) ? y.length : typeof y}`);
    const classes = uniqueLabels(y);
    if (classes.length < 2) throw new ConfigError(`${where}: 'y' needs at least 2 classes; got ${classes.length} (${classes.map(String).join(', ')})`);
    const index = new Map(classes.map((c, i) => [c, i]));
    const yi = Int32Array.from(y, (label) => index.get(label)!);
    const k = classes.length === 2 ? 1 : classes.length;
    const size = k * d + (fitIntercept ? k : 0);
    const r = lbfgs((w, g) => objective(x, yi, k, d, C, fitIntercept, w, g), size, maxIter, tol);
    const coef = Array.from({ length: k }, (_, a) => Array.from(r.w.subarray(a * d, (a + 1) * d)));
    const intercept = Array.from({ length: k }, (_, a) => (fitIntercept ? r.w[k * d + a]! : 0));
    return new LogisticRegression(classes, coef, intercept, r.iterations, r.converged);
  }

  /** Class probabilities [n, classes.length], scikit-learn's `predict_proba`. */
  predictProba(x: Rows): number[][] {
    checkRows('LogisticRegression.predictProba', x, this.coef[0]!.length);
    return x.map((row) => {
      const z = this.coef.map((w, a) => w.reduce((s, wj, j) => s + wj * row[j]!, this.intercept[a]!));
      if (z.length === 1) {
        const p = 1 / (1 + Math.exp(-z[0]!));
        return [1 - p, p];
      }
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    });
  }

  /** The most probable class of each row (the first on a tie, as numpy's argmax). */
  predict(x: Rows): Label[] {
    return this.predictProba(x).map((p) => this.classes[p.indexOf(Math.max(...p))]!);
  }
}
