#!/usr/bin/env python3
"""Reference numbers for @llmkit/eval's baselines, written to ../fixtures/baselines.json:
scikit-learn's LogisticRegression (defaults: L2, C=1, lbfgs; tol tightened so both sides reach the
optimum), CountVectorizer's default analyzer, and DummyClassifier('most_frequent').

Run from the repository root:  .venv/bin/python packages/eval/scripts/generate_baseline_fixtures.py
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent.parent
OUT = HERE / "fixtures" / "baselines.json"


def lr_case(name, x, y, **kw):
    model = LogisticRegression(tol=1e-12, max_iter=10000, **kw).fit(x, y)
    return {
        "name": name,
        "x": np.asarray(x).tolist(),
        "y": list(y),
        "options": {"C": kw.get("C", 1.0), "fitIntercept": kw.get("fit_intercept", True)},
        "classes": model.classes_.tolist(),
        "coef": model.coef_.tolist(),
        "intercept": model.intercept_.tolist(),
        "proba": model.predict_proba(x).tolist(),
        "predict": model.predict(x).tolist(),
    }


def main():
    rng = np.random.default_rng(14)
    cases = []
    # Binary, features of different scales, labels from a noisy linear rule.
    x = rng.normal(size=(80, 12)) * rng.uniform(0.2, 3, size=12)
    y = ((x @ rng.normal(size=12) + rng.normal(size=80) * 2) > 0).astype(int)
    cases.append(lr_case("binary", x, y.tolist()))
    cases.append(lr_case("binary C=0.1 no intercept", x, y.tolist(), C=0.1, fit_intercept=False))
    # Three string classes: multinomial.
    x3 = rng.normal(size=(90, 8))
    y3 = np.array(["neg", "neu", "pos"])[np.argmax(x3 @ rng.normal(size=(8, 3)) + rng.normal(size=(90, 3)), axis=1)]
    cases.append(lr_case("multinomial", x3, y3.tolist(), C=0.5))
    # The spam pipeline itself: counts of words in >= 3 of the first 150 training messages.
    data = json.loads((HERE / "data" / "spam-assassin.json").read_text())
    train = [m for m in data["messages"] if m["split"] == "train"][:150]
    texts = [m["text"] for m in train]
    vec = CountVectorizer(min_df=3)
    xb = vec.fit_transform(texts).toarray()
    bow = lr_case("bag of words on spam", xb, [m["label"] for m in train])
    bow["x"] = None  # rebuilt from the texts by BagOfWords; the test checks the vocabulary and counts
    bow["texts"] = texts
    bow["vocabulary"] = vec.get_feature_names_out().tolist()
    bow["counts"] = {"row": 0, "nonzero": {w: int(c) for w, c in zip(vec.get_feature_names_out(), xb[0]) if c}}
    cases.append(bow)

    strings = ["Hello, World! It's a test_case 2x 3 ümlaut naïve", "Ünïcödé ΕΛΛΗΝΙΚΆ и русский ١٢٣ x", "a b cc d-ee $99.95 e-mail: me@x.org"]
    analyzer = CountVectorizer().build_analyzer()
    tokens = [{"text": s, "tokens": analyzer(s)} for s in strings]
    dummy = []
    for labels in (["ham", "spam", "ham"], [2, 1, 1, 2, 0], ["b", "a"]):
        clf = DummyClassifier(strategy="most_frequent").fit([[0]] * len(labels), labels)
        dummy.append({"labels": labels, "majority": clf.predict([[0]])[0].item() if hasattr(clf.predict([[0]])[0], "item") else clf.predict([[0]])[0]})
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "logisticRegression": cases, "analyzer": tokens, "dummy": dummy}, indent=1) + "\n")


if __name__ == "__main__":
    main()
