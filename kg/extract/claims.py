"""What extraction yields: one claim per fact a statement states, each keeping its statement."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.notes import Note, Statement
from kg.units import Quantity


@dataclass(frozen=True)
class LimitClaim:
    """One quantity a statement states about a service."""

    service: str
    attribute: str
    kind: str | None
    qualifier: str            # maximum | minimum | default | exact
    contexts: tuple[str, ...]
    quantity: Quantity
    statement: Statement
    range_group: int = -1     # the two ends of one stated range share a group
    topical: bool = False     # the subject was carried over from an earlier heading
    # the passes that shaped it, in order (`kg facts --why`); not part of the fact itself
    because: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class IntegrationClaim:
    """One statement that a service works with another."""

    source: str
    target: str
    relation: str
    directed: bool
    negative: bool
    statement: Statement
    because: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one note."""

    note: Note
    limits: tuple[LimitClaim, ...]
    integrations: tuple[IntegrationClaim, ...]
    mentions: dict[int, tuple[str, ...]]   # statement index -> services it names
    capabilities: tuple = ()                # kg.extract.capabilities.CapabilityClaim
    settings: tuple = ()                    # kg.extract.capabilities.SettingClaim


__all__ = ["Extraction", "IntegrationClaim", "LimitClaim"]
