"""Running totals of the case index: counts each case's row carries, added up by the store.

A report over a whole caseload must not read a row per case. So a write
block may give a case's row **counts** (:meth:`IndexingTransaction.index_case`):
groups of keys with whole numbers, as canonical JSON text
(``{"group": {"key": n}}``), which the row holds as it holds its other
columns. The store keeps, in ``case_totals``, the sum of every row's counts
by the row's ``basis``, the group and the key, and brings it up to date in
the same write block as the rows: when a row is replaced (by a later one,
or by a stale row, which carries none), its old counts are taken out of
the totals and its new ones put in. A report then reads a group's totals
(a few thousand rows) and, when they count fewer cases than it knows of,
the cases whose rows carry none of them (:meth:`TotalReads.index_totals`,
:meth:`TotalReads.index_uncounted`).

The store knows nothing of what the counts mean: the history service makes
them (:mod:`rnr.history.counts`), and ``rnr store verify`` makes every
row's counts again from its records and adds up every row's counts to
compare with the totals (:meth:`TotalReads.index_counts`,
:meth:`TotalReads.index_total_rows`).

>>> deltas([(None, ("c-1", 4, "b", '{"2025": {"n": 1, "x": 2}}'))])
[('b', '2025', 'n', 1), ('b', '2025', 'x', 2)]
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.errors import StoreIntegrityError

__all__ = [
    "CASE_TOTALS_V9",
    "UPSERT_TOTAL",
    "Held",
    "TotalReads",
    "Totals",
    "add_counts",
    "counted_totals",
    "deltas",
    "parse_counts",
]

#: Schema version 9 (the same SQL in SQLite and PostgreSQL): each row's counts, and their totals.
CASE_TOTALS_V9 = (
    "ALTER TABLE case_index ADD COLUMN counts TEXT",
    """CREATE TABLE case_totals (
    basis TEXT NOT NULL,
    grp TEXT NOT NULL,
    key TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (basis, grp, key)
)""",
)

#: Adds a change to one total (the same SQL in SQLite and PostgreSQL).
UPSERT_TOTAL = (
    "INSERT INTO case_totals (basis, grp, key, n) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (basis, grp, key) DO UPDATE SET n = case_totals.n + excluded.n"
)

#: What a row of a case holds that its totals depend on: its record, basis and counts.
Held = tuple[str, int, str, str | None]


@attrs.frozen
class Totals:
    """A group's totals over the rows of some bases, and how many rows the index holds.

    Attributes:
        values: each key's total (keys whose total is 0 left out).
        rows: the rows of the index, counted in the same statement (a reader
            that knows how many rows the totals count, and how many it reads
            otherwise, need not look for the others).
    """

    values: Mapping[str, int] = attrs.field(converter=frozen_map)
    rows: int


def parse_counts(text: str | None, *, case_id: str, record: int, source: str) -> dict[str, Any]:
    """A row's counts as groups of keys and whole numbers (``{}``: none).

    Raises:
        StoreIntegrityError: the text is not what a write keeps (a row edited
            by hand), naming the case and its record.
    """
    if text is None:
        return {}
    try:
        found = json.loads(text)
        if isinstance(found, dict) and all(
            isinstance(keys, dict)
            and all(isinstance(n, int) and not isinstance(n, bool) for n in keys.values())
            for keys in found.values()
        ):
            return found
    except (ValueError, TypeError):  # not JSON, or not text (a number written in the column)
        pass
    msg = f"case {case_id}: its row of the case index holds counts out of shape; run verify"
    raise StoreIntegrityError(msg, path=source, record=record)


def deltas(
    changes: Iterable[tuple[Held | None, Held]], source: str = ""
) -> list[tuple[str, str, str, int]]:
    """What rows replacing others change in the totals: ``(basis, group, key, change)``, sorted.

    ``changes``: each row held before (``None``: none) and the row that
    replaces it, in the order they are written; a row on an earlier record
    than the one held replaces nothing (as the table's upsert), and a case's
    later row replaces its earlier one of the same batch.
    """
    held: dict[str, Held] = {}
    change: Counter[tuple[str, str, str]] = Counter()
    for before, row in changes:
        old = held.get(row[0], before)
        if old is not None and row[1] < old[1]:
            continue
        if old is not None:
            add_counts(change, old, source, sign=-1)
        add_counts(change, row, source)
        held[row[0]] = row
    return [(*key, n) for key, n in sorted(change.items()) if n]


def add_counts(
    into: Counter[tuple[str, str, str]], row: Held, source: str, *, sign: int = 1
) -> dict[str, Any]:
    """Add a row's counts (``sign`` -1: take them out) into totals by basis, group and key.

    Returns:
        The row's counts (:func:`parse_counts`).

    Raises:
        StoreIntegrityError: as :func:`parse_counts`.
    """
    case_id, record, basis, text = row
    counts = parse_counts(text, case_id=case_id, record=record, source=source)
    for group, keys in counts.items():
        for key, n in keys.items():
            into[basis, group, key] += sign * n
    return counts


def counted_totals(
    rows: Iterable[Held], bases: frozenset[str], group: str
) -> tuple[Totals, dict[str, int]]:
    """The :class:`Totals` of ``rows``, and the rows without counts of ``group`` of ``bases``.

    Plain Python: what the SQL stores answer.
    """
    values: Counter[str] = Counter()
    uncounted: dict[str, int] = {}
    held = 0
    for case_id, record, basis, text in rows:
        held += 1
        counts = parse_counts(text, case_id=case_id, record=record, source="")
        if basis in bases and group in counts:
            values.update(counts[group])
        else:
            uncounted[case_id] = record
    return Totals({k: n for k, n in sorted(values.items()) if n}, held), uncounted


def _like(text: str) -> str:
    """A ``LIKE`` pattern of the rows whose counts hold the group ``text`` (escaped with ``\\``)."""
    quoted = json.dumps(text, ensure_ascii=False)
    escaped = quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}:%"


class TotalReads:
    """The reads of the totals over the ``case_index`` and ``case_totals`` tables, for any SQL."""

    _name: str

    def _query(self, conn: Any, sql: str, args: tuple[Any, ...]) -> list[Any]:
        raise NotImplementedError

    def index_totals(self, bases: frozenset[str], group: str) -> Totals:
        """The totals of ``group`` over the rows of ``bases``, and how many rows there are.

        One statement, so both answer for the same moment: the totals are
        read from ``case_totals`` (a look-up by its key), the rows counted
        in the index of their case ids.
        """
        ordered = sorted(bases)
        marks = ", ".join("?" * len(ordered))
        sql = "SELECT NULL, count(*) FROM case_index"
        if ordered:
            sql = (
                "SELECT key, CAST(sum(n) AS BIGINT) FROM case_totals"
                f" WHERE basis IN ({marks}) AND grp = ? GROUP BY key UNION ALL {sql}"
            )
        values: dict[str, int] = {}
        rows = 0
        for key, n in self._query(None, sql, (*ordered, group) if ordered else ()):
            if key is None:
                rows = int(n)
            elif n:
                values[str(key)] = int(n)
        return Totals(dict(sorted(values.items())), rows)

    def index_uncounted(self, bases: frozenset[str], group: str) -> dict[str, int]:
        """The rows not of ``bases`` or without counts of ``group``: each case, and its record.

        A scan of every row's counts.
        """
        ordered = sorted(bases)
        sql, args = "SELECT case_id, record_id FROM case_index", tuple[str, ...]()
        if ordered:  # (without bases, every row: NOT IN an empty list is no SQL)
            marks = ", ".join("?" * len(ordered))
            sql += (
                f" WHERE counts IS NULL OR basis NOT IN ({marks}) OR counts NOT LIKE ? ESCAPE '\\'"
            )
            args = (*ordered, _like(group))
        found = self._query(None, sql, args)
        return {str(case_id): int(record) for case_id, record in found}

    def index_counts(self) -> Iterator[Held]:
        """Every row's case, record, basis and counts (``None``: none), in case id order."""
        sql = (
            "SELECT case_id, record_id, basis, counts FROM case_index WHERE case_id > ?"
            " ORDER BY case_id LIMIT 1000"
        )
        after = ""
        while True:
            page = self._query(None, sql, (after,))
            for case_id, record, basis, counts in page:
                yield str(case_id), int(record), str(basis), counts
            if len(page) < 1000:
                return
            after = page[-1][0]

    def index_total_rows(self) -> dict[tuple[str, str, str], int]:
        """Every total the store keeps, by basis, group and key (zeros left out)."""
        found = self._query(None, "SELECT basis, grp, key, n FROM case_totals WHERE n <> 0", ())
        return {(str(b), str(g), str(k)): int(n) for b, g, k, n in found}

    def _held(self, conn: Any, case_ids: Sequence[str]) -> dict[str, Held]:
        """The rows of ``case_ids`` as a block sees them (committed, or sent by it)."""
        held: dict[str, Held] = {}
        ids = sorted(set(case_ids))
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            sql = (
                "SELECT case_id, record_id, basis, counts FROM case_index"
                f" WHERE case_id IN ({', '.join('?' * len(part))})"
            )
            for case_id, record, basis, counts in self._query(conn, sql, tuple(part)):
                held[str(case_id)] = (str(case_id), int(record), str(basis), counts)
        return held
