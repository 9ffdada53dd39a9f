"""The audit chain: building entries and checking records against them.

Every write appends an :class:`~rnr.store.AuditEntry` holding the record's
SHA-256 and the previous entry's SHA-256. :func:`check` walks both lists and
names every row that was edited (its content no longer has the hash the
audit recorded), inserted (no entry names it), deleted (an entry names a
missing record) and every audit entry that was altered, removed or
reordered, each as a coded :class:`~rnr.text.Message` (``verify.*``, put
into words by the message catalogue). Any store implementation uses it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rnr.store.access import AccessEntry, check_access
from rnr.store.head import Head
from rnr.store.protocol import Verification
from rnr.store.records import GENESIS, AuditEntry, Stored, entry_hash, record_hash
from rnr.text import Message

__all__ = ["check", "next_entry", "restore_problem"]


def next_entry(
    previous: AuditEntry | None, *, at: str, by: str, record_id: int, record_sha256: str
) -> AuditEntry:
    """The audit entry that follows ``previous`` for one appended record."""
    seq = 1 if previous is None else previous.seq + 1
    prev = GENESIS if previous is None else previous.sha256
    action = "append"
    digest = entry_hash(
        seq=seq,
        at=at,
        by=by,
        action=action,
        record_id=record_id,
        record_sha256=record_sha256,
        prev=prev,
    )
    return AuditEntry(seq, at, by, action, record_id, record_sha256, prev, digest)


def check(
    rows: Iterable[tuple[int, str | None]],
    entries: Iterable[AuditEntry],
    *,
    unreadable: Iterable[Message] = (),
    expect: Head | None = None,
    access: Iterable[AccessEntry] = (),
) -> Verification:
    """Check records against the audit chain (and the chain against a head kept elsewhere).

    Args:
        rows: ``(record id, SHA-256 recomputed from the row's content)``; the
            hash is ``None`` when the row could not be read.
        entries: the audit entries in stored order.
        unreadable: problems already found while reading rows.
        expect: a head taken earlier: the chain must still hold its entry,
            with its hash.
        access: the access log's entries in stored order
            (:func:`~rnr.store.access.check_access`).

    Returns:
        A :class:`~rnr.store.Verification` listing every problem.
    """
    problems = list(unreadable)
    hashes: dict[int, str | None] = {}
    for record_id, digest in rows:
        if record_id in hashes:
            problems.append(Message("verify.record_twice", {"record": record_id}))
        hashes[record_id] = digest
    named: dict[int, int] = {}
    hashes_by_seq: dict[int, str] = {}
    at_head = GENESIS if expect is not None and expect.entries == 0 else None
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                Message("verify.entry_sequence", {"entry": entry.seq, "expected": expected_seq})
            )
            expected_seq = entry.seq
        if entry.prev != prev:
            problems.append(Message("verify.entry_unchained", {"entry": entry.seq}))
        if entry_hash(**entry.content()) != entry.sha256:
            problems.append(Message("verify.entry_altered", {"entry": entry.seq}))
        if entry.record_id in named:
            first = named[entry.record_id]
            params = {"entry": entry.seq, "record": entry.record_id, "first": first}
            problems.append(Message("verify.entry_names_again", params))
        named[entry.record_id] = entry.seq
        if expect is not None and count == expect.entries:
            at_head = entry.sha256
        if entry.record_id not in hashes:
            params = {"record": entry.record_id, "entry": entry.seq}
            problems.append(Message("verify.record_missing", params))
        else:
            digest = hashes[entry.record_id]
            if digest is not None and digest != entry.record_sha256:
                problems.append(Message("verify.record_altered", {"record": entry.record_id}))
        prev = entry.sha256
        hashes_by_seq[entry.seq] = entry.sha256
        expected_seq += 1
    for record_id in hashes:
        if record_id not in named:
            problems.append(Message("verify.record_unlogged", {"record": record_id}))
    if expect is not None:
        problems += _head_problems(expect, count, at_head)
    logged = list(access)
    problems += check_access(logged, hashes_by_seq)
    return Verification(len(hashes), count, prev, tuple(problems), access=len(logged))


def _head_problems(expect: Head, count: int, found: str | None) -> list[Message]:
    """Whether a chain of ``count`` entries, ``found`` at the head's place, extends ``expect``."""
    if found is None:
        return [Message("verify.head_truncated", {"count": count, "expected": expect.entries})]
    if found != expect.sha256:
        params = {"entry": expect.entries, "found": found[:12], "expected": expect.sha256[:12]}
        return [Message("verify.head_rewritten", params)]
    return []


def restore_problem(rows: list[Stored], entries: list[AuditEntry]) -> str | None:
    """The first reason not to restore these rows, or ``None``."""
    result = check([(s.id, record_hash(s.record)) for s in rows], entries)
    if not result.ok:
        return str(result.problems[0])
    if [s.id for s in rows] != list(range(1, len(rows) + 1)):
        return "record ids are not 1, 2, 3…"
    stamps = {e.record_id: e for e in entries}
    for stored in rows:
        if record_hash(stored.record) != stored.sha256:
            return f"record {stored.id}: sha256 {stored.sha256[:12]}… does not match its content"
        entry = stamps[stored.id]
        if (stored.recorded_at, stored.recorded_by) != (entry.at, entry.by):
            return f"record {stored.id}: recorded_at or recorded_by differ from entry {entry.seq}"
    return None
