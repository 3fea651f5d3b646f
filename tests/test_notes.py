
import pytest

from kg.notes import UnreadableNote, clean_text, decode_note, parse_date, parse_note, parse_text

from conftest import FIXTURES, N000, N001, N004, NOTES


def by_text(note, needle):
    hits = [s for s in note.statements if needle in s.text]
    assert hits, f"no statement contains {needle!r}"
    return hits[0]


def test_markdown_headings_and_nested_bullets_give_paths_and_parents():
    note = parse_text("# SQS\n## Limits\n- FIFO\n    - 300 messages per second\n- Standard\n")
    st = by_text(note, "300 messages")
    assert st.headings == ("SQS", "Limits")
    assert st.parents == ("FIFO",)
    assert (st.line, st.end_line) == (4, 4)


def test_split_inline_code_is_joined_into_one_statement_with_a_line_span():
    note = parse_note(FIXTURES / "notes" / "split_inline_code.txt")
    st = by_text(note, "You can set the delay with the DelaySeconds parameter")
    assert (st.line, st.end_line) == (4, 6)
    following = by_text(note, "Default delay is 0 seconds")
    assert following.line == 6 and following.kind == "bullet"


def test_the_real_plain_text_export_joins_dry_run_onto_its_sentence():
    note = parse_note(NOTES / N000)
    st = by_text(note, "--dry-run flag")
    assert (st.line, st.end_line) == (47, 49)
    assert st.text.endswith("by specifying the --dry-run flag")
    assert by_text(note, "You can decode encoded auth failure errors").line == 49


def test_plain_text_headings_are_recognised_without_markup():
    note = parse_note(NOTES / N000)
    st = by_text(note, "256KB maximum size of message")
    assert st.headings[-1] == "SQS Overview"
    assert "Simple Queue Service (SQS)" in st.headings
    assert st.parents == ("Standard Queue",)


def test_gist_bullets_nest_by_indentation():
    note = parse_note(NOTES / N001)
    st = by_text(note, "Memory allocation: 128 - 3008")
    assert st.parents[-1] == "Execution"
    assert st.headings[-1] == "Lambda"


def test_repeated_slide_titles_are_one_heading():
    note = parse_note(NOTES / N004)
    titles = [s.text for s in note.statements if s.kind == "heading"]
    assert titles.count("Amazon SQS Visibility Timeout") == 1
    fixture = parse_note(FIXTURES / "notes" / "repeated_slide_titles.md")
    fixture_titles = [s.text for s in fixture.statements if s.kind == "heading"]
    assert len(fixture_titles) == len(set(fixture_titles))


def test_tab_table_rows_keep_their_column_headers():
    note = parse_note(NOTES / N004)
    st = by_text(note, "Memory allocation: 128 MB to 10,240 MB")
    assert st.kind == "row" and st.parents == ("Resource", "Quota") and st.line == 3093
    assert st.headings[-1] == "Lambda Function Limits"


def test_html_table_cells_are_statements_under_their_column():
    note = parse_note(NOTES / N004)
    st = by_text(note, "FIFO queues support up to 300 messages per second")
    assert st.kind == "cell" and st.parents == ("FIFO Queue",)
    assert "<b>" not in st.text and "<b>" in st.raw


def test_pipe_tables_keep_headers():
    note = parse_text("## Lambda quotas\n| Resource | Quota |\n|---|---|\n| Timeout | **15 minutes** |\n")
    st = by_text(note, "Timeout")
    assert st.text == "Timeout: 15 minutes" and st.parents == ("Resource", "Quota") and st.line == 4


def test_front_matter_date_and_wiki_links():
    note = parse_text("---\ntitle: SQS\ndate: 2025-03-14\nupdated: 2025-04-01\n---\n"
                      "- [[Amazon SQS|SQS]] keeps messages 4 days by default\n")
    assert note.date == "2025-04-01" and note.title == "SQS"
    st = by_text(note, "keeps messages")
    assert st.text == "SQS keeps messages 4 days by default" and st.line == 6


def test_gist_last_active_date_is_the_notes_date():
    assert parse_note(NOTES / N001).date == "2022-11-02"


def test_cheatsheet_dotted_leaders_become_a_separator():
    assert clean_text("SQS visibility timeout (default) ........ 30 seconds") == \
        "SQS visibility timeout (default) ⇒ 30 seconds"


def test_crlf_and_utf8_bom_read_with_the_same_line_numbers():
    path = FIXTURES / "notes" / "crlf_utf8_bom.txt"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in path.read_bytes()
    note = parse_note(path)
    lf = parse_text(path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n"))
    assert [(s.line, s.text) for s in note.statements] == [(s.line, s.text) for s in lf.statements]


def test_utf16_with_bom_is_decoded():
    text, encoding = decode_note("- SQS messages: 256 KB\n".encode("utf-16"))
    assert text.startswith("- SQS") and encoding == "utf-16"


@pytest.mark.parametrize("data", [b"%PDF-1.7\n...", b"\x89PNG\r\n\x1a\n\x00\x00", bytes(range(256)) * 4])
def test_binary_files_are_refused(data):
    with pytest.raises(UnreadableNote, match="binary"):
        decode_note(data, "x.bin")


def test_invalid_utf8_falls_back_to_windows_1252():
    text, encoding = decode_note("caf\xe9 SQS 256 KB\n".encode("cp1252"))
    assert encoding == "cp1252" and "café" in text


@pytest.mark.parametrize("text, iso", [
    ("Last active November 2, 2022 19:52", "2022-11-02"), ("updated: 2024-01-10", "2024-01-10"),
    ("last reviewed March 2025", "2025-03-01"), ("2 Feb 2023", "2023-02-02"),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_fenced_code_is_not_read_as_statements():
    note = parse_text("# Lambda\n```\naws lambda update --timeout 900\n```\n- Timeout up to 15 minutes\n")
    assert [s.text for s in note.statements if s.kind != "heading"] == ["Timeout up to 15 minutes"]


def test_a_glossary_whose_names_lost_their_line_breaks_gets_them_back():
    text = ("DynamoDB APIs\n\nPutItem\n⇒ Create or fully replace dataBatchGetItem\n"
            "⇒ Up to 100 items at a time (16MB max)Query\n⇒ Return items by key\n")
    note = parse_text(text, "export.txt")
    by_line = {st.text: st.headings[-1] for st in note.statements if st.text.startswith("⇒")}
    assert by_line == {"⇒ Create or fully replace data": "PutItem",
                       "⇒ Up to 100 items at a time (16MB max)": "BatchGetItem",
                       "⇒ Return items by key": "Query"}


# A plain-text course export that frames each service's section with "=====" banners and files
# its topics under flush-left labels (the style of a long single-file note). Without the banners a
# label that happened to precede another label ("Keys never leave the service" above "KMS Keys")
# became a level-1 heading and stayed the heading of every later section.
BANNER_NOTE = """==========
Key Store
==========

Keys never leave the service
KMS Keys
  - up to 4kb of key data

==========
Compute
==========

Bootstrapping
  - user-data (startup script) is entrypoint
    - max 16kb
"""


def test_titles_framed_by_rule_lines_are_the_top_headings_and_reset_the_labels_under_them():
    note = parse_text(BANNER_NOTE, "notes.txt")
    st = by_text(note, "max 16kb")
    assert st.headings == ("Compute", "Bootstrapping")
    assert st.parents == ("user-data (startup script) is entrypoint",)
    assert by_text(note, "up to 4kb").headings[0] == "Key Store"


def test_underlined_titles_take_levels_in_the_order_their_styles_appear():
    note = parse_text("Study log\n=========\n\nQueues\n------\n\n- retention 4 days\n\nNetworks\n--------\n\n- ssh on 22\n",
                      "log.rst")
    assert by_text(note, "ssh on 22").headings == ("Study log", "Networks")
    assert by_text(note, "retention 4 days").headings == ("Study log", "Queues")


def test_a_rule_under_prose_or_front_matter_frames_no_title():
    # near miss: "---" after a paragraph line is a separator, and front matter is not a title
    note = parse_text("---\ndate: 2024-01-02\n---\n\nSQS keeps messages 4 days\nlonger with config\n---\n\n- FIFO limit 300\n",
                      "x.md")
    assert by_text(note, "FIFO limit 300").headings == ()
    assert note.title is None or "date" not in note.title


def test_in_markdown_an_underline_is_a_commonmark_heading_and_code_or_columns_frame_nothing():
    note = parse_text("# AWS\n\nCompute\n-------\n\n- lambda 15 minutes\n\n```\nfoo\n---\n```\n\n## S3\n\n- 5 TB objects\n",
                      "aws.md")
    assert by_text(note, "lambda 15 minutes").headings == ("AWS", "Compute")    # "-" is level 2
    assert by_text(note, "5 TB objects").headings == ("AWS", "S3")             # the fenced "foo" frames nothing
    # near miss: a plain-text table's column headers above a dashed rule are no title
    table = parse_text("Service      Max message\n------------------------\nLambda       timeout 15 minutes\n", "t.txt")
    assert by_text(table, "timeout 15 minutes").headings == ()


DECK = '''#separator:comma
#html:true
#tags column:3
"Which port does Memcached use?","{{c1::11211}}<br>(Redis: {{c2::6379::a number}})",aws::elasticache
glacier deep archive bulk restore,"within 48 hours,
standard within 12",aws::s3 exam
plain front,plain back
'''


def test_a_delimited_deck_is_one_statement_per_record_with_cloze_and_tags_read():
    """An Anki export: its directives are read (separator, tags column), each record is one
    statement citing its first line (a quoted cell may span lines), cloze marks keep their text."""
    note = parse_text(DECK, "deck.csv")
    rows = [(s.line, s.end_line, s.text) for s in note.statements]
    assert rows == [
        (4, 4, "Which port does Memcached use? — 11211; (Redis: 6379)"),
        (5, 6, "glacier deep archive bulk restore — within 48 hours, standard within 12"),
        (7, 7, "plain front — plain back"),
    ], rows
    # near miss: the same lines in a text note are paragraphs, not records
    assert len(parse_text(DECK, "deck.txt").statements) != 3


def test_a_tsv_deck_without_directives_drops_a_last_cell_of_tags():
    note = parse_text("EFS port\t2049\taws::efs aws::storage\nS3 max object\t5 TB\n", "cards.tsv")
    assert [s.text for s in note.statements] == ["EFS port — 2049", "S3 max object — 5 TB"]
