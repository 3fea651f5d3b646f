"""The ranker: one linear score over a candidate's named features, with fitted weights.

Every question's candidates include "nil", the answer "the notes do not say": it has features of
its own (the expected answer type, whether a service was named), so that abstaining is decided by
the same score as answering. The weights and the graph-trust cut are data: kg/ranker.json, written
by `python bench/fit_ranker.py` and never edited by hand. A feature without a weight counts zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).resolve().parent / "ranker.json"


@dataclass(frozen=True)
class Ranker:
    """Weights by feature name, and the graph score at which the graph's own answer stands."""

    weights: dict[str, float] = field(default_factory=dict)
    graph_trust: float = 2.0        # a graph answer scoring this much (of 1) stands without the ranker
    meta: dict = field(default_factory=dict)

    def score(self, features: dict[str, float]) -> float:
        w = self.weights
        return sum(w.get(k, 0.0) * v for k, v in features.items())


def read_ranker(path: Path) -> Ranker:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Ranker(dict(data.get("weights", {})), float(data.get("graph_trust", 2.0)), dict(data.get("meta", {})))


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
    path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
