"""Results -> text or JSON: the only code that formats output."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:      # keeps `kg ask` from importing the extraction pipeline
    from kg.facts import IntegrationFact, LimitFact
    from kg.ingest import IngestReport


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=None)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """"1 note", "2 notes": a count with its noun in the number it takes."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def ingest_text(report: "IngestReport") -> str:
    ignored = ""
    if report.ignored:
        ignored = f"; {counted(report.ignored, 'file was not a note', 'files were not notes')}"
    lines = [f"Ingested {counted(report.notes, 'note')} in {report.seconds:.2f} s: {len(report.added)} added, "
             f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
             f"{len(report.removed)} removed; {counted(report.limits, 'limit')} and "
             f"{counted(report.integrations, 'integration')} extracted{ignored}."]
    for path in report.removed:
        lines.append(f"Removed {path} (no longer in its folder, or pruned).")
    return "\n".join(lines)


def ingest_json(report: "IngestReport") -> str:
    return to_json({"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
                    "removed": report.removed,
                    "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
                    "ignored": report.ignored,
                    "gone": [{"root": r, "notes": n} for r, n in report.gone],
                    "limits": report.limits, "integrations": report.integrations,
                    "seconds": round(report.seconds, 3)})


def notes_text(notes) -> str:
    """`kg notes`: one line per note (facts, date, path), grouped under the root it came from."""
    if not notes:
        return "The graph holds no notes."
    out: list[str] = []
    for root in sorted({n.root for n in notes}):
        mine = [n for n in notes if n.root == root]
        out.append(f"{root}  ({len(mine)} note{'s' if len(mine) != 1 else ''})")
        out.extend(f"  {n.facts:>6,} {'fact ' if n.facts == 1 else 'facts'}  {n.date or '-':<10}  {n.path}" for n in mine)
    return "\n".join(out)


def notes_json(notes) -> str:
    return to_json([{"path": n.path, "root": n.root, "date": n.date, "facts": n.facts, "iri": n.iri} for n in notes])


def stats_text(stats: dict[str, int]) -> str:
    width = max(len(k) for k in stats)
    return "\n".join(f"{k:<{width}}  {v:>8,}" for k, v in stats.items())


def _where(s) -> str:
    return f"{s.note}:{s.line}{'-' + str(s.end_line) if s.end_line != s.line else ''}"


def _sources_text(sources, indent: str = "      ") -> list[str]:
    return [f"{indent}{_where(s)}  {' '.join(s.text.split())[:110]}" for s in sources]


def _context_names(fact: "LimitFact", labels: dict[str, str]) -> str:
    return ", ".join(labels.get(c, c.rsplit("/", 1)[-1]) for c in fact.contexts)


def _passes_text(passes: "tuple[str, ...] | None") -> str:
    if passes is None:
        return "        passes: unknown (the note changed since it was ingested: kg ingest)"
    return f"        passes: {' > '.join(passes) or '(none recorded)'}"


def facts_text(service_label: str, aliases: list[str], limits: "list[LimitFact]",
               integrations: "list[IntegrationFact]", context_labels: dict[str, str], why=None) -> str:
    """A cheat-sheet listing: one line per attribute, qualifier and value, then its sources;
    with `why` (kg.explain.FactPasses), the extraction passes behind each source."""
    out = [f"{service_label}" + (f" ({', '.join(aliases)})" if aliases else "")]
    if not limits and not integrations:
        out.append("  The notes state no limits or integrations about it.")
        return "\n".join(out)
    groups: dict[tuple, list[LimitFact]] = {}
    for f in limits:
        key = (f.service_label != service_label, f.service_label, f.attribute, f.qualifier,
               f.quantity.dimension, f.quantity.canonical_value)
        groups.setdefault(key, []).append(f)
    out.append(f"  Limits ({len(groups)}):")
    owner = service_label
    for key in sorted(groups):
        facts = groups[key]
        first = max(facts, key=lambda f: len(f.sources))     # the value as most notes write it
        if first.service_label != owner:
            owner = first.service_label
            out.append(f"   {owner}:")
        notes = len({s.note for f in facts for s in f.sources})
        out.append(f"    {first.attribute} ({first.qualifier}): {first.value}  [{notes} note{'s' if notes != 1 else ''}]")
        seen = set()
        for f in facts:
            ctx = _context_names(f, context_labels)
            for s in f.sources:
                if (s.note, s.line) in seen:
                    continue
                seen.add((s.note, s.line))
                tag = f" [{ctx}]" if ctx else ""
                out.append(f"      {_where(s)}{tag}  {' '.join(s.text.split())[:100]}")
                if why is not None:
                    out.append(_passes_text(why.limit(f, s)))
    if integrations:
        out.append(f"  Integrations ({len(integrations)}):")
        for i in sorted(integrations, key=lambda i: (i.source_label, i.target_label)):
            arrow = "->" if i.directed else "--"
            neg = "NOT " if i.negative else ""
            out.append(f"    {i.source_label} {arrow} {neg}{i.relation_label} {arrow} {i.target_label}")
            for s, line in zip(i.sources, _sources_text(i.sources)):
                out.append(line)
                if why is not None:
                    out.append(_passes_text(why.integration(i, s)))
    return "\n".join(out)


def _source_json(s) -> dict:
    return {"note": s.note, "line": s.line, "text": s.text}


def _with_passes(item: dict, fact, lookup) -> dict:
    """`item` with a "passes" list in each source (null when the note changed since ingest)
    and, for the fact, every pass of its sources in order."""
    union: dict[str, None] = {}
    for entry, s in zip(item["sources"], fact.sources):
        passes = lookup(fact, s)
        entry["passes"] = None if passes is None else list(passes)
        union.update(dict.fromkeys(passes or ()))
    item["passes"] = list(union)
    return item


def facts_json(service_label: str, iri: str, limits: "list[LimitFact]",
               integrations: "list[IntegrationFact]", context_labels: dict[str, str], why=None) -> str:
    """The JSON of `kg facts`; with `why` (kg.explain.FactPasses), "passes" lists too."""
    out = _facts_dict(service_label, iri, limits, integrations, context_labels)
    if why is not None:
        out["limits"] = [_with_passes(item, f, why.limit) for item, f in zip(out["limits"], limits)]
        out["integrations"] = [_with_passes(item, i, why.integration)
                               for item, i in zip(out["integrations"], integrations)]
    return to_json(out)


def _facts_dict(service_label: str, iri: str, limits: "list[LimitFact]",
                integrations: "list[IntegrationFact]", context_labels: dict[str, str]) -> dict:
    return {
        "service": service_label, "iri": iri,
        "limits": [{"service": f.service_label, "attribute": f.attribute, "qualifier": f.qualifier,
                    "context": _context_names(f, context_labels) or None, "value": f.value,
                    "stated": f.stated,
                    "quantity": {"value": f.quantity.value, "unit": f.quantity.unit,
                                 "canonical_value": f.quantity.canonical_value,
                                 "canonical_unit": f.quantity.canonical_unit},
                    "sources": [_source_json(s) for s in f.sources]} for f in limits],
        "integrations": [{"from": i.source_label, "to": i.target_label, "relation": i.relation_label,
                          "directed": i.directed, "polarity": "negative" if i.negative else "positive",
                          "sources": [_source_json(s) for s in i.sources]} for i in integrations],
    }


# ---------------------------------------------------------------- kg ask

def _quantity_json(item) -> dict | None:
    q = item.converted or item.quantity
    if q is None:
        return None
    from kg.units import CANONICAL_NAMES

    return {"value": q.value, "unit": q.unit, "canonical_value": q.canonical_value,
            "canonical_unit": CANONICAL_NAMES[q.canonical_unit]}


def answer_dict(answer) -> dict:
    """The JSON of `kg ask --json`, exactly the documented keys.

    A connection question's answers are its paths, as `kg connect --json` prints them.
    """
    if answer.paths:
        from kg.vocab import default_vocabulary

        return {"question": answer.question, "status": answer.status, "message": answer.message,
                "answers": paths_json(answer.paths, default_vocabulary()), "suggestions": answer.suggestions}
    return {
        "question": answer.question, "status": answer.status, "message": answer.message,
        "answers": [{"service": a.service, "attribute": a.attribute, "qualifier": a.qualifier,
                     "context": a.context, "value": a.value, "quantity": _quantity_json(a),
                     **_range_json(a), "kind": getattr(a, "kind", "limit"),
                     "sources": [_source_json(s) for s in a.sources], "agreeing_notes": a.agreeing_notes}
                    for a in answer.answers],
        "suggestions": answer.suggestions,
    }


def _range_json(a) -> dict:
    """A range answer's two ends, beside its value ("1 minute to 14 days")."""
    low, high = getattr(a, "low", None), getattr(a, "high", None)
    if low is None or high is None:
        return {}
    return {"min": {"value": low.value, "unit": low.unit}, "max": {"value": high.value, "unit": high.unit}}


def answer_json(answer) -> str:
    return to_json(answer_dict(answer))


def answer_text(answer) -> str:
    """The answer on the first line, then its sources."""
    if answer.paths:
        from kg.vocab import default_vocabulary

        return "\n".join([answer.message, *paths_text(answer.paths, default_vocabulary())])
    if answer.status in ("not_found", "ambiguous"):
        lines = [answer.message]
        if answer.suggestions and not all(s in answer.message for s in answer.suggestions):
            lines.append("The notes do say:" if answer.status == "not_found" else "Candidates:")
            lines.extend(f"  {s}" for s in answer.suggestions)
        return "\n".join(lines)
    out = []
    for i, a in enumerate(answer.answers):
        value = a.value + (f" (= {a.converted})" if a.converted else "")
        ctx = f", {a.context}" if a.context else ""
        head = f"{value}  {a.service} {a.attribute} ({a.qualifier}{ctx})"
        notes = f"{a.agreeing_notes} note{'s' if a.agreeing_notes != 1 else ''}"
        if answer.status == "conflict":
            dated = f", note dated {a.date}" if a.date else ""
            out.append(("Conflict: " if i == 0 else "      vs: ") + f"{head}  [{notes}{dated}]")
        else:
            out.append((head if i == 0 else f"  also: {head}") + f"  [{notes}]")
        for s in a.sources:
            out.append(f"    {_where(s)}  {' '.join(s.text.split())[:110]}")
    return "\n".join(out)


# ---------------------------------------------------------------- kg connect

def paths_json(paths, vocab) -> list[dict]:
    return [{"length": p.length,
             "hops": [{"from": vocab.service_label(h.source), "to": vocab.service_label(h.target),
                       "relation": h.relation, "direction": h.direction,
                       "sources": [_source_json(s) for s in h.sources]} for h in p.hops]}
            for p in paths]


def connection_dict(c, vocab) -> dict:
    """The JSON of `kg connect --json`, exactly the documented keys."""
    return {"from": vocab.service_label(c.source), "to": vocab.service_label(c.target), "status": c.status,
            "paths": paths_json(c.paths, vocab), "message": c.message}


def connection_text(c, vocab) -> str:
    return "\n".join([c.message, *paths_text(c.paths, vocab)])


def paths_text(paths, vocab) -> list[str]:
    out = []
    for n, p in enumerate(paths, 1):
        names = [vocab.service_label(p.hops[0].source)] + [vocab.service_label(h.target) for h in p.hops]
        out.append(f"{n}. {' -> '.join(names)}" + ("" if p.directed else "  (undirected)"))
        for h in p.hops:
            arrow = {"forward": "->", "reverse": "<-", "undirected": "--"}[h.direction]
            out.append(f"   {vocab.service_label(h.source)} {arrow} {h.relation} {arrow} {vocab.service_label(h.target)}")
            if not h.sources:
                out.append("      (a feature of its service, from the vocabulary)")
            out.extend(_sources_text(h.sources[:3], indent="      "))
            if len(h.sources) > 3:
                out.append(f"      ... and {len(h.sources) - 3} more")
    return out


# ---------------------------------------------------------------- kg describe

def _compact(sources, most: int = 4) -> str:
    shown = ", ".join(_where(s) for s in sources[:most])
    return shown + (f", +{len(sources) - most}" if len(sources) > most else "")


def card_text(card, context_labels: dict[str, str]) -> str:
    """A cheat-sheet card: names, limits by kind, integrations, contradictions, notes."""
    head = card.name + (f" ({', '.join(card.aliases[:5])})" if card.aliases else "")
    out = [head, "=" * min(len(head), 100)]
    meta = []
    if card.category:
        meta.append(f"Category: {card.category}")
    if card.parent:
        meta.append(f"Part of: {card.parent}")
    if meta:
        out.append("  ".join(meta))
    if card.features:
        out.append("Features: " + ", ".join(card.features))
    by_attr: dict[str, list] = {}
    for f in card.limits:
        by_attr.setdefault(f.attribute if f.service_label == card.name else f"{f.attribute} ({f.service_label})",
                           []).append(f)
    out.append("")
    out.append(f"Limits ({sum(len(v) for v in by_attr.values())})")
    order = {"default": 0, "minimum": 1, "maximum": 2, "exact": 3}
    for attr in sorted(by_attr):
        out.append(f"  {attr}")
        # one line per qualifier and value: facts that differ only in incidental contexts agree
        lines: dict[tuple, list] = {}
        for f in by_attr[attr]:
            lines.setdefault((order[f.qualifier], f.quantity.canonical_value, f.quantity.dimension), []).append(f)
        for key in sorted(lines):
            facts = lines[key]
            f = max(facts, key=lambda x: len(x.sources))
            shared = set.intersection(*(set(x.contexts) for x in facts))
            ctx = ", ".join(context_labels.get(c, c.rsplit("/", 1)[-1]) for c in sorted(shared))
            sources = sorted({s for x in facts for s in x.sources}, key=lambda s: (s.note, s.line))
            notes = len({s.note for s in sources})
            out.append(f"    {f.qualifier + (', ' + ctx if ctx else '') + ':':<28} {f.value:<18} "
                       f"[{notes} note{'s' if notes != 1 else ''}] {_compact(sources)}")
    for title, items, other in (("Sends to / uses", card.outgoing, "target_label"),
                                ("Used by / receives from", card.incoming, "source_label")):
        out.append("")
        out.append(f"{title} ({len(items)})")
        for i in sorted(items, key=lambda i: (getattr(i, other), i.relation_label)):
            neg = "NOT " if i.negative else ""
            out.append(f"  {neg}{i.relation_label} {getattr(i, other)}  {_compact(i.sources, 2)}")
    if card.conflicts:
        out.append("")
        out.append(f"Contradictions ({len(card.conflicts)})")
        for group in card.conflicts:
            f0 = group[0]
            ctx = _context_names(f0, context_labels)
            values = " vs ".join(f"{f.value} [{_compact(f.sources, 2)}]" for f in group)
            out.append(f"  {f0.attribute} ({f0.qualifier}{', ' + ctx if ctx else ''}): {values}")
    out.append("")
    out.append("Notes: " + ", ".join(f"{n} ({k} lines)" for n, k in card.notes.items()))
    return "\n".join(out)


def card_json(card, context_labels: dict[str, str]) -> str:
    return to_json({
        "service": card.name, "iri": card.iri, "aliases": card.aliases, "category": card.category,
        "part_of": card.parent, "features": card.features,
        "limits": [{"service": f.service_label, "attribute": f.attribute, "qualifier": f.qualifier,
                    "context": _context_names(f, context_labels) or None, "value": f.value,
                    "sources": [_source_json(s) for s in f.sources]} for f in card.limits],
        "integrations": [{"from": i.source_label, "to": i.target_label, "relation": i.relation_label,
                          "polarity": "negative" if i.negative else "positive",
                          "sources": [_source_json(s) for s in i.sources]}
                         for i in [*card.outgoing, *card.incoming]],
        "conflicts": [[{"value": f.value, "attribute": f.attribute, "qualifier": f.qualifier,
                        "sources": [_source_json(s) for s in f.sources]} for f in group] for group in card.conflicts],
        "notes": card.notes,
    })


# ---------------------------------------------------------------- kg check

def check_dict(report) -> dict:
    """The JSON of `kg check --json`, exactly the documented keys."""
    return {"checked": report.checked,
            "conflicts": [{"service": f.service, "attribute": f.attribute, "qualifier": f.qualifier,
                           "context": f.context, "class": f.cls,
                           "claims": [{"value": c.value, "canonical_value": c.canonical_value,
                                       "canonical_unit": c.canonical_unit,
                                       "sources": [_source_json(s) for s in c.sources]} for c in f.claims],
                           "suggestion": f.suggestion, "severity": f.severity} for f in report.findings],
            "violations": [{"focus": v.focus, "path": v.path, "message": v.message, "severity": v.severity}
                           for v in report.violations]}


def check_text(report) -> str:
    """Findings grouped by service, each value with its sources side by side."""
    if not report.findings and not report.violations:
        return f"Checked {report.checked} limits: the notes agree with each other, and the graph conforms to its shapes."
    out = [f"Checked {report.checked} limits: {len(report.findings)} finding"
           f"{'s' if len(report.findings) != 1 else ''}, {len(report.violations)} shape violation"
           f"{'s' if len(report.violations) != 1 else ''}."]
    service = None
    for f in report.findings:
        if f.service != service:
            service = f.service
            out += ["", service]
        ctx = f", {f.context}" if f.context else ""
        out.append(f"  [{f.severity}] {f.cls}: {f.attribute} ({f.qualifier}{ctx})")
        for c in f.claims:
            notes = len(c.notes)
            dated = f", dated {c.date}" if c.date else ""
            out.append(f"    {c.value}  [{notes} note{'s' if notes != 1 else ''}{dated}]")
            out.extend(_sources_text(c.sources[:4], indent="      "))
            if len(c.sources) > 4:
                out.append(f"      ... and {len(c.sources) - 4} more")
        out.append(f"    -> {f.suggestion}")
    if report.violations:
        out += ["", "Shape violations"]
        out.extend(f"  {v.focus}: {v.message}" for v in report.violations[:50])
    return "\n".join(out)
