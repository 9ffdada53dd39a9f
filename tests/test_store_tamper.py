"""Tampering that only a head kept outside the store can catch, in a file or a database.

The chain inside the store catches an edit in the middle; these are the
kinds of tampering it cannot catch by itself (the store's own tail
rewritten, the guards swapped for look-alikes), each done as an attacker
with the file and sqlite3, or the owner of the PostgreSQL tables, would,
and each caught by ``verify(expect=head)``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from storekit import DATABASES, Owner, Place, Places, problem_lines

from rnr.errors import StoreError, StoreIntegrityError
from rnr.store import Head, SQLiteStore, _schema
from rnr.store._rows import AUDIT_COLUMNS, INSERT_ENTRY, INSERT_RECORD
from rnr.store.audit import next_entry
from rnr.store.records import AuditEntry, Record, canonical, record_hash

CLOCK = "2025-01-01T00:00:00Z"


def _store(path: Path, count: int = 3) -> Head:
    with SQLiteStore(path, clock=lambda: CLOCK) as store:
        return _fill(store, count)


def _fill(store: Any, count: int = 3) -> Head:
    with store.write(by="delegada-01") as block:
        for n in range(count):
            block.append(Record("event", f"caso-{n}", dt.date(2025, 1, n + 1), {"n": n}))
    found = store.verify()
    assert found.ok
    return Head(found.entries, found.head)


def _place(places: Places, backend: str) -> tuple[Place, Head]:
    place = places(backend)
    return place, _fill(place.open(clock=lambda: CLOCK))


def _last_entry(conn: Any) -> AuditEntry:
    row = conn.execute(f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return AuditEntry(*row)


def _drop_guards(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")


def _append_chained(owner: Owner) -> None:
    """A record and a correctly chained audit entry, as rnr itself would write them."""
    record = Record("event", "caso-x", dt.date(2025, 2, 1), {"n": 99})
    digest = record_hash(record)
    last = _last_entry(owner)
    new_id = last.record_id + 1
    owner.execute(
        INSERT_RECORD,
        (new_id, "event", "caso-x", "2025-02-01", record.text, None, CLOCK, "x", digest),
    )
    entry = next_entry(last, at=CLOCK, by="x", record_id=new_id, record_sha256=digest)
    owner.execute(INSERT_ENTRY, attrs.astuple(entry))


def _delete_last(owner: Owner) -> None:
    owner.drop_guards()
    last = _last_entry(owner)
    owner.execute("DELETE FROM audit WHERE seq = ?", (last.seq,))
    owner.execute("DELETE FROM records WHERE id = ?", (last.record_id,))


def _rewrite_last(owner: Owner) -> None:
    """Edit the last record and recompute its hash and its audit entry's."""
    owner.drop_guards()
    last = _last_entry(owner)
    row = owner.execute(
        "SELECT kind, case_id, on_date FROM records WHERE id = ?", (last.record_id,)
    )
    kind, case_id, on = row.fetchone()
    record = Record(kind, case_id, dt.date.fromisoformat(on), {"n": -1})
    digest = record_hash(record)
    owner.execute(
        "UPDATE records SET data = ?, sha256 = ? WHERE id = ?",
        (canonical(dict(record.data)), digest, last.record_id),
    )
    before = owner.execute(
        f"SELECT {AUDIT_COLUMNS} FROM audit WHERE seq = ?", (last.seq - 1,)
    ).fetchone()
    entry = next_entry(
        AuditEntry(*before), at=last.at, by=last.by, record_id=last.record_id, record_sha256=digest
    )
    owner.execute(
        "UPDATE audit SET record_sha256 = ?, sha256 = ? WHERE seq = ?",
        (digest, entry.sha256, last.seq),
    )


TAIL_TAMPERING: dict[str, Callable[[Owner], None]] = {
    "the last record deleted with its audit entry": _delete_last,
    "the last record edited and its hashes recomputed": _rewrite_last,
}


@pytest.mark.parametrize("backend", DATABASES)
@pytest.mark.parametrize("name", TAIL_TAMPERING)
def test_a_rewritten_tail_passes_alone_and_fails_against_the_head(
    places: Places, backend: str, name: str
) -> None:
    """The chain alone cannot see it (the guards are put back); the head kept elsewhere can."""
    place, head = _place(places, backend)
    with place.owner() as owner:
        TAIL_TAMPERING[name](owner)
        if not owner.triggers():
            owner.restore_guards()
    store = place.open(read_only=True)
    assert store.verify().ok, "the chain inside the store cannot see a rewritten tail"
    problems = problem_lines(store.verify(expect=head))
    assert len(problems) == 1
    assert problems[0].startswith("head: ")


@pytest.mark.parametrize("backend", DATABASES)
def test_appending_with_a_chained_entry_extends_the_head(places: Places, backend: str) -> None:
    """An append after the head is a later write: the head proves what came before it."""
    place, head = _place(places, backend)
    with place.owner() as owner:
        _append_chained(owner)
    found = place.open(read_only=True).verify(expect=head)
    assert found.ok
    assert found.entries == head.entries + 1
    assert Head(found.entries, found.head) != head, "a new head: keep it to fix the append too"


@pytest.mark.parametrize("backend", DATABASES)
def test_a_forked_history_fails_against_the_head(places: Places, backend: str) -> None:
    """A store rebuilt from the same start with other records does not extend the head."""
    _, head = _place(places, backend)
    store = places(backend).open(clock=lambda: CLOCK)
    with store.write(by="otra") as block:
        for n in range(4):
            block.append(Record("event", f"otro-{n}", dt.date(2025, 1, n + 1), {"n": n}))
    problems = problem_lines(store.verify(expect=head))
    assert ["head: audit entry 3"] == [p[: len("head: audit entry 3")] for p in problems]


def test_look_alike_guards_are_caught(tmp_path: Path) -> None:
    """Do-nothing triggers with the guards' names do not pass for the guards."""
    path = tmp_path / "casos.sqlite3"
    _store(path)
    conn = sqlite3.connect(path)
    with conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
        _drop_guards(conn)
        for name in names:
            table = name.split("_no_")[0]
            verb = "UPDATE" if name.endswith("update") else "DELETE"
            conn.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON {table} BEGIN SELECT 1; END")
        conn.execute("CREATE TRIGGER extra AFTER INSERT ON records BEGIN SELECT 1; END")
    conn.close()
    with SQLiteStore(path, read_only=True) as store:
        problems = problem_lines(store.verify())
    assert 1 + len(names) == len(problems)
    assert 10 == len(names)  # records, audit, derived, case_derived, access: no UPDATE, DELETE
    assert sum("is not the one rnr wrote" in p for p in problems) == len(names)
    assert any("trigger extra is not rnr's" in p for p in problems)


def test_a_signed_head_is_checked_with_its_key(tmp_path: Path) -> None:
    """A head signed with a key kept outside the store: the key proves who wrote the head."""
    head = _store(tmp_path / "casos.sqlite3").signed(b"clave de la agencia")
    read = Head.parse(str(head))
    assert read.valid(b"clave de la agencia")
    assert not read.valid(b"otra clave")
    assert not Head.parse(f"{head.entries}:{head.sha256}").valid(b"clave de la agencia")
    with pytest.raises(StoreError, match="expected ENTRIES:SHA256") as info:
        Head.parse("3:abc")
    assert "argument.invalid" == info.value.code


def test_read_only_never_creates_and_never_writes(tmp_path: Path) -> None:
    """A mistyped path is an error, not an empty store; a read-only store refuses writes."""
    with pytest.raises(StoreError, match="no store at this path") as info:
        SQLiteStore(tmp_path / "no-existe.sqlite3", read_only=True)
    assert ("store.missing", 3) == (info.value.code, int(info.value.outcome))
    assert not (tmp_path / "no-existe.sqlite3").exists()
    path = tmp_path / "casos.sqlite3"
    _store(path)
    with SQLiteStore(path, read_only=True) as store:
        assert 3 == len(list(store.records()))
        with pytest.raises(StoreError, match="read-only") as info, store.write(by="x"):
            pass
        assert "store.unavailable" == info.value.code


def test_a_store_sqlite_cannot_share_is_read_as_immutable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When SQLite cannot open its shared memory (a write-protected folder), reads still work.

    As root (CI) permissions do not bind, so the refusal SQLite gives a
    read-only WAL store in a write-protected folder is played here.
    """
    path = tmp_path / "casos.sqlite3"
    _store(path)
    opened: list[str] = []
    real = _schema.connect_uri

    class _Refused:
        def execute(self, *_: object) -> None:
            raise sqlite3.OperationalError("unable to open database file")

        def close(self) -> None:
            pass

    def connect(target: str, *, timeout: float, uri: bool = True) -> object:
        opened.append(target)
        if "mode=ro" in target and "immutable" not in target:
            return _Refused()
        return real(target, timeout=timeout, uri=uri)

    monkeypatch.setattr(_schema, "connect_uri", connect)
    with SQLiteStore(path, read_only=True) as store:
        assert store.verify().ok
        assert 3 == len(list(store.records()))
    assert opened[-1].endswith("?mode=ro&immutable=1")


def test_data_decoded_late_still_names_the_record(tmp_path: Path) -> None:
    """Text that is not JSON, with a hash forged to match, is refused when looked into.

    Reading hashes the text but decodes it only when used; the refusal then
    is the same one-line integrity error naming the record, never a
    traceback, and verify reports it.
    """
    path = tmp_path / "casos.sqlite3"
    _store(path)
    forged = Record.read_back("event", "caso-1", dt.date(2025, 1, 2), "[1, 2]", None)
    conn = sqlite3.connect(path)
    with conn:
        _drop_guards(conn)
        conn.execute(
            "UPDATE records SET data = ?, sha256 = ? WHERE id = 2",
            (forged.text, record_hash(forged)),
        )
    conn.close()
    with SQLiteStore(path, read_only=True) as store:
        row = store.get(2)
        with pytest.raises(StoreIntegrityError, match=r"record 2: unreadable \(data: got") as err:
            dict(row.data)
        assert (str(path), 2) == (err.value.path, err.value.record)
        assert any(p.startswith("record 2: unreadable") for p in problem_lines(store.verify()))
