"""A sent assessment form read back into a case document, with a message beside each bad field.

:func:`read_form` checks what was sent field by field (a whole number in its
range, a date, one of the choices, an item answered or marked omitted) and
gives the case document of :mod:`rnr.cases.parse`, with a message in the
page's language beside each field that is wrong. :func:`library_errors`
places what the library refuses afterwards (more omissions than the
instrument allows, a legal fact the policy needs, a case id already
stored) beside its field too; a refusal that names no field is said for the
whole form, under :data:`FORM`.

>>> from rnr.history.definitions import Definitions
>>> from rnr.definitions.labels import load_labels
>>> from rnr.render.messages import catalogue
>>> from rnr.workspace.form import assessment_form
>>> import datetime as dt
>>> lscmi = Definitions.shipped().library.get("lscmi")
>>> form = assessment_form(lscmi, load_labels(lscmi, "es"), None, catalogue("es"),
...                        new=True, today=dt.date(2025, 1, 10))
>>> read = read_form(form, {"case_id": ["c-1"], "assessed_on": ["2025-01-10"],
...                         "r.prior_custody": ["omitted"], "r.supervision_breach": ["true"]})
>>> read.errors["r.prior_youth_dispositions"]
'Responda este ítem o márquelo como omitido.'
>>> read.case["responses"]
{'prior_custody': None, 'supervision_breach': True}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rnr._frozen import frozen_map
from rnr.dates import parse_date
from rnr.definitions.instrument import SEXES, Item
from rnr.errors import (
    CaseFileError,
    DecisionInputError,
    HistoryError,
    OmissionError,
    RnrError,
    ScoringInputError,
)
from rnr.workspace.form import OMITTED, YES_NO, Field, Form

if TYPE_CHECKING:
    from rnr.render.messages import Catalogue

__all__ = ["FORM", "Reading", "library_errors", "read_form"]

#: Where form-wide messages are kept among the field messages.
FORM = "_form"


@attrs.frozen
class Reading:
    """What a submitted form gives: the case document, and a message beside each bad field."""

    case: dict[str, Any]
    errors: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)


class _Reader:
    """Reads one submitted form, noting a message beside each field that is wrong."""

    def __init__(self, data: Mapping[str, Sequence[str]], w: Catalogue) -> None:
        self.data, self.w = data, w
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        given = self.data.get(name) or ("",)
        return given[-1].strip()

    def fail(self, name: str, key: str, **params: Any) -> None:
        self.errors.setdefault(name, self.w(f"workspace.error.{key}", **params))

    def date(self, name: str) -> str | None:
        text = self.text(name)
        if not text:
            return None
        try:
            return parse_date(text).isoformat()
        except ValueError:
            self.fail(name, "date")
            return None

    def whole(self, field: Field) -> int | None:
        text = self.text(field.name)
        if not text:
            return None
        if not text.lstrip("-").isdigit() or len(text) > 9:
            self.fail(field.name, "whole")
            return None
        value = int(text)
        if field.min is not None and value < field.min:
            self.range(field)
            return None
        if field.max is not None and value > field.max:
            self.range(field)
            return None
        return value

    def range(self, field: Field) -> None:
        if field.max is None:
            self.fail(field.name, "at_least", min=field.min)
        else:
            self.fail(field.name, "between", min=field.min, max=field.max)

    def choice(self, field: Field) -> str | None:
        text = self.text(field.name)
        if text and text not in {c.value for c in field.choices}:
            self.fail(field.name, "choice")
            return None
        return text or None

    def item(self, field: Field, item: Item) -> tuple[bool, object]:
        """Whether the item goes into the responses, and its answer (``None``: omitted)."""
        name = field.name
        if field.kind == "radios":
            text = self.text(name)
            if text == OMITTED and field.omissible:
                return True, None
            if not text:
                self.fail(name, "answer" if field.omissible else "answer_required")
                return False, None
            if text not in {c.value for c in field.choices}:
                self.fail(name, "choice")
                return False, None
            if item.kind == "boolean":
                return True, text == "true"
            return True, int(text) if item.kind == "rating" else text
        omitted = self.text("omit." + item.id) == "1" and field.omissible
        value = self.whole(field)
        if name in self.errors:
            return False, None
        if omitted and value is not None:
            self.fail(name, "omitted_and_value")
            return False, None
        if omitted:
            return True, None
        if value is None:
            if item.kind == "age":  # computed from the birth date, or refused when scored
                return False, None
            self.fail(name, "number" if field.omissible else "number_required")
            return False, None
        return True, value


def _case_id(reader: _Reader) -> str | None:
    text = reader.text("case_id")
    if not text:
        reader.fail("case_id", "case_id")
        return None
    if "/" in text or text in (".", "..") or len(text) > 200:
        reader.fail("case_id", "case_id_form")
        return None
    return text


def read_form(
    form: Form,
    data: Mapping[str, Sequence[str]],
    w: Catalogue | None = None,
    *,
    case_id: str | None = None,
) -> Reading:
    """The case document a submitted form gives, and a message beside each bad field.

    Args:
        form: the form that was sent.
        data: the submitted fields (each name with its values, in order).
        w: the catalogue of the messages (default: Spanish).
        case_id: the case a reassessment is of (a new case's id is a field).
    """
    if w is None:
        from rnr.render.messages import catalogue  # noqa: PLC0415 - only for a default

        w = catalogue("es")
    reader = _Reader(data, w)
    instrument = form.instrument
    found_id = _case_id(reader) if form.new else case_id
    assessed = reader.date("assessed_on")
    if assessed is None and "assessed_on" not in reader.errors:
        reader.fail("assessed_on", "date_required")
    case: dict[str, Any] = {
        "case_id": found_id or "",
        "assessed_on": assessed or "",
        "instrument": instrument.ref,
    }
    person = _person(reader)
    if person:
        case["person"] = person
    dates = {}
    responses: dict[str, object] = {}
    legal: dict[str, Any] = {"regime": form.regime}
    responsivity: dict[str, Any] = {}
    for field in form.fields():
        kind, _, name = field.name.partition(".")
        if kind == "date":
            on = reader.date(field.name)
            if on is not None:
                dates[name] = on
        elif field.item:
            given, answer = reader.item(field, instrument.item(name))
            if given:
                responses[name] = answer
        elif kind == "legal":
            value = _legal_value(reader, field)
            if value is not None:
                legal[name] = value
        elif kind == "resp":
            value = _plain_value(reader, field)
            if value is not None:
                responsivity[name] = value
    if dates:
        case["dates"] = dates
    case["responses"] = responses
    if form.policy is not None:
        case["legal"] = legal
    if responsivity:
        case["responsivity"] = responsivity
    return Reading(case, reader.errors)


def _person(reader: _Reader) -> dict[str, str]:
    """The person's section: the sex and the birth date, when given."""
    person = {}
    sex = reader.text("person.sex")
    if sex:
        if sex not in SEXES:
            reader.fail("person.sex", "choice")
        else:
            person["sex"] = sex
    born = reader.date("person.birth_date")
    if born is not None:
        person["birth_date"] = born
    return person


def _plain_value(reader: _Reader, field: Field) -> object:
    if field.kind == "text":
        text = reader.text(field.name)
        if len(text) > 200:
            reader.fail(field.name, "too_long", max=200)
            return None
        return text or None
    chosen = reader.choice(field)
    if chosen in YES_NO and {c.value for c in field.choices} >= set(YES_NO):
        return chosen == "true"
    return chosen


def _legal_value(reader: _Reader, field: Field) -> object:
    if field.kind == "number":
        return reader.whole(field)
    if field.kind == "date":
        return reader.date(field.name)
    if field.kind == "checks":
        allowed = {c.value for c in field.choices}
        given = [v.strip() for v in reader.data.get(field.name, ()) if v.strip()]
        if any(v not in allowed for v in given):
            reader.fail(field.name, "choice")
            return None
        return sorted(set(given))
    return _plain_value(reader, field)


def library_errors(error: RnrError, form: Form, w: Catalogue) -> dict[str, str]:
    """Where a refusal of the library goes on the form, and what it says there.

    The form-wide message is under ``_form``; a refusal that names an item or a
    field is also said beside it.
    """
    out: dict[str, str] = {}
    names = {f.name for f in form.fields()}

    def say(key: str, **params: Any) -> str:
        return w(f"workspace.error.{key}", **params)

    if isinstance(error, OmissionError):
        out[FORM] = say("omissions", count=len(error.missing), limit=error.limit)
        for item in error.missing:
            out[f"r.{item}"] = say("omitted_over_limit")
        return out
    field = None
    if isinstance(error, ScoringInputError) and error.item is not None:
        field = f"r.{error.item}"
    elif isinstance(error, CaseFileError | DecisionInputError | HistoryError) and error.field:
        field = _form_name(error.field)
    key = f"workspace.error.code.{error.code}"
    text = w(key) if key in w else say("refused", code=error.code)
    if error.code == "history.case.exists":
        field = "case_id"
    elif error.code == "history.date.order":
        field = "assessed_on"
    if field in names and field is not None:
        out[field] = text
        out[FORM] = say("see_fields")
    else:
        out[FORM] = text
    return out


def _form_name(field: str) -> str:
    """The form field of a case field named by an error (``responsivity.x`` is ``resp.x``)."""
    section, _, rest = field.partition(".")
    if section == "responsivity":
        return f"resp.{rest}"
    if section == "responses":
        return f"r.{rest}"
    if section == "dates":
        return f"date.{rest}"
    return field
