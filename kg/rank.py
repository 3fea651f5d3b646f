"""The ranker: one linear score over a candidate's named features, with fitted weights.

The weights and the abstention threshold are data: kg/ranker.json, written by
`python bench/fit_ranker.py` (a listwise logistic fit on the corpus train split and kg's own
gold questions) and never edited by hand. A feature the file has no weight for counts zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).resolve().parent / "ranker.json"


@dataclass(frozen=True)
class Ranker:
    """Weights by feature name, a bias, and the score under which kg abstains."""

    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.0
    meta: dict = field(default_factory=dict)
    abstain: dict[str, float] = field(default_factory=dict)   # the answer-or-not model's weights
    graph_trust: float = 2.0       # a graph answer scoring this much (of 12) stands without the ranker

    def score(self, features: dict[str, float]) -> float:
        w = self.weights
        return sum(w.get(k, 0.0) * v for k, v in features.items())

    def confidence(self, top_score: float, runner_up: float | None, features: dict[str, float]) -> float:
        """The answer-or-not model's score for the top candidate: kg answers when it reaches `threshold`."""
        if not self.abstain:
            return top_score
        margin = min(top_score - runner_up, 5.0) if runner_up is not None else 5.0
        a = self.abstain
        z = a.get("score", 0.0) * top_score + a.get("margin", 0.0) * margin + a.get("bias", 0.0)
        return z + sum(a.get("top:" + k, 0.0) * v for k, v in features.items())


def read_ranker(path: Path) -> Ranker:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Ranker(dict(data.get("weights", {})), float(data.get("threshold", 0.0)), dict(data.get("meta", {})),
                  dict(data.get("abstain", {})), float(data.get("graph_trust", 2.0)))


@lru_cache(maxsize=1)
def load_ranker() -> Ranker:
    """The fitted ranker shipped with kg; an unfitted one (graph answers first) if the file is missing."""
    try:
        return read_ranker(WEIGHTS_PATH)
    except (OSError, ValueError):
        return Ranker({"graph": 2.0, "graph_first": 1.0, "fit": 1.0, "bm25": 1.0, "svc_direct": 1.0}, 1.5)


def write_ranker(ranker: Ranker, path: Path = WEIGHTS_PATH) -> None:
    body = {"meta": ranker.meta, "threshold": round(ranker.threshold, 6), "graph_trust": round(ranker.graph_trust, 6),
            "weights": {k: round(v, 6) for k, v in sorted(ranker.weights.items()) if abs(v) > 1e-9},
            "abstain": {k: round(v, 6) for k, v in sorted(ranker.abstain.items()) if abs(v) > 1e-9}}
    path.write_text(json.dumps(body, indent=1, sort_keys=False) + "\n", encoding="utf-8")
