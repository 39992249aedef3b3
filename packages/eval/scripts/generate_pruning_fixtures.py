#!/usr/bin/env python3
"""torch.nn.utils.prune reference masks for @llmkit/eval's MagnitudePruner, on the gpt2-tiny checkpoint
(packages/testkit/fixtures/models/gpt2-tiny), written to ../fixtures/pruning.json as the flat indices
of the zeroed weights of every attention and MLP matrix (HF's Conv1D layout, as ours):
  global    prune.global_unstructured(..., pruning_method=prune.L1Unstructured, amount=0.3)
  perLayer  prune.l1_unstructured(module, 'weight', amount=0.3) on each matrix

Run from the repository root:  .venv/bin/python packages/eval/scripts/generate_pruning_fixtures.py
"""

import json
from pathlib import Path

import torch
import torch.nn.utils.prune as prune
from transformers import GPT2LMHeadModel

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parent.parent / "fixtures" / "pruning.json"
AMOUNT = 0.3


def targets(model):
    out = []
    for i, block in enumerate(model.transformer.h):
        for path in ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"):
            module = block.get_submodule(path)
            out.append((f"transformer.h.{i}.{path}.weight", module))
    return out


def zeros(module):
    return torch.nonzero(module.weight_mask.flatten() == 0).flatten().tolist()


def main():
    load = lambda: GPT2LMHeadModel.from_pretrained(ROOT / "packages/testkit/fixtures/models/gpt2-tiny").eval()
    model = load()
    ts = targets(model)
    prune.global_unstructured([(m, "weight") for _, m in ts], pruning_method=prune.L1Unstructured, amount=AMOUNT)
    result = {"meta": {"torch": torch.__version__, "amount": AMOUNT, "generator": "packages/eval/scripts/generate_pruning_fixtures.py"},
              "global": {name: zeros(m) for name, m in ts}}
    model = load()
    ts = targets(model)
    for _, m in ts:
        prune.l1_unstructured(m, "weight", amount=AMOUNT)
    result["perLayer"] = {name: zeros(m) for name, m in ts}
    OUT.write_text(json.dumps(result, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
