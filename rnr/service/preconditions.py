"""Lost updates refused: a case's ``ETag``, ``If-Match``, and a store that checks it at commit.

A case's ``ETag`` is strong, made of its last record's id and SHA-256
(:func:`etag`): any write to the case changes it. A write to a stored case
must name it in ``If-Match`` (:func:`if_match`): without it the answer is
``428`` (``request.precondition.required``); with one the case no longer has,
``412`` (``request.precondition.failed``), and nothing is written.

Checking the header before writing is not enough: another write may land
between the check and the write. So the write runs over :class:`Expecting`,
the store seen through a check made inside its atomic write block, just
before the block's first append (blocks are serialised, so it holds at
commit). A write that appends nothing (one already stored) is not checked.

>>> import datetime as dt
>>> from rnr.store import MemoryStore
>>> from rnr.store.records import Record
>>> store = MemoryStore()
>>> with store.write(by="ana") as tx:
...     first = tx.append(Record("event", "c-1", dt.date(2025, 3, 1), {"kind": "breach"}))
>>> def stale(now): return ValueError(f"changed, now {now[:3]}…")
>>> watched = Expecting(store, "c-1", etag(first), stale)
>>> with watched.write(by="ana") as tx:
...     second = tx.append(Record("event", "c-1", dt.date(2025, 3, 2), {"kind": "breach"}))
>>> watched.last == second
True
>>> with watched.write(by="ana") as tx:  # the case's ETag is no longer the one expected
...     tx.append(Record("event", "c-1", dt.date(2025, 3, 3), {"kind": "breach"}))
Traceback (most recent call last):
...
ValueError: changed, now "2-…
>>> [r.id for r in store.records(case_id="c-1")]
[1, 2]
"""

import contextlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from starlette.requests import Request

from rnr.history.idempotency import IDEMPOTENCY
from rnr.render.messages import catalogue
from rnr.service.problems import RequestError
from rnr.store.caseindex import IndexRow
from rnr.store.protocol import IndexingTransaction, Store, Transaction
from rnr.store.records import Derived, Record, Stored

__all__ = ["Expecting", "etag", "if_match", "keyed", "stale"]


def etag(stored: Stored) -> str:
    """The strong ``ETag`` of a case whose last record is ``stored``: its id and SHA-256."""
    return f'"{stored.id}-{stored.sha256}"'


def if_match(request: Request, case_id: str, lang: str) -> tuple[str, ...]:
    """The entity tags ``If-Match`` names (``*`` is refused: a write names the case's own).

    Raises:
        RequestError: ``request.precondition.required`` (428), no usable ``If-Match``.
    """
    w = catalogue(lang)
    given = request.headers.get("if-match", "").strip()
    if given == "*":
        detail = w("http.detail.if_match_any", case_id=case_id)
        raise RequestError(detail, status=428, code="request.precondition.required")
    tags = tuple(t.strip() for t in given.split(",") if t.strip())
    if not tags:
        detail = w("http.detail.no_if_match", case_id=case_id)
        raise RequestError(detail, status=428, code="request.precondition.required")
    return tags


def stale(case_id: str, now: str | None, lang: str) -> RequestError:
    """The refusal of a write whose ``If-Match`` is not the case's ETag ``now`` (412)."""
    detail = catalogue(lang)("http.detail.stale", case_id=case_id, etag=now or "-")
    headers = {"ETag": now} if now else None
    return RequestError(detail, status=412, code="request.precondition.failed", headers=headers)


def keyed(rows: Sequence[Stored], key: str) -> bool:
    """Whether a record among ``rows`` (a case's) was written under the idempotency ``key``."""
    for row in rows:
        mark = row.data.get(IDEMPOTENCY)
        if isinstance(mark, Mapping) and mark.get("key") == key:
            return True
    return False


class _Block:
    """A write block that appends only while the case's last record is the one expected."""

    def __init__(self, tx: Transaction, store: "Expecting") -> None:
        self._tx = tx
        self._store = store
        self._checked = False

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        return self._tx.records(case_id=case_id, kind=kind)

    def unchanged(self, rows: Sequence[Stored]) -> bool:
        return self._tx.unchanged(rows)

    def append(self, record: Record) -> Stored:
        if not self._checked:
            last = None
            for last in self._tx.records(case_id=self._store.case_id):  # noqa: B007 - the last
                pass
            now = etag(last) if last is not None else None
            if now != self._store.expected:
                raise self._store.refuse(now)
            self._checked = True
        stored = self._tx.append(record)
        self._store.last = stored
        return stored

    def derive(self, derived: Derived) -> None:
        self._tx.derive(derived)

    def derived(self, case_id: str) -> Mapping[int, Derived]:
        return self._tx.derived(case_id)

    def derive_case(self, case_id: str, derived: Derived) -> None:
        self._tx.derive_case(case_id, derived)

    def kept_case(
        self, case_id: str, record_id: int, bases: Collection[str]
    ) -> Mapping[str, Derived]:
        return self._tx.kept_case(case_id, record_id, bases)

    def index_case(self, row: IndexRow, counts: str | None = None) -> None:
        if isinstance(self._tx, IndexingTransaction):
            self._tx.index_case(row, counts)


class Expecting:
    """``store``, whose write blocks append to ``case_id`` only while its ETag is ``expected``.

    Args:
        store: the store.
        case_id: the case written.
        expected: the ETag the case must still have (``None``: no check).
        refuse: the error raised, given the case's ETag now.
        rows: the case's records, read a moment before to check its ETag:
            the write's first read of the case takes them instead of reading
            them again (its block checks they are still all, as for any
            read made before it).

    Attributes:
        last: the last record its blocks appended (``None``: none).
    """

    def __init__(
        self,
        store: Store,
        case_id: str,
        expected: str | None,
        refuse: Callable[[str | None], Exception],
        rows: Sequence[Stored] | None = None,
    ) -> None:
        self.store = store
        self.case_id = case_id
        self.expected = expected
        self.refuse = refuse
        self.last: Stored | None = None
        self._rows = rows

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        """The store's records; the case's, the first time, as read for its ETag (if given)."""
        rows, self._rows = self._rows, None
        if rows is not None and case_id == self.case_id and kind is None:
            return iter(rows)
        return self.store.records(case_id=case_id, kind=kind)

    @property
    def name(self) -> str:
        """The store's name."""
        return self.store.name

    @contextlib.contextmanager
    def write(self, *, by: str) -> Iterator[Transaction]:
        """The store's atomic block, checking the case's ETag before its first append."""
        with self.store.write(by=by) as tx:
            yield _Block(tx, self) if self.expected is not None else _Recorded(tx, self)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


class _Recorded(_Block):
    """A write block that only notes what it appends (no ETag is expected)."""

    def __init__(self, tx: Transaction, store: Expecting) -> None:
        super().__init__(tx, store)
        self._checked = True
