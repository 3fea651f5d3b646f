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
