// Seeded initializers: one seed gives bit-identical weights on every backend (computed on the host).
import { Rng, normal } from '@llmkit/core';

const rng = new Rng(42);
const w = normal([768, 3072], { std: 0.02, rng: rng.fork('h.0.mlp.c_fc.weight') });
console.log(w.shape); // [768, 3072]
w.dispose();
