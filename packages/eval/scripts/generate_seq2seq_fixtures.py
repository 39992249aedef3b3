#!/usr/bin/env python3
"""HF reference for encoder-decoder generation: a tiny random MarianMTModel (post-LN encoder and
decoder, sinusoidal positions, embeddings scaled by sqrt(d_model), tied output) is the model layers'
EncoderDecoder implements. Writes
  ../fixtures/marian-tiny/{config.json, model.safetensors}  the same weights in EncoderDecoder's format
  ../fixtures/seq2seq.json                                  transformers' generate() on a padded batch

Two differences of layout, both exact: Marian lays its sinusoids out as all sines then all cosines,
EncoderDecoder interleaves them (sin at 2i, cos at 2i+1); so every weight is permuted along the
d_model axis (channel i -> 2i, half + i -> 2i + 1), which LayerNorm, attention and the tied output
are equivariant to — the script checks the permuted positions equal EncoderDecoder's and that the
permuted model gives the same logits. And Marian's `fc1`/`fc2` sit under `mlp.` in EncoderDecoder.

Run from the repository root:  .venv/bin/python packages/eval/scripts/generate_seq2seq_fixtures.py
"""

import json
import math
from pathlib import Path

import torch
import transformers
from safetensors.torch import save_file
from transformers import GenerationConfig, MarianConfig, MarianMTModel

HERE = Path(__file__).resolve().parent.parent / "fixtures"
D, V, HEADS, FFN, LAYERS, POS = 16, 40, 2, 32, 2, 32
PAD, EOS = 0, 13  # 13 is a token the random model likes: some rows and beams stop early

torch.manual_seed(14)
config = MarianConfig(
    vocab_size=V, d_model=D, encoder_layers=LAYERS, decoder_layers=LAYERS, encoder_attention_heads=HEADS,
    decoder_attention_heads=HEADS, encoder_ffn_dim=FFN, decoder_ffn_dim=FFN, max_position_embeddings=POS,
    activation_function="relu", scale_embedding=True, dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
    pad_token_id=PAD, eos_token_id=EOS, decoder_start_token_id=PAD, forced_eos_token_id=None, init_std=0.3,
)
model = MarianMTModel(config).eval()
with torch.no_grad():
    # One shared table for source, target and output, as EncoderDecoder ties them.
    for t in (model.model.encoder.embed_tokens.weight, model.model.decoder.embed_tokens.weight, model.lm_head.weight):
        t.copy_(model.model.shared.weight)
    model.final_logits_bias.zero_()

perm = torch.empty(D, dtype=torch.long)  # our channel c holds Marian's channel perm[c]
perm[0::2] = torch.arange(D // 2)
perm[1::2] = torch.arange(D // 2) + D // 2

# EncoderDecoder's interleaved sinusoids, float64 rounded to float32 (layers' embeddings.ts).
pos = torch.arange(POS, dtype=torch.float64)[:, None]
freq = torch.pow(10000.0, -torch.arange(0, D, 2, dtype=torch.float64) / D)[None, :]
ours = torch.zeros(POS, D, dtype=torch.float64)
ours[:, 0::2] = torch.sin(pos * freq)
ours[:, 1::2] = torch.cos(pos * freq)
marian_pos = model.model.encoder.embed_positions.weight.detach()
assert torch.allclose(marian_pos[:, perm].double(), ours, atol=1e-6), "position layouts do not match by the permutation"

RESIDUAL_IN = ("q_proj.weight", "k_proj.weight", "v_proj.weight", "fc1.weight")  # [out, d_model]: permute columns
RESIDUAL_OUT = ("out_proj.weight", "fc2.weight")  # [d_model, in]: permute rows
RESIDUAL_VEC = ("out_proj.bias", "fc2.bias", "layer_norm.weight", "layer_norm.bias")

tensors = {}
for name, t in model.state_dict().items():
    if name in ("final_logits_bias", "lm_head.weight") or "embed_tokens" in name or "embed_positions" in name:
        continue
    t = t.detach().clone()
    if name == "model.shared.weight" or name.endswith(RESIDUAL_IN):
        t = t[:, perm]
    elif name.endswith(RESIDUAL_OUT):
        t = t[perm, :]
    elif name.endswith(RESIDUAL_VEC):
        t = t[perm]
    name = name.replace(".fc1.", ".mlp.fc1.").replace(".fc2.", ".mlp.fc2.")
    tensors[name] = t.contiguous()

out = HERE / "marian-tiny"
out.mkdir(parents=True, exist_ok=True)
save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
(out / "config.json").write_text(json.dumps({
    "architectures": ["EncoderDecoder"], "model_type": "llmkit-transformer", "activation_function": "relu",
    "attention_dropout": 0, "attention_heads": HEADS, "bos_token_id": None, "d_model": D, "decoder_layers": LAYERS,
    "dropout": 0, "dtype": "float32", "encoder_layers": LAYERS, "eos_token_id": EOS, "ffn_dim": FFN, "init_std": 0.3,
    "layer_norm_eps": 1e-5, "max_position_embeddings": POS, "pad_token_id": PAD, "scale_embedding": True,
    "tie_word_embeddings": True, "vocab_size": V,
}, indent=2) + "\n")

sources = [[5, 17, 9, 33, 12, 7], [21, 4, 30], [8, 8, 25, 14, 39, 3, 11, 6]]
width = max(map(len, sources))
input_ids = torch.tensor([s + [PAD] * (width - len(s)) for s in sources])
attention_mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sources])
decoder_input = torch.tensor([[PAD, 4, 9, 13]] * len(sources))
with torch.no_grad():
    logits = model(input_ids=input_ids, attention_mask=attention_mask, decoder_input_ids=decoder_input).logits


def run(**kw):
    g = GenerationConfig(max_new_tokens=8, do_sample=False, decoder_start_token_id=PAD, eos_token_id=EOS, pad_token_id=PAD, **kw)
    with torch.no_grad():
        r = model.generate(input_ids=input_ids, attention_mask=attention_mask, generation_config=g, return_dict_in_generate=True, output_scores=True)
    case = {"options": kw, "sequences": r.sequences.tolist()}
    if "sequences_scores" in r and r.sequences_scores is not None:
        case["scores"] = r.sequences_scores.tolist()
    return case


cases = [
    {"name": "greedy", **run(num_beams=1)},
    {"name": "greedy, repetition penalty 1.5, no-repeat 2-grams", **run(num_beams=1, repetition_penalty=1.5, no_repeat_ngram_size=2)},
    {"name": "beam 3, 2 returned", **run(num_beams=3, num_return_sequences=2)},
    {"name": "beam 4, length penalty 2, early stopping", **run(num_beams=4, num_return_sequences=2, length_penalty=2.0, early_stopping=True)},
    {"name": "beam 2, length penalty 0.5, never", **run(num_beams=2, length_penalty=0.5, early_stopping="never")},
]
(HERE / "seq2seq.json").write_text(json.dumps({
    "transformers": transformers.__version__, "torch": torch.__version__, "model": "marian-tiny", "sources": sources,
    "decoderInput": decoder_input[0].tolist(), "logits": [[[round(float(x), 7) for x in row] for row in b] for b in logits],
    "cases": cases,
}) + "\n")
print("ok", [c["name"] for c in cases])
