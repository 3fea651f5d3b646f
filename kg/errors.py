"""Every error kg reports to a user, each message written once, here."""

from __future__ import annotations


class KgError(Exception):
    """Base class of the errors kg reports as one line and a non-zero exit."""


class NotesNotFound(KgError):
    """A path given to ingest does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(f"No such file or folder: {path}.")
        self.path = path


class StoreLocked(KgError):
    """Another kg process is writing to the store."""

    def __init__(self, path: str, waited: float) -> None:
        super().__init__(
            f"The store {path} is locked by another kg process (waited {waited:.0f} s). "
            "Try again when it has finished."
        )
        self.path = path


class StoreDamaged(KgError):
    """The store cannot be opened or read."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"The store {path} cannot be opened: {reason.rstrip('. ')}. "
            "Move it aside and run 'kg ingest' to rebuild it."
        )
        self.path = path


class StoreWriteFailed(KgError):
    """A write to the store failed; the store keeps what it had."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Could not write to the store {path}: {reason}. The graph is unchanged.")
        self.path = path


class UnknownService(KgError):
    """No service label is close enough to what the user typed."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No service matches {name!r}.{hint}")
        self.name, self.suggestions = name, suggestions


class VocabularyError(KgError):
    """An ontology file is missing or does not parse."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"The vocabulary {path} cannot be read: {reason}.")
        self.path = path


class EmptyQuestion(KgError):
    """The question has no words."""

    def __init__(self) -> None:
        super().__init__("The question is empty. Ask about a service, for example: kg ask \"max SQS message size\".")


class OutputExists(KgError):
    """An export would overwrite a file."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} exists; add --force to overwrite it.")


class OutputIsLink(KgError):
    """An export target is a symbolic link."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} is a symbolic link; kg does not write through links. Give the real path.")


class OutputFailed(KgError):
    """An export could not be written."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Could not write {path}: {reason}. Nothing was changed.")


class GraphvizMissing(KgError):
    """SVG and PNG need Graphviz's dot program."""

    def __init__(self) -> None:
        super().__init__("Graphviz's 'dot' program is not installed; install the graphviz package "
                         "(Debian/Ubuntu: apt-get install graphviz) to draw SVG and PNG.")


class GraphvizFailed(KgError):
    """dot exited with an error."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Graphviz could not draw the diagram: {reason}.")
