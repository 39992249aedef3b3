#!/usr/bin/env bash
# Prepared for a machine with an NVIDIA GPU (none was available when it was written; it has never
# run on one). From the repository root, after
# `npm ci && npx turbo run build --filter=@llmkit/backend-cuda --filter=@llmkit/trainer`:
#   bash packages/backend-cuda/scripts/gpu-check.sh [--torch] [--bench]
# 1. doctor: driver, GPUs, libraries, shipped architectures;
# 2. the tests CI runs on the CPU double, on the real device instead (LLMKIT_CUDA_TARGET=real: the
#    real driver, the shipped cubins/PTX, the real cuBLAS): raw kernels against float64 references,
#    GEMMs (cuBLAS, and cuBLASLt with its bias/ReLU/GELU epilogues), tfjs ops (tf.fused.matMul
#    included) against tfjs-cpu, the tiny GPT's losses and gradients and a Trainer run
#    (AdamW, clipping) against tfjs-cpu, every training/decoding path of the kernel-coverage test,
#    the fused RMSNorm/GELU/embedding/AdamW overrides, and the shared conformance suite (fused and
#    unfused) against PyTorch's fixtures. trainer-swap.test.ts there is the one-line swap's parity
#    (the Trainer on tfjs-cpu and on 'cuda': same losses and gradient norms), so the trainer
#    package's own backend-swap test need not learn 'cuda';
# 3. the 'cuda' backend's data path (tensors in device memory, tf.memory(), OOM error) on the device;
# 4. tokens/s of a training step (forward, backward, AdamW) of the tiny GPT and GPT-2 small
#    (batch 4) on 'cuda', next to PyTorch eager float32 (TF32 off) on the same GPU when a Python
#    with torch and CUDA is found (.venv/bin/python or LLMKIT_PYTHON): testkit's
#    bench/gpt-step.mjs --backend=cuda, which prints the ratio against issue 12's goals
#    (>= 0.5x PyTorch eager, >= 1x where fused kernels apply). --torch makes a missing PyTorch a
#    failure; --bench runs only 1 and 4. LLMKIT_GPU_BENCH_CONFIGS overrides the configs
#    (default tiny,gpt2-small; `micro` runs the script's plumbing on the CPU double in seconds) and
#    LLMKIT_GPU_BENCH_ARGS adds options to the bench (e.g. --repeat=3, or --quick).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
pkg=packages/backend-cuda
status=0
want_torch=0 bench_only=0
for arg in "$@"; do
  case $arg in
    --torch) want_torch=1 ;;
    --bench) bench_only=1 ;;
    *) echo "usage: $0 [--torch] [--bench]" >&2; exit 2 ;;
  esac
done
step() { echo; echo "== $*"; }

step "doctor"
node $pkg/dist/cli.js doctor || status=1
if ! node $pkg/dist/cli.js doctor --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.exit(JSON.parse(s).devices.length?0:1))'; then
  echo "no GPU visible: nothing else to check here" >&2
  exit 1
fi

if (( ! bench_only )); then
  step "kernels, cuBLAS, tfjs ops, training paths, the Trainer's one-line swap and conformance on the device (LLMKIT_CUDA_TARGET=real)"
  LLMKIT_CUDA_TARGET=real npx vitest run --project backend-cuda test/kernels-run.test.ts test/cublas-run.test.ts test/cublaslt-run.test.ts test/tensor-kernels.test.ts test/fused-matmul.test.ts \
    test/gpt-step.test.ts test/trainer-swap.test.ts test/kernel-coverage.test.ts test/fused-composites.test.ts test/adamw.test.ts \
    test/conformance.test.ts || status=1

  step "data path on the device"
  LLMKIT_CUDA_EXPERIMENTAL=1 node --input-type=module -e "
    const { tf, useBackend } = await import('@llmkit/core');
    await import('./$pkg/dist/index.js');
    const b = await useBackend('cuda');
    console.log('device:', b.describe().device);
    const x = tf.tensor1d(Float32Array.from({ length: 1 << 20 }, (_, i) => i % 7));
    const back = await x.data();
    if (back[12345] !== 12345 % 7) throw new Error('round trip through device memory failed');
    console.log('tf.memory():', JSON.stringify(tf.memory()));
    x.dispose();
    try { tf.zeros([1 << 20, 1 << 20]); throw new Error('UNEXPECTED: 4 TiB allocated'); }
    catch (e) { if (!/out of GPU memory/.test(e.message)) throw e; console.log('OOM error:', e.message); }
  " || status=1
fi

step "tokens/s: llmkit 'cuda' next to PyTorch eager on the same GPU (training step, forward + backward + AdamW)"
# The Python the bench itself uses (packages/testkit/bench/torch.mjs): LLMKIT_PYTHON or the repository's venv.
py=${LLMKIT_PYTHON:-$PWD/.venv/bin/python}
torch_flag=--no-torch
if [[ ! -x $py ]]; then
  why="no Python at $py (set LLMKIT_PYTHON, or create .venv with a CUDA build of torch)"
elif ! why=$("$py" -c 'import torch, sys; print(f"torch {torch.__version__} sees no CUDA GPU (built for CUDA {torch.version.cuda})") if not torch.cuda.is_available() else sys.exit(0); sys.exit(1)' 2>&1 | tail -1); then
  :
else
  why="" torch_flag=""
fi
if [[ -n $why ]]; then
  echo "PyTorch eager not run: $why"
  (( want_torch )) && status=1
fi
json=${TMPDIR:-/tmp}/llmkit-gpu-bench.json
node packages/testkit/bench/gpt-step.mjs --backend=cuda --configs="${LLMKIT_GPU_BENCH_CONFIGS:-tiny,gpt2-small}" $torch_flag --json="$json" ${LLMKIT_GPU_BENCH_ARGS:-} || status=1
echo "measurements: $json"

echo
(( status == 0 )) && echo "gpu-check: all steps passed" || echo "gpu-check: FAILED (see the steps above)"
exit $status
