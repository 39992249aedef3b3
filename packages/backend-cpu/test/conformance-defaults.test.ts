// The suite on the cpu backend with core's default (unfused) compositions of tfjs ops.
import { cpuBackend } from '@llmkit/backend-cpu';
import { runConformance } from '@llmkit/testkit';

runConformance({ ...cpuBackend, name: 'cpu-defaults', kernels: [] });
