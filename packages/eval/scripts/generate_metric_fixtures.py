#!/usr/bin/env python3
"""Reference numbers for @llmkit/eval's metrics, written to ../fixtures/metrics.json.

Each case holds its inputs and the reference implementation's output:
  classification  scikit-learn (accuracy_score, precision_recall_fscore_support, confusion_matrix,
                  matthews_corrcoef)
  bleu, chrf      sacrebleu (corpus_bleu, sentence_bleu, corpus_chrf, sentence_chrf)
  seqeval         seqeval's precision_recall_fscore_support (default mode). seqeval is not on the
                  pip mirror: put its source on PYTHONPATH (github.com/chakki-works/seqeval, checked
                  with v1.2.2-4-gcd01b52), e.g. SEQEVAL_SRC=/tmp/seqeval-src.
  rouge           torchmetrics' rouge_score (a port of rouge-score, which is not on the pip mirror),
                  with its sentence splitter (nltk punkt, which cannot be downloaded here) replaced by
                  rouge-score's own default for rougeLsum: split on newlines.

Run from the repository root:  SEQEVAL_SRC=/tmp/seqeval-src .venv/bin/python packages/eval/scripts/generate_metric_fixtures.py
"""

import json
import os
import sys
from pathlib import Path

import numpy as np

if os.environ.get("SEQEVAL_SRC"):
    sys.path.insert(0, os.environ["SEQEVAL_SRC"])

import sacrebleu  # noqa: E402
import sklearn  # noqa: E402
from sklearn import metrics as skm  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "metrics.json"


def classification_cases():
    rng = np.random.default_rng(14)
    cases = []
    specs = [
        ("binary ints", [0, 1], 40, {}),
        ("binary strings posLabel", ["ham", "spam"], 30, {"pos_label": "spam"}),
        ("multiclass 4", [0, 1, 2, 3], 60, {}),
        ("multiclass strings", ["neg", "neu", "pos"], 25, {}),
        ("multiclass with a never-predicted class", [0, 1, 2, 5], 20, {"drop_pred": 5}),
        ("multiclass with a class only predicted", [1, 2, 3], 15, {"drop_true": 3}),
        ("constant prediction", [0, 1, 2], 12, {"constant": 1}),
        ("explicit labels with an absent class", [0, 1, 2], 20, {"labels": [2, 0, 1, 7]}),
    ]
    for name, labels, n, extra in specs:
        y_true = [labels[i] for i in rng.integers(0, len(labels), n)]
        # Predictions agree with the truth ~60% of the time, so the metrics are far from 0 and 1.
        y_pred = [t if rng.random() < 0.6 else labels[rng.integers(0, len(labels))] for t in y_true]
        if "drop_pred" in extra:
            y_pred = [labels[0] if p == extra["drop_pred"] else p for p in y_pred]
        if "drop_true" in extra:
            y_true = [labels[0] if t == extra["drop_true"] else t for t in y_true]
        if "constant" in extra:
            y_pred = [extra["constant"]] * n
        binary = len(labels) == 2
        case = {"name": name, "yTrue": y_true, "yPred": y_pred, "accuracy": skm.accuracy_score(y_true, y_pred)}
        cm_labels = sorted(set(y_true) | set(y_pred))
        case["confusionMatrix"] = {"labels": cm_labels, "matrix": skm.confusion_matrix(y_true, y_pred).tolist()}
        case["confusionMatrixNormalizedTrue"] = skm.confusion_matrix(y_true, y_pred, normalize="true").tolist()
        case["mcc"] = skm.matthews_corrcoef(y_true, y_pred)
        prf = {}
        averages = ["micro", "macro", "weighted", None] + (["binary"] if binary else [])
        for avg in averages:
            for zd in ([0, 1, "nan"] if avg in ("macro", None) else [0]):
                kw = {"average": avg, "zero_division": np.nan if zd == "nan" else zd}
                if "labels" in extra and avg != "binary":
                    kw["labels"] = extra["labels"]
                if avg == "binary":
                    kw["pos_label"] = extra.get("pos_label", 1)
                p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, **kw)
                tolist = lambda v: [None if np.isnan(x) else float(x) for x in v] if isinstance(v, np.ndarray) else (None if np.isnan(v) else float(v))
                entry = {"average": avg, "zeroDivision": zd, "precision": tolist(p), "recall": tolist(r), "f": tolist(f)}
                if avg == "binary":
                    entry["posLabel"] = kw["pos_label"]
                if "labels" in kw:
                    entry["labels"] = kw["labels"]
                if avg is None:
                    entry["support"] = s.tolist()
                prf.setdefault(str(avg), []).append(entry)
        # F2 (beta) once per case.
        p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, average="macro", beta=2.0, zero_division=0)
        case["macroF2"] = float(f)
        case["prf"] = prf
        cases.append(case)
    return cases


HYPS = [
    "The cat sat on the mat.",
    "It is a guide to action which ensures that the military always obeys the commands of the party.",
    "he read the book because he was interested in world history",
    "Prices rose 3.5% in 2023 -- analysts say it's \"unexpected\" & worrying.",
    "Short.",
    "",
    "the the the the the the the",
    "Hello, world! Dr. Smith's e-mail: smith@example.com (2-3 days).",
    "Völlig neue Ergebnisse für 2024: 12,5 Mio. Euro.",
    "one two three four five",
    "a reference that is empty",
    "Yes, indeed.",
]
REFS = [
    ["The cat is on the mat.", "There is a cat on the mat."],
    ["It is a guide to action that ensures that the military will forever heed Party commands.",
     "It is the guiding principle which guarantees the military forces always being under the command of the Party."],
    ["he was interested in world history because he read the book", "he read a book about world history"],
    ["Prices rose 3.5 % in 2023; analysts called it \"unexpected\" and worrying.", "Analysts: a 3.5% rise in 2023 was unexpected."],
    ["A short sentence.", "Short one."],
    ["Nothing here.", "Empty."],
    ["The cat is on the mat.", "the cat"],
    ["Hello world! Dr. Smith's email is smith@example.com (2-3 days).", "Hi, world."],
    ["Völlig neue Ergebnisse für 2024: 12,5 Millionen Euro.", "Neue Ergebnisse 2024."],
    ["one two three six", "one two three four five six"],  # 4 and 6 tokens: equally close to 5, the shorter counts
    ["", "an empty reference beside"],
    ["Ja", "J"],  # no character n-grams of order 3+ in the references
]


def bleu_cases():
    streams = [list(x) for x in zip(*REFS)]  # sacrebleu takes reference streams
    out = {"hypotheses": HYPS, "references": REFS, "corpus": [], "sentence": []}
    for method, kwargs in [("exp", {}), ("none", {}), ("floor", {}), ("add-k", {}), ("floor", {"smooth_value": 0.5})]:
        for lowercase in (False, True):
            s = sacrebleu.corpus_bleu(HYPS, streams, smooth_method=method, lowercase=lowercase, **kwargs)
            out["corpus"].append({"smoothMethod": method, "smoothValue": kwargs.get("smooth_value"), "lowercase": lowercase,
                                  "score": s.score, "counts": s.counts, "totals": s.totals, "bp": s.bp, "sysLen": s.sys_len, "refLen": s.ref_len})
    # corpus_bleu with one reference stream only, and tokenize none
    s = sacrebleu.corpus_bleu(HYPS, [streams[0]], tokenize="none")
    out["corpusOneRefNoTokenize"] = {"score": s.score, "counts": s.counts, "totals": s.totals}
    for i, h in enumerate(HYPS):
        for method in ("exp", "floor", "add-k", "none"):
            s = sacrebleu.sentence_bleu(h, REFS[i], smooth_method=method)
            out["sentence"].append({"index": i, "smoothMethod": method, "score": s.score, "bp": s.bp, "precisions": s.precisions})
    return out


def chrf_cases():
    streams = [list(x) for x in zip(*REFS)]
    out = {"corpus": [], "sentence": []}
    for kw in [{}, {"word_order": 2}, {"lowercase": True}, {"whitespace": True}, {"eps_smoothing": True}, {"char_order": 4, "beta": 1}]:
        out["corpus"].append({"options": kw, "score": sacrebleu.CHRF(**kw).corpus_score(HYPS, streams).score})
    for i, h in enumerate(HYPS):
        out["sentence"].append({"index": i, "score": sacrebleu.sentence_chrf(h, REFS[i]).score,
                                "chrfpp": sacrebleu.sentence_chrf(h, REFS[i], word_order=2).score})
    return out


def seqeval_cases():
    from seqeval.metrics.sequence_labeling import precision_recall_fscore_support as prfs
    from seqeval.metrics.sequence_labeling import get_entities

    iob2_true = [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "B-ORG"],
                 ["O", "B-MISC", "I-MISC", "I-MISC", "O"],
                 ["B-PER", "B-PER", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O", "B-ORG", "I-ORG"]]
    iob2_pred = [["B-PER", "I-PER", "O", "B-LOC", "O", "O", "B-ORG"],
                 ["O", "I-MISC", "I-MISC", "I-MISC", "O"],  # I- without B- still opens a chunk
                 ["B-PER", "I-PER", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O", "B-LOC", "I-ORG"]]
    iobes_true = [["S-PER", "O", "B-LOC", "I-LOC", "E-LOC", "O", "S-ORG"],
                  ["B-MISC", "E-MISC", "O", "S-PER", "S-PER"]]
    iobes_pred = [["S-PER", "O", "B-LOC", "E-LOC", "E-LOC", "O", "B-ORG"],
                  ["B-MISC", "E-MISC", "O", "B-PER", "E-PER"]]
    no_true = [["O", "O"], ["O"]]
    some_pred = [["B-PER", "O"], ["O"]]
    out = []
    for name, yt, yp in [("IOB2", iob2_true, iob2_pred), ("IOBES", iobes_true, iobes_pred),
                         ("no true entities", no_true, some_pred), ("no entities at all", no_true, no_true)]:
        case = {"name": name, "yTrue": yt, "yPred": yp, "entitiesTrue": [list(e) for e in get_entities(yt)],
                "entitiesPred": [list(e) for e in get_entities(yp)], "scores": []}
        for avg in ("micro", "macro", "weighted"):
            if name == "no entities at all" and avg == "macro":
                continue  # numpy's mean of nothing is NaN (with a warning); we do not copy that
            for zd in (0, 1):
                p, r, f, s = prfs(yt, yp, average=avg, zero_division=zd)
                case["scores"].append({"average": avg, "zeroDivision": zd, "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)})
        p, r, f, s = prfs(yt, yp, average=None)
        case["perType"] = {"precision": [float(x) for x in p], "recall": [float(x) for x in r], "f1": [float(x) for x in f], "support": [int(x) for x in s]}
        out.append(case)
    # Strict mode (mode='strict' with a scheme): seqeval.metrics.v1 and seqeval.scheme.Entities.
    from seqeval.metrics.v1 import precision_recall_fscore_support as prfs_v1
    from seqeval.scheme import IOB2, IOBES, Entities

    for name, yt, yp, scheme, sname in [("IOB2 strict", iob2_true, iob2_pred, IOB2, "IOB2"), ("IOBES strict", iobes_true, iobes_pred, IOBES, "IOBES")]:
        ents = lambda ys: sorted([e.sent_id, e.tag, e.start, e.end] for sent in Entities(ys, scheme).entities for e in sent)
        case = {"name": name, "scheme": sname, "yTrue": yt, "yPred": yp, "entitiesTrue": ents(yt), "entitiesPred": ents(yp), "scores": []}
        for avg in ("micro", "macro", "weighted"):
            p, r, f, s_ = prfs_v1(yt, yp, average=avg, scheme=scheme, zero_division=0)
            case["scores"].append({"average": avg, "zeroDivision": 0, "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s_)})
        out.append(case)
    return out


def rouge_cases():
    import torchmetrics.functional.text.rouge as tmr

    # rouge-score splits rougeLsum sentences on newlines (its default split_summaries=False).
    tmr._split_sentence = lambda x: x.split("\n")
    preds = [
        "the cat was found under the bed",
        "The quick brown fox jumps over the lazy dog.\nIt was not amused!",
        "police kill the gunman",
        "a b c d e f",
        "",
        "Numbers 1,234 and 56.7% stay; ÉCOLE élève!",
    ]
    targets = [
        ["the cat was under the bed", "a cat lay below the bed"],
        ["The quick brown dog jumps on the log.\nThe fox was amused."],
        ["police killed the gunman", "the gunman was shot down by police"],
        ["a c e\nb d f"],
        ["empty prediction"],
        ["numbers 1 234 and 56 7 stay ecole"],
    ]
    # Random multi-sentence texts over a 4-word vocabulary: many equally long LCSs, so the union
    # LCS of rougeLsum depends on how ties are backtracked.
    rng = np.random.default_rng(1414)
    words = ["a", "b", "c", "d"]
    for _ in range(12):
        def text():
            return "\n".join(" ".join(rng.choice(words, rng.integers(1, 6))) for _ in range(rng.integers(1, 4)))
        preds.append(text())
        targets.append([text()])
    keys = ("rouge1", "rouge2", "rougeL", "rougeLsum")
    out = {"predictions": preds, "references": targets, "pairs": [], "corpus": None}
    for p, t in zip(preds, targets):
        s = tmr.rouge_score(p, [t], rouge_keys=keys, accumulate="best")
        out["pairs"].append({k: {m: float(s[f"{k}_{m}"]) for m in ("precision", "recall", "fmeasure")} for k in keys})
    s = tmr.rouge_score(preds, targets, rouge_keys=keys, accumulate="best")
    out["corpus"] = {k: {m: float(s[f"{k}_{m}"]) for m in ("precision", "recall", "fmeasure")} for k in keys}
    # With Porter stemming (rouge-score's use_stemmer; nltk's PorterStemmer, which needs no download).
    stem_preds = ["The runners were running quickly towards the finishing lines.\nConnections connected.",
                  "generously conditional happiness", "studies studying studied", "police killed the gunmen"]
    stem_targets = [["A runner runs quick to the finish line.\nThe connection connects."], ["generous condition happy"],
                    ["study studies"], ["the police kill the gunman", "gunmen were killed"]]
    s = tmr.rouge_score(stem_preds, stem_targets, rouge_keys=keys, accumulate="best", use_stemmer=True)
    out["stemmed"] = {"predictions": stem_preds, "references": stem_targets,
                      "corpus": {k: {m: float(s[f"{k}_{m}"]) for m in ("precision", "recall", "fmeasure")} for k in keys}}
    return out


def main():
    import torchmetrics

    data = {
        "meta": {"sklearn": sklearn.__version__, "sacrebleu": sacrebleu.__version__, "torchmetrics": torchmetrics.__version__,
                 "seqeval": "github chakki-works/seqeval v1.2.2-4-gcd01b52 (source)", "generator": "packages/eval/scripts/generate_metric_fixtures.py"},
        "classification": classification_cases(),
        "bleu": bleu_cases(),
        "chrf": chrf_cases(),
        "seqeval": seqeval_cases(),
        "rouge": rouge_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
