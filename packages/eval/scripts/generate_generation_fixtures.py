#!/usr/bin/env python3
"""HF transformers reference outputs for @llmkit/eval's generation and perplexity tests, written to
../fixtures/generation.json, on the HF-format GPT-2 checkpoint packages/testkit/fixtures/models/gpt2-tiny
(vocab 97, n_positions 16, eos = bos = 96, no pad token).

  greedy / beam   model.generate(...) token for token (eager attention, float32, CPU, one thread)
  processors      transformers' logits processors applied to fixed score rows
  pseudo-ppl      BertForPreTraining (packages/testkit/fixtures/models/bert-tiny) MLM log-probabilities
                  with each scored position masked in turn (Salazar et al. 2020)
  attentions      model(ids, output_attentions=True): [layer][head][query][key]
  perplexity      HF's documented sliding-window perplexity (docs: "Perplexity of fixed-length models")
                  over a fixed token stream for several (max_length, stride), each window's loss
                  weighted by the number of tokens it scored (see perplexity_cases)

Run from the repository root:  .venv/bin/python packages/eval/scripts/generate_generation_fixtures.py
"""

import json
import math
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import GPT2LMHeadModel
from transformers.generation.logits_process import (
    MinPLogitsWarper,
    NoRepeatNGramLogitsProcessor,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

ROOT = Path(__file__).resolve().parents[3]
MODEL_DIR = ROOT / "packages/testkit/fixtures/models/gpt2-tiny"
OUT = Path(__file__).resolve().parent.parent / "fixtures" / "generation.json"

torch.set_num_threads(1)
torch.manual_seed(0)


def left_pad(prompts, pad):
    t = max(len(p) for p in prompts)
    ids = [[pad] * (t - len(p)) + p for p in prompts]
    mask = [[0] * (t - len(p)) + [1] * len(p) for p in prompts]
    return torch.tensor(ids), torch.tensor(mask)


def greedy_cases(model):
    cases = []
    specs = [
        ("one prompt", [[5, 17, 42, 8]], 10, {}),
        ("two prompts of equal length", [[5, 17, 42, 8], [60, 3, 3, 91]], 9, {}),
        ("left-padded batch", [[5, 17, 42, 8, 9], [33, 2], [70, 71, 72]], 8, {}),
        ("repetition penalty 1.8", [[11, 12, 13]], 12, {"repetition_penalty": 1.8}),
        ("no-repeat 2-grams", [[11, 12, 13]], 12, {"no_repeat_ngram_size": 2}),
        ("eos 96 and a second stop id", [[5, 17, 42, 8]], 12, {"eos_token_id": [96, 30]}),
        ("eos 68: rows stop at different steps", [[5, 17, 42, 8], [11, 12, 13, 14], [20, 21, 22, 23]], 10, {"eos_token_id": 68}),
    ]
    for name, prompts, new, kw in specs:
        ids, mask = left_pad(prompts, 96)
        out = model.generate(ids, attention_mask=mask, max_new_tokens=new, do_sample=False, pad_token_id=96, **kw)
        cases.append({"name": name, "prompts": prompts, "maxNewTokens": new, "options": kw,
                      "sequences": out[:, ids.shape[1]:].tolist()})
    return cases


def beam_cases(model):
    cases = []
    specs = [
        ("3 beams", [[5, 17, 42, 8]], 8, {"num_beams": 3}),
        ("4 beams, 3 returned, length penalty 0.6", [[5, 17, 42, 8]], 9, {"num_beams": 4, "num_return_sequences": 3, "length_penalty": 0.6}),
        ("4 beams, early stopping, length penalty 2", [[20, 21]], 12, {"num_beams": 4, "early_stopping": True, "length_penalty": 2.0, "num_return_sequences": 2}),
        ("3 beams, early stopping never", [[20, 21]], 10, {"num_beams": 3, "early_stopping": "never", "num_return_sequences": 3}),
        ("batch of 2, left-padded, 2 beams", [[5, 17, 42, 8, 9], [33, 2]], 7, {"num_beams": 2, "num_return_sequences": 2}),
        ("3 beams with no-repeat 2-grams", [[11, 12, 13]], 10, {"num_beams": 3, "no_repeat_ngram_size": 2}),
        # 68 and 82 are this model's favourite tokens: as eos ids, beams finish early and often,
        # which exercises the finished set, the stopping heuristic and (two eos ids) 3 x numBeams candidates.
        ("3 beams, eos 68", [[5, 17, 42, 8]], 10, {"num_beams": 3, "eos_token_id": 68, "num_return_sequences": 3}),
        ("4 beams, eos 68 and 82, length penalty 1.5", [[20, 21]], 12, {"num_beams": 4, "eos_token_id": [68, 82], "num_return_sequences": 4, "length_penalty": 1.5}),
        ("3 beams, eos 68, early stopping", [[11, 12, 13]], 12, {"num_beams": 3, "eos_token_id": 68, "early_stopping": True, "num_return_sequences": 2}),
        ("2 beams, eos 82, early stopping never, length penalty -0.5", [[60, 3, 3, 91]], 10, {"num_beams": 2, "eos_token_id": 82, "early_stopping": "never", "length_penalty": -0.5, "num_return_sequences": 2}),
    ]
    for name, prompts, new, kw in specs:
        ids, mask = left_pad(prompts, 96)
        out = model.generate(ids, attention_mask=mask, max_new_tokens=new, do_sample=False, pad_token_id=96,
                             return_dict_in_generate=True, output_scores=True, **kw)
        cases.append({"name": name, "prompts": prompts, "maxNewTokens": new, "options": kw,
                      "sequences": out.sequences[:, ids.shape[1]:].tolist(), "scores": out.sequences_scores.tolist()})
    return cases


def processor_cases():
    rng = np.random.default_rng(1414)
    scores = torch.tensor(rng.normal(0, 2, size=(3, 40)).astype(np.float32))
    scores[1, 5] = scores[1, 7]  # a tie at the top-k boundary region
    tokens = torch.tensor(rng.integers(0, 40, size=(3, 9)))
    tokens[2, 6:9] = tokens[2, 0:3]  # a repeated trigram prefix for no-repeat n-grams
    procs = {
        "topK 5": TopKLogitsWarper(5),
        "topP 0.8": TopPLogitsWarper(0.8),
        "topP 0.3": TopPLogitsWarper(0.3),
        "minP 0.1": MinPLogitsWarper(0.1),
        "temperature 0.7": TemperatureLogitsWarper(0.7),
        "repetitionPenalty 1.3": RepetitionPenaltyLogitsProcessor(1.3),
        "noRepeatNGram 2": NoRepeatNGramLogitsProcessor(2),
        "noRepeatNGram 3": NoRepeatNGramLogitsProcessor(3),
    }
    out = {"scores": scores.tolist(), "tokens": tokens.tolist(), "results": {}}
    for name, p in procs.items():
        r = p(tokens, scores.clone())
        out["results"][name] = [[None if math.isinf(x) else x for x in row] for row in r.tolist()]
    return out


def perplexity_cases(model):
    # HF's documented method: windows of max_length tokens moving by stride; each window's labels are
    # -100 except its last trg_len = end - prev_end tokens; nll averaged over the scored tokens.
    rng = np.random.default_rng(97)
    stream = rng.integers(0, 96, size=57).tolist()
    ids = torch.tensor([stream])
    out = {"tokens": stream, "cases": []}
    for max_length, stride in [(16, 16), (16, 8), (16, 5), (10, 3), (16, 1)]:
        seq_len = ids.size(1)
        nll_sum, n_tokens, prev_end = 0.0, 0, 0
        for begin in range(0, seq_len, stride):
            end = min(begin + max_length, seq_len)
            trg_len = end - prev_end
            input_ids = ids[:, begin:end]
            target_ids = input_ids.clone()
            target_ids[:, :-trg_len] = -100
            with torch.no_grad():
                loss = model(input_ids, labels=target_ids).loss
            # The tokens the loss averaged over: labels not -100 after the model's internal shift. (The
            # docs' `num_valid - batch_size` equals this only when a window's first label is scored;
            # with stride < max_length it undercounts, and with stride 1 it weights windows by 0.)
            num_valid = (target_ids[:, 1:] != -100).sum().item()
            nll_sum += loss.item() * num_valid
            n_tokens += num_valid
            prev_end = end
            if end == seq_len:
                break
        out["cases"].append({"maxLength": max_length, "stride": stride, "nll": nll_sum / n_tokens, "perplexity": math.exp(nll_sum / n_tokens), "tokensScored": n_tokens})
    return out


def pseudo_perplexity_cases():
    # Salazar et al. 2020: mask each scored position in turn, log p of the true token there.
    from transformers import BertForPreTraining

    bert = BertForPreTraining.from_pretrained(ROOT / "packages/testkit/fixtures/models/bert-tiny", attn_implementation="eager").eval()
    out = []
    for tokens, mask_id, skip in [([2, 45, 17, 88, 9, 60, 31, 3], 4, [0, 7]), ([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21], 96, [])]:
        scored = [i for i in range(len(tokens)) if i not in skip]
        rows = torch.tensor([[mask_id if i == p else t for i, t in enumerate(tokens)] for p in scored])
        with torch.no_grad():
            logits = bert(rows, attention_mask=torch.ones_like(rows)).prediction_logits
        lp = torch.log_softmax(logits.double(), -1)
        token_lp = [lp[r, p, tokens[p]].item() for r, p in enumerate(scored)]
        pll = sum(token_lp)
        out.append({"tokens": tokens, "maskTokenId": mask_id, "skipPositions": skip, "tokenLogProbs": token_lp,
                    "pseudoLogLikelihood": pll, "pseudoPerplexity": math.exp(-pll / len(scored))})
    return out


def attention_cases(model):
    ids = torch.tensor([[5, 17, 42, 8, 9, 60, 31]])
    with torch.no_grad():
        out = model(ids, output_attentions=True)
    return {"inputIds": ids[0].tolist(), "attentions": [a[0].tolist() for a in out.attentions]}


def main():
    model = GPT2LMHeadModel.from_pretrained(MODEL_DIR, attn_implementation="eager").eval()
    data = {
        "meta": {"transformers": transformers.__version__, "torch": torch.__version__, "model": "packages/testkit/fixtures/models/gpt2-tiny",
                 "generator": "packages/eval/scripts/generate_generation_fixtures.py"},
        "greedy": greedy_cases(model),
        "beam": beam_cases(model),
        "processors": processor_cases(),
        "perplexity": perplexity_cases(model),
        "pseudoPerplexity": pseudo_perplexity_cases(),
        "attentions": attention_cases(model),
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
