// The 'cuda' backend's tfjs kernel table: every kernel registered for backend 'cuda'.
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { binaryKernels } from './binary.js';
import { gatherKernels } from './gather.js';
import { matmulKernels } from './matmul.js';
import { fusedMatMulKernels } from './fused-matmul.js';
import { reduceKernels, softmaxKernels } from './reduce.js';
import { selectKernels } from './select.js';
import { shapeKernels } from './shape.js';
import { sliceKernels } from './slice.js';
import { unaryKernels } from './unary.js';

export const cudaKernelConfigs: readonly KernelConfig[] = [
  ...unaryKernels,
  ...binaryKernels,
  ...shapeKernels,
  ...sliceKernels,
  ...reduceKernels,
  ...softmaxKernels,
  ...matmulKernels,
  ...fusedMatMulKernels,
  ...gatherKernels,
  ...selectKernels,
];
