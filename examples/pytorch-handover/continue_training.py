"""Continues training a GPT saved by llmkit (HF format: config.json, model.safetensors, tokenizer.json)
with HF transformers, under `accelerate launch` (one or more processes), then saves it the same way.

    accelerate launch --cpu --num_processes 1 continue_training.py --model out/llmkit --out out/pytorch

handover.mjs runs it. Next to the checkpoint it reads handover.json (the probe batch, the loss llmkit
last measured on it, the hash of llmkit's token ids of the corpus) and writes one for the way back.
"""
import argparse
import hashlib
import json
import os

import torch
from accelerate import Accelerator
from transformers import GPT2LMHeadModel, PreTrainedTokenizerFast

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True, help="folder written by llmkit")
parser.add_argument("--out", required=True, help="folder to save the continued model in")
parser.add_argument("--corpus", required=True)
parser.add_argument("--steps", type=int, default=20)
parser.add_argument("--batch-size", type=int, default=8, help="rows per process and step")
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--warmup", type=int, default=2)
parser.add_argument("--seed", type=int, default=2)
args = parser.parse_args()

# cpu=True where there is no GPU: then Accelerator also joins the CPU processes torchrun starts (gloo).
accelerator = Accelerator(cpu=not torch.cuda.is_available())
log = accelerator.print
sent = json.load(open(os.path.join(args.model, "handover.json")))
block = sent["blockSize"]

# The tokenizer.json llmkit wrote, read by HF tokenizers: it must give llmkit's ids for the corpus.
tokenizer = PreTrainedTokenizerFast(tokenizer_file=os.path.join(args.model, "tokenizer.json"))
text = open(args.corpus, encoding="utf-8").read()
ids = tokenizer(text, add_special_tokens=False)["input_ids"]
digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
if digest != sent["corpusIds"]:
    raise SystemExit(f"tokenizer.json: HF tokenizers encodes {args.corpus} differently from llmkit ({len(ids)} ids)")
log(f"tokenizer.json: the same {len(ids)} ids as llmkit")

model = GPT2LMHeadModel.from_pretrained(args.model).to(accelerator.device)
probe = torch.tensor(sent["probe"], device=accelerator.device)


def probe_loss(m):
    m.eval()
    with torch.no_grad():
        loss = m(input_ids=probe, labels=probe).loss.item()
    m.train()
    return loss


first = probe_loss(model)
log(f"probe loss on arrival {first:.6f} (llmkit measured {sent['probeLoss']:.6f})")

# llmkit's AdamW defaults: no decay on biases, LayerNorms and embeddings.
decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "wte" not in n and "wpe" not in n]
rest = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "wte" not in n and "wpe" not in n)]
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.99))
# A fresh optimizer has no moments: a short warmup keeps its first steps as small as llmkit's were.
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / (args.warmup + 1)))
model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)

train_ids = torch.tensor(ids[: sent["trainTokens"]])
generator = torch.Generator().manual_seed(args.seed * 1000 + accelerator.process_index)
losses = []
for step in range(1, args.steps + 1):
    starts = torch.randint(0, len(train_ids) - block + 1, (args.batch_size,), generator=generator)
    x = torch.stack([train_ids[s : s + block] for s in starts.tolist()]).to(accelerator.device)
    loss = model(input_ids=x, labels=x).loss
    accelerator.backward(loss)
    accelerator.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad()
    losses.append(accelerator.reduce(loss.detach(), "mean").item())
    if step == 1 or step % max(1, args.steps // 4) == 0:
        log(f"pytorch step {step}: loss {losses[-1]:.4f}")

unwrapped = accelerator.unwrap_model(model)
last = probe_loss(unwrapped)
log(f"probe loss after {args.steps} steps on {accelerator.num_processes} process(es): {last:.6f}")
accelerator.wait_for_everyone()
if accelerator.is_main_process:
    unwrapped.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    back = {"probeLossOnArrival": first, "probeLoss": last, "trainLosses": losses, "processes": accelerator.num_processes}
    json.dump(back, open(os.path.join(args.out, "handover.json"), "w"), indent=1)
