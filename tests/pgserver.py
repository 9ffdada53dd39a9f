"""A PostgreSQL server of the test session's own: initdb and pg_ctl in a temporary folder.

The store tests run against memory, SQLite and a real PostgreSQL server
(tests/test_store.py and the others). :func:`start` finds the server's
programs (``pg_config --bindir``, ``PATH``, ``/usr/lib/postgresql/*/bin``),
makes a cluster in a new folder, and starts it on a Unix socket in that
folder and on a free port of 127.0.0.1. initdb refuses to run as root: as
root (CI), the cluster belongs to the unprivileged user ``nobody`` and the
programs run as that user (``runuser``, else ``setpriv``).

Each test gets a schema of its own (:meth:`Server.store_urls`), created as
the agency's DBA would (docs/store.md, "PostgreSQL"): owned by the role
``rnr_owner``, which creates rnr's tables, with the role ``rnr_writer``
granted only ``SELECT`` and ``INSERT`` on them. Stores are opened as the
writer, as rnr runs in production.

Where the programs are missing, :func:`start` says why; tests/conftest.py
skips the PostgreSQL runs then, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import attrs

#: The roles of every test database (docs/store.md, "PostgreSQL").
OWNER, WRITER = "rnr_owner", "rnr_writer"
_SUPERUSER = "postgres"
_DATABASE = "rnr"


class Unavailable(Exception):  # noqa: N818 - a reason, not an rnr error
    """No server can be started here; the message says why."""


def bindir() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``.

    Raises:
        Unavailable: none found.
    """
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            candidates.append(Path(out))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    msg = (
        "no PostgreSQL server programs (initdb, pg_ctl) found through pg_config, PATH or"
        " /usr/lib/postgresql/*/bin: install them (apt-get install postgresql)"
    )
    raise Unavailable(msg)


def _as_user() -> list[str]:
    """The command prefix that runs a program as an unprivileged user (empty unless root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
    msg = "running as root, and neither runuser nor setpriv is here to run initdb as nobody"
    raise Unavailable(msg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@attrs.define
class Server:
    """A running cluster: its folder, port, and the database the tests use."""

    folder: Path
    bin: Path
    port: int
    prefix: list[str]
    _schemas: Iterator[int] = attrs.field(factory=lambda: itertools.count(1))

    def url(self, user: str, *, schema: str | None = None, dbname: str = _DATABASE) -> str:
        """A connection URL over TCP on 127.0.0.1 (as an agency's would be)."""
        query = ""
        if schema is not None:
            query = "?" + urllib.parse.urlencode({"options": f"-csearch_path={schema}"})
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}{query}"

    def admin(self, *statements: str, dbname: str = _DATABASE) -> None:
        """Run each statement as the superuser, on its own."""
        import psycopg  # noqa: PLC0415 - only where a server runs

        with psycopg.connect(self.url(_SUPERUSER, dbname=dbname), autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[arg-type]

    def new_schema(self) -> str:
        """A new empty schema as the DBA makes one: the owner's, the writer's to use."""
        name = f"t{next(self._schemas)}"
        self.admin(
            f"CREATE SCHEMA {name} AUTHORIZATION {OWNER}",
            f"GRANT USAGE ON SCHEMA {name} TO {WRITER}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA {name}"
            f" GRANT SELECT, INSERT ON TABLES TO {WRITER}",
        )
        return name

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        subprocess.run(
            [
                *self.prefix,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start(*, durable: bool = False) -> Server:
    """A new cluster in a temporary folder, started, with rnr's roles and database.

    The tests' server does not wait for the disk (``fsync=off``): nothing of
    it outlives the session. ``durable`` keeps PostgreSQL's defaults (each
    commit flushed, as SQLite's ``synchronous=FULL``), for benchmarks.

    Raises:
        Unavailable: the programs are missing or the server would not start
            (the message holds the log's last lines).
    """
    folder_bin = bindir()
    prefix = _as_user()
    # as root, in /tmp itself: nobody must reach the folder (pytest's own are root's alone)
    folder = Path(tempfile.mkdtemp(prefix="rnr-pg-", dir="/tmp" if prefix else None))
    if prefix:
        os.chown(folder, *_nobody())
    folder.chmod(0o700)
    data, log = folder / "data", folder / "log"
    port = _free_port()
    try:
        subprocess.run(
            [*prefix, str(folder_bin / "initdb"), "-D", str(data), "-U", _SUPERUSER,
             "--auth=trust", "-E", "UTF8", "--locale=C", "-N"],
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        options = f"-k {folder} -c listen_addresses=127.0.0.1 -c port={port} -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [*prefix, str(folder_bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-o",
             options, "-w", "-t", "60", "start"],
            capture_output=True, text=True, check=True, timeout=90,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        said = getattr(exc, "stderr", "") or ""
        with contextlib.suppress(OSError):
            said += log.read_text(encoding="utf-8", errors="replace")[-2000:]
        shutil.rmtree(folder, ignore_errors=True)
        raise Unavailable(f"PostgreSQL would not start: {exc}; {said.strip()[-2000:]}") from exc
    server = Server(folder, folder_bin, port, prefix)
    try:
        server.admin(
            f"CREATE ROLE {OWNER} LOGIN",
            f"CREATE ROLE {WRITER} LOGIN",
            f"CREATE DATABASE {_DATABASE} OWNER {OWNER}",
            dbname="postgres",
        )
    except Exception:
        server.stop()
        raise
    return server


def _nobody() -> tuple[int, int]:
    import pwd  # noqa: PLC0415 - POSIX only

    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid
