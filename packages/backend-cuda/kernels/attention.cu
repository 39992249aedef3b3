// Flash-style scaled dot-product attention, forward and backward, with no [Tq, Tk] buffer: keys
// (forward, dq) or queries (dk/dv) stream through shared memory in tiles of 32 rows, one warp owns
// one output row, the lanes split the head dimension (D <= 128). The forward keeps a running max and
// sum (online softmax) and saves the per-row log-sum-exp, from which the backward recomputes each
// probability. Layout: q [BH, Tq, D], k/v [BH, Tk, D], lse/delta [BH, Tq]. Causal masking aligns the
// last query with the last key (query i sees keys j <= i + Tk - Tq), as core's composite; masked
// keys are skipped, not added -1e9. `key_bias` (nullable) is an additive [B, Tk] padding mask.
// Dropout on the weights is not fused: the host keeps core's composition when a dropMask is given.
#include "llmkit.cuh"

#define ATT_TILE 32
#define ATT_MAXD 128
#define ATT_ROWS 8 // warps per block: rows (forward, dq) or keys (dk/dv) per block
#define ATT_PER_LANE (ATT_MAXD / WARP)

__device__ __forceinline__ float dot_row(const float* a, const float* b_shared, int d, int lane) {
  float p = 0.f;
#pragma unroll
  for (int j = 0; j < ATT_PER_LANE; ++j) {
    int c = lane + WARP * j;
    if (c < d) p += a[j] * b_shared[c];
  }
  return warp_sum(p);
}

// Loads rows [t0, t0 + ATT_TILE) of two [rows, d] matrices into shared tiles (zeros past `rows`).
__device__ __forceinline__ void load_tiles(float (*ta)[ATT_MAXD], float (*tb)[ATT_MAXD], const float* a, const float* b, int t0, int rows, int d) {
  for (int i = threadIdx.x; i < ATT_TILE * d; i += blockDim.x) {
    int r = i / d, c = i % d, t = t0 + r;
    ta[r][c] = t < rows ? a[(size_t)t * d + c] : 0.f;
    tb[r][c] = t < rows ? b[(size_t)t * d + c] : 0.f;
  }
}

extern "C" __global__ void __launch_bounds__(ATT_ROWS * WARP) attention_forward(
    const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v, const float* __restrict__ key_bias,
    float* __restrict__ out, float* __restrict__ lse, int heads, int tq, int tk, int d, float scale, int causal) {
  __shared__ float ks[ATT_TILE][ATT_MAXD];
  __shared__ float vs[ATT_TILE][ATT_MAXD];
  int bh = blockIdx.y, warp = threadIdx.x / WARP, lane = threadIdx.x % WARP;
  int row = blockIdx.x * ATT_ROWS + warp;
  bool active = row < tq;
  int offset = tk - tq;
  const float* qr = q + ((size_t)bh * tq + (active ? row : 0)) * d;
  float qv[ATT_PER_LANE], acc[ATT_PER_LANE];
#pragma unroll
  for (int j = 0; j < ATT_PER_LANE; ++j) {
    int c = lane + WARP * j;
    qv[j] = active && c < d ? qr[c] * scale : 0.f;
    acc[j] = 0.f;
  }
  float m = -INFINITY, s = 0.f;
  int block_last = min(tq - 1, (int)blockIdx.x * ATT_ROWS + ATT_ROWS - 1);
  int block_end = causal ? min(tk, block_last + offset + 1) : tk;
  int row_end = causal ? min(tk, row + offset + 1) : tk;
  const float* kb = key_bias ? key_bias + (size_t)(bh / heads) * tk : nullptr;
  const float* kbase = k + (size_t)bh * tk * d;
  const float* vbase = v + (size_t)bh * tk * d;
  for (int t0 = 0; t0 < block_end; t0 += ATT_TILE) {
    __syncthreads();
    load_tiles(ks, vs, kbase, vbase, t0, tk, d);
    __syncthreads();
    if (!active) continue;
    int n = min(ATT_TILE, row_end - t0);
    for (int r = 0; r < n; ++r) {
      float sc = dot_row(qv, ks[r], d, lane);
      if (kb) sc += kb[t0 + r];
      float mn = fmaxf(m, sc);
      float corr = expf(m - mn), e = expf(sc - mn);
      s = s * corr + e;
#pragma unroll
      for (int j = 0; j < ATT_PER_LANE; ++j) {
        int c = lane + WARP * j;
        acc[j] = acc[j] * corr + (c < d ? e * vs[r][c] : 0.f);
      }
      m = mn;
    }
  }
  if (!active) return;
  float inv = 1.f / s;
  float* o = out + ((size_t)bh * tq + row) * d;
#pragma unroll
  for (int j = 0; j < ATT_PER_LANE; ++j) {
    int c = lane + WARP * j;
    if (c < d) o[c] = acc[j] * inv;
  }
  if (lane == 0) lse[(size_t)bh * tq + row] = m + logf(s);
}

// delta[i] = sum_c dy[i, c] * y[i, c] (the softmax backward's row term), one warp per row.
extern "C" __global__ void attention_backward_delta(const float* __restrict__ dy, const float* __restrict__ y, float* __restrict__ delta, int rows, int d) {
  int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP, lane = threadIdx.x % WARP;
  if (row >= rows) return;
  float p = 0.f;
  for (int c = lane; c < d; c += WARP) p += dy[(size_t)row * d + c] * y[(size_t)row * d + c];
  p = warp_sum(p);
  if (lane == 0) delta[row] = p;
}

// dq[i] = scale * sum_j p_ij (dp_ij - delta_i) k_j, p_ij = exp(s_ij - lse_i), dp_ij = dy_i · v_j.
extern "C" __global__ void __launch_bounds__(ATT_ROWS * WARP) attention_backward_dq(
    const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v, const float* __restrict__ key_bias,
    const float* __restrict__ dy, const float* __restrict__ lse, const float* __restrict__ delta, float* __restrict__ dq,
    int heads, int tq, int tk, int d, float scale, int causal) {
  __shared__ float ks[ATT_TILE][ATT_MAXD];
  __shared__ float vs[ATT_TILE][ATT_MAXD];
  int bh = blockIdx.y, warp = threadIdx.x / WARP, lane = threadIdx.x % WARP;
  int row = blockIdx.x * ATT_ROWS + warp;
  bool active = row < tq;
  int offset = tk - tq;
  size_t r_index = (size_t)bh * tq + (active ? row : 0);
  float qv[ATT_PER_LANE], dyv[ATT_PER_LANE], acc[ATT_PER_LANE];
#pragma unroll
  for (int j = 0; j < ATT_PER_LANE; ++j) {
    int c = lane + WARP * j;
    qv[j] = active && c < d ? q[r_index * d + c] * scale : 0.f;
    dyv[j] = active && c < d ? dy[r_index * d + c] : 0.f;
    acc[j] = 0.f;
  }
  float l = active ? lse[r_index] : 0.f, dl = active ? delta[r_index] : 0.f;
  int block_last = min(tq - 1, (int)blockIdx.x * ATT_ROWS + ATT_ROWS - 1);
  int block_end = causal ? min(tk, block_last + offset + 1) : tk;
  int row_end = causal ? min(tk, row + offset + 1) : tk;
  const float* kb = key_bias ? key_bias + (size_t)(bh / heads) * tk : nullptr;
  for (int t0 = 0; t0 < block_end; t0 += ATT_TILE) {
    __syncthreads();
    load_tiles(ks, vs, k + (size_t)bh * tk * d, v + (size_t)bh * tk * d, t0, tk, d);
    __syncthreads();
    if (!active) continue;
    int n = min(ATT_TILE, row_end - t0);
    for (int r = 0; r < n; ++r) {
      float sc = dot_row(qv, ks[r], d, lane);
      if (kb) sc += kb[t0 + r];
      float p = expf(sc - l);
      float ds = p * (dot_row(dyv, vs[r], d, lane) - dl);
#pragma unroll
      for (int j = 0; j < ATT_PER_LANE; ++j) {
        int c = lane + WARP * j;
        if (c < d) acc[j] += ds * ks[r][c];
      }
    }
  }
  if (!active) return;
#pragma unroll
  for (int j = 0; j < ATT_PER_LANE; ++j) {
    int c = lane + WARP * j;
    if (c < d) dq[r_index * d + c] = acc[j] * scale;
  }
}

// dk[j] = scale * sum_i ds_ij q_i, dv[j] = sum_i p_ij dy_i; one warp per key, queries streamed.
extern "C" __global__ void __launch_bounds__(ATT_ROWS * WARP) attention_backward_dkv(
    const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v, const float* __restrict__ key_bias,
    const float* __restrict__ dy, const float* __restrict__ lse, const float* __restrict__ delta, float* __restrict__ dk,
    float* __restrict__ dv, int heads, int tq, int tk, int d, float scale, int causal) {
  __shared__ float qs[ATT_TILE][ATT_MAXD];
  __shared__ float dys[ATT_TILE][ATT_MAXD];
  __shared__ float lses[ATT_TILE];
  __shared__ float deltas[ATT_TILE];
  int bh = blockIdx.y, warp = threadIdx.x / WARP, lane = threadIdx.x % WARP;
  int key = blockIdx.x * ATT_ROWS + warp;
  bool active = key < tk;
  int offset = tk - tq;
  size_t k_index = (size_t)bh * tk + (active ? key : 0);
  float kv[ATT_PER_LANE], vv[ATT_PER_LANE], dka[ATT_PER_LANE], dva[ATT_PER_LANE];
#pragma unroll
  for (int j = 0; j < ATT_PER_LANE; ++j) {
    int c = lane + WARP * j;
    kv[j] = active && c < d ? k[k_index * d + c] : 0.f;
    vv[j] = active && c < d ? v[k_index * d + c] : 0.f;
    dka[j] = 0.f;
    dva[j] = 0.f;
  }
  float bias = key_bias && active ? key_bias[(size_t)(bh / heads) * tk + key] : 0.f;
  // Causal: key j is seen by queries i >= j - offset.
  int block_first = blockIdx.x * ATT_ROWS;
  int start = causal ? max(0, block_first - offset) : 0;
  start -= start % ATT_TILE;
  int first_query = causal ? max(0, key - offset) : 0;
  const float* qb = q + (size_t)bh * tq * d;
  const float* dyb = dy + (size_t)bh * tq * d;
  for (int t0 = start; t0 < tq; t0 += ATT_TILE) {
    __syncthreads();
    load_tiles(qs, dys, qb, dyb, t0, tq, d);
    for (int i = threadIdx.x; i < ATT_TILE; i += blockDim.x) {
      lses[i] = t0 + i < tq ? lse[(size_t)bh * tq + t0 + i] : 0.f;
      deltas[i] = t0 + i < tq ? delta[(size_t)bh * tq + t0 + i] : 0.f;
    }
    __syncthreads();
    if (!active) continue;
    int r0 = max(0, first_query - t0), n = min(ATT_TILE, tq - t0);
    for (int r = r0; r < n; ++r) {
      float sc = dot_row(kv, qs[r], d, lane) * scale + bias;
      float p = expf(sc - lses[r]);
      float ds = p * (dot_row(vv, dys[r], d, lane) - deltas[r]);
#pragma unroll
      for (int j = 0; j < ATT_PER_LANE; ++j) {
        int c = lane + WARP * j;
        if (c < d) {
          dva[j] += p * dys[r][c];
          dka[j] += ds * qs[r][c];
        }
      }
    }
  }
  if (!active) return;
#pragma unroll
  for (int j = 0; j < ATT_PER_LANE; ++j) {
    int c = lane + WARP * j;
    if (c < d) {
      dk[k_index * d + c] = dka[j] * scale;
      dv[k_index * d + c] = dva[j];
    }
  }
}
