// The fused WGSL kernels this backend installs over core's composite defaults.
import type { KernelOverride } from '@llmkit/core';

export const webgpuKernels: readonly KernelOverride[] = [];
