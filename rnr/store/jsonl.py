"""Export and import a store as JSON Lines, for backups, transfers and other tools.

An export is one header line, then one line per record in id order, then one
line per audit entry, each line canonical JSON (sorted keys, no spaces); a
store whose access log (:mod:`rnr.store.access`, kept by the HTTP service)
holds entries is written as ``rnr.store-export/2``: the header also counts
them, and one line per access entry follows the audit entries:

.. code-block:: text

    {"entries":1,"format":"rnr.store-export/1","head":"<sha256 of the last entry>","records":1}
    {"case_id":"c-1","corrects":null,"data":{...},"id":1,"kind":"event",...,"type":"record"}
    {"action":"append",...,"seq":1,"sha256":"...","type":"audit"}

Importing rebuilds every record and entry, checks each record's SHA-256
and the whole chain, and restores them verbatim into an empty store, so
export → import → export gives the same bytes, whatever the stores.

>>> import datetime as dt, io
>>> from rnr.store import MemoryStore, Record
>>> store = MemoryStore(clock=lambda: "2025-03-01T09:00:00+00:00")
>>> with store.write(by="delegado-01") as tx:
...     _ = tx.append(Record("case", "c-1", dt.date(2025, 3, 1), {"programme": "LV"}))
>>> out = io.StringIO()
>>> export_jsonl(store, out)
3
>>> copy = MemoryStore()
>>> import_jsonl(copy, io.StringIO(out.getvalue()), name="backup.jsonl").ok
True
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from rnr import untrusted
from rnr.dates import DATE_RANGE, parse_date
from rnr.errors import HistoryError, StoreError
from rnr.store.access import ACCESS_FIELDS, Access, AccessEntry, check_access
from rnr.store.protocol import AccessLog, Store, Verification
from rnr.store.records import GENESIS, KINDS, AuditEntry, Record, Stored, canonical, record_hash

__all__ = ["FORMAT", "export_jsonl", "import_jsonl"]

#: The ``format`` of an export's header line.
FORMAT = "rnr.store-export/1"
#: The ``format`` of an export that holds an access log.
FORMAT_ACCESS = "rnr.store-export/2"

_HEADER = ("format", "records", "entries", "head")
_HEADER_ACCESS = (*_HEADER, "access")
_ACCESS = ("type", *ACCESS_FIELDS)
_RECORD = (
    "type",
    "id",
    "kind",
    "case_id",
    "on",
    "data",
    "corrects",
    "recorded_at",
    "recorded_by",
    "sha256",
)
_AUDIT = ("type", "seq", "at", "by", "action", "record_id", "record_sha256", "prev", "sha256")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def export_jsonl(
    store: Store, out: TextIO, *, progress: Callable[[int], None] | None = None
) -> int:
    """Write every record and audit entry of ``store`` to ``out`` as JSON Lines.

    The export holds what the audit chain covers when it starts: the first
    ``entries`` entries and the records they name, even if writers append
    meanwhile (a record written outside rnr after the last entry is left
    out; :meth:`~rnr.store.Store.verify` reports it).

    Args:
        store: any store.
        out: a text stream, e.g. a file opened with ``encoding="utf-8"``.
        progress: called with the number of lines written, every 1,000 lines
            and at the end (a command line draws a bar with it).

    Returns:
        The number of lines written (``1 + records + entries``, and the
        access entries).

    Raises:
        StoreError: the store cannot be read; a
            :class:`~rnr.errors.StoreIntegrityError` when a row was altered
            (an altered store is not exported: run verify).
    """
    entries, head, last = 0, GENESIS, 0
    for entry in store.audit():
        entries, head, last = entries + 1, entry.sha256, max(last, entry.record_id)
    records = sum(1 for _ in _upto(store, last))
    access = _access(store)
    logged = sum(1 for _ in access())
    header: dict[str, Any] = {
        "format": FORMAT,
        "records": records,
        "entries": entries,
        "head": head,
    }
    if logged:
        header.update(format=FORMAT_ACCESS, access=logged)
    tell = progress or _ignore
    out.write(canonical(header) + "\n")
    written = 0
    for stored in _upto(store, last):
        out.write(canonical({"type": "record", **stored.to_dict()}) + "\n")
        written += 1
        if written % _STEP == 0:
            tell(_STEP)
    tell(written % _STEP + 1)
    if written != records:
        msg = f"export: counted {records} records, then read {written}; the store changed"
        raise StoreError(msg, path=store.name)
    for seq, entry in enumerate(store.audit(), 1):
        if seq > entries:
            break
        out.write(canonical({"type": "audit", **entry.to_dict()}) + "\n")
        if seq % _STEP == 0:
            tell(_STEP)
    tell(entries % _STEP)
    for seq, logged_entry in enumerate(access(), 1):
        if seq > logged:
            break
        out.write(
            canonical({"type": "access", **logged_entry.content(), "sha256": logged_entry.sha256})
            + "\n"
        )
    return 1 + records + entries + logged


def _access(store: Store) -> Callable[[], Iterator[AccessEntry]]:
    """How to read ``store``'s access log (none, for a store that keeps none)."""
    if isinstance(store, AccessLog):
        return store.access_log
    return lambda: iter(())


#: Lines written between two calls of an export's ``progress``.
_STEP = 1000


def _ignore(n: int) -> None:
    """An export's ``progress`` when none is given."""


def _upto(store: Store, last: int) -> Iterator[Stored]:
    """The records with an id up to ``last``."""
    for stored in store.records():
        if stored.id > last:
            return
        yield stored


class _Lines:
    """Parsing one export, line by line, with errors naming the line."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.line = 0

    def error(self, field: str, message: str, *, code: str = "store.import.invalid") -> StoreError:
        """An error at the current line (and ``field``, when not empty).

        ``store.import.invalid`` for a line that is not what an export holds;
        ``store.integrity`` for one whose content no longer matches its hashes.
        """
        where = f"{field}: " if field else ""
        return StoreError(f"{where}{message}", path=f"{self.name}:{self.line}", code=code)

    def parse(self, text: str) -> dict[str, Any]:
        try:
            value = untrusted.loads(text, max_digits=None)
        except ValueError as exc:
            raise self.error("", f"got {text[:40]!r}, expected a JSON object ({exc})") from exc
        if not isinstance(value, dict):
            raise self.error("", f"got {text[:40]!r}, expected a JSON object")
        return value

    def fields(self, value: dict[str, Any], expected: tuple[str, ...], what: str) -> None:
        missing = [key for key in expected if key not in value]
        extra = sorted(key for key in value if key not in expected)
        if missing:
            raise self.error(missing[0], f"missing, expected every field of {what}")
        if extra:
            raise self.error(
                extra[0], f"got an unexpected field, expected only {', '.join(expected)}"
            )

    def integer(self, value: dict[str, Any], key: str, *, minimum: int = 1) -> int:
        got = value[key]
        if not isinstance(got, int) or isinstance(got, bool) or got < minimum:
            raise self.error(key, f"got {got!r}, expected an integer ≥ {minimum}")
        return got

    def text(self, value: dict[str, Any], key: str) -> str:
        got = value[key]
        if not isinstance(got, str) or not got:
            raise self.error(key, f"got {got!r}, expected a non-empty text")
        return got

    def sha256(self, value: dict[str, Any], key: str) -> str:
        got = value[key]
        if not isinstance(got, str) or not _SHA256.fullmatch(got):
            raise self.error(key, f"got {got!r}, expected 64 lowercase hex digits (a SHA-256)")
        return got

    def header(self, value: dict[str, Any]) -> tuple[int, int, str, int]:
        given = value.get("format")
        if given not in (FORMAT, FORMAT_ACCESS):
            expected = f"{FORMAT!r} or {FORMAT_ACCESS!r}"
            raise self.error("format", f"got {given!r}, expected {expected}")
        self.fields(value, _HEADER if given == FORMAT else _HEADER_ACCESS, "the header")
        return (
            self.integer(value, "records", minimum=0),
            self.integer(value, "entries", minimum=0),
            self.sha256(value, "head"),
            self.integer(value, "access", minimum=0) if given == FORMAT_ACCESS else 0,
        )

    def record(self, value: dict[str, Any]) -> Stored:
        self.fields(value, _RECORD, "a record")
        if value["kind"] not in KINDS:
            raise self.error("kind", f"got {value['kind']!r}, expected one of {', '.join(KINDS)}")
        on = value["on"]
        try:
            day = parse_date(on) if isinstance(on, str) else None
        except ValueError:
            day = None
        if day is None:
            raise self.error("on", f"got {on!r}, expected {DATE_RANGE}")
        if not isinstance(value["data"], dict):
            raise self.error("data", f"got {value['data']!r}, expected a JSON object")
        corrects = value["corrects"]
        if corrects is not None:
            corrects = self.integer(value, "corrects")
        try:
            record = Record(value["kind"], value["case_id"], day, value["data"], corrects)
        except HistoryError as exc:
            raise self.error("", str(exc)) from exc
        stored = Stored(
            self.integer(value, "id"),
            record,
            self.text(value, "recorded_at"),
            self.text(value, "recorded_by"),
            self.sha256(value, "sha256"),
        )
        digest = record_hash(record)
        if digest != stored.sha256:
            msg = f"got {stored.sha256}, expected {digest}: record {stored.id} was edited"
            raise self.error("sha256", msg, code="store.integrity")
        return stored

    def entry(self, value: dict[str, Any]) -> AuditEntry:
        self.fields(value, _AUDIT, "an audit entry")
        if value["action"] != "append":
            raise self.error("action", f"got {value['action']!r}, expected 'append'")
        return AuditEntry(
            self.integer(value, "seq"),
            self.text(value, "at"),
            self.text(value, "by"),
            "append",
            self.integer(value, "record_id"),
            self.sha256(value, "record_sha256"),
            self.sha256(value, "prev"),
            self.sha256(value, "sha256"),
        )

    def access(self, value: dict[str, Any]) -> AccessEntry:
        self.fields(value, _ACCESS, "an access entry")
        optional = ("unit", "case_id")
        for key in optional:
            if value[key] is not None:
                self.text(value, key)
        if not isinstance(value["detail"], dict):
            raise self.error("detail", f"got {value['detail']!r}, expected a JSON object")
        if isinstance(value["status"], bool) or not isinstance(value["status"], int):
            raise self.error("status", f"got {value['status']!r}, expected an HTTP status or 0")
        access = Access(
            self.text(value, "by"),
            self.text(value, "role"),
            value["unit"],
            self.text(value, "action"),
            value["case_id"],
            value["status"],
            value["detail"],
        )
        return AccessEntry(
            self.integer(value, "seq"),
            self.text(value, "at"),
            access,
            self.integer(value, "anchor_seq", minimum=0),
            self.sha256(value, "anchor"),
            self.sha256(value, "prev"),
            self.sha256(value, "sha256"),
        )


def _decoded(lines: Iterable[str], name: str) -> Iterator[str]:
    """The lines of an export, a byte-order mark dropped; a line not UTF-8 is an error."""
    it = iter(lines)
    for number in itertools.count(1):
        try:
            text = next(it)
        except StopIteration:
            return
        except UnicodeDecodeError:
            msg = "cannot read the line (not UTF-8 text)"
            raise StoreError(msg, path=f"{name}:{number}", code="store.import.invalid") from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def _check_counts(
    parser: _Lines,
    header: tuple[int, int, str, int],
    records: list[Stored],
    entries: list[AuditEntry],
    access: list[AccessEntry],
) -> None:
    """The header's counts and head against the lines read; the access log against the audit."""
    count, entry_count, head, access_count = header
    for field, given, held, what in (
        ("records", count, len(records), "record"),
        ("entries", entry_count, len(entries), "audit"),
        ("access", access_count, len(access), "access"),
    ):
        if given != held:
            msg = f"got {given}, expected {held} (the {what} lines the file holds)"
            raise parser.error(field, msg, code="store.integrity")
    last = entries[-1].sha256 if entries else GENESIS
    if head != last:
        msg = f"got {head}, expected {last} (the last entry's sha256)"
        raise parser.error("head", msg, code="store.integrity")
    problems = check_access(access, {e.seq: e.sha256 for e in entries})
    if problems:
        raise parser.error("access", f"import refused: {problems[0]}", code="store.integrity")


def import_jsonl(store: Store, lines: Iterable[str], *, name: str) -> Verification:
    """Read an export and restore it into ``store``, which must be empty.

    Blank lines are skipped. Nothing is written unless every line is valid,
    every record has its SHA-256, the header's counts and head match and the
    audit chain holds.

    Args:
        store: an empty store.
        lines: the export's lines: an open file, or ``io.StringIO(text)``. Not
            ``text.splitlines()``: texts in an export may hold U+0085, U+2028
            or U+2029, which ``splitlines`` also splits on.
        name: the export's name in messages (its file name).

    Returns:
        ``store.verify()`` after the import.

    Raises:
        StoreError: ``store.import.invalid``, a line is malformed (the message
            names ``name:LINE``, the field, the value and what was expected);
            ``store.integrity``, a record was edited, the header's counts or
            head do not match or the chain does not hold; ``store.not_empty``,
            the store holds records.
    """
    parser = _Lines(name)
    header: tuple[int, int, str, int] | None = None
    header_line = 0
    records: list[Stored] = []
    entries: list[AuditEntry] = []
    access: list[AccessEntry] = []
    for parser.line, text in enumerate(_decoded(lines, name), 1):
        if not text.strip():
            continue
        value = parser.parse(text)
        if header is None:
            if "type" in value:
                raise parser.error("format", f"got a {value['type']!r} line, expected the header")
            header, header_line = parser.header(value), parser.line
            continue
        kind = value.get("type")
        if kind == "record":
            if entries:
                raise parser.error(
                    "type", "got a record after audit entries, expected records first"
                )
            records.append(parser.record(value))
        elif kind == "audit":
            if access:
                raise parser.error(
                    "type", "got an audit entry after access entries, expected audit entries first"
                )
            entries.append(parser.entry(value))
        elif kind == "access":
            access.append(parser.access(value))
        else:
            raise parser.error("type", f"got {kind!r}, expected 'record', 'audit' or 'access'")
    if header is None:
        msg = "no header line, expected an export of an rnr store"
        raise StoreError(msg, path=name, code="store.import.invalid")
    parser.line = header_line
    _check_counts(parser, header, records, entries, access)
    if access and not isinstance(store, AccessLog):
        msg = f"{store.name} keeps no access log: {len(access)} access entries would be lost"
        raise StoreError(msg, path=name, code="store.import.invalid")
    store.restore(records, entries)
    if access:
        assert isinstance(store, AccessLog)
        store.restore_access(access)
    return store.verify()
