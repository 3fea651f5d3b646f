"""Notes are told apart by path: two notes with one file name in two folders are two notes."""

from kg.facts import note_names


def test_a_file_name_two_notes_share_takes_the_folders_that_tell_them_apart():
    names = note_names(["/v/aws/lambda/index.md", "/v/aws/sqs/index.md", "/v/aws/sns.md", "/w/old/aws/sns.md",
                        "/v/aws/kinesis.md"])
    assert names["/v/aws/lambda/index.md"] == "lambda/index.md"
    assert names["/v/aws/sqs/index.md"] == "sqs/index.md"
    assert names["/v/aws/sns.md"] == "v/aws/sns.md" and names["/w/old/aws/sns.md"] == "old/aws/sns.md"
    assert names["/v/aws/kinesis.md"] == "kinesis.md"     # near miss: a file name of its own stays short


def test_two_notes_of_one_file_name_that_disagree_are_a_conflict(tmp_path, vocab, monkeypatch):
    # an Obsidian-style course folder: each course keeps a lambda.md
    from kg.check import check_graph
    from kg.ingest import ingest_paths
    from kg.question import parse_question
    from kg.reading import Reader
    from kg.store import open_store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for course, memory in (("course-a", "3,008 MB"), ("course-b", "10,240 MB")):
        (tmp_path / course).mkdir()
        (tmp_path / course / "lambda.md").write_text(f"# AWS Lambda\n- Lambda memory: up to {memory}\n")
    db = tmp_path / "store"
    with open_store(db, write=True) as store:
        ingest_paths(store, [tmp_path / "course-a", tmp_path / "course-b"])
    with open_store(db) as store:
        report = check_graph(store, vocab, shapes=False)
        answer = Reader(vocab).answer(store, parse_question("lambda max memory"))
    [finding] = [f for f in report.findings if f.attribute.startswith("memory")]
    assert {s.note for c in finding.claims for s in c.sources} == {"course-a/lambda.md", "course-b/lambda.md"}
    assert answer.status == "conflict"
    assert {s.note for a in answer.answers for s in a.sources} == {"course-a/lambda.md", "course-b/lambda.md"}
