// @llmkit/backend-cpu: TensorFlow.js's pure-JavaScript cpu backend with llmkit's fused host
// kernels; the reference backend every other backend is compared against. Importing it
// registers the backend as 'cpu'.
import '@tensorflow/tfjs-backend-cpu';
import { importBuiltin, isNode, registerBackend, tf, type Backend, type BackendDescription } from '@llmkit/core';
import { hostKernelOverrides, hostKernels } from '@llmkit/core/kernels';
import { cpuMemory } from './memory.js';

const kernels = hostKernelOverrides(hostKernels, cpuMemory);
let cpuModel = 'CPU';

/**
 * The reference backend.
 *
 * ```ts
 * import '@llmkit/backend-cpu';
 * import { useBackend } from '@llmkit/core';
 * await useBackend('cpu');
 * ```
 */
export const cpuBackend: Backend = {
  name: 'cpu',
  tfjsBackend: 'cpu',
  priority: 0,
  kernels,
  async init() {
    // tfjs's cpu backend prints a "use tfjs-node" banner on first use; llmkit chose cpu on purpose.
    const instance = tf.engine().findBackend('cpu') as unknown as { firstUse?: boolean } | null;
    if (instance) instance.firstUse = false;
    if (isNode()) {
      const os = await importBuiltin<typeof import('node:os')>('node:os');
      cpuModel = os.cpus()[0]?.model?.trim() ?? 'CPU';
    }
  },
  describe(): BackendDescription {
    return {
      name: 'cpu',
      tfjsBackend: 'cpu',
      device: `${cpuModel} (pure JavaScript, 1 thread)`,
      fusedKernels: kernels.map((k) => k.kernelName),
    };
  },
};

registerBackend(cpuBackend);
