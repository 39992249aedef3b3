// Swapping the backend is one line; every op has an explicit gradient.
import '@llmkit/backend-wasm';
import { useBackend, layerNorm, tf } from '@llmkit/core';

await useBackend('wasm'); // or 'cpu', 'webgpu', 'cuda'
const x = tf.randomNormal([16, 64, 128]);
const dx = tf.grad((a) => tf.sum(layerNorm(a, tf.ones([128]), tf.zeros([128]))))(x);
console.log(dx.shape); // [16, 64, 128]
