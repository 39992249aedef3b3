"""PyTorch companion of run.mjs: the same op cases and tiny GPT, timed the same way (warm-up,
median of N), printed as one JSON object on stdout. Exits 3 when torch cannot be imported, 4 when
--device=cuda is asked of a torch that sees no CUDA GPU (one line on stderr).

    .venv/bin/python packages/testkit/bench/torch_bench.py [--threads N] [--quick]
    .venv/bin/python packages/testkit/bench/torch_bench.py --step '<GPT config JSON>' [--device=cuda]
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # run.mjs turns this exit code into "how to create the venv"
    print(f"torch_bench.py: cannot import torch ({e})", file=sys.stderr)
    sys.exit(3)

# Shapes shared with ops.mjs and tiny-gpt.mjs.
B, T, C, H, V, BIG_V, BIG_ROWS = 16, 64, 128, 4, 65, 50257, 128
TINY_GPT = dict(vocab=65, block=64, layers=4, heads=4, d=128, batch=16)


def time_it(fn, warmup=2, min_iters=3, max_iters=20, budget_s=1.5):
    for _ in range(warmup):
        fn()
    times, cpu_times = [], []
    start = time.perf_counter()
    while len(times) < max_iters and (len(times) < min_iters or time.perf_counter() - start < budget_s):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    # cpu_ms: CPU time of all threads, the work done, which other processes do not inflate.
    return {"ms": statistics.median(times), "min_ms": min(times), "cpu_ms": statistics.median(cpu_times), "iters": len(times)}


def rms_norm(x, g, eps=1e-6):
    if hasattr(F, "rms_norm"):
        return F.rms_norm(x, (x.shape[-1],), g, eps)
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g


def attention(q, k, v):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    # torch < 2.0: the same math, unfused.
    t = q.shape[-2]
    s = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    s = s.masked_fill(torch.ones(t, t, dtype=torch.bool, device=q.device).triu(1), float("-inf"))
    return torch.softmax(s, -1) @ v


def grad_case(make):
    """make() -> (inputs requiring grad, forward fn, dy or None). Times forward + backward."""
    inputs, forward, dy = make()

    def step():
        y = forward(*inputs)
        torch.autograd.grad(y, inputs, dy)

    return step


def op_cases():
    g = torch.Generator().manual_seed(0)

    def randn(*shape, grad=True):
        return torch.randn(*shape, generator=g).requires_grad_(grad)

    def matmul(n):
        a, b = randn(n, n, grad=False), randn(n, n, grad=False)
        return lambda: a @ b

    def cross_entropy(n, v):
        labels = torch.randint(0, v, (n,), generator=g)
        return grad_case(lambda: ([randn(n, v)], lambda l: F.cross_entropy(l, labels), None))

    def rowwise(shape, params, op):
        return grad_case(lambda: ([randn(*shape), *params], op, torch.randn(*shape, generator=g)))

    ones = lambda: torch.ones(C, requires_grad=True)
    zeros = lambda: torch.zeros(C, requires_grad=True)
    d = C // H
    ids = torch.randint(0, V, (B, T), generator=g)
    return {
        "matmul 512x512x512": matmul(512),
        "matmul 1024x1024x1024": matmul(1024),
        f"softmaxCrossEntropy V={V}": cross_entropy(B * T, V),
        f"softmaxCrossEntropy V={BIG_V}": cross_entropy(BIG_ROWS, BIG_V),
        "logSoftmax": rowwise((B, T, V), [], lambda x: F.log_softmax(x, -1)),
        "layerNorm": rowwise((B, T, C), [ones(), zeros()], lambda x, w, b: F.layer_norm(x, (C,), w, b, 1e-5)),
        "rmsNorm": rowwise((B, T, C), [ones()], lambda x, w: rms_norm(x, w)),
        "gelu tanh": rowwise((B, T, 4 * C), [], lambda x: F.gelu(x, approximate="tanh")),
        "gelu erf": rowwise((B, T, 4 * C), [], lambda x: F.gelu(x)),
        "attention causal": grad_case(
            lambda: ([randn(B, H, T, d), randn(B, H, T, d), randn(B, H, T, d)], attention, torch.randn(B, H, T, d, generator=g))
        ),
        "embedding": grad_case(lambda: ([randn(V, C)], lambda w: F.embedding(ids, w), torch.randn(B, T, C, generator=g))),
    }


class Block(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        self.fc, self.fc2 = torch.nn.Linear(d, 4 * d), torch.nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = (m.view(b, t, self.heads, d // self.heads).transpose(1, 2) for m in self.qkv(self.ln1(x)).split(d, 2))
        y = attention(q, k, v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class TinyGPT(torch.nn.Module):
    def __init__(self, vocab, block, layers, heads, d, **_):
        super().__init__()
        self.wte, self.wpe = torch.nn.Embedding(vocab, d), torch.nn.Embedding(block, d)
        self.blocks = torch.nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.lnf = torch.nn.LayerNorm(d)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, 0.0, 0.02)
            elif name.endswith("bias"):
                torch.nn.init.zeros_(p)

    def forward(self, ids, targets):
        t = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(t, device=ids.device))
        for blk in self.blocks:
            x = blk(x)
        logits = self.lnf(x) @ self.wte.weight.t()  # tied, as nanoGPT
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


def tiny_gpt(quick):
    torch.manual_seed(0)
    cfg = TINY_GPT
    model = TinyGPT(**cfg)
    ids = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["block"]))
    targets = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["block"]))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)

    def fwd_bwd():
        model.zero_grad(set_to_none=True)
        model(ids, targets).backward()

    def train_step():
        fwd_bwd()
        opt.step()

    iters = dict(warmup=2, min_iters=3, max_iters=5 if quick else 15, budget_s=1 if quick else 3)
    out = {
        "numParams": sum(p.numel() for p in model.parameters()),
        "fwd_bwd": time_it(fwd_bwd, **iters),
        "fwd_bwd_adamw": time_it(train_step, **iters),
    }
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        fwd_bwd()
    rows = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    out["profile"] = [
        {"name": e.key, "count": e.count, "self_ms": e.self_cpu_time_total / 1000} for e in rows[:15]
    ]
    return out


def gpt_step(cfg, iters, device="cpu"):
    """One GPT training step (forward, backward, AdamW) of the model gpt-step.mjs times on llmkit.
    On cuda: eager float32, model and data on the GPU, each step ends with torch.cuda.synchronize()
    inside the timed region (kernels are asynchronous; llmkit's child likewise reads the loss back)."""
    torch.manual_seed(0)
    model = TinyGPT(**cfg).to(device)
    ids = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["block"])).to(device)
    targets = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["block"])).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def train_step():
        model.zero_grad(set_to_none=True)
        model(ids, targets).backward()
        opt.step()
        sync()

    sync()
    return {"numParams": sum(p.numel() for p in model.parameters()), "step": time_it(train_step, **iters)}


def use_cuda():
    """Exact float32 on the GPU, as llmkit's kernels compute: TF32 off for matmuls and cuDNN.
    Returns the device's name; exits 4 with one line when torch sees no CUDA GPU."""
    if not torch.cuda.is_available():
        print(
            f"torch_bench.py: --device=cuda but torch {torch.__version__} sees no CUDA GPU "
            f"(built for CUDA {torch.version.cuda or 'none: a CPU-only wheel'})",
            file=sys.stderr,
        )
        sys.exit(4)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    return torch.cuda.get_device_name()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--step", help="JSON GPT config: time only its training step (gpt-step.mjs)")
    ap.add_argument("--iters", help="JSON {warmup, min_iters, max_iters, budget_s} for --step")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="where --step runs (cuda: eager float32, TF32 off)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.device == "cuda" and not args.step:
        ap.error("--device=cuda applies to --step only")
    if args.step:
        iters = json.loads(args.iters) if args.iters else {}
        device_name = use_cuda() if args.device == "cuda" else platform.processor() or platform.machine()
        out = gpt_step(json.loads(args.step), iters, args.device)
        out.update({"torch": torch.__version__, "threads": args.threads, "device": args.device, "device_name": device_name})
        if args.device == "cuda":
            out["tf32"] = torch.backends.cuda.matmul.allow_tf32
        json.dump(out, sys.stdout)
        print()
        return
    budget = dict(max_iters=5, budget_s=0.5) if args.quick else {}
    ops = {name: time_it(fn, **budget) for name, fn in op_cases().items()}
    gpt = tiny_gpt(args.quick)
    # The same step on one thread, to compare with llmkit's single-threaded wasm like for like.
    torch.set_num_threads(1)
    gpt["fwd_bwd_1thread"] = tiny_gpt(True)["fwd_bwd"]
    torch.set_num_threads(args.threads)
    json.dump(
        {
            "torch": torch.__version__,
            "threads": args.threads,
            "python": platform.python_version(),
            "blas": "mkl" if torch.backends.mkl.is_available() else "no mkl",
            "ops": ops,
            "tinyGpt": gpt,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
