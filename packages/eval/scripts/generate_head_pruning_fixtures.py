#!/usr/bin/env python3
"""Attention-head pruning reference for @llmkit/eval's HeadPruner, on the gpt2-tiny and bert-tiny
checkpoints (packages/testkit/fixtures/models), written to ../fixtures/head-pruning.json.

transformers' `prune_heads` physically removes the heads (smaller c_attn/c_proj or query/key/value/
output.dense, fewer heads); HeadPruner zeroes the same rows/columns instead, and must give the same
logits. transformers 5 dropped `prune_heads`, so `prune_gpt2` / `prune_bert` below are transformers
4.57.6's GPT2Attention.prune_heads and BertAttention.prune_heads (with find_pruneable_heads_and_indices
and prune_conv1d_layer from its pytorch_utils), line for line, applied to transformers 5.18's modules,
whose forward reads the head count from the weights (view(..., -1, head_dim)).

Run from the repository root:  .venv/bin/python packages/eval/scripts/generate_head_pruning_fixtures.py
"""

import json
import os
import zlib
from pathlib import Path

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
import torch  # noqa: E402
from transformers import BertForPreTraining, GPT2LMHeadModel  # noqa: E402
from transformers.pytorch_utils import Conv1D, prune_linear_layer  # noqa: E402

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[3]
MODELS = ROOT / "packages/testkit/fixtures/models"
OUT = Path(__file__).resolve().parent.parent / "fixtures" / "head-pruning.json"
# layer -> heads, including a layer left whole and one losing all but one head.
HEADS = {"gpt2-tiny": {0: [1], 1: [0, 2]}, "bert-tiny": {0: [0, 2], 1: [1]}}


def find_pruneable_heads_and_indices(heads, n_heads, head_size, already_pruned_heads):
    mask = torch.ones(n_heads, head_size)
    heads = set(heads) - already_pruned_heads
    for head in heads:
        head = head - sum(1 if h < head else 0 for h in already_pruned_heads)
        mask[head] = 0
    mask = mask.view(-1).contiguous().eq(1)
    return heads, torch.arange(len(mask))[mask].long()


def prune_conv1d_layer(layer, index, dim=1):
    W = layer.weight.index_select(dim, index).detach().clone()
    b = layer.bias.detach().clone() if dim == 0 else layer.bias[index].detach().clone()
    new_size = list(layer.weight.size())
    new_size[dim] = len(index)
    new_layer = Conv1D(new_size[1], new_size[0])
    with torch.no_grad():
        new_layer.weight.copy_(W.contiguous())
        new_layer.bias.copy_(b.contiguous())
    return new_layer


def prune_gpt2(attn, heads):
    heads, index = find_pruneable_heads_and_indices(heads, attn.num_heads, attn.head_dim, set())
    index_attn = torch.cat([index, index + attn.split_size, index + (2 * attn.split_size)])
    attn.c_attn = prune_conv1d_layer(attn.c_attn, index_attn, dim=1)
    attn.c_proj = prune_conv1d_layer(attn.c_proj, index, dim=0)
    attn.split_size = (attn.split_size // attn.num_heads) * (attn.num_heads - len(heads))
    attn.num_heads = attn.num_heads - len(heads)


def prune_bert(attention, heads):
    s = attention.self
    heads, index = find_pruneable_heads_and_indices(heads, s.num_attention_heads, s.attention_head_size, set())
    s.query = prune_linear_layer(s.query, index)
    s.key = prune_linear_layer(s.key, index)
    s.value = prune_linear_layer(s.value, index)
    attention.output.dense = prune_linear_layer(attention.output.dense, index, dim=1)
    s.num_attention_heads = s.num_attention_heads - len(heads)
    s.all_head_size = s.attention_head_size * s.num_attention_heads


def inputs(name, lengths, width):
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    ids = torch.randint(1, 96, (len(lengths), width), generator=g)
    mask = torch.zeros_like(ids)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1
        ids[i, n:] = 0
    return ids, mask


def logits(model, ids, mask):
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask)
    return out.logits if hasattr(out, "logits") else out.prediction_logits


def main():
    out = {"meta": {"torch": torch.__version__, "generator": "packages/eval/scripts/generate_head_pruning_fixtures.py"}}
    for name, cls in [("gpt2-tiny", GPT2LMHeadModel), ("bert-tiny", BertForPreTraining)]:
        model = cls.from_pretrained(MODELS / name, attn_implementation="eager").eval()
        ids, mask = inputs(name, [9, 6], 9)
        before = logits(model, ids, mask)
        for layer, heads in HEADS[name].items():
            if name == "gpt2-tiny":
                prune_gpt2(model.transformer.h[layer].attn, heads)
            else:
                prune_bert(model.bert.encoder.layer[layer].attention, heads)
        after = logits(model, ids, mask)
        out[name] = {
            "heads": {str(k): v for k, v in HEADS[name].items()},
            "input_ids": ids.tolist(),
            "attention_mask": mask.tolist(),
            # Only the real tokens: padded positions are not compared.
            "logits": [after[i, : int(mask[i].sum())].tolist() for i in range(len(ids))],
            "max_change": (after - before).abs().max().item(),
        }
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}", {k: v["max_change"] for k, v in out.items() if k != "meta"})


if __name__ == "__main__":
    main()
