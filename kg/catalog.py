"""The notes a store holds: list them (`kg notes`) and forget some (`kg forget`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kg.errors import EmptyPath, NoSuchNote
from kg.namespaces import DCTERMS, KG, PROV
from kg.resources import BUNDLED_ROOT


@dataclass(frozen=True)
class NoteEntry:
    """One note of the graph."""

    iri: str
    path: str
    root: str                 # the folder (or file) it was ingested from, or BUNDLED_ROOT
    date: str | None          # the date the note carries, if any
    facts: int                # facts derived from its lines (limits, integrations, ...)


def list_notes(store) -> list[NoteEntry]:
    """Every note in the store, by path; each with its root, date and number of facts."""
    rows = store.select(f"""
        SELECT ?note ?path ?root (SAMPLE(?d) AS ?date) (COUNT(DISTINCT ?f) AS ?facts) WHERE {{
          GRAPH ?note {{
            ?note a <{KG}Note> ; <{KG}path> ?path ; <{KG}ingestRoot> ?root .
            OPTIONAL {{ ?note <{DCTERMS}date> ?d }}
            OPTIONAL {{ ?f <{PROV}wasDerivedFrom> ?st }}
          }}
        }} GROUP BY ?note ?path ?root""")
    return sorted((NoteEntry(r["note"], r["path"], r["root"], r["date"], int(r["facts"] or 0)) for r in rows),
                  key=lambda n: n.path)


def select_notes(notes: list[NoteEntry], target: str) -> list[NoteEntry]:
    """The notes at `target`: a note's path, a folder holding notes, a root as recorded
    (BUNDLED_ROOT for the bundled notes), or a note's IRI. Relative paths are from the
    working folder; a path need not exist any more. The bundled notes, whose files live inside
    kg's own install, are chosen by BUNDLED_ROOT or by their own path, never because a folder
    given holds the install (`kg forget venv`, or `kg forget ""` read as the working folder).

    Raises:
        EmptyPath: `target` is empty or blank.
    """
    if not target.strip():
        raise EmptyPath("path to forget")
    if target == BUNDLED_ROOT or target.rstrip(":") == BUNDLED_ROOT.rstrip(":"):
        return [n for n in notes if n.root == BUNDLED_ROOT]
    path = os.path.abspath(os.path.expanduser(target))
    real = str(Path(path).resolve()) if os.path.exists(path) else path
    chosen = []
    for n in notes:
        for p in {path, real}:
            if n.iri == target or n.path == p or (n.root != BUNDLED_ROOT and (
                    n.root == p or n.path.startswith(p.rstrip(os.sep) + os.sep))):
                chosen.append(n)
                break
    return chosen


def forget_notes(store, target: str) -> list[NoteEntry]:
    """Drop the notes at `target` (see select_notes) from the store; return them.

    Raises:
        NoSuchNote: no note of the graph is at or under `target`.
    """
    notes = list_notes(store)
    chosen = select_notes(notes, target)
    if not chosen:
        path = os.path.abspath(os.path.expanduser(target))
        bundled = any(n.root == BUNDLED_ROOT and n.path.startswith(path.rstrip(os.sep) + os.sep) for n in notes)
        raise NoSuchNote(target, BUNDLED_ROOT if bundled else None)
    for n in chosen:
        store.drop_graph(n.iri)
    return chosen
