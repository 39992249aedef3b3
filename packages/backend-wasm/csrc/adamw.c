// AdamW over every parameter in one call (core's LlmkitAdamW): one pass per tensor reading p, g,
// m, v and writing p', m', v', in the float32 operation order of core's default composition
// (torch's formula), so the results are the same bits (WebAssembly has no fused multiply-add).
#include "simd-math.h"

// One table row per tensor, in int32 words: byte offsets of p, g, m, v, p', m', v', the element
// count, and the decay factor (1 - lr * weight_decay) as float bits.
#define ROW 9

static inline void adamw_one(const float *p, const float *g, const float *m, const float *v, float *po, float *mo, float *vo,
                             int n, float decay, float b1, float c1, float b2, float c2, float eps, float step, float bias2) {
  const f4 vd = splat(decay), vb1 = splat(b1), vc1 = splat(c1), vb2 = splat(b2), vc2 = splat(c2);
  const f4 veps = splat(eps), vstep = splat(step), vbias2 = splat(bias2);
  const int full = n & ~3;
  for (int i = 0; i < full; i += 4) {
    const f4 gi = load(g + i);
    const f4 m1 = add(mul(load(m + i), vb1), mul(gi, vc1));
    const f4 v1 = add(mul(load(v + i), vb2), mul(mul(gi, gi), vc2));
    const f4 denom = add(fdiv(wasm_f32x4_sqrt(v1), vbias2), veps);
    store(po + i, sub(mul(load(p + i), vd), mul(fdiv(m1, denom), vstep)));
    store(mo + i, m1);
    store(vo + i, v1);
  }
  for (int i = full; i < n; i++) {
    const float gi = g[i];
    const float m1 = m[i] * b1 + gi * c1;
    const float v1 = v[i] * b2 + (gi * gi) * c2;
    const float denom = __builtin_sqrtf(v1) / bias2 + eps;
    po[i] = p[i] * decay - (m1 / denom) * step;
    mo[i] = m1;
    vo[i] = v1;
  }
}

EXPORT(adamw)
void adamw(const int *table, int count, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float eps,
           float step_size, float bias2_sqrt) {
  for (int t = 0; t < count; t++) {
    const int *r = table + t * ROW;
    float decay;
    __builtin_memcpy(&decay, r + 8, sizeof decay);
    adamw_one((const float *)r[0], (const float *)r[1], (const float *)r[2], (const float *)r[3], (float *)r[4], (float *)r[5],
              (float *)r[6], r[7], decay, beta1, one_minus_beta1, beta2, one_minus_beta2, eps, step_size, bias2_sqrt);
  }
}
