"""Checkpoints of an SQLite store's write-ahead log, made beside the writes, not inside them.

By default SQLite copies the log back into the database file (a checkpoint)
in the commit that finds the log past a thousand pages: that commit waits
for the pages to be written and the file synced, 10 to 15 ms on the
benchmark's machine, once every thirty single reassessments or so. A
writable :class:`~rnr.store.SQLiteStore` turns that off on its connections
(``PRAGMA wal_autocheckpoint = 0``) and keeps a :class:`Checkpoints` thread
that makes a ``PASSIVE`` checkpoint (one that never waits for a reader or a
writer) when the commits pause, so that a write waits for its own work only.

A checkpoint writes pages into the database file and syncs it; a commit
syncing the log at the same moment waits behind it on the same disk. So the
thread waits for a quiet moment (:data:`QUIET` without a commit), as people
writing from their screens leave many, and checkpoints at the latest
:data:`LONGEST` after the first commit it has not yet copied.

A checkpoint copies the log into the file; SQLite starts the log again
from its beginning only when a write block begins with all of it copied.
Blocks that follow one another without a pause each begin while the thread's
checkpoint runs or before it, so the log would grow by all they write (a
log of 677 MB for a store of 429 MB loaded with 10,000 people). A bulk
block (:data:`BULK` rows or more) therefore checkpoints the log in its own
commit once the bulk blocks since the last such checkpoint have sent
:data:`LOG` rows, and the next block starts the log again (a log of 55 MB
for that load). Single writes that never pause, as a benchmark makes them,
still lengthen the log until a pause comes.

The thread starts with the first commit, ends after a few idle seconds or
when the store is closed (closing the last connection checkpoints the rest,
as SQLite always does), and starts again in a forked child. A checkpoint
that fails is tried again after the next commit: the log only grows
meanwhile, and SQLite recovers it when the file is next opened.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable

__all__ = ["BULK", "LOG", "Checkpoints"]

#: Seconds without a commit after which the log is checkpointed (fewer, larger checkpoints
#: disturb fewer commits: docs/performance.md, "Checkpoints in quiet moments").
QUIET = 0.5
#: Seconds after the first commit not yet checkpointed by which the log is checkpointed
#: even if the commits never pause.
LONGEST = 5.0
#: Seconds without a commit after which the thread ends (the next commit starts another).
IDLE = 5.0
#: The start of the thread's name.
NAME = "rnr-store-checkpoints"
#: Rows a write block sends (records, kept values, index rows) from which it is a bulk
#: block (a load, an import, kept values made for many cases); a single reassessment
#: sends about a dozen.
BULK = 1000
#: Rows of bulk blocks after which the next bulk block's commit checkpoints the log
#: itself: about 50 MB of log.
LOG = 20_000


class Checkpoints:
    """The checkpoints of one store's log (see the module docstring).

    Args:
        connect: opens a connection to the store's file; called in the thread.
        name: the thread's name (:data:`NAME` and the store's).
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection], *, name: str = NAME) -> None:
        self._connect = connect
        self._name = name
        self._lock = threading.Lock()
        self._due = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def committed(self) -> None:
        """Ask for a checkpoint soon (after a commit); start the thread if it is not running."""
        with self._lock:
            if self._stop.is_set():
                return
            if self._pid != os.getpid():  # a forked child: the parent's thread is not here
                self._pid, self._thread = os.getpid(), None
            self._due.set()
            if self._thread is None:
                thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                try:
                    thread.start()
                except RuntimeError:  # no thread can start now: the next commit tries again
                    return
                self._thread = thread

    def stop(self) -> None:
        """End the thread, waiting for a checkpoint under way (the store is being closed)."""
        with self._lock:
            self._stop.set()
            thread = self._thread if self._pid == os.getpid() else None
        self._due.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while self._idle_until_due() and self._quiet():
                try:
                    conn = conn or self._connect()
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    pass  # tried again after the next commit; the log is whole meanwhile
        finally:
            if conn is not None:
                conn.close()

    def _quiet(self) -> bool:
        """Wait for :data:`QUIET` seconds without a commit, or :data:`LONGEST` at most.

        ``False`` when the store is being closed meanwhile (closing checkpoints).
        """
        end = time.monotonic() + LONGEST
        while True:
            self._due.clear()
            if self._stop.wait(max(0.0, min(QUIET, end - time.monotonic()))):
                return False
            if not self._due.is_set() or time.monotonic() >= end:
                return True

    def _idle_until_due(self) -> bool:
        """Wait for a commit; ``False`` when the thread should end (idle, or stopped)."""
        if self._due.wait(IDLE) and not self._stop.is_set():
            return True
        with self._lock:
            if self._due.is_set() and not self._stop.is_set():
                return True  # a commit came just as the wait ended
            self._thread = None
            return False
