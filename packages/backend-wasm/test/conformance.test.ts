// The shared conformance suite on the wasm default, with llmkit's fused host kernels and matmuls on
// the machine's BLAS where one is found (conformance-xnnpack.test.ts: the same with the BLAS off).
import '@llmkit/backend-wasm';
import { runConformance } from '@llmkit/testkit';

runConformance('wasm');
