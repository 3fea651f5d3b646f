"""The one place that knows where kg's files live, in a checkout and in an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# The root recorded for the bundled notes: the same whichever venv or checkout kg runs from,
# so a reinstall's `kg ingest` replaces the notes of the old install instead of adding to them
BUNDLED_ROOT = "bundled:"


def _find(name: str) -> Path:
    # A wheel carries ontology/ and data/ inside the kg package; a checkout has them beside it.
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kg cannot find its {name}/ folder next to {_HERE}")


def ontology_dir() -> Path:
    """Return the folder holding the Turtle ontology, vocabularies and shapes.

    KG_ONTOLOGY names another folder, for vocabularies of your own.

    Raises:
        BadSetting: KG_ONTOLOGY names no folder, or one without vocabulary files (a graph
            extracted with no vocabulary holds no facts, so kg never reads notes with none).
    """
    env = os.environ.get("KG_ONTOLOGY")
    if not env:
        return _find("ontology")
    folder = Path(env).expanduser()
    if not folder.is_dir() or not any(p.name != "shapes.ttl" for p in folder.glob("*.ttl")):
        from kg.errors import BadSetting

        raise BadSetting("KG_ONTOLOGY", env, "a folder of Turtle vocabularies (services.ttl, limit-kinds.ttl, ...)")
    return folder


def shapes_path() -> Path:
    """Return the SHACL shapes file."""
    return ontology_dir() / "shapes.ttl"


def vocabulary_paths() -> list[Path]:
    """Return the ontology and vocabulary files (everything but the shapes), sorted."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def bundled_notes_dir() -> Path:
    """Return the folder of the bundled notes corpus."""
    return _find("data") / "notes"


def default_store_path() -> Path:
    """Return the default store location: KG_DB, else the user's data directory."""
    env = os.environ.get("KG_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("kg", appauthor=False)) / "store"
