// Helpers for the fused kernels: self-contained WGSL programs run through tfjs-webgpu's public
// program interface (`WebGPUBackend.runWebGPUProgram`), a copy program that cuts one output buffer
// into several tensors, and the checks the kernels share. Nothing here deep-imports tfjs-webgpu:
// its `main()` header helpers are not exported, so programs write `fn main(index : i32)` themselves
// (tfjs calls it as `main(getGlobalIndex())` for a flat dispatch layout).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** A uniform value passed after tfjs's own (shapes and strides), in the order of `uniforms`. */
export interface UniformValue {
  type: 'float32' | 'int32';
  data: number[];
}

export interface ProgramSpec {
  /** Identifies the WGSL source apart from shapes: every compile-time constant must be in it. */
  key: string;
  /** Names of the inputs, bound as `var<storage, read> name : array<f32 or i32>`; all must be used. */
  inputs: string[];
  outputShape: number[];
  /** Number of workgroups (1-D; tfjs folds it into 2-D or 3-D past 65535: use `WG_INDEX`). */
  workgroups: number;
  workgroupSize: number;
  /** Extra uniform fields, e.g. `scale : f32, rows : i32,`. */
  uniforms?: string;
  /** WGSL defining `fn main(index : i32)`; may use `wgIndex()`. */
  code: string;
}

/** WGSL: the linear index of this workgroup, whatever 1-, 2- or 3-D shape tfjs gave the dispatch. */
export const WG_INDEX = `
  fn wgIndex() -> i32 {
    return i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
  }
`;

export function makeProgram(spec: ProgramSpec): WebGPUProgram {
  return {
    variableNames: spec.inputs,
    outputShape: spec.outputShape,
    shaderKey: `llmkit_${spec.key}`,
    dispatchLayout: { x: spec.outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, spec.workgroups), 1, 1],
    workgroupSize: [spec.workgroupSize, 1, 1],
    uniforms: spec.uniforms,
    size: true,
    getUserCode: () => WG_INDEX + spec.code,
  };
}

export function runProgram(backend: WebGPUBackend, spec: ProgramSpec, inputs: TensorInfo[], uniforms: UniformValue[] = []): TensorInfo {
  return backend.runWebGPUProgram(makeProgram(spec), inputs, 'float32', uniforms);
}

/** Copies `size` floats from flat offset `offset` of `x` into a new tensor of `shape`. */
export function copyOut(backend: WebGPUBackend, x: TensorInfo, offset: number, shape: number[]): TensorInfo {
  const size = shape.reduce((a, d) => a * d, 1);
  const wg = 64;
  return runProgram(
    backend,
    {
      key: 'copy',
      inputs: ['x'],
      outputShape: shape,
      workgroups: Math.ceil(size / wg),
      workgroupSize: wg,
      uniforms: 'offset : i32,',
      code: `
        fn main(index : i32) {
          if (index < uniforms.size) {
            result[index] = x[uniforms.offset + index];
          }
        }
      `,
    },
    [x],
    [{ type: 'int32', data: [offset] }],
  );
}

/** Frees a tensor made inside a kernel that does not leave it. */
export function release(backend: WebGPUBackend, t: TensorInfo): void {
  backend.disposeData(t.dataId);
}

/** Smallest power of two >= n, at most `cap`. */
export function pow2AtMost(n: number, cap: number): number {
  let p = 1;
  while (p < n && p < cap) p *= 2;
  return p;
}

/** A scalar input stands for "none" in core's composite kernels. */
export function isNone(t: TensorInfo): boolean {
  return t.shape.length === 0;
}
