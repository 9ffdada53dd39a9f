"""The log of an SQLite store is checkpointed beside the writes, not inside a single write.

A commit that checkpoints waits for about a thousand pages to be written and
synced; :mod:`rnr.store._wal` moves that to a thread of the store, except
after bulk blocks, whose commits checkpoint so that the log starts again.
These tests watch the database file itself: pages reach it only by a
checkpoint.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rnr.store import SQLiteStore, sqlite
from rnr.store import _wal as wal
from rnr.store.records import Record

#: Text enough for a record to fill a page or two of the log.
_NOTE = "x" * 6000


def _write(store: SQLiteStore, blocks: int) -> None:
    for n in range(blocks):
        with store.write(by="delegado-01") as tx:
            tx.append(Record("event", f"c-{n}", dt.date(2025, 1, 1), {"kind": "x", "note": _NOTE}))


def _until(what: Callable[[], bool], seconds: float = 20.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(0.02)
    return what()


def _threads(path: Path | None = None) -> list[threading.Thread]:
    """The checkpoints' threads running (of the store at ``path``, else of any store)."""
    name = wal.NAME if path is None else f"{wal.NAME} {path}"
    return [t for t in threading.enumerate() if t.name.startswith(name)]


def test_commits_leave_the_checkpoint_to_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SQLite's own threshold (1,000 pages) no commit copies the log into the file."""
    monkeypatch.setattr(wal, "QUIET", 60.0)  # the thread waits: only a commit could checkpoint
    monkeypatch.setattr(wal, "LONGEST", 60.0)
    path = tmp_path / "s.sqlite3"
    store = SQLiteStore(path)
    size = path.stat().st_size
    _write(store, 900)  # about 1,800 pages of log
    assert Path(f"{path}-wal").stat().st_size > 1000 * 4096
    assert size == path.stat().st_size, "a commit checkpointed"
    store.close()  # closing checkpoints what is left, at once
    assert path.stat().st_size > size + 900 * 6000
    assert not _threads(path)


def test_the_thread_checkpoints_soon_after_commits(tmp_path: Path) -> None:
    """Well under SQLite's threshold, the pages still reach the file while the store is open."""
    path = tmp_path / "s.sqlite3"
    with SQLiteStore(path) as store:
        size = path.stat().st_size
        _write(store, 100)  # about 200 pages: a commit alone would not checkpoint them
        assert _until(lambda: path.stat().st_size > size + 100 * 6000)
        assert 100 == store.count()
        assert store.verify().ok


def test_commits_without_a_pause_are_checkpointed_after_the_longest_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quiet moment is waited for, but not longer than ``LONGEST``."""
    monkeypatch.setattr(wal, "QUIET", 60.0)  # the commits never pause for that long
    monkeypatch.setattr(wal, "LONGEST", 0.2)
    path = tmp_path / "s.sqlite3"
    with SQLiteStore(path) as store:
        size = path.stat().st_size
        end = time.monotonic() + 20.0
        while path.stat().st_size == size and time.monotonic() < end:
            _write(store, 5)  # commits every few milliseconds
        assert path.stat().st_size > size, "no checkpoint while the commits went on"


def test_the_thread_waits_for_a_pause_in_the_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While commits come closer together than ``QUIET``, nothing reaches the file before
    ``LONGEST``; once they stop, it does."""
    monkeypatch.setattr(wal, "QUIET", 2.0)
    monkeypatch.setattr(wal, "LONGEST", 60.0)
    path = tmp_path / "s.sqlite3"
    with SQLiteStore(path) as store:
        size = path.stat().st_size
        for _ in range(30):  # three seconds of commits, 0.1 s apart
            _write(store, 1)
            time.sleep(0.1)
        assert size == path.stat().st_size, "a checkpoint came between close commits"
        assert _until(lambda: path.stat().st_size > size)


def test_the_thread_runs_only_while_there_are_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No thread before the first commit nor for reading; it ends when idle, and on closing."""
    monkeypatch.setattr(wal, "IDLE", 0.2)
    path = tmp_path / "s.sqlite3"
    with SQLiteStore(path) as store:
        assert not _threads(path)
        _write(store, 1)
        assert 1 == len(_threads(path))
        assert _until(lambda: not _threads(path)), "an idle thread ends"
        _write(store, 1)  # and another starts with the next commit
        assert 1 == len(_threads(path))
    assert not _threads(path), "closing the store ends it"
    with SQLiteStore(path, read_only=True) as reader:
        assert 2 == reader.count()
        assert not _threads(path)


def _bulk_block(store: SQLiteStore, first: int) -> None:
    """One block of 1,000 records of one case (1,001 rows with its index row): a bulk block."""
    with store.write(by="rnr simulate") as tx:
        for _ in range(1000):
            tx.append(Record("event", f"c-{first}", dt.date(2025, 1, 1), {"kind": "x"}))


def test_bulk_blocks_checkpoint_the_log_in_their_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once bulk blocks have sent ``LOG`` rows, the next one's commit copies the log into
    the file; a smaller block leaves it to the thread."""
    monkeypatch.setattr(wal, "QUIET", 60.0)  # the thread waits: only a commit could checkpoint
    monkeypatch.setattr(wal, "LONGEST", 60.0)
    monkeypatch.setattr(sqlite, "LOG", 3000)
    path = tmp_path / "s.sqlite3"
    with SQLiteStore(path) as store:
        size = path.stat().st_size
        _write(store, 3)  # small blocks: never bulk, whatever they add up to
        _bulk_block(store, 0)
        _bulk_block(store, 1000)
        assert size == path.stat().st_size, "a checkpoint before LOG rows"
        _bulk_block(store, 2000)
        assert path.stat().st_size > size + 3000 * 100, "no checkpoint after LOG rows"
        assert 3003 == store.count()
        assert store.verify().ok


def test_bulk_blocks_without_a_pause_keep_the_log_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each block after a bulk checkpoint starts the log again: it does not grow with the load."""
    monkeypatch.setattr(wal, "QUIET", 60.0)
    monkeypatch.setattr(wal, "LONGEST", 60.0)
    monkeypatch.setattr(sqlite, "LOG", 1)  # every bulk block checkpoints
    path = tmp_path / "s.sqlite3"
    log = Path(f"{path}-wal")
    with SQLiteStore(path) as store:
        _bulk_block(store, 0)
        first = log.stat().st_size
        for n in range(1, 8):
            _bulk_block(store, 1000 * n)
        assert log.stat().st_size < 2.5 * first, "the log grew with every block"
        assert 8000 == store.count()
