// The shared conformance suite on the wasm default, with llmkit's fused host kernels.
import '@llmkit/backend-wasm';
import { runConformance } from '@llmkit/testkit';

runConformance('wasm');
