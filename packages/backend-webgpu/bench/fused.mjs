// Fused WGSL kernels vs core's composite defaults on the same WebGPU device: attention forward +
// backward, softmax cross-entropy forward + backward, layerNorm and rmsNorm forward + backward. Plain Node ESM over the built packages:
//   npm run build -w @llmkit/core -w @llmkit/backend-webgpu && npm run bench -w @llmkit/backend-webgpu
// In Node without a GPU, Dawn runs on SwiftShader's ICD when it is installed (scripts/swiftshader-env.mjs).
// Each timing is the median of RUNS runs after WARMUP, awaiting data() of every result to sync.
import { swiftShaderEnv } from '../../../scripts/swiftshader-env.mjs';

Object.assign(process.env, swiftShaderEnv());

const { tf, useBackend, currentBackend, scaledDotProductAttention, softmaxCrossEntropy, layerNorm, rmsNorm, Rng } = await import('@llmkit/core');
const { createWebGpuBackend } = await import('@llmkit/backend-webgpu');

const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const unfused = createWebGpuBackend({ name: 'webgpu-unfused', fused: false });

async function use(name) {
  await useBackend(name === 'webgpu-unfused' ? unfused : name);
  tf.env().set('WEBGPU_CPU_FORWARD', false);
}

async function median(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function attentionStep({ b, h, t, d }) {
  const rng = new Rng(1);
  const rand = (shape) => tf.tensor(Float32Array.from({ length: shape.reduce((a, x) => a * x, 1) }, () => rng.nextFloat() * 2 - 1), shape);
  const q = rand([b, h, t, d]);
  const k = rand([b, h, t, d]);
  const v = rand([b, h, t, d]);
  const w = rand([b, h, t, d]);
  const step = async () => {
    const { value, grads } = tf.valueAndGrads((a, c, e) => tf.sum(tf.mul(scaledDotProductAttention(a, c, e, { causal: true }), w)))([q, k, v]);
    await Promise.all([value, ...grads].map((x) => x.data()));
    tf.dispose([value, ...grads]);
  };
  return { step, dispose: () => tf.dispose([q, k, v, w]) };
}

function crossEntropyStep({ n, v }) {
  const rng = new Rng(2);
  const logits = tf.tensor(Float32Array.from({ length: n * v }, () => rng.nextFloat() * 8 - 4), [n, v]);
  const labels = tf.tensor(Int32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? -100 : Math.floor(rng.nextFloat() * v))), [n], 'int32');
  const step = async () => {
    const { value, grads } = tf.valueAndGrads((x) => softmaxCrossEntropy(x, labels))([logits]);
    await Promise.all([value, grads[0]].map((x) => x.data()));
    tf.dispose([value, ...grads]);
  };
  return { step, dispose: () => tf.dispose([logits, labels]) };
}

function normStep(kind, shape) {
  const rng = new Rng(3);
  const c = shape[shape.length - 1];
  const n = shape.reduce((a, d) => a * d, 1);
  const rand = (length, s) => Float32Array.from({ length }, () => rng.nextFloat() * 2 * s - s);
  const x = tf.tensor(rand(n, 2), shape);
  const w = tf.tensor(rand(n, 1), shape);
  const gamma = tf.tensor(rand(c, 1).map((v) => 1 + 0.2 * v), [c]);
  const beta = tf.tensor(rand(c, 0.1), [c]);
  const f = kind === 'layerNorm' ? (a, g, b) => layerNorm(a, g, b) : (a, g) => rmsNorm(a, g);
  const args = kind === 'layerNorm' ? [x, gamma, beta] : [x, gamma];
  const step = async () => {
    const { value, grads } = tf.valueAndGrads((...xs) => tf.sum(tf.mul(f(...xs), w)))(args);
    await Promise.all([value, ...grads].map((t) => t.data()));
    tf.dispose([value, ...grads]);
  };
  return { step, dispose: () => tf.dispose([x, w, gamma, beta]) };
}

const cases = [
  { name: 'attention fwd+bwd causal B=4 H=4 T=128 D=32', make: () => attentionStep({ b: 4, h: 4, t: 128, d: 32 }) },
  { name: 'attention fwd+bwd causal B=2 H=4 T=256 D=64', make: () => attentionStep({ b: 2, h: 4, t: 256, d: 64 }) },
  { name: 'cross-entropy fwd+bwd N=1024 V=4096', make: () => crossEntropyStep({ n: 1024, v: 4096 }) },
  { name: 'layerNorm fwd+bwd [16,64,128]', make: () => normStep('layerNorm', [16, 64, 128]) },
  { name: 'layerNorm fwd+bwd [8,128,768]', make: () => normStep('layerNorm', [8, 128, 768]) },
  { name: 'rmsNorm fwd+bwd [16,64,128]', make: () => normStep('rmsNorm', [16, 64, 128]) },
  { name: 'rmsNorm fwd+bwd [8,128,768]', make: () => normStep('rmsNorm', [8, 128, 768]) },
];
const only = process.env.BENCH_ONLY;

await use('webgpu');
console.log(`device: ${currentBackend().describe().device}`);
console.log(`median of ${RUNS} runs after ${WARMUP} warm-up runs\n`);
console.log(['case', 'unfused ms', 'fused ms', 'speed-up'].join(' | '));
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  const ms = {};
  for (const name of ['webgpu-unfused', 'webgpu']) {
    await use(name);
    const { step, dispose } = c.make();
    ms[name] = await median(step);
    dispose();
  }
  console.log([c.name, ms['webgpu-unfused'].toFixed(1), ms.webgpu.toFixed(1), `${(ms['webgpu-unfused'] / ms.webgpu).toFixed(2)}x`].join(' | '));
}
process.exit(0);
