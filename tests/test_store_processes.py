"""The SQLite store across processes: concurrent writers, and a writer killed mid-stream."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rnr.store.sqlite import SQLiteStore

WRITER = """
import datetime as dt, pathlib, sys, time
from rnr.store import Record, SQLiteStore

path, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), pathlib.Path(sys.argv[4])
while not go.exists():  # start together
    time.sleep(0.005)
with SQLiteStore(path) as store:
    for n in range(count):
        with store.write(by=name) as tx:
            tx.append(Record("event", f"{name}-{n % 3}", dt.date(2025, 3, 1), {"n": n}))
        time.sleep(0.002)  # work between blocks, as a real writer does
"""

ENDLESS = """
import datetime as dt, itertools, json, sys
from rnr.store import Record, SQLiteStore

store = SQLiteStore(sys.argv[1])
for n in itertools.count():
    with store.write(by="endless") as tx:
        ids = [
            tx.append(Record("event", f"c-{n % 7}", dt.date(2025, 3, 1), {"n": n, "i": i})).id
            for i in range(1 + n % 3)
        ]
    for record_id in ids:
        print(json.dumps({"id": record_id, "n": n}), flush=True)
"""


def python(script: str, *args: str) -> subprocess.Popen[str]:
    """Start ``script`` in a new interpreter, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    """Two processes appending in small blocks at the same time lose nothing; the chain holds."""
    path = tmp_path / "rnr.sqlite3"
    SQLiteStore(path).close()
    go = tmp_path / "go"
    writers = [python(WRITER, str(path), name, "300", str(go)) for name in ("a", "b")]
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert 0 == writer.returncode, err
    with SQLiteStore(path) as store:
        stored = list(store.records())
        assert list(range(1, 601)) == [s.id for s in stored]
        for name in ("a", "b"):
            mine = [s.data["n"] for s in stored if s.recorded_by == name]
            assert list(range(300)) == mine
        result = store.verify()
        assert result.ok, result.problems
        assert 600 == result.entries
    writers_in_order = [s.recorded_by for s in stored]
    switches = sum(a != b for a, b in itertools.pairwise(writers_in_order))
    assert switches >= 2, "the two writers never interleaved"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_killed_writer_keeps_every_committed_block(tmp_path: Path) -> None:
    """Every record a killed process saw committed is in the file, and the file verifies."""
    path = tmp_path / "rnr.sqlite3"
    child = python(ENDLESS, str(path))
    assert child.stdout is not None
    printed: list[dict[str, int]] = []
    try:
        while len(printed) < 50:
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else "the writer stopped"
            printed.append(json.loads(line))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        if child.stderr:
            child.stderr.close()
    assert -signal.SIGKILL == child.returncode
    with SQLiteStore(path) as store:
        for seen in printed:
            stored = store.get(seen["id"])
            assert seen["n"] == stored.data["n"]
            assert f"c-{seen['n'] % 7}" == stored.case_id
        result = store.verify()
        assert result.ok, result.problems
        assert len(printed) <= result.records
