#!/usr/bin/env python3
"""NLTK PorterStemmer (default NLTK_EXTENSIONS mode, as rouge-score uses it) on every distinct word of
apps/demo/data/tinyshakespeare.txt and the repository's READMEs, written to ../fixtures/porter.json
as [word, stem] pairs. Run from the repository root:
  .venv/bin/python packages/eval/scripts/generate_stemmer_fixtures.py
"""

import json
import re
from pathlib import Path

import nltk
from nltk.stem.porter import PorterStemmer

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parent.parent / "fixtures" / "porter.json"
SOURCES = ["apps/demo/data/tinyshakespeare.txt", "README.md", "DEVELOPERS.md"] + sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("packages/*/README.md"))

words = set()
for s in SOURCES:
    words.update(w.lower() for w in re.findall(r"[A-Za-z]+", (ROOT / s).read_text(encoding="utf-8")))
# Classic Porter test words for the rules prose rarely reaches.
words.update("caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou communism activate angulariti homologous effective bowdlerize probate rate cease controll roll dying lying tying news innings outings cannings howe proceed exceed succeed generously fulli analogi apologies".split())
stemmer = PorterStemmer()
pairs = [[w, stemmer.stem(w)] for w in sorted(words)]
OUT.write_text(json.dumps({"meta": {"nltk": nltk.__version__, "sources": SOURCES}, "pairs": pairs}, separators=(",", ":")) + "\n")
print(f"wrote {OUT}: {len(pairs)} words")
