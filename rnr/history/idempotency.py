"""Idempotent writes: a write already stored is not written again.

Every write of a case history (:func:`~rnr.history.open_case`,
:func:`~rnr.history.reassess`, :func:`~rnr.history.add_override`,
:func:`~rnr.history.record_event`, :func:`~rnr.history.review_plan`,
:func:`~rnr.history.approve_plan`, :func:`~rnr.history.correct_assessment`)
is idempotent in two ways:

- **by content**: when the records it would write are already stored as an
  earlier write wrote them (the same case, kind, date and data; the ids and
  references the store assigns aside), it writes nothing and returns what is
  stored; a write that clashes with what is stored is refused with its code
  (``history.case.exists``, ``history.date.order``, ...);
- **by key**: a writer may pass an ``idempotency_key``. The first write
  records the key and the SHA-256 of its canonical request in the data of
  the first record it writes, as the member ``idempotency`` (``{"key":
  ..., "request": <sha256>}``); a repeat with the same key and the same
  request writes nothing and returns what is stored; the same key with
  another request is refused (``history.idempotency.conflict``). A key is
  scoped to its case.

The key is looked up, and the content compared, inside the same atomic
:meth:`~rnr.store.Store.write` block as the write itself, so two writers
sending the same request at once store it once.

Asked with ``written=True``, each write returns a :class:`Written`: its usual
result and whether it was already stored.

>>> import datetime as dt
>>> from rnr.store.records import Record
>>> request = Request.of("event", "pedido-7", {"case_id": "c-1", "kind": "breach"})
>>> stamped = request.stamp(Record("event", "c-1", dt.date(2025, 3, 1), {"kind": "breach"}))
>>> stamped.data[IDEMPOTENCY]["key"]
'pedido-7'
>>> same(stamped, Record("event", "c-1", dt.date(2025, 3, 1), {"kind": "breach"}))
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from rnr.errors import HistoryError, InvalidArgumentError
from rnr.store.records import Record, Stored, canonical

__all__ = ["IDEMPOTENCY", "MAX_KEY", "Request", "Written", "check_key", "same"]

T = TypeVar("T")

#: The member of a record's data that holds the idempotency key of the write that made it.
IDEMPOTENCY = "idempotency"
#: The longest idempotency key, in characters.
MAX_KEY = 200


@attrs.frozen
class Written(Generic[T]):
    """What a write returned, and whether it wrote.

    Attributes:
        value: the write's usual result (the case's history, or the stored
            event record).
        already_stored: the same write was already stored (by content, or
            under the same idempotency key): nothing was written.
    """

    value: T
    already_stored: bool = False


def check_key(key: str | None) -> str | None:
    """An idempotency key as given, checked: a printable text of 1 to :data:`MAX_KEY` characters.

    Raises:
        InvalidArgumentError: another value.
    """
    if key is None:
        return None
    expected = f"a printable text of 1 to {MAX_KEY} characters"
    if (
        not isinstance(key, str)
        or not 0 < len(key) <= MAX_KEY
        or not key.isprintable()
        or not key.strip()
        or any(0xD800 <= ord(c) <= 0xDFFF for c in key)
    ):
        raise InvalidArgumentError("idempotency_key", key, expected)
    return key


@attrs.frozen
class Request:
    """One write's idempotency key (if any) and the SHA-256 of its canonical request.

    Attributes:
        key: the writer's key, or ``None``.
        sha256: SHA-256 of the canonical JSON of the operation's name and its
            request (what the caller asked, before anything is derived).
    """

    key: str | None
    sha256: str

    @classmethod
    def of(cls, operation: str, key: str | None, request: Mapping[str, Any]) -> Request:
        """The request of ``operation`` (``open_case``, ``event``, ...), with ``key`` checked."""
        text = canonical({"operation": operation, "request": dict(request)})
        return cls(check_key(key), hashlib.sha256(text.encode("utf-8")).hexdigest())

    def stamp(self, record: Record) -> Record:
        """``record`` carrying this key and request hash (unchanged without a key)."""
        if self.key is None:
            return record
        data = {**record.data, IDEMPOTENCY: {"key": self.key, "request": self.sha256}}
        return Record(record.kind, record.case_id, record.on, data, corrects=record.corrects)

    def first(self, rows: Iterable[Stored], case_id: str) -> Stored | None:
        """The record that recorded this key among ``rows`` (the case's), if any.

        Raises:
            HistoryError: ``history.idempotency.conflict``, the key was
                recorded with another request.
        """
        if self.key is None:
            return None
        for row in rows:
            mark = row.data.get(IDEMPOTENCY)
            if not isinstance(mark, Mapping) or mark.get("key") != self.key:
                continue
            if mark.get("request") != self.sha256:
                msg = (
                    f"idempotency key {self.key!r} was used for another request (record"
                    f" {row.id}); expected the same request, or a new key"
                )
                raise HistoryError(
                    msg,
                    case_id=case_id,
                    field="idempotency_key",
                    value=self.key,
                    expected="the request first sent with this key",
                    code="history.idempotency.conflict",
                )
            return row
        return None


def _content(record: Record, ignore: Iterable[str]) -> tuple[str, str, str, str]:
    skip = {IDEMPOTENCY, *ignore}
    data = {k: v for k, v in record.data.items() if k not in skip}
    return record.kind, record.case_id, record.on.isoformat(), canonical(data)


def same(stored: Record, record: Record, *, ignore: Iterable[str] = ()) -> bool:
    """Whether two records hold the same content: kind, case, date and data.

    The idempotency member and the data members named in ``ignore`` (what
    the store or a later answer assigns) are left aside, and so is
    ``corrects``: the caller compares it when it matters.
    """
    if (stored.kind, stored.case_id, stored.on) != (record.kind, record.case_id, record.on):
        return False  # at once: most records of a case differ in their date
    ignore = tuple(ignore)
    return _content(stored, ignore) == _content(record, ignore)
