"""`kg serve`: the embedded store over the SPARQL 1.1 Protocol, served by Oxigraph's own server.

The `oxigraph` program (PyPI `oxigraph`, the `server` extra) is the same Rust code as pyoxigraph,
so it reads the store kg writes when both are of the same minor version. While it serves, kg
holds the store's lock file for it: exclusive when it serves read-write (no kg process may open
the folder meanwhile; they use the URL), shared when read-only (kg readers may open the folder,
writers wait), as RocksDB's read-only mode is undefined while another process writes.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from kg.errors import ServerFailed, ServerMissing
from kg.store import lock_store, release_lock

START_TIMEOUT = 30.0


def find_oxigraph() -> str:
    """The oxigraph program: the one installed beside this Python first, else the one on PATH.

    Raises:
        ServerMissing: neither exists.
    """
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServerMissing()
    return found


def check_version(program: str) -> str:
    """The program's version; it must be pyoxigraph's major and minor version.

    Raises:
        ServerFailed: it does not run, or is another minor version.
    """
    import pyoxigraph

    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError as error:
        raise ServerFailed(f"{program} does not run ({error.strerror or error})") from None
    version = done.stdout.strip().rsplit(" ", 1)[-1]
    if version.split(".")[:2] != pyoxigraph.__version__.split(".")[:2]:
        raise ServerFailed(f"{program} is version {version or 'unknown'}, but kg's store is written by "
                           f"pyoxigraph {pyoxigraph.__version__}; pip install 'kg[server]' for a matching one")
    return version


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    return host == "localhost" or host.startswith("127.") or host in ("::1", "[::1]")


class OxigraphServer:
    """One `oxigraph serve` (or `serve-read-only`) on a store folder, holding the store's lock."""

    def __init__(self, path: Path, *, host: str = "127.0.0.1", port: int = 7878, read_only: bool = False,
                 program: str | None = None) -> None:
        self.path = Path(path)
        self.host, self.port, self.read_only = host, port, read_only
        self.program = program or find_oxigraph()
        self.url = f"http://{_url_host(host)}:{port}"
        self.process: subprocess.Popen | None = None
        self._lock = None
        self._log: list[str] = []
        self._started = threading.Event()

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Take the lock, start the server and return once it accepts connections.

        Raises:
            StoreLocked: another kg process holds the store.
            ServerFailed: the port is taken, or the server exited or did not answer in time.
        """
        check_version(self.program)
        self._check_port_free()
        self._lock = lock_store(self.path, exclusive=not self.read_only)
        command = "serve-read-only" if self.read_only else "serve"
        try:
            self.process = subprocess.Popen(
                [self.program, command, "--location", str(self.path), "--bind", f"{_url_host(self.host)}:{self.port}"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                preexec_fn=_die_with_parent())
        except OSError as error:
            self.stop()
            raise ServerFailed(f"{self.program} does not run ({error.strerror or error})") from None
        threading.Thread(target=self._relay, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not self._accepts():
            if self.process.poll() is not None:
                time.sleep(0.1)         # let the relay read the error
                self.stop()
                raise ServerFailed(self._error() or f"oxigraph exited with status {self.process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerFailed(f"it did not accept connections on {self.url} within {timeout:g} s")
            time.sleep(0.05)
        self._started.set()

    def wait(self) -> int:
        """Block until the server exits; return its exit status."""
        assert self.process is not None
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and release the lock."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        release_lock(self._lock)
        self._lock = None

    def __enter__(self) -> "OxigraphServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ helpers

    def _check_port_free(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as error:
                raise ServerFailed(f"cannot listen on {self.host}:{self.port} "
                                   f"({(error.strerror or str(error)).lower()})") from None

    def _accepts(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def _relay(self) -> None:
        """Keep the server's messages: shown in the error if it fails to start, passed on after."""
        assert self.process is not None and self.process.stderr is not None
        for line in self.process.stderr:
            if self._started.is_set():
                if not line.startswith("Listening for requests"):
                    sys.stderr.write(line)
            else:
                self._log.append(line.rstrip())

    def _error(self) -> str:
        errors = [line[len("Error:"):].strip() for line in self._log if line.startswith("Error:")]
        return errors[0] if errors else next((line for line in self._log if line.strip()), "")


def _die_with_parent():
    """A function for the child to run (Linux): SIGTERM when kg dies, so a killed kg leaves no
    server holding the store. libc is loaded here, in kg, as importing after fork is unsafe."""
    try:
        import ctypes

        prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def in_child() -> None:
        prctl(1, signal.SIGTERM)        # PR_SET_PDEATHSIG
    return in_child
