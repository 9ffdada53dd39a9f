"""Case files: one assessment's answers, read from JSON or JSON Lines.

A case is a JSON object (the format is documented in ``docs/case-format.md``
and described by ``rnr/schemas/case.schema.json``):

>>> case = parse_case(
...     {"case_id": "c-001", "assessed_on": "2024-05-02",
...      "person": {"sex": "male"}, "responses": {"prior_convictions": 2}},
...     file="<example>",
... )
>>> case.case_id, case.assessed_on.isoformat(), case.sex
('c-001', '2024-05-02', 'male')

Every problem raises :class:`~rnr.errors.CaseFileError` naming the file, the
line (in a JSON Lines file) and the field, so a batch never skips a bad case
silently. Reading never prints; scoring a case is :func:`score_case`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from rnr import untrusted
from rnr._frozen import frozen_map
from rnr.cases._formats import REF, integral, not_blank
from rnr.dates import DATE_RANGE, parse_date
from rnr.definitions.instrument import Instrument
from rnr.definitions.library import Library, split_ref
from rnr.definitions.responsivity import Responsivity
from rnr.errors import CaseFileError, ScoringInputError
from rnr.scoring.result import ScoreResult
from rnr.scoring.single import score

if TYPE_CHECKING:
    from rnr.cases.legal import LegalContext
    from rnr.cases.overrides import Override

__all__ = [
    "FIELDS",
    "JSONL_SUFFIXES",
    "RESERVED_FIELDS",
    "SCHEMA_PATH",
    "STDIN",
    "Case",
    "norm_group_for",
    "parse_case",
    "read_cases",
    "read_lines",
    "resolve_instrument",
    "score_case",
]

#: Sections a later format version will define (none now; kept for compatibility).
RESERVED_FIELDS: tuple[str, ...] = ()
#: Every top-level field a case may carry.
FIELDS: tuple[str, ...] = ("case_id", "assessed_on", "instrument", "person", "norm_group")
FIELDS += ("dates", "responses", "legal", "override", "responsivity", *RESERVED_FIELDS)
REQUIRED = ("case_id", "assessed_on", "responses")
#: The sections a decision and a plan read (parsed only when a case carries them).
SECTIONS = ("legal", "override", "responsivity")
PERSON_FIELDS = ("birth_date", "sex")
#: File suffixes read as JSON Lines (one case per line); ``-`` (stdin) is too.
JSONL_SUFFIXES = (".jsonl", ".ndjson")
#: The name that means standard input.
STDIN = "-"
#: The JSON Schema (draft 2020-12) of a case.
SCHEMA_PATH = Path(__file__).parent.parent / "schemas" / "case.schema.json"

#: An instrument id (at most 64 characters) with an optional version: ``lscmi@1.0.0``.
REF_RE = re.compile(REF)


@attrs.frozen
class Case:
    """One case read from a case file.

    ``legal`` is the legal context a policy decides with (``rnr decide``),
    ``override`` a professional override of the risk level and
    ``responsivity`` how the person can learn (``rnr plan``); all are optional.
    ``file`` and ``line`` say where it was read (for error messages); they do
    not take part in equality.
    """

    case_id: str
    assessed_on: dt.date
    responses: Mapping[str, bool | int | str | None] = attrs.field(converter=frozen_map)
    birth_date: dt.date | None = None
    sex: str | None = None
    instrument: str | None = None
    norm_group: str | None = None
    dates: Mapping[str, dt.date] = attrs.field(converter=frozen_map, factory=dict)
    legal: LegalContext | None = None
    override: Override | None = None
    responsivity: Responsivity = attrs.field(factory=Responsivity)
    file: str | None = attrs.field(default=None, eq=False)
    line: int | None = attrs.field(default=None, eq=False)

    @property
    def where(self) -> str:
        """``cases.jsonl:3`` or ``case.json``: where the case was read."""
        if self.file is None:
            return "<case>"
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def score(self, library: Library, instrument_ref: str | None = None) -> ScoreResult:
        """Score this case; see :func:`score_case`."""
        return score_case(self, library, instrument_ref)


def _fail(
    message: str, file: str, line: int | None, field: str | None = None, *, code: str
) -> CaseFileError:
    return CaseFileError(message, file=file, line=line, field=field, code=code)


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


@attrs.frozen
class _Fields:
    """Typed reads of one case's fields; every failure names the file, line and field."""

    file: str
    line: int | None

    def fail(self, field: str | None, value: object, expected: str, code: str) -> CaseFileError:
        msg = f"got {_show(value)}, expected {expected}"
        return _fail(msg, self.file, self.line, field, code=code)

    def keys(self, obj: dict[str, Any], allowed: tuple[str, ...], prefix: str = "") -> None:
        for key in obj:
            if key not in allowed:
                msg = f"unknown field; expected one of {', '.join(allowed)}"
                raise _fail(msg, self.file, self.line, prefix + key, code="case.field.unknown")

    def date(self, value: object, field: str) -> dt.date:
        if isinstance(value, str):
            try:
                return parse_date(value)
            except ValueError:
                pass
        raise self.fail(field, value, DATE_RANGE, "case.date.invalid")

    def table(self, value: object, field: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(field, value, "a JSON object", "case.field.type")
        return value

    def string(self, value: object, field: str) -> str | None:
        if value is not None and not isinstance(value, str):
            raise self.fail(field, value, "a non-empty string", "case.field.type")
        if value == "":
            raise self.fail(field, value, "a non-empty string", "case.value.invalid")
        return value


def parse_case(obj: object, *, file: str, line: int | None = None) -> Case:
    """Check one decoded JSON value and build a :class:`Case`.

    Optional fields may be left out or given as ``null``. A number with no
    fractional part is an integer (JSON has one number type): an answer
    ``2.0`` is read as ``2``.

    Args:
        obj: the decoded JSON value (it must be an object).
        file: the file name, for error messages.
        line: the 1-based line number in a JSON Lines file, if any.

    Raises:
        CaseFileError: a missing or unknown field, a wrong type or a bad date,
            naming the file, line and field (``legal.sentence_days`` for a
            field of the legal section).
    """
    f = _Fields(file, line)
    if not isinstance(obj, dict):
        raise f.fail(None, obj, "a JSON object (one case)", "case.file.invalid")
    f.keys(obj, FIELDS)
    for key in REQUIRED:
        if key not in obj:
            raise _fail("missing required field", file, line, key, code="case.field.missing")
        if obj[key] is None:
            raise f.fail(key, None, "a value: the field is required", "case.field.missing")
    case_id = obj["case_id"]
    if not not_blank(case_id):
        expected = "a non-empty string, not only white space"
        raise f.fail("case_id", case_id, expected, "case.id.invalid")
    person = f.table(obj.get("person"), "person")
    f.keys(person, PERSON_FIELDS, "person.")
    birth = person.get("birth_date")
    instrument = obj.get("instrument")
    if instrument is not None and not isinstance(instrument, str):
        expected = "an instrument 'id' or 'id@version'"
        raise f.fail("instrument", instrument, expected, "case.field.type")
    if instrument is not None and not REF_RE.match(instrument):
        expected = "an instrument 'id' or 'id@version'"
        raise f.fail("instrument", instrument, expected, "case.value.invalid")
    if not isinstance(obj["responses"], dict):
        expected = "a JSON object of item id: answer"
        raise f.fail("responses", obj["responses"], expected, "case.field.type")
    responses = {key: integral(value) for key, value in obj["responses"].items()}
    for key, value in responses.items():
        if value is not None and not isinstance(value, bool | int | str):
            expected = "true, false, an integer, a string or null"
            raise f.fail(f"responses.{key}", value, expected, "case.value.type")
    return Case(
        case_id=case_id,
        assessed_on=f.date(obj["assessed_on"], "assessed_on"),
        responses=responses,
        birth_date=None if birth is None else f.date(birth, "person.birth_date"),
        sex=f.string(person.get("sex"), "person.sex"),
        instrument=instrument,
        norm_group=f.string(obj.get("norm_group"), "norm_group"),
        dates={
            name: f.date(value, f"dates.{name}")
            for name, value in f.table(obj.get("dates"), "dates").items()
        },
        **_sections(obj, file, line),
        file=file,
        line=line,
    )


def _sections(obj: Mapping[str, Any], file: str, line: int | None) -> dict[str, Any]:
    """The legal, override and responsivity sections a case carries (parsed only if present)."""
    given = {name: obj[name] for name in SECTIONS if obj.get(name) is not None}
    if not given:
        return {}
    from rnr.cases import _sections  # noqa: PLC0415 - their parsers load only for cases with them

    return {
        "legal": _sections.legal_section(given.get("legal"), file=file, line=line),
        "override": _sections.override_section(given.get("override"), file=file, line=line),
        "responsivity": _sections.responsivity_section(
            given.get("responsivity"), file=file, line=line
        ),
    }


def _decode(text: str, file: str, line: int | None) -> object:
    try:
        return untrusted.loads(text)
    except json.JSONDecodeError as exc:
        at = exc.lineno if line is None else line
        msg = f"invalid JSON: {exc.msg} (column {exc.colno})"
        raise _fail(msg, file, at, code="case.file.invalid") from exc
    except untrusted.UntrustedInputError as exc:
        raise _fail(f"invalid case: {exc}", file, line, code="case.file.invalid") from exc


def read_cases(path: str | Path, *, stdin: TextIO | None = None) -> Iterator[Case]:
    """Yield the cases of a case file, in order, reading lazily.

    ``*.jsonl`` (or ``*.ndjson``) files and ``-`` (standard input) hold one
    case per line, blank lines skipped; any other file holds one case as a
    JSON object.

    Args:
        path: the file, or ``"-"`` for standard input.
        stdin: the stream ``"-"`` reads (default: ``sys.stdin``).

    Raises:
        CaseFileError: the file cannot be read, or a line is malformed (with
            its line number); the cases before it were already yielded.
    """
    name = str(path)
    if name == STDIN:
        yield from read_lines(stdin if stdin is not None else sys.stdin, "<stdin>")
        return
    file = Path(path)
    try:
        with file.open(encoding="utf-8-sig") as fh:  # a byte-order mark, as Windows writes, is fine
            if file.suffix.lower() in JSONL_SUFFIXES:
                yield from read_lines(fh, name)
            else:
                yield parse_case(_decode(fh.read(), name, None), file=name)
    except OSError as exc:
        code = "usage.file.missing" if isinstance(exc, FileNotFoundError) else "case.file.invalid"
        raise _fail(f"cannot read file ({exc.strerror})", name, None, code=code) from exc
    except UnicodeDecodeError as exc:
        msg = "cannot read file (not UTF-8 text)"
        raise _fail(msg, name, None, code="case.file.invalid") from exc


def read_lines(stream: Iterable[str], name: str) -> Iterator[Case]:
    """The cases of a JSON Lines stream, each named ``name:LINE``.

    A stream with no case is an error, never an empty answer.

    Raises:
        CaseFileError: a line is malformed (with its number); ``case.file.empty``,
            no line holds a case.
    """
    read = False
    for number, line in enumerate(stream, start=1):
        text = line.removeprefix("\ufeff") if number == 1 else line
        if text.strip():
            read = True
            yield parse_case(_decode(text, name, number), file=name, line=number)
    if not read:
        msg = "no case read: the input holds no line with a case"
        raise _fail(msg, name, None, code="case.file.empty")


def norm_group_for(case: Case, instrument: Instrument) -> str | None:
    """The norm group to score ``case`` with.

    The case's explicit ``norm_group`` wins; otherwise ``person.sex`` when the
    instrument has a norm group of that name; an instrument without norm
    groups gets ``None``.

    Raises:
        ScoringInputError: the instrument needs a norm group and the case
            gives none that fits.
    """
    if case.norm_group is not None:
        return case.norm_group
    if not instrument.norm_groups:
        return None
    if case.sex in instrument.norm_groups:
        return case.sex
    groups = ", ".join(instrument.norm_groups)
    got = "no person.sex" if case.sex is None else f"person.sex {case.sex!r}"
    msg = (
        f"{instrument.ref} needs a norm group ({groups}): the case has {got}; "
        f'set "norm_group" to one of {groups}'
    )
    raise ScoringInputError(
        msg,
        item="norm_group",
        value=case.sex,
        expected=groups,
        case_id=case.case_id,
        code="case.field.missing" if case.sex is None else "case.value.invalid",
    )


def resolve_instrument(
    case: Case, library: Library, instrument_ref: str | None = None
) -> Instrument:
    """The instrument version that scores ``case``.

    ``instrument_ref`` (e.g. a command-line option) wins over the case's own
    ``instrument`` field; the two must not disagree. A bare id takes the
    version in force on the case's ``assessed_on``.

    Raises:
        CaseFileError: neither names an instrument, or they disagree.
        UnknownInstrumentError: no such id or version, or none in force.
    """
    ref = instrument_ref or case.instrument
    file = case.file or "<case>"
    if ref is None:
        msg = 'missing: name the instrument ("instrument": "id" or "id@version")'
        raise _fail(msg, file, case.line, "instrument", code="case.field.missing")
    if instrument_ref and case.instrument:
        (given_id, given_v), (own_id, own_v) = split_ref(instrument_ref), split_ref(case.instrument)
        if given_id != own_id or (given_v and own_v and given_v != own_v):
            msg = f"the case names {case.instrument!r} but {instrument_ref!r} was asked for"
            raise _fail(msg, file, case.line, "instrument", code="usage.invalid")
    return library.get(ref, on=case.assessed_on)


def score_case(case: Case, library: Library, instrument_ref: str | None = None) -> ScoreResult:
    """Score one case with the instrument it (or ``instrument_ref``) names.

    Args:
        case: the case.
        library: where instruments are looked up.
        instrument_ref: ``id`` or ``id@version``; overrides the case's own.

    Returns:
        The result, carrying the case's ``case_id``.

    Raises:
        RnrError: an unknown instrument, or any scoring error of
            :func:`rnr.score`.
    """
    instrument = resolve_instrument(case, library, instrument_ref)
    return score(
        instrument,
        case.responses,
        assessed_on=case.assessed_on,
        norm_group=norm_group_for(case, instrument),
        birth_date=case.birth_date,
        dates=case.dates,
        case_id=case.case_id,
        sex=case.sex,
    )
