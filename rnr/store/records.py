"""What a store holds: append-only records and the audit chain over them.

A :class:`Record` is what a caller writes: its kind, the case, the date it
is about, a JSON object of data and, for a correction, the id of the record
it corrects. The store stamps it into a :class:`Stored` record (an id, when
and by whom, and the SHA-256 of its content) and appends one
:class:`AuditEntry` per write, each hashing the one before it, so that an
edited, inserted or deleted row shows when the chain is checked.

>>> r = Record("event", "c-1", dt.date(2025, 3, 1), {"kind": "breach", "note": ""})
>>> record_hash(r)[:12]
'00e5dbfd359a'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from json.encoder import encode_basestring
from types import MappingProxyType
from typing import Any

import attrs

from rnr import untrusted
from rnr._frozen import frozen_map
from rnr.dates import DATE_RANGE, parse_date
from rnr.errors import HistoryError, StoreIntegrityError
from rnr.untrusted import check_text, check_value

__all__ = [
    "GENESIS",
    "KINDS",
    "AuditEntry",
    "CaseDerived",
    "CaseRecords",
    "Derived",
    "Record",
    "Stored",
    "canonical",
    "entry_hash",
    "record_hash",
]

#: The kinds of record a store holds.
KINDS = ("case", "assessment", "override", "decision", "plan", "event")


#: The ``prev`` of the first audit entry.
GENESIS = "0" * 64


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
#: Characters that some line readers (``str.splitlines``) take for line ends: escaped.
_LINE_ENDS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def canonical(value: Any) -> str:
    """The canonical JSON text of ``value``: sorted keys, no spaces, UTF-8 kept.

    The three characters other than a newline that some readers take for a
    line end (U+0085, U+2028, U+2029) are written escaped, so a JSON Lines
    export always holds one value per line.

    >>> canonical({"b": 1, "a": [True, None], "c": "x\\u2028y"})
    '{"a":[true,null],"b":1,"c":"x\\\\u2028y"}'
    """
    return _line_ends_escaped(_ENCODER.encode(value))


def _line_ends_escaped(text: str) -> str:
    """``text`` with U+0085, U+2028 and U+2029 escaped (looked for first: translating is slow)."""
    if text.isascii() or ("\u2028" not in text and "\u2029" not in text and "\x85" not in text):
        return text
    return text.translate(_LINE_ENDS)


#: Decodes one JSON value at the start of a text, and says where it ends.
_READ = json.JSONDecoder().raw_decode
#: Like :data:`_ENCODER`, but refuses ``NaN`` and infinities (a record holds JSON only).
_STRICT = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def _json_object(value: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """A read-only copy of ``value`` made of plain JSON types, and its canonical text.

    One encoding and one decoding: the encoder refuses what JSON cannot
    hold, UTF-8 refuses a lone surrogate, and a text whose brackets nest
    well within what :func:`~rnr.untrusted.check_value` allows
    (:func:`~rnr.untrusted.plain`) cannot nest too deep, so only a text
    nested deeper is walked.
    """
    text = _encoded(value, "record data", field="data")
    try:
        plain = json.loads(text)
        if not untrusted.plain(text):  # nested deep enough to walk
            check_value(plain, max_digits=None)
    except (TypeError, ValueError) as exc:
        msg = f"record data: got {value!r}, expected a JSON object ({exc})"
        raise HistoryError(msg, field="data", value=value, expected="a JSON object") from exc
    return frozen_map(plain), _line_ends_escaped(text)


def _encoded(value: Mapping[str, Any], what: str, *, field: str) -> str:
    """The canonical JSON text of ``value``, refused (:class:`HistoryError`) if JSON cannot hold it.

    The encoder refuses what JSON cannot hold, UTF-8 a lone surrogate; a
    value nested deeper than Python's recursion limit is refused as nested
    too deep (:data:`~rnr.untrusted.MAX_DEPTH` is what a record may hold).
    """
    try:
        text = _STRICT.encode(dict(value))
        text.encode("utf-8")
    except RecursionError:
        msg = f"{what}: nested more than {untrusted.MAX_DEPTH} levels deep, expected a JSON object"
        raise HistoryError(msg, field=field, expected="a JSON object") from None
    except (TypeError, ValueError) as exc:
        msg = f"{what}: got {value!r}, expected a JSON object ({exc})"
        raise HistoryError(msg, field=field, value=value, expected="a JSON object") from exc
    return text


class _StoredData(Mapping[str, Any]):
    """A stored record's data: its JSON text, decoded the first time it is looked into."""

    __slots__ = ("_data", "_source", "_text")

    def __init__(self, text: str, source: tuple[str, int] | None) -> None:
        self._text = text
        self._source = source
        self._data: Mapping[str, Any] | None = None

    def _decoded(self) -> Mapping[str, Any]:
        if self._data is None:
            try:
                data = json.loads(self._text)
                problem = None
            except ValueError as exc:  # JSONDecodeError: where, and why
                data, problem = None, str(exc)
            if not isinstance(data, dict):
                problem = problem or f"data: got {self._text[:40]!r}, expected a JSON object"
                if self._source is None:
                    raise ValueError(problem)
                name, record_id = self._source
                msg = f"record {record_id}: unreadable ({problem}); run verify"
                raise StoreIntegrityError(msg, path=name, record=record_id)
            self._data = MappingProxyType(data)
        return self._data

    # the mapping's methods, the decoded dict's own (a replay looks a record up thousands of times)
    def __getitem__(self, key: str) -> Any:
        return (self._data or self._decoded())[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data or self._decoded())

    def __len__(self) -> int:
        return len(self._data or self._decoded())

    def __contains__(self, key: object) -> bool:
        return key in (self._data or self._decoded())

    def get(self, key: str, default: Any = None) -> Any:
        return (self._data or self._decoded()).get(key, default)

    def keys(self) -> KeysView[str]:
        return (self._data or self._decoded()).keys()

    def items(self) -> ItemsView[str, Any]:
        return (self._data or self._decoded()).items()

    def values(self) -> ValuesView[Any]:
        return (self._data or self._decoded()).values()

    def __repr__(self) -> str:
        return repr(dict(self._decoded()))


@attrs.frozen
class Record:
    """A record as written: kind, case, the date it is about, data, what it corrects."""

    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    case_id: str
    on: dt.date
    data: Mapping[str, Any]
    corrects: int | None = None
    #: The canonical JSON text of ``data`` (what is hashed and stored).
    text: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.case_id, str) or not self.case_id.strip():
            msg = f"case_id: got {self.case_id!r}, expected a non-empty text"
            raise HistoryError(msg, field="case_id", value=self.case_id, expected="a text")
        if "\x00" in self.case_id:  # no database text type holds it (PostgreSQL's refuses it)
            msg = f"case_id: got {self.case_id!r}, expected a text without the character U+0000"
            raise HistoryError(
                msg, field="case_id", value=self.case_id, expected="a text without U+0000"
            )
        try:
            check_text(self.case_id)
            parse_date(self.on)
        except ValueError as exc:
            msg = f"case_id or on: got {self.case_id!r}, {self.on!r}: {exc}"
            raise HistoryError(msg, field="on", value=self.on, expected=DATE_RANGE) from exc
        data, text = _json_object(self.data)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "text", text)

    @classmethod
    def read_back(
        cls,
        kind: str,
        case_id: str,
        on: dt.date,
        text: str,
        corrects: int | None,
        *,
        source: tuple[str, int] | None = None,
    ) -> Record:
        """A record rebuilt from stored columns; ``data`` is its stored text, decoded when used.

        Nothing is normalised: the caller checks :func:`record_hash` against
        the hash stored with the row, which covers this exact text, and a
        bulk read that never looks inside a record (the answers of an
        assessment whose scores the store keeps) never decodes it.

        Args:
            kind, case_id, on, text, corrects: the row's columns.
            source: the store's name and the record's id, for the
                ``StoreIntegrityError`` a text that is not a JSON object
                raises when it is decoded (without: a ``ValueError``).
        """
        record: Record = object.__new__(cls)
        for name, value in (
            ("kind", kind),
            ("case_id", case_id),
            ("on", on),
            ("data", _StoredData(text, source)),
            ("corrects", corrects),
            ("text", text),
        ):
            object.__setattr__(record, name, value)
        return record

    def content(self) -> dict[str, Any]:
        """The hashed content (JSON-ready)."""
        return {
            "kind": self.kind,
            "case_id": self.case_id,
            "on": self.on.isoformat(),
            "data": dict(self.data),
            "corrects": self.corrects,
        }


def _quoted(text: str) -> str:
    """:func:`canonical` of a text, without the encoder's dispatch (it is one call)."""
    quoted: str = encode_basestring(text)
    return _line_ends_escaped(quoted)


def record_hash(record: Record) -> str:
    """SHA-256 of the record's canonical content (:meth:`Record.content` as canonical JSON).

    The content's keys in canonical (sorted) order are ``case_id``,
    ``corrects``, ``data``, ``kind``, ``on``; ``data`` is the record's text.
    """
    number = record.corrects
    corrects = (
        "null" if number is None else str(number) if type(number) is int else canonical(number)
    )
    content = (
        f'{{"case_id":{_quoted(record.case_id)},"corrects":{corrects},'
        f'"data":{record.text},"kind":{_quoted(record.kind)},'
        f'"on":"{record.on.isoformat()}"}}'
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@attrs.frozen
class Stored:
    """A record as the store holds it: numbered, stamped, hashed."""

    id: int
    record: Record
    recorded_at: str
    recorded_by: str
    sha256: str

    @property
    def kind(self) -> str:
        """The record's kind."""
        return self.record.kind

    @property
    def case_id(self) -> str:
        """The record's case."""
        return self.record.case_id

    @property
    def on(self) -> dt.date:
        """The date the record is about."""
        return self.record.on

    @property
    def data(self) -> Mapping[str, Any]:
        """The record's data."""
        return self.record.data

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (one line of an export)."""
        return {
            "id": self.id,
            **self.record.content(),
            "recorded_at": self.recorded_at,
            "recorded_by": self.recorded_by,
            "sha256": self.sha256,
        }


@attrs.frozen
class Derived:
    """Values derived from one record, kept beside it to read a whole store fast.

    The store knows no score: ``values`` is a JSON object the service
    computed from the record when it wrote it, and ``basis`` names what it
    was computed with (the hash of a definition), so a reader uses it only
    while the basis holds. Derived values are not in the audit chain; the
    service recomputes every one of them from the raw record when the store
    is verified.
    """

    record_id: int
    basis: str
    values: Mapping[str, Any]
    #: The canonical JSON text of ``values`` (what is stored).
    text: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # the service's own values: encoded once, and decoded from the text when read, as a
        # reader's are (a write keeps the text alone)
        text = _line_ends_escaped(_encoded(self.values, "derived values", field="values"))
        object.__setattr__(self, "values", _StoredData(text, None))
        object.__setattr__(self, "text", text)

    @classmethod
    def read_back(cls, record_id: int, basis: str, text: str) -> Derived:
        """Derived values rebuilt from stored columns (parsed once, not re-encoded).

        Raises:
            ValueError: ``text`` is not a JSON object.
        """
        values, end = _READ(text)  # stored canonical: no space around the object
        if not isinstance(values, dict) or end != len(text):
            msg = f"derived values: got {text[:40]!r}, expected a JSON object"
            raise ValueError(msg)
        derived: Derived = object.__new__(cls)
        setattr_ = object.__setattr__
        setattr_(derived, "record_id", record_id)
        setattr_(derived, "basis", basis)
        setattr_(derived, "values", MappingProxyType(values))
        setattr_(derived, "text", text)
        return derived


@attrs.frozen
class CaseRecords:
    """Every record of one case, in id order, with the derived values kept for them."""

    case_id: str
    records: tuple[Stored, ...]
    derived: Mapping[int, Derived]


@attrs.frozen
class CaseDerived:
    """A case's first and last record ids, and the values kept for the case on its last record.

    ``derived`` is ``None`` when nothing was kept for the case on its last
    record (never, or before a later record was appended): a reader then
    derives what it needs from the records.
    """

    case_id: str
    first: int
    last: int
    derived: Derived | None


@attrs.frozen
class AuditEntry:
    """One write in the audit log: who, when, which record, chained to the one before."""

    seq: int
    at: str
    by: str
    action: str
    record_id: int
    record_sha256: str
    prev: str
    sha256: str

    def content(self) -> dict[str, Any]:
        """The hashed content (every field but ``sha256``)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "by": self.by,
            "action": self.action,
            "record_id": self.record_id,
            "record_sha256": self.record_sha256,
            "prev": self.prev,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (one line of an export)."""
        return {**self.content(), "sha256": self.sha256}


def entry_hash(
    *, seq: int, at: str, by: str, action: str, record_id: int, record_sha256: str, prev: str
) -> str:
    """SHA-256 of an audit entry's canonical content.

    The content's keys in canonical (sorted) order are ``action``, ``at``,
    ``by``, ``prev``, ``record_id``, ``record_sha256``, ``seq``: the text
    is written out as :func:`canonical` writes it (a property test holds
    the two equal), in half the time.
    """
    texts = (action, at, by, prev, record_sha256)
    if type(seq) is not int or type(record_id) is not int or any(type(t) is not str for t in texts):
        content = {
            "seq": seq,
            "at": at,
            "by": by,
            "action": action,
            "record_id": record_id,
            "record_sha256": record_sha256,
            "prev": prev,
        }
        return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()
    text = (
        f'{{"action":{_quoted(action)},"at":{_quoted(at)},"by":{_quoted(by)},'
        f'"prev":{_quoted(prev)},"record_id":{record_id},'
        f'"record_sha256":{_quoted(record_sha256)},"seq":{seq}}}'
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
