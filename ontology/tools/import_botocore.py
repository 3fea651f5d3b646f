"""Draft Turtle for the AWS services in botocore's service list that ontology/services.ttl lacks.

    python ontology/tools/import_botocore.py PATH [--services FILE] [--skip FILE] [--merge]

A development-time tool: kg never runs it and never imports botocore. PATH is an unpacked
botocore (`pip download botocore --no-deps` and unzip the wheel): the package folder, the folder
holding it, or its data/ folder. For every `data/<name>/<version>/service-2.json[.gz]` it reads
the newest version's "metadata" block (serviceFullName, serviceAbbreviation, serviceId) and:

- skips the service when a concept of services.ttl has `skos:notation "<name>"` (it is covered:
  notations record which botocore services a concept stands for) or the skip file lists it;
- prints a comment when one of its names is already a label of a concept, so that the curator
  adds the notation there instead of a second concept;
- otherwise prints a draft concept: its prefLabel, the labels that are safe by rule, the
  notation, and TODO markers for the category and the one-line definition, which a person writes.

Only labels that cannot be ordinary words are drafted: the full "AWS X"/"Amazon X" name, its
"Amazon X" abbreviation, and a bare name that is one CamelCase word ("DataZone"). A bare name of
plain words ("Detective", "Supply Chain") and all-capital abbreviations ("SWF") are printed as
comments for the curator to judge. Output is sorted by service name, so the same botocore gives
the same text. --merge appends the drafts to the services file instead of printing them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

SKOS_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
SKOS_LABELS = tuple("http://www.w3.org/2004/02/skos/core#" + p for p in ("prefLabel", "altLabel", "hiddenLabel"))
SERVICE_NS = "https://example.org/kg/service/"
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BotocoreService:
    """One botocore service: its folder name and the names its metadata gives it."""

    name: str
    full_name: str
    abbreviation: str
    service_id: str


def find_data_dir(path: Path) -> Path:
    """The botocore data/ folder inside or at `path`."""
    for candidate in (path / "botocore" / "data", path / "data", path):
        if candidate.is_dir() and any(candidate.glob("*/*/service-2.json*")):
            return candidate
    raise SystemExit(f"No botocore data (*/*/service-2.json) found under {path}.")


def read_services(data_dir: Path) -> list[BotocoreService]:
    """Every service of a botocore data folder, from its newest API version, sorted by name."""
    out = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        models = sorted(folder.glob("*/service-2.json*"))
        if not models:
            continue
        newest = models[-1]      # version folders are ISO dates, so they sort by age
        opener = gzip.open if newest.suffix == ".gz" else open
        with opener(newest, "rt", encoding="utf-8") as handle:
            meta = json.load(handle).get("metadata", {})
        out.append(BotocoreService(folder.name, meta.get("serviceFullName", "").strip(),
                                   meta.get("serviceAbbreviation", "").strip(), meta.get("serviceId", "").strip()))
    return out


def read_vocabulary(services_ttl: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(notation -> concept IRI, normalised label -> concept IRI) of a services file."""
    import rdflib

    graph = rdflib.Graph().parse(services_ttl, format="turtle")
    notations = {str(o): str(s) for s, o in graph.subject_objects(rdflib.URIRef(SKOS_NOTATION))}
    labels: dict[str, str] = {}
    for predicate in SKOS_LABELS:
        for s, o in graph.subject_objects(rdflib.URIRef(predicate)):
            labels.setdefault(normalise(str(o)), str(s))
    return notations, labels


def read_skipped(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    rows = (line.split("\t")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {row for row in rows if row and not row.startswith("#")}


def normalise(label: str) -> str:
    return re.sub(r"[^a-z0-9@&+]", "", label.lower())


def display_name(service: BotocoreService) -> str:
    """The service's name as people write it: "AmazonMQ" -> "Amazon MQ", "Amazon Forecast Service" -> "Amazon Forecast"."""
    name = re.sub(r"^(Amazon|AWS)(?=[A-Z][a-z])|^(Amazon|AWS)(?=[A-Z]{2})", r"\1\2 ", service.full_name or service.service_id)
    shorter = re.sub(r"\s+Service$", "", name)
    if normalise(bare_name(shorter)) == normalise(service.service_id):
        name = shorter      # "Amazon Forecast Service" (id forecast), never "Amazon Simple Workflow Service" (id SWF)
    if not re.match(r"(Amazon|AWS)\s", name):
        name = f"AWS {name}"
    return " ".join(name.split())


def bare_name(display: str) -> str:
    return re.sub(r"^(Amazon|AWS)\s+", "", display)


def is_camel_word(word: str) -> bool:
    """One word with a capital inside it ("DataZone", "GuardDuty"): never an ordinary English word."""
    return bool(re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+", word))


def candidate_names(service: BotocoreService) -> list[str]:
    """Every name the metadata gives, for matching against existing labels."""
    names = [service.full_name, service.abbreviation, display_name(service)]
    for prefix in ("AWS ", "Amazon "):
        if service.service_id:
            names.append(prefix + service.service_id)
    return [n for n in names if n]


def slug_for(display: str, taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", bare_name(display).lower()).strip("-")
    while slug in taken:
        slug += "-x"
    taken.add(slug)
    return slug


def turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft(service: BotocoreService, slug: str) -> str:
    """A draft concept for one service, in the layout of services.ttl."""
    display = display_name(service)
    bare = bare_name(display)
    alt = []
    if re.match(r"(Amazon|AWS)\s", service.abbreviation) and service.abbreviation != display:
        alt.append(service.abbreviation)
    if is_camel_word(bare):
        alt.append(bare)
    notes = []
    if not is_camel_word(bare):
        notes.append(f"# bare name {turtle_string(bare)}: a label only if it is not an ordinary word or phrase")
    for abbreviation in sorted({w for w in (service.abbreviation, service.service_id) if re.fullmatch(r"[A-Z][A-Z0-9]{2,5}", w)}):
        notes.append(f"# abbreviation {turtle_string(abbreviation)}: a label only if it names nothing else")
    lines = [*notes, f"svc:{slug} a kg:Service , skos:Concept ;", "    skos:inScheme kg:ServiceScheme ;",
             f"    skos:prefLabel {turtle_string(display)}@en ;"]
    if alt:
        lines.append("    skos:altLabel " + " , ".join(f"{turtle_string(a)}@en" for a in dict.fromkeys(alt)) + " ;")
    lines += [f"    skos:notation {turtle_string(service.name)} ;",
              f"    skos:definition {turtle_string(f'TODO: what {display} does, in one line.')}@en ;",
              "    kg:category cat:TODO ."]
    return "\n".join(lines)


def render(services: list[BotocoreService], notations: dict[str, str], labels: dict[str, str],
           skipped: set[str]) -> str:
    """The Turtle (drafts and comments) for every service not yet covered."""
    taken = {iri[len(SERVICE_NS):] for iri in [*notations.values(), *labels.values()] if iri.startswith(SERVICE_NS)}
    blocks = []
    for service in services:
        if service.name in notations or service.name in skipped:
            continue
        known = next((labels[normalise(n)] for n in candidate_names(service) if normalise(n) in labels), None)
        if known:
            short = "svc:" + known[len(SERVICE_NS):] if known.startswith(SERVICE_NS) else f"<{known}>"
            blocks.append(f"# {service.name} ({service.full_name}) is {short} by its label: "
                          f"add skos:notation {turtle_string(service.name)} there")
            continue
        blocks.append(draft(service, slug_for(display_name(service), taken)))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("botocore", type=Path, help="an unpacked botocore package")
    parser.add_argument("--services", type=Path, default=HERE.parent / "services.ttl")
    parser.add_argument("--skip", type=Path, default=HERE / "botocore-skipped.tsv")
    parser.add_argument("--merge", action="store_true", help="append the drafts to the services file")
    args = parser.parse_args(argv)
    services = read_services(find_data_dir(args.botocore))
    notations, labels = read_vocabulary(args.services)
    text = render(services, notations, labels, read_skipped(args.skip))
    if args.merge and text:
        with open(args.services, "a", encoding="utf-8") as handle:
            handle.write("\n# ---------------------------------------------------------------- drafts from botocore: "
                         "write each definition and category\n\n" + text)
        print(f"Appended {text.count(' a kg:Service')} drafts to {args.services}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
