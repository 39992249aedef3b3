// The shared conformance suite on wasm with the BLAS turned off: matmuls on XNNPACK, as in browsers
// and in Node on a machine without a BLAS (conformance.test.ts runs the BLAS path where one exists).
import { setMatMulBlas } from '@llmkit/backend-wasm';
import { runConformance } from '@llmkit/testkit';

setMatMulBlas('off');
runConformance('wasm');
