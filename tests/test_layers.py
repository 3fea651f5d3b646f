import ast
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app

ROOT = Path(__file__).resolve().parents[1]


def test_kg_never_imports_the_cli_layer():
    for path in (ROOT / "kg").glob("*.py"):
        nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
        roots = {a.name.split(".")[0] for n in nodes if isinstance(n, ast.Import) for a in n.names}
        roots |= {n.module.split(".")[0] for n in nodes
                  if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
        assert not roots & {"cli", "typer", "rich", "click"}, path.name


def test_every_command_has_help():
    runner = CliRunner()
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.stdout, name


def test_importing_the_cli_does_not_import_heavy_libraries():
    code = "import sys, cli.app; print(' '.join(m for m in ('rdflib', 'pyshacl', 'networkx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


# ---------------------------------------------------------------- notes -> extract -> graph -> store -> readers

# Each kg module's layer. Data flows up: a module may import its own layer, lower layers and the
# helpers, never a layer above it (imports inside functions count too). Helpers import helpers only.
HELPERS = {"errors", "namespaces", "resources", "units", "vocab", "match", "question", "cache", "lexicon",
           "shapes", "version", "rank", "spans", "catalog", "__init__"}
LAYERS = {
    "notes": 0, "files": 0,
    "extract": 1, "capabilities": 1,
    "graph": 2,
    "store": 3, "sparql": 3, "server": 3, "ingest": 3,
    "facts": 4, "index": 4,
    "answer": 5, "paths": 5, "describe": 5, "export": 5, "check": 5, "cards": 5, "card_questions": 5, "quiz": 5,
    "reading": 5,
    "explain": 5,
}
# Known reverse imports, each still to remove (the test fails once one is gone, so the list stays true)
KNOWN_UPWARD = {
    ("vocab", "answer"),      # default_vocabulary caches answer's prepare_tables with the vocabulary
    ("ingest", "paths"),      # ingest warms the integration graph cache for kg connect
    ("ingest", "index"),      # ingest brings the statement index up to date
}


def _kg_imports() -> dict[str, set[str]]:
    """Each kg module (a package counts as one) -> the kg modules it imports anywhere in it."""
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / "kg").rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name = path.relative_to(ROOT / "kg").parts[0].removesuffix(".py")
        found = out.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                    node.module.split(".")[0] == "kg":
                parts = node.module.split(".")
                found.update([parts[1]] if len(parts) > 1 else [a.name for a in node.names])
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("kg."))
        found.discard(name)
    return out


def _rank(name: str) -> int:
    return -1 if name in HELPERS else LAYERS[name]


def test_every_kg_module_has_a_layer():
    assert sorted(set(_kg_imports()) - HELPERS - set(LAYERS)) == []


def test_no_module_imports_a_layer_above_it():
    imports = _kg_imports()
    upward = {(m, n) for m, ns in imports.items() for n in ns if _rank(n) > _rank(m)}
    assert sorted(upward - KNOWN_UPWARD) == []
    assert sorted(KNOWN_UPWARD - upward) == [], "a known reverse import is gone: drop it from KNOWN_UPWARD"


def test_the_note_reader_needs_no_extractor():
    assert not _kg_imports()["notes"] & {"extract", "graph", "store", "ingest"}
