// What the fused LayerNorm and RMSNorm kernels share: the [rows, C] view of an input normalized over
// its last axis, and the three program shapes they are made of (all barrier-free, no float atomics,
// no [rows, C] intermediate):
//   per row:     one invocation per row loops over its C values (row statistics: mean, 1/std, and
//                the backward's row sums); on SwiftShader barriers dominate everything, and rows
//                are at most a few thousand wide.
//   per element: one invocation per value of the [rows, C] output (y, dx), reading the row
//                statistics; coalesced on a real GPU, and no invocation writes a whole row.
//   per column:  one invocation per column loops over the rows (dgamma, dbeta), summing blocks of
//                SUM_BLOCK rows first (two-level summation keeps the fp32 error of long sums low).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { runProgram, type UniformValue } from './program.js';

const WG = 64;
/** Rows summed into one partial sum before it is added to the column total. */
export const SUM_BLOCK = 64;

export interface NormGeometry {
  /** Length of the normalized (last) axis. */
  c: number;
  /** Product of the other axes (1 for a 1-D input). */
  rows: number;
  /** Shape of the per-row statistics: x's shape without its last axis. */
  rowShape: number[];
}

export function normGeometry(x: TensorInfo): NormGeometry {
  const c = x.shape[x.shape.length - 1] as number;
  const size = x.shape.reduce((a, d) => a * d, 1);
  return { c, rows: c === 0 ? x.shape.slice(0, -1).reduce((a, d) => a * d, 1) : size / c, rowShape: x.shape.slice(0, -1) };
}

/** The same data seen with another shape (as tfjs's Reshape does); never freed separately. */
export function view(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** `rows : i32, cols : i32,` and then `extra`, as uniforms of every norm program. */
function uniformsDecl(extra: string): string {
  return `rows : i32, cols : i32, ${extra}`;
}

function uniformValues(g: NormGeometry, extra: UniformValue[]): UniformValue[] {
  return [{ type: 'int32', data: [g.rows] }, { type: 'int32', data: [g.c] }, ...extra];
}

export interface NormProgram {
  key: string;
  inputs: [string, TensorInfo][];
  /** WGSL statements; see each runner for the names in scope. */
  body: string;
  uniforms?: string;
  uniformValues?: UniformValue[];
}

/**
 * One invocation per row, output [rows * perRow]. In scope: `row`, `base` (flat index of the row's
 * first value), `C` (i32), `fC` (f32(C)), `uniforms.rows`; `body` writes `result[...]`.
 */
export function runPerRow(be: WebGPUBackend, g: NormGeometry, p: NormProgram, perRow = 1): TensorInfo {
  return runProgram(
    be,
    {
      key: `norm_row_${p.key}`,
      inputs: p.inputs.map(([name]) => name),
      outputShape: [g.rows * perRow],
      workgroups: Math.ceil(g.rows / WG),
      workgroupSize: WG,
      uniforms: uniformsDecl(p.uniforms ?? ''),
      code: `
  fn main(index : i32) {
    let row = index;
    if (row < uniforms.rows) {
      let C = uniforms.cols;
      let fC = f32(C);
      let base = row * C;
      ${p.body}
    }
  }
`,
    },
    p.inputs.map(([, t]) => t),
    uniformValues(g, p.uniformValues ?? []),
  );
}

/**
 * One invocation per value of the [rows, C] output (returned with `shape`). In scope: `index`,
 * `row`, `col`, `C`; `body` assigns `result[index]`.
 */
export function runPerElement(be: WebGPUBackend, g: NormGeometry, p: NormProgram, shape: number[]): TensorInfo {
  const out = runProgram(
    be,
    {
      key: `norm_elem_${p.key}`,
      inputs: p.inputs.map(([name]) => name),
      outputShape: [g.rows * g.c],
      workgroups: Math.ceil((g.rows * g.c) / WG),
      workgroupSize: WG,
      uniforms: uniformsDecl(p.uniforms ?? ''),
      code: `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let C = uniforms.cols;
      let row = index / C;
      let col = index - row * C;
      ${p.body}
    }
  }
`,
    },
    p.inputs.map(([, t]) => t),
    uniformValues(g, p.uniformValues ?? []),
  );
  return view(out, shape);
}

/**
 * One invocation per column, output [C]: the sum over rows of `term`, a WGSL f32 expression of
 * `i` (flat index of [row, col]) and `r` (the row), e.g. `dy[i]`.
 */
export function runColumnSum(be: WebGPUBackend, g: NormGeometry, p: Omit<NormProgram, 'body'> & { term: string }): TensorInfo {
  return runProgram(
    be,
    {
      key: `norm_col_${p.key}`,
      inputs: p.inputs.map(([name]) => name),
      outputShape: [g.c],
      workgroups: Math.ceil(g.c / WG),
      workgroupSize: WG,
      uniforms: uniformsDecl(p.uniforms ?? ''),
      code: `
  fn main(index : i32) {
    let col = index;
    if (col < uniforms.cols) {
      let C = uniforms.cols;
      let R = uniforms.rows;
      var total = 0.0;
      for (var r0 = 0; r0 < R; r0 += ${SUM_BLOCK}) {
        let r1 = min(r0 + ${SUM_BLOCK}, R);
        var s = 0.0;
        for (var r = r0; r < r1; r++) {
          let i = r * C + col;
          s += ${p.term};
        }
        total += s;
      }
      result[col] = total;
    }
  }
`,
    },
    p.inputs.map(([, t]) => t),
    uniformValues(g, p.uniformValues ?? []),
  );
}
