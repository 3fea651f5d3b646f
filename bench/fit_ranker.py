"""Fit the answer ranker's weights and abstention threshold; write kg/ranker.json.

usage: python bench/fit_ranker.py --corpus ../shared/corpus [--corpus-db DIR] [--bundled-db DIR]
                                  [--epochs N] [--dry-run]

Training data: the corpus's train split (its ask.jsonl rows whose repository SPLIT names `train`,
and its unanswerable questions) and kg's own tests/gold/ask.jsonl on the bundled notes. The test
split is never read. Each question's candidates come from kg.reading.Reader.candidates; a
candidate is right when its answer text states an expected value, by the corpus scorer's own
matcher (corpus/../tools/units.py) for corpus rows and by canonical value for kg's gold.

The fit is listwise: for each question, a softmax over its candidates, maximising the probability
of the right ones, with L2 regularisation (numpy, full-batch Adam). The abstention threshold is the
score that maximises the sum of Hits@1 on answerable questions and abstention on unanswerable ones.
The same data and seed give the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, bundled_store  # noqa: F401  (puts the checkout on sys.path)

import numpy as np

from kg.question import parse_question
from kg.rank import Ranker, WEIGHTS_PATH, write_ranker
from kg.reading import Reader
from kg.store import open_store
from kg.vocab import default_vocabulary


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def candidate_text(c) -> str:
    """What the scorer reads of an answer: its value, then its quantity."""
    text = c.value
    q = c.quantity
    if q is not None:
        text += f" {q.value} {q.unit}"
    return text


def corpus_rows(corpus: Path):
    sys.path.insert(0, str(corpus.parent / "tools"))
    import score  # the corpus scorer: its split rule and matchers
    from units import matches

    repos = score.read_split(str(corpus))
    rows = [g for g in load_jsonl(corpus / "gold" / "ask.jsonl") if score.split_of(repos, g) == "train"]
    unanswerable = load_jsonl(corpus / "gold" / "unanswerable.jsonl")

    def right(c, g) -> bool:
        t = candidate_text(c)
        return any(matches(t, e) for e in g["expected"]) or score.accepted(t, g)
    return rows, unanswerable, right


def bundled_rows():
    from accuracy import expected_canonicals, load_gold

    rows = load_gold()

    def right(c, g) -> bool:
        q = c.quantity
        if q is None:
            return False
        return any(abs(q.canonical_value - v) <= 1e-6 * max(1.0, abs(v)) for v in expected_canonicals(g))
    return [r for r in rows if r["status"] != "not_found"], [r for r in rows if r["status"] == "not_found"], right


def collect(reader: Reader, store, rows, unanswerable, right):
    """One group per question: (feature dicts, labels, answerable)."""
    groups = []
    for g in rows:
        q = parse_question(g["question"])
        if q.kind != "limit":
            continue
        graph_answer = reader.graph.answer(store, q)
        _a, cands = reader.candidates(store, q, graph_answer)
        groups.append(([c.features for c in cands], [right(c, g) for c in cands], True))
    for g in unanswerable:
        q = parse_question(g["question"])
        if q.kind != "limit":
            continue
        graph_answer = reader.graph.answer(store, q)
        _a, cands = reader.candidates(store, q, graph_answer)
        groups.append(([c.features for c in cands], [False] * len(cands), False))
    return groups


def fit(groups, *, epochs: int, l2: float, lr: float = 0.05, seed: int = 0):
    names = sorted({k for feats, _y, _ans in groups for f in feats for k in f})
    col = {k: i for i, k in enumerate(names)}
    mats = []
    for feats, labels, answerable in groups:
        if not feats:
            continue
        x = np.zeros((len(feats), len(names)))
        for r, f in enumerate(feats):
            for k, v in f.items():
                x[r, col[k]] = v
        mats.append((x, np.array(labels, dtype=float), answerable))
    train = [(x, y) for x, y, ans in mats if ans and y.any()]
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 0.01, len(names))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, epochs + 1):
        grad = l2 * w
        loss = 0.5 * l2 * float(w @ w)
        for x, y in train:
            s = x @ w
            s -= s.max()
            p = np.exp(s)
            p /= p.sum()
            target = y / y.sum()
            grad += x.T @ (p - target) / len(train)
            loss -= float(np.log((p * y).sum() + 1e-12)) / len(train)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
        if step % 50 == 0 or step == epochs:
            print(f"  epoch {step}: loss {loss:.4f}", file=sys.stderr)
    weights = dict(zip(names, map(float, w)))
    # abstention: a second model on the top candidate (its score, its margin over the runner-up,
    # its features), fit to say whether the top candidate is right; the cut maximises the sum of
    # Hits@1 on answerable questions and abstention on unanswerable ones
    tops = []
    for x, y, ans in mats:
        s = x @ w
        order = np.argsort(-s)
        i = int(order[0])
        margin = float(s[i] - s[order[1]]) if len(order) > 1 else 5.0
        feats = {"score": float(s[i]), "margin": min(margin, 5.0), "bias": 1.0}
        feats.update({"top:" + names[j]: float(x[i, j]) for j in np.nonzero(x[i])[0]})
        tops.append((feats, bool(y[i]), ans))
    a_names = sorted({k for f, _r, _a in tops for k in f})
    a_col = {k: i for i, k in enumerate(a_names)}
    xa = np.zeros((len(tops), len(a_names)))
    for r, (f, _ok, _ans) in enumerate(tops):
        for k, val in f.items():
            xa[r, a_col[k]] = val
    ya = np.array([1.0 if ok and ans else 0.0 for _f, ok, ans in tops])
    wa = np.zeros(len(a_names))
    m = np.zeros_like(wa)
    v = np.zeros_like(wa)
    for step in range(1, 801):
        p = 1 / (1 + np.exp(-(xa @ wa)))
        grad = xa.T @ (p - ya) / len(ya) + l2 * 5 * wa
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        wa -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    z = xa @ wa
    n_ans = sum(1 for _f, _r, a in tops if a) or 1
    n_un = sum(1 for _f, _r, a in tops if not a) or 1
    best = (-1.0, 0.0)
    for t in sorted(set(z.tolist())):
        # every question counts once: right answers plus right abstentions
        hits = sum(1 for zz, (_f, r, a) in zip(z, tops) if a and r and zz >= t)
        abst = sum(1 for zz, (_f, _r, a) in zip(z, tops) if not a and zz < t)
        if hits + abst > best[0]:
            best = (hits + abst, t)
    below = [zz for zz in z.tolist() if zz < best[1]]
    threshold = (max(below) + best[1]) / 2 if below else best[1] - 1e-3
    hits = sum(1 for zz, (_f, r, a) in zip(z, tops) if a and r and zz >= threshold)
    abst = sum(1 for zz, (_f, _r, a) in zip(z, tops) if not a and zz < threshold)
    # graph trust: at or above this score the graph's own first answer stands (kg.answer's
    # ranking of extracted facts), below it the ranker decides; the cut maximises right outcomes
    graph_rows = []
    gcol = col.get("graph_first")
    scol = col.get("graph_score")
    for (x, y, ans), zz in zip(mats, z):
        g = None
        if gcol is not None:
            rows = np.nonzero(x[:, gcol])[0]
            if len(rows):
                g = (float(x[rows[0], scol]), bool(y[rows[0]]))
        ranker_ok = (bool(y[int(np.argmax(x @ w))]) and zz >= threshold) if ans else zz < threshold
        graph_rows.append((g, ranker_ok, ans))
    trust, best_right = 2.0, -1
    for t in sorted({g[0] for g, _o, _a in graph_rows if g} | {2.0}):
        right = sum((g[1] if ans else False) if (g and g[0] >= t) else ok for g, ok, ans in graph_rows)
        if right > best_right:
            trust, best_right = float(t), int(right)
    top1 = int(sum(1 for _f, r, a in tops if a and r))
    any_right = sum(1 for x, y, a in mats if a and y.any())
    abstain = {k: float(val) for k, val in zip(a_names, wa)}
    return weights, abstain, threshold, trust, {"answerable": n_ans, "with_graph_trust": best_right, "unanswerable": n_un, "top1_right": top1,
                                         "fit_hits": hits, "fit_abstained": abst, "candidate_recall": any_right}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="the corpus folder (notes/, gold/, SPLIT)")
    ap.add_argument("--corpus-db", help="a store with the corpus notes ingested (else a temporary one)")
    ap.add_argument("--bundled-db", help="a store with the bundled notes ingested (else a temporary one)")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--l2", type=float, default=0.002)
    ap.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    a = ap.parse_args()
    started = time.perf_counter()
    vocab = default_vocabulary()
    reader = Reader(vocab, ranker=Ranker())
    groups = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(a.corpus_db) if a.corpus_db else Path(tmp) / "corpus"
        if not a.corpus_db:
            from kg.ingest import ingest_paths

            with open_store(db, write=True) as store:
                ingest_paths(store, [a.corpus / "notes"])
        rows, unanswerable, right = corpus_rows(a.corpus)
        with open_store(db) as store:
            groups += collect(reader, store, rows, unanswerable, right)
        n_corpus = len(groups)
        reader = Reader(vocab, ranker=Ranker())
        with bundled_store(a.bundled_db) as store:
            rows, unanswerable, right = bundled_rows()
            groups += collect(reader, store, rows, unanswerable, right)
    print(f"{n_corpus} corpus and {len(groups) - n_corpus} bundled questions, "
          f"{sum(len(g[0]) for g in groups)} candidates", file=sys.stderr)
    weights, abstain, threshold, trust, figures = fit(groups, epochs=a.epochs, l2=a.l2)
    print(json.dumps(figures))
    if not a.dry_run:
        meta = {"fitted_by": "bench/fit_ranker.py", "train": "corpus train split + tests/gold/ask.jsonl",
                "epochs": a.epochs, "l2": a.l2, **figures}
        write_ranker(Ranker(weights, threshold, meta, abstain, trust), WEIGHTS_PATH)
        print(f"wrote {WEIGHTS_PATH.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
