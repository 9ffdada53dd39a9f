"""Stores across processes: concurrent writers, and a writer killed mid-stream.

SQLite (one file, ``BEGIN IMMEDIATE``) and PostgreSQL (a server, an advisory
lock on the audit chain's tail) alike: several processes appending at once
lose nothing, number nothing twice and keep one chain; a writer killed with
``SIGKILL`` leaves every block it saw committed, and a store that verifies.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from storekit import DATABASES, Places

from rnr.store.locate import open_store

WRITER = """
import datetime as dt, pathlib, sys, time
from rnr.store import Record
from rnr.store.locate import open_store

where, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), pathlib.Path(sys.argv[4])
store = open_store(where)
while not go.exists():  # start together
    time.sleep(0.005)
with store:
    for n in range(count):
        with store.write(by=name) as tx:
            tx.append(Record("event", f"{name}-{n % 3}", dt.date(2025, 3, 1), {"n": n}))
            if n % 5 == 0:  # now and then a block of two
                tx.append(Record("event", f"{name}-{n % 3}", dt.date(2025, 3, 1), {"n": -n}))
        time.sleep(0.002)  # work between blocks, as a real writer does
"""

ENDLESS = """
import datetime as dt, itertools, json, sys
from rnr.store import Record
from rnr.store.locate import open_store

store = open_store(sys.argv[1])
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


@pytest.mark.parametrize("backend", DATABASES)
def test_processes_write_at_once(places: Places, backend: str, tmp_path: Path) -> None:
    """Four processes appending in small blocks at the same time lose nothing; the chain holds."""
    place = places(backend)
    place.open().close()
    go = tmp_path / "go"
    names = ("a", "b", "c", "d")
    writers = [python(WRITER, str(place.where), name, "150", str(go)) for name in names]
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=180)
        assert 0 == writer.returncode, err
    store = place.open()
    stored = list(store.records())
    each = 150 + 30  # 150 blocks, every fifth with a second record
    assert list(range(1, 4 * each + 1)) == [s.id for s in stored]
    for name in names:
        mine = [s.data["n"] for s in stored if s.recorded_by == name]
        expected = [x for n in range(150) for x in ((n, -n) if n % 5 == 0 else (n,))]
        assert expected == mine
    result = store.verify()
    assert result.ok, result.problems
    assert 4 * each == result.entries
    writers_in_order = [s.recorded_by for s in stored]
    switches = sum(a != b for a, b in itertools.pairwise(writers_in_order))
    assert switches >= 3, "the writers never interleaved"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
@pytest.mark.parametrize("backend", DATABASES)
def test_killed_writer_keeps_every_committed_block(places: Places, backend: str) -> None:
    """Every record a killed process saw committed is in the store, and the store verifies."""
    place = places(backend)
    child = python(ENDLESS, str(place.where))
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
    with open_store(place.where) as store:  # type: ignore[arg-type]
        for seen in printed:
            stored = store.get(seen["id"])
            assert seen["n"] == stored.data["n"]
            assert f"c-{seen['n'] % 7}" == stored.case_id
        result = store.verify()
        assert result.ok, result.problems
        assert len(printed) <= result.records
        with store.write(by="after") as tx:  # the lock died with the writer
            tx.append(stored.record)
