#!/usr/bin/env python3
"""PyTorch side of `npm run bench:shakespeare`: nanoGPT's CPU "baby" run on tiny Shakespeare.

A plain training loop equivalent to nanoGPT's train.py + model.py with

    --device=cpu --compile=False --eval_iters=20 --block_size=64 --batch_size=12 --n_layer=4
    --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0

on top of config/train_shakespeare_char.py (lr 1e-3 -> 1e-4 cosine, warmup 100, beta2 0.99,
weight decay 0.1, clip 1.0, eval every 250), with these choices shared with shakespeare.mjs:

- the model is GPT-2 style as llmkit's GPT: pre-LN, biases in Linear and LayerNorm, GELU (tanh),
  tied LM head, N(0, 0.02) init with the residual projections at 0.02 / sqrt(2 n_layer);
- the split is prepare.py's: the first 90% of the characters train, the rest validate;
- batches are get_batch's (random offsets into the split, x = d[i:i+64], y = d[i+1:i+65]) but the
  offsets come from mulberry32 (below, also in shakespeare.mjs), so both sides see the same data;
- AdamW with nanoGPT's groups: decay for every parameter of dim >= 2 (wte/lm_head, wpe, linear
  weights), none for biases and LayerNorm weights.

Progress goes to stderr; the result is one JSON object on stdout. Exit status 3 if torch is missing.
"""
import argparse
import json
import math
import os
import platform
import sys
import time

try:
    import torch
    import torch.nn as nn
    from torch.nn import functional as F
except ImportError:  # pragma: no cover
    print('torch is not installed', file=sys.stderr)
    sys.exit(3)


class Mulberry32:
    """The 32-bit generator shakespeare.mjs uses too: the same seed gives the same offsets."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next_u32(self):
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return (t ^ (t >> 14)) & 0xFFFFFFFF

    def below(self, n):
        """An integer in [0, n): floor(u32 * n / 2^32), exact in JS doubles for n < 2^21."""
        return (self.next_u32() * n) >> 32


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=True)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=True)
        self.n_head = n_head
        self.n_embd = n_embd

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=True)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=True)
        self.gelu = nn.GELU(approximate='tanh')  # llmkit's GPT: GPT-2's gelu_new
        self.c_proj = nn.Linear(4 * n_embd, n_embd, bias=True)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=1e-5)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd, eps=1e-5)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd):
        super().__init__()
        self.block_size = block_size
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd),
            wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)]),
            ln_f=nn.LayerNorm(n_embd, eps=1e-5),
        ))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # tied
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith('c_proj.weight'):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--data', required=True)
    parser.add_argument('--iters', type=int, default=2000)
    parser.add_argument('--block', type=int, default=64)
    parser.add_argument('--batch', type=int, default=12)
    parser.add_argument('--layers', type=int, default=4)
    parser.add_argument('--heads', type=int, default=4)
    parser.add_argument('--embd', type=int, default=128)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--min-lr', type=float, default=1e-4)
    parser.add_argument('--warmup', type=int, default=100)
    parser.add_argument('--decay-iters', type=int, default=2000)
    parser.add_argument('--eval-interval', type=int, default=250)
    parser.add_argument('--eval-iters', type=int, default=20)
    parser.add_argument('--final-eval-iters', type=int, default=200)
    parser.add_argument('--seed', type=int, default=1337)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    process_start = time.perf_counter()

    # prepare.py: characters sorted, first 90% train, rest validation.
    with open(args.data, 'r', encoding='utf-8') as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = len(data)
    splits = {'train': data[: int(n * 0.9)], 'val': data[int(n * 0.9):]}

    def get_batch(split, rng):
        d = splits[split]
        ix = [rng.below(len(d) - args.block) for _ in range(args.batch)]
        x = torch.stack([d[i: i + args.block] for i in ix])
        y = torch.stack([d[i + 1: i + 1 + args.block] for i in ix])
        return x, y

    model = GPT(len(chars), args.block, args.layers, args.heads, args.embd)
    n_params = sum(p.numel() for p in model.parameters())
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
        lr=args.lr, betas=(0.9, 0.99), eps=1e-8, foreach=None, fused=False,
    )

    def get_lr(it):
        if it < args.warmup:
            return args.lr * (it + 1) / (args.warmup + 1)
        if it > args.decay_iters:
            return args.min_lr
        ratio = (it - args.warmup) / (args.decay_iters - args.warmup)
        return args.min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (args.lr - args.min_lr)

    @torch.no_grad()
    def estimate(split, rng, iters):
        model.eval()
        losses = torch.zeros(iters)
        for k in range(iters):
            x, y = get_batch(split, rng)
            losses[k] = model(x, y).item()
        model.train()
        return losses.mean().item()

    train_rng = Mulberry32(args.seed)
    eval_rng = Mulberry32(args.seed + 1)
    evals = []
    losses = []
    eval_seconds = 0.0
    load_before = os.getloadavg()
    model.train()
    start = time.perf_counter()
    for it in range(args.iters):
        lr = get_lr(it)
        for group in optimizer.param_groups:
            group['lr'] = lr
        x, y = get_batch('train', train_rng)
        loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step = it + 1
        if step % 100 == 0 or step == 1:
            lossf = loss.item()
            elapsed = time.perf_counter() - start
            # 't': training time so far, evaluations excluded (for the fastest 100-step window).
            losses.append({'step': step, 'loss': lossf, 't': elapsed - eval_seconds})
            print(f'  torch step {step:4d}/{args.iters}  loss {lossf:.4f}  lr {lr:.2e}  '
                  f'{step * args.batch * args.block / elapsed:.0f} tok/s', file=sys.stderr, flush=True)
        if step % args.eval_interval == 0 or step == args.iters:
            eval_start = time.perf_counter()
            val = estimate('val', eval_rng, args.eval_iters)
            eval_seconds += time.perf_counter() - eval_start
            evals.append({'step': step, 'val': val})
            print(f'  torch step {step:4d}/{args.iters}  val loss {val:.4f} ({args.eval_iters} batches)',
                  file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    final_start = time.perf_counter()
    final_val = estimate('val', Mulberry32(args.seed + 2), args.final_eval_iters)
    final_seconds = time.perf_counter() - final_start
    load_after = os.getloadavg()
    tokens = args.iters * args.batch * args.block
    print(json.dumps({
        'name': 'pytorch',
        'torch': torch.__version__,
        'python': platform.python_version(),
        'threads': torch.get_num_threads(),
        'vocab': len(chars),
        'params': n_params,
        'iters': args.iters,
        'tokens': tokens,
        'seconds': seconds,
        'tokensPerSecond': tokens / seconds,
        'evalSeconds': eval_seconds,
        'finalVal': final_val,
        'finalEvalBatches': args.final_eval_iters,
        'finalEvalSeconds': final_seconds,
        'evals': evals,
        'losses': losses,
        'processSeconds': time.perf_counter() - process_start,
        'loadBefore': load_before,
        'loadAfter': load_after,
    }))


if __name__ == '__main__':
    main()
