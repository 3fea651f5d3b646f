"""The ranker: a linear score over a candidate's named features, then boosted trees over the best.

Every question's candidates include "nil", the answer "the notes do not say": it has features of
its own (the expected answer type, whether a service was named), so that abstaining is decided by
the same score as answering. Two stages: the linear score orders every candidate; the best
`rerank` of them and nil are scored again by a sum of regression trees (a LambdaRank ensemble
boosted from the linear score, `tree_base` of it: the trees correct the linear order rather than
replace it), which can weigh one feature by another (a count beside the question's noun counts for more on a
line about the named service) where a linear score cannot; nil's tree score gets `nil_bias`, the
cut that sets how often kg abstains. The weights, the trees, the cut and the graph-trust cut are
data: kg/ranker.json, written by `python bench/fit_ranker.py` and never edited by hand. A feature
without a weight counts zero; a feature a candidate lacks is 0 in the trees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).resolve().parent / "ranker.json"


@dataclass(frozen=True)
class Ranker:
    """Weights by feature name, and the graph score at which the graph's own answer stands."""

    weights: dict[str, float] = field(default_factory=dict)
    graph_trust: float = 2.0        # a graph answer scoring this much (of 1) stands without the ranker
    meta: dict = field(default_factory=dict)
    trees: tuple = ()               # Tree, ...: the second stage (none: the linear score decides)
    rerank: int = 0                 # how many of the best candidates (besides nil) the trees score again
    nil_bias: float = 0.0           # added to nil's tree score
    tree_base: float = 0.0          # the share of the linear score the trees start from (1: they correct it)

    def score(self, features: dict[str, float]) -> float:
        w = self.weights
        return sum(w.get(k, 0.0) * v for k, v in features.items())

    @cached_property
    def _compiled(self) -> tuple[tuple[str, ...], tuple]:
        """The trees with their features as positions in one list of the names they split on:
        a candidate's features are looked up once each, not once per node (the ask path scores
        ~20 candidates by 400 trees)."""
        names = tuple(sorted({f for t in self.trees for f in t.feature}))
        at = {n: i for i, n in enumerate(names)}
        return names, tuple((tuple(at[f] for f in t.feature), t.threshold, t.left, t.right, t.leaf)
                            for t in self.trees)

    def tree_score(self, features: dict[str, float], nil: bool) -> float:
        total = self.tree_base * self.score(features) if self.tree_base else 0.0
        names, trees = self._compiled
        get = features.get
        x = [get(n, 0.0) for n in names]
        for feature, threshold, left, right, leaf in trees:    # each tree, as Tree says, on positions
            node = 0 if feature else -1
            while node >= 0:
                node = left[node] if x[feature[node]] <= threshold[node] else right[node]
            total += leaf[~node]
        return total + (self.nil_bias if nil else 0.0)


@dataclass(frozen=True)
class Tree:
    """One regression tree, as arrays: internal node i sends a candidate left when its feature
    `feature[i]` is at most `threshold[i]`, else right; a child index below 0 is the leaf ~index."""

    feature: tuple[str, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    leaf: tuple[float, ...]

    def to_json(self) -> dict:
        return {"feature": list(self.feature), "threshold": list(self.threshold), "left": list(self.left),
                "right": list(self.right), "leaf": [round(v, 8) for v in self.leaf]}

    @classmethod
    def from_json(cls, d: dict) -> "Tree":
        return cls(tuple(d["feature"]), tuple(map(float, d["threshold"])), tuple(d["left"]), tuple(d["right"]),
                   tuple(map(float, d["leaf"])))


def read_ranker(path: Path) -> Ranker:
    data = json.loads(path.read_text(encoding="utf-8"))
    trees = tuple(Tree.from_json(t) for t in data.get("trees", ()))
    return Ranker(dict(data.get("weights", {})), float(data.get("graph_trust", 2.0)), dict(data.get("meta", {})),
                  trees, int(data.get("rerank", 0)), float(data.get("nil_bias", 0.0)),
                  float(data.get("tree_base", 0.0)))


@lru_cache(maxsize=1)
def load_ranker() -> Ranker:
    """The fitted ranker shipped with kg; an unfitted one (types and search rank) if the file is missing."""
    try:
        return read_ranker(WEIGHTS_PATH)
    except (OSError, ValueError):
        return Ranker({"graph": 2.0, "graph_first": 1.0, "fit": 1.0, "bm25": 1.0, "svc_direct": 1.0, "nil": 2.5})


def write_ranker(ranker: Ranker, path: Path = WEIGHTS_PATH) -> None:
    body = {"meta": ranker.meta, "graph_trust": round(ranker.graph_trust, 6),
            "weights": {k: round(v, 6) for k, v in sorted(ranker.weights.items()) if abs(v) > 1e-9}}
    text = json.dumps(body, indent=1)
    if ranker.trees:               # one tree a line: a diff of two fits stays readable
        body = {"rerank": ranker.rerank, "nil_bias": round(ranker.nil_bias, 6), "tree_base": ranker.tree_base}
        trees = ",\n".join(json.dumps(t.to_json(), separators=(",", ":")) for t in ranker.trees)
        text = text[:-2] + ",\n" + json.dumps(body, indent=1)[2:-2] + f',\n "trees": [\n{trees}\n]\n}}'
    path.write_text(text + "\n", encoding="utf-8")
