// The same suite on wasm with core's default (unfused) compositions of tfjs ops, so both paths a
// user can end up on are held to the PyTorch fixtures.
import { wasmBackend } from '@llmkit/backend-wasm';
import { runConformance } from '@llmkit/testkit';

runConformance({ ...wasmBackend, name: 'wasm-defaults', kernels: [] });
