"""Ctrl-C on the real ``rnr`` command while it writes: status 130, one line, a whole store.

Each test starts ``rnr`` in its own process, waits until it is writing (records
in the store, or the import's write-ahead log growing), sends SIGINT as a
terminal's Ctrl-C does, and checks what is left: the exit status 130, the
catalogue's one line on standard error and no traceback, a store that
``rnr store verify`` passes, holding only whole write blocks.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.jsonl import export_jsonl
from rnr.store.memory import MemoryStore
from rnr.store.sqlite import SQLiteStore

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="POSIX signals"
)

INTERRUPTED = "rnr: interrumpido: nada quedó escrito a medias"
PEOPLE = 2000


def rnr(*argv: str | int | Path) -> subprocess.Popen[str]:
    """Start the ``rnr`` command of this environment, its output piped."""
    command = Path(sys.executable).with_name("rnr")
    head = [str(command)] if command.exists() else [sys.executable, "-m", "rnr.cli"]
    return subprocess.Popen(
        [*head, *(str(a) for a in argv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RNR_PROGRESS": "0"},
    )


def interrupt_when(child: subprocess.Popen[str], ready: Callable[[], bool]) -> tuple[str, str]:
    """Send SIGINT to ``child`` once ``ready()``; its standard output and error."""
    deadline = time.monotonic() + 120
    while not ready():
        if child.poll() is not None:
            pytest.fail(f"rnr ended before it was interrupted: {child.communicate()}")
        assert time.monotonic() < deadline, "rnr never started writing"
        time.sleep(0.002)
    child.send_signal(signal.SIGINT)
    return child.communicate(timeout=120)


def records_written(db: Path) -> int:
    """The records committed to ``db`` so far (0 while it is not a store yet)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
    except sqlite3.Error:
        return 0
    try:
        count: int = conn.execute("SELECT count(*) FROM records").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()
    return count


def assert_stopped(status: int | None, out: str, err: str, *, created: Path | None) -> None:
    """Exit status 130, nothing on standard output, the one line on standard error."""
    assert "Traceback" not in err
    lines = err.splitlines()
    if created is not None:  # the note that the store was created comes first
        assert lines[0].startswith("rnr: nota: ")
        assert str(created) in lines[0]
        lines = lines[1:]
    assert (130, "", [INTERRUPTED]) == (status, out, lines)


def assert_verifies(db: Path) -> None:
    """``rnr store verify`` (the command) passes the store."""
    check = rnr("store", "verify", "--db", db)
    out, err = check.communicate(timeout=120)
    assert (0, "") == (check.returncode, err), out


def test_an_interrupted_simulation_keeps_whole_people(tmp_path: Path) -> None:
    """Stopped after its first block, ``simulate --db`` leaves exactly the first people, whole."""
    db = tmp_path / "s.sqlite3"
    child = rnr("simulate", "--people", PEOPLE, "--years", "1", "--db", db)
    out, err = interrupt_when(child, lambda: records_written(db) > 0)
    assert_stopped(child.returncode, out, err, created=db)
    assert_verifies(db)
    with SQLiteStore(db, read_only=True) as store:
        written = store.case_ids()
        records = [s.record for s in store.records()]
    cohort = simulate(PEOPLE, 1, seed=0)
    assert 0 < len(written) < PEOPLE
    assert [p.case_id for p in cohort.people[: len(written)]] == written
    whole = MemoryStore()  # the same people, written without an interruption
    store_cohort(whole, cohort.people[: len(written)])
    assert [s.record for s in whole.records()] == records


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """An export of 600 simulated people followed for two years, and its record count."""
    store = MemoryStore()
    store_cohort(store, simulate(600, 2, seed=5))
    path = tmp_path_factory.mktemp("interrupt") / "export.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        export_jsonl(store, fh)
    return path, store.count()


def test_an_interrupted_import_into_a_new_store_leaves_no_file(
    tmp_path: Path, export: tuple[Path, int]
) -> None:
    """Ctrl-C while ``store import`` reads its file: no store file is left behind."""
    db = tmp_path / "new.sqlite3"
    child = rnr("store", "import", export[0], "--db", db)
    out, err = interrupt_when(child, db.exists)
    assert_stopped(child.returncode, out, err, created=None)
    assert not any(tmp_path.glob("new.sqlite3*"))


def test_an_interrupted_import_into_an_empty_store_writes_all_or_nothing(
    tmp_path: Path, export: tuple[Path, int]
) -> None:
    """Ctrl-C while ``store import`` writes into an existing store: it stays empty (or whole)."""
    db = tmp_path / "empty.sqlite3"
    SQLiteStore(db).close()
    wal = Path(f"{db}-wal")

    def writing() -> bool:
        try:
            return wal.stat().st_size > 256 * 1024  # the import's block is being written
        except FileNotFoundError:
            return False

    child = rnr("store", "import", export[0], "--db", db)
    out, err = interrupt_when(child, writing)
    assert_stopped(child.returncode, out, err, created=None)
    assert_verifies(db)
    assert records_written(db) in {0, export[1]}
