"""A whole store copied into an empty one, between any two backends, both ends verified.

An agency that outgrows one SQLite file copies it into PostgreSQL; an
analyst copies a PostgreSQL store into a file of their own. The copy holds
every record, audit entry and access-log entry verbatim (ids, time stamps,
writers and hashes), so the copy has the same head as the source: a head
kept outside (``rnr store head``) checks either.

>>> import datetime as dt
>>> from rnr.store import MemoryStore, Record
>>> source = MemoryStore()
>>> with source.write(by="delegado-01") as tx:
...     _ = tx.append(Record("event", "c-1", dt.date(2025, 3, 1), {"kind": "breach"}))
>>> target = MemoryStore()
>>> copy_store(source, target).head == source.verify().head
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice

import attrs

from rnr.errors import StoreError
from rnr.store.protocol import AccessLog, Store, Verification
from rnr.store.records import Stored
from rnr.text import Message

__all__ = ["copy_store"]


def copy_store(
    source: Store, target: Store, *, progress: Callable[[int], None] | None = None
) -> Verification:
    """Copy every record, audit entry and access entry of ``source`` into the empty ``target``.

    ``source`` is verified first (a store that does not verify is not
    copied); the copy holds what that verification covered, even if writers
    append to ``source`` meanwhile; ``target`` is verified after, and must
    hold the same records, entries and head. Derived values (scores,
    timelines) are not copied: the service computes them again
    (:func:`rnr.history.upkeep.materialise`), as after an import.

    Args:
        source: any store.
        target: an empty store.
        progress: called with the number of source records just verified.

    Returns:
        ``target.verify()``, with a problem added if its head differs.

    Raises:
        StoreError: ``store.integrity``, ``source`` does not verify;
            ``store.not_empty``, ``target`` holds records (or access entries);
            ``store.import.invalid``, ``source`` keeps an access log and
            ``target`` cannot.
    """
    before = source.verify(progress=progress)
    if not before.ok:
        msg = (
            f"copy refused: the store does not verify ({len(before.problems)} problems, the"
            f" first: {before.problems[0]}); run rnr store verify"
        )
        raise StoreError(msg, path=source.name, code="store.integrity")
    entries = list(islice(source.audit(), before.entries))
    last = max((e.record_id for e in entries), default=0)
    access = (
        list(islice(source.access_log(), before.access)) if isinstance(source, AccessLog) else []
    )
    if access and not isinstance(target, AccessLog):
        msg = f"{target.name} keeps no access log: {len(access)} access entries would be lost"
        raise StoreError(msg, path=source.name, code="store.import.invalid")
    target.restore(_upto(source, last), entries)
    if access:
        assert isinstance(target, AccessLog)
        target.restore_access(access)
    after = target.verify()
    same = (after.records, after.entries, after.head, after.access)
    if same != (before.records, before.entries, before.head, before.access):
        problem = Message(
            "verify.copy_differs",
            {
                "target": target.name,
                "records": after.records,
                "entries": after.entries,
                "head": after.head[:12],
                "source": source.name,
                "source_records": before.records,
                "source_entries": before.entries,
                "source_head": before.head[:12],
            },
        )
        return attrs.evolve(after, problems=(*after.problems, problem))
    return after


def _upto(store: Store, last: int) -> Iterator[Stored]:
    """The records with an id up to ``last``."""
    for stored in store.records():
        if stored.id > last:
            return
        yield stored
