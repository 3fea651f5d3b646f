"""Writing command output to a file: atomically, never over a file without --force, never through a link."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from kg.errors import EmptyPath, OutputExists, OutputFailed, OutputIsLink, OutputNotRegular
from kg.files import file_kind


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_target(path: str | None) -> None:
    """Refuse, before any work, an output that is a link or exists and is not a regular file.

    Raises:
        OutputIsLink: the target is a symbolic link.
        OutputNotRegular: a folder, device, named pipe or socket.
        OutputFailed: the target cannot be examined.
        EmptyPath: `-o ""` (an unset variable), which names no file.
    """
    if path is not None and not path.strip():
        raise EmptyPath("output file name (-o)", "a file, or - for stdout")
    if not path or path == "-":
        return
    target = Path(path)
    if target.is_symlink():
        raise OutputIsLink(path)
    try:
        kind = file_kind(target.stat().st_mode)
    except FileNotFoundError:
        kind = None
    except OSError as error:
        raise OutputFailed(path, error.strerror or str(error)) from None
    if kind is not None:
        raise OutputNotRegular(path, kind)
    if path.endswith(os.sep):
        raise OutputNotRegular(path, "a folder")


def write_output(path: str, data: bytes, *, force: bool = False) -> None:
    """Write `data` to `path` ("-" for stdout).

    The bytes go to a temporary file beside the target, which then replaces it in one rename,
    so a reader never sees half a file and an interrupted export leaves the old one intact.

    Only regular files are written: a folder, device, named pipe or socket is refused even
    with `force` (a rename over /dev/null would replace the device with a file).

    Raises:
        OutputExists: the file exists and `force` is false.
        OutputIsLink: the target is a symbolic link.
        OutputNotRegular: the target exists and is not a regular file.
        OutputFailed: the folder is missing or not writable, or the disk is full.
    """
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    check_target(path)
    target = Path(path)
    if target.exists() and not force:
        raise OutputExists(path)
    folder = target.parent if str(target.parent) else Path(".")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        # mkstemp makes the file private; give it the mode a plain open() would (or the old file's)
        os.fchmod(fd, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        tmp = None
    except OSError as error:
        raise OutputFailed(path, error.strerror or str(error)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
