"""The ranker's second stage (kg.rank.Tree, kg.reading.Reader._rerank) and the question's head noun."""

from pathlib import Path

import pytest


def test_a_tree_sends_a_candidate_left_at_or_below_its_threshold():
    from kg.rank import Ranker, Tree

    # node 0 splits on "fit"; its right child splits on "rank"; leaves ~0, ~1, ~2
    t = Tree(("fit", "rank"), (0.5, 0.25), (-1, -2), (1, -3), (-1.0, 0.5, 2.0))
    value = Ranker(trees=(t,)).tree_score          # one tree, no linear share, no nil cut: its leaf
    assert value({"fit": 0.5}, False) == -1.0          # at the threshold: left
    assert value({}, False) == -1.0                    # a feature a candidate lacks is 0
    assert value({"fit": 1.0, "rank": 0.2}, False) == 0.5
    assert value({"fit": 1.0, "rank": 1.0}, False) == 2.0


def test_trees_and_their_cut_survive_the_data_file(tmp_path: Path):
    from kg.rank import Ranker, Tree, read_ranker, write_ranker

    t = Tree(("fit",), (0.5,), (-1,), (-2,), (0.0, 1.0))
    r = Ranker({"fit": 1.0}, 2.0, {"fitted_by": "test"}, (t, t), 20, 0.75)
    write_ranker(r, tmp_path / "r.json")
    back = read_ranker(tmp_path / "r.json")
    assert back == r
    assert back.tree_score({"fit": 1.0}, nil=False) == 2.0
    assert back.tree_score({}, nil=True) == 0.75       # nil's tree score carries the abstention cut


def test_the_trees_rescore_only_the_best_and_nil(vocab):
    from kg.rank import Ranker, Tree
    from kg.reading import Candidate, Reader

    t = Tree(("fit",), (0.5,), (-1,), (-2,), (0.0, 1.0))
    r = Ranker({"fit": 1.0}, 2.0, {}, (t,), 3, 0.5)
    reader = Reader(vocab, ranker=r)
    cands = [Candidate("number", str(i), None, features={"fit": 1.0}, score=float(-i)) for i in range(r.rerank + 5)]
    cands.append(Candidate("nil", "", None, features={"nil": 1.0}, score=-100.0))
    out = reader._rerank(cands)
    again = out[:r.rerank + 1]
    assert any(c.type == "nil" for c in again)               # nil is always scored again
    assert [c.value for c in out[r.rerank + 1:]] == [str(i) for i in range(r.rerank, r.rerank + 5)]
    assert min(c.score for c in again) > max(c.score for c in out[r.rerank + 1:])


@pytest.mark.parametrize("question, head", [
    ("How many security groups can a VPC have?", "group"),      # service words count
    ("iam users per account limit", "user"),                     # ends at a head boundary
    ("max size of an item", "size"),                             # after a qualifier
    ("How long does a failover take?", None),                    # near miss: an opening cue then a verb
])
def test_the_head_noun_of_a_question(vocab, question, head):
    from kg.question import parse_question
    from kg.reading import Reader

    assert Reader(vocab)._head(parse_question(question)) == head


def test_a_count_beside_the_noun_it_counts(vocab):
    from kg.reading import _WORD, _head_beside
    from kg.spans import read_spans
    from kg.vocab import stem

    def beside(text, head):
        text, spans = read_spans(text)
        toks = [(stem(m.group()), m.start()) for m in _WORD.finditer(text)]
        sp = next(s for s in spans if s.value.startswith(("500", "2")))
        return _head_beside(text, toks, sp, stem(head))

    assert beside("Up to 500 security groups per VPC", "groups")
    assert not beside("Peering connects 2 VPCs privately", "connections")   # near miss: it counts VPCs


def _hit(direct=(), around=()):
    from kg.index import Hit

    return Hit(1, "n", "n.md", 1, 1, "Function timeout (max) 900 seconds", "", "", None, -1.0,
               frozenset(direct), frozenset(around))


def test_a_line_about_the_service_a_named_feature_is_part_of_is_marked(vocab):
    # "Lambda@Edge" is a feature under Lambda: a line of the notes' Lambda section states Lambda's own timeout
    from kg.question import parse_question
    from kg.reading import Reader, _parent_only

    svc = "https://example.org/kg/service/"
    a = Reader(vocab).analyse(parse_question("What is the timeout of a Lambda@Edge viewer request function?"))
    assert a.named == [svc + "lambda-edge"] and svc + "lambda" in a.parents
    assert _parent_only(a, _hit(around=[svc + "lambda"]))
    # near misses: a line about the feature itself, and the same line for a question naming Lambda
    assert not _parent_only(a, _hit(direct=[svc + "lambda-edge"], around=[svc + "lambda"]))
    b = Reader(vocab).analyse(parse_question("What is the timeout of a Lambda function?"))
    assert not b.parents and not _parent_only(b, _hit(around=[svc + "lambda"]))


def test_trees_boosted_from_the_linear_score_add_to_it(tmp_path: Path):
    # the shipped stage corrects the linear order: its score is tree_base x the linear score plus the trees
    from kg.rank import Ranker, Tree, read_ranker, write_ranker

    t = Tree(("fit",), (0.5,), (-1,), (-2,), (-0.25, 0.5))
    r = Ranker({"fit": 3.0, "bm25": 1.0}, 2.0, {}, (t,), 20, 0.5, 1.0)
    write_ranker(r, tmp_path / "r.json")
    back = read_ranker(tmp_path / "r.json")
    assert back == r
    assert back.tree_score({"fit": 1.0, "bm25": 0.5}, nil=False) == 3.5 + 0.5
    # near miss: the same trees alone (tree_base 0) score the trees only
    alone = Ranker(r.weights, 2.0, {}, (t,), 20, 0.5)
    assert alone.tree_score({"fit": 1.0, "bm25": 0.5}, nil=False) == 0.5
