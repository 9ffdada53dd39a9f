"""The assessment form: laid out from an instrument and the policy that decides with it.

:func:`assessment_form` lays out one form per instrument version: the case
and the person (what scoring needs: the date, the sex for the norm group, the
birth date and the dates age items are computed at), then the items grouped
by domain with their short labels and kinds (yes/no, ratings and
categories as choices, counts and ages as whole numbers), each item that may
be omitted with an *Omitido* choice of its own, then the legal section (the
fields the policy reads) and the responsivity section. Every field has a
label and a name that says where its answer goes in the case file:

==================  =========================================================
form field          case field
==================  =========================================================
``case_id``         ``case_id`` (a new case only)
``assessed_on``     ``assessed_on``
``person.sex``      ``person.sex``; ``person.birth_date`` likewise
``date.NAME``       ``dates.NAME`` (the date an age item is computed at)
``r.ITEM``          ``responses.ITEM``; ``omit.ITEM`` marks a number omitted
``legal.FIELD``     ``legal.FIELD`` (``legal.regime`` comes from the instrument)
``resp.FIELD``      ``responsivity.FIELD``
==================  =========================================================

:mod:`rnr.workspace.reading` reads a sent form back into a case document.

>>> from rnr.history.definitions import Definitions
>>> from rnr.definitions.labels import load_labels
>>> from rnr.render.messages import catalogue
>>> import datetime as dt
>>> defs = Definitions.shipped()
>>> lscmi = defs.library.get("lscmi")
>>> form = assessment_form(lscmi, load_labels(lscmi, "es"), None, catalogue("es"),
...                        new=True, today=dt.date(2025, 1, 10))
>>> [s.id for s in form.sections][:3]
['case', 'criminal_history', 'education_employment']
>>> [(f.label, f.kind, [c.label for c in f.choices]) for f in form.sections[1].fields][:1]
[('Sanciones previas como adolescente', 'radios', ['Sí', 'No'])]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from rnr._frozen import frozen_map
from rnr.cases.legal import ART1_OFFENCES, NATIONALITIES, OFFENCES
from rnr.cases.schema import required_items
from rnr.definitions.instrument import SEXES, Instrument, Item
from rnr.definitions.labels import Labels
from rnr.definitions.responsivity import CHOICES

if TYPE_CHECKING:
    from rnr.definitions.policy import Policy
    from rnr.render.messages import Catalogue

__all__ = ["OMITTED", "YES_NO", "Choice", "Field", "Form", "Section", "assessment_form"]

#: The value of the choice that marks an item omitted.
OMITTED = "omitted"
#: A rating with at most this many values is a row of choices; a wider one a number.
_FEW = 11

Kind = Literal["radios", "number", "date", "text", "select", "checks"]

#: The legal section's fields as the form asks them: kind, and the bounds of a number.
_LEGAL: tuple[tuple[str, Kind, int | None, int | None], ...] = (
    ("sanction", "select", None, None),
    ("sanction_status", "select", None, None),
    ("sentence_days", "number", 1, 36500),
    ("offences", "checks", None, None),
    ("art1_offences", "checks", None, None),
    ("prior_convictions", "number", 0, 999),
    ("prior_drug_convictions", "number", 0, 999),
    ("prior_sentences_days", "number", 0, 36500),
    ("prior_rp", "number", 0, 999),
    ("nationality", "select", None, None),
    ("legal_residence", "select", None, None),
    ("one_third_served", "select", None, None),
    ("age_at_offence", "number", 10, 120),
    ("sentence_date", "date", None, None),
    ("entry_date", "date", None, None),
    ("exam_suspension_days", "number", 0, 365),
)
#: Legal fields asked whatever the policy reads: the dates deadlines count from.
_ALWAYS = frozenset({"sanction", "sanction_status", "sentence_date", "entry_date"})
#: The values of a yes/no choice.
YES_NO = ("true", "false")


@attrs.frozen
class Choice:
    """One choice of a field: its value, its label, and its points on the primary scale."""

    value: str
    label: str
    points: int | None = None


@attrs.frozen
class Field:
    """One field of the form.

    Attributes:
        name: the form field's name (see the module docstring).
        kind: how it is asked.
        omissible: an item that may be left omitted (a choice, or a box beside a number).
        required: it must be given (an item that may not be omitted, the date, a new case's id).
        item: an item of the instrument (counted in the running total).
        outcomes: a number item's outcomes: lowest and highest answer, points.
    """

    name: str
    label: str
    kind: Kind
    choices: tuple[Choice, ...] = ()
    min: int | None = None
    max: int | None = None
    omissible: bool = False
    required: bool = False
    hint: str = ""
    item: bool = False
    strength: bool = False
    outcomes: tuple[tuple[int, int | None, int], ...] = ()
    least: int = 0
    most: int = 0

    @property
    def id(self) -> str:
        """The HTML id of its control (dots are awkward in CSS selectors)."""
        return "f-" + self.name.replace(".", "-")


@attrs.frozen
class Section:
    """A group of fields: the case, one domain, the legal or the responsivity section."""

    id: str
    title: str
    fields: tuple[Field, ...]
    note: str = ""


@attrs.frozen
class Form:
    """The form of one instrument version (and the policy that decides with it, if any).

    Attributes:
        new: it opens a case (it asks for the case's id).
        live: the browser can add up the primary scale (no computed term scores on it).
        regime: the legal regime of the instrument's population.
    """

    instrument: Instrument
    policy: Policy | None
    sections: tuple[Section, ...]
    new: bool
    live: bool
    regime: str
    defaults: Mapping[str, tuple[str, ...]] = attrs.field(converter=frozen_map, factory=dict)
    #: The label of the primary scale (the running total's).
    scale: str = ""

    def fields(self) -> list[Field]:
        """Every field, in order."""
        return [f for s in self.sections for f in s.fields]


def _points(item: Item, scale: str) -> tuple[tuple[int, int | None, int], ...]:
    return tuple(
        (o.lo if o.lo is not None else 0, o.hi, o.points.get(scale, 0)) for o in item.outcomes
    )


def _item_field(item: Item, labels: Labels, w: Catalogue, scale: str, required: bool) -> Field:
    name, label = f"r.{item.id}", labels.item(item.id)
    points = [o.points.get(scale, 0) for o in item.outcomes]
    common: dict[str, Any] = {
        "omissible": not required,
        "required": required,
        "item": True,
        "strength": item.strength,
        "least": min(points, default=0),
        "most": max(points, default=0),
    }
    if item.strength:
        common["hint"] = w("workspace.form.strength")
    if item.kind == "boolean":
        found = {o.value: o.points.get(scale, 0) for o in item.outcomes}
        choices = tuple(Choice(v, w(f"workspace.form.{v}"), found.get(v == "true")) for v in YES_NO)
        return Field(name, label, "radios", choices, **common)
    if item.kind == "categorical":
        choices = tuple(
            Choice(
                str(o.value),
                labels.categories.get(f"{item.id}.{o.value}", str(o.value)),
                o.points.get(scale, 0),
            )
            for o in item.outcomes
        )
        return Field(name, label, "radios", choices, **common)
    assert item.valid_range is not None
    lo, hi = item.valid_range
    if item.kind == "rating" and hi is not None and hi - lo < _FEW:
        outcomes = _points(item, scale)
        choices = tuple(
            Choice(str(n), str(n), next((p for a, b, p in outcomes if a <= n <= (b or n)), 0))
            for n in range(lo, hi + 1)
        )
        return Field(name, label, "radios", choices, min=lo, max=hi, **common)
    if item.kind == "age":
        at = item.age_at or "assessed_on"
        key = f"workspace.dates_in_text.{at}"
        common["hint"] = w("workspace.form.age_hint", on=w(key) if key in w else at)
    return Field(name, label, "number", min=lo, max=hi, outcomes=_points(item, scale), **common)


def _date_label(name: str, w: Catalogue) -> str:
    key = f"workspace.dates.{name}"
    return w(key) if key in w else name


def _case_section(
    instrument: Instrument, w: Catalogue, *, new: bool, dates: Sequence[str]
) -> Section:
    fields = []
    if new:
        fields.append(
            Field(
                "case_id",
                w("workspace.form.case_id"),
                "text",
                required=True,
                hint=w("workspace.form.case_id_hint"),
            )
        )
    fields.append(Field("assessed_on", w("workspace.form.assessed_on"), "date", required=True))
    sexes = (
        Choice("", w("workspace.form.not_given")),
        *(Choice(s, w(f"workspace.form.sex_{s}")) for s in SEXES),
    )
    hint = w("workspace.form.sex_hint") if instrument.norm_groups else ""
    fields.append(Field("person.sex", w("workspace.form.sex"), "select", sexes, hint=hint))
    fields.append(
        Field(
            "person.birth_date",
            w("workspace.form.birth_date"),
            "date",
            hint=w("workspace.form.birth_date_hint"),
        )
    )
    fields += [Field(f"date.{d}", _date_label(d, w), "date") for d in dates]
    return Section("case", w("workspace.form.section_case"), tuple(fields))


def _legal_section(policy: Policy, regime: str, w: Catalogue) -> Section:
    read = {
        spec.source.partition(".")[2]
        for spec in policy.decision_inputs.values()
        if spec.source.startswith("legal.")
    }
    values: dict[str, tuple[str, ...]] = {
        "sanction": policy.sanctions,
        "sanction_status": ("imposed", "considered"),
        "offences": _read_values(policy, "offences", OFFENCES),
        "art1_offences": _read_values(policy, "art1_offences", ART1_OFFENCES),
        "nationality": NATIONALITIES,
        "legal_residence": YES_NO,
        "one_third_served": YES_NO,
    }
    words: dict[str, Callable[[str], str]] = {
        "sanction": lambda v: (
            w(f"policy.sanctions.{v}") + f" ({v})" if f"policy.sanctions.{v}" in w else v
        ),
        "offences": lambda v: w(f"cases.offences.{v}"),
        "art1_offences": lambda v: w(f"cases.art1_offences.{v}"),
    }

    def value_word(value: str) -> str:
        return w(f"workspace.legal_value.{value}")

    fields = []
    for name, kind, lo, hi in _LEGAL:
        if name not in read and name not in _ALWAYS:
            continue
        label = w(f"workspace.legal.{name}")
        hint_key = f"workspace.legal_hint.{name}"
        hint = w(hint_key) if hint_key in w else ""
        say = words.get(name, value_word)
        choices = tuple(Choice(v, say(v)) for v in values.get(name, ()))
        if kind == "select" and name != "sanction_status":
            choices = (Choice("", w("workspace.form.not_given")), *choices)
        fields.append(Field(f"legal.{name}", label, kind, choices, min=lo, max=hi, hint=hint))
    title = w(f"workspace.form.section_legal_{regime}")
    note = w("workspace.form.legal_note", policy=policy.ref)
    return Section("legal", title, tuple(fields), note)


def _read_values(policy: Policy, name: str, known: tuple[str, ...]) -> tuple[str, ...]:
    spec = next((s for s in policy.decision_inputs.values() if s.source == f"legal.{name}"), None)
    if spec is None or not spec.values:
        return known
    return tuple(v for v in known if v in spec.values)


def _responsivity_section(w: Catalogue) -> Section:
    fields = []
    for name, allowed in CHOICES.items():
        label = w(f"plan.responsivity_fields.{name}")
        if allowed is None:
            hint_key = f"workspace.form.resp_hint_{name}"
            hint = w(hint_key) if hint_key in w else ""
            fields.append(Field(f"resp.{name}", label, "text", hint=hint))
            continue
        if allowed is bool:
            shown = tuple(Choice(v, w(f"workspace.form.{v}")) for v in YES_NO)
        else:
            assert isinstance(allowed, tuple)
            shown = tuple(Choice(v, w(f"plan.responsivity_values.{v}")) for v in allowed)
        choices = (Choice("", w("workspace.form.not_recorded")), *shown)
        fields.append(Field(f"resp.{name}", label, "select", choices))
    note = w("workspace.form.responsivity_note")
    return Section("responsivity", w("workspace.form.section_responsivity"), tuple(fields), note)


def assessment_form(
    instrument: Instrument,
    labels: Labels,
    policy: Policy | None,
    w: Catalogue,
    *,
    new: bool,
    today: dt.date,
) -> Form:
    """The form of ``instrument`` (decided by ``policy``, when one reads it), in ``w``'s language.

    Args:
        instrument: the instrument version.
        labels: its labels in the form's language.
        policy: the policy that decides with it, or ``None`` (the form then
            only computes the score).
        w: the catalogue of the form's language.
        new: the form opens a case (it asks for the case's id).
        today: the default assessment date.
    """
    scale = instrument.primary_scale
    required = set(required_items(instrument))
    dates = sorted({i.age_at for i in instrument.items if i.age_at and i.age_at != "assessed_on"})
    sections = [_case_section(instrument, w, new=new, dates=dates)]
    for domain in instrument.domains:
        items = [i for i in instrument.items if i.domain == domain.id]
        fields = tuple(_item_field(i, labels, w, scale, i.id in required) for i in items)
        sections.append(Section(domain.id, labels.domain(domain.id), fields))
    loose = [i for i in instrument.items if i.domain not in {d.id for d in instrument.domains}]
    if loose:
        fields = tuple(_item_field(i, labels, w, scale, i.id in required) for i in loose)
        sections.append(Section("items", w("workspace.form.section_items"), fields))
    regime = "juvenile" if instrument.population.get("kind") == "juvenile" else "adult"
    if policy is not None:
        sections.append(_legal_section(policy, regime, w))
    sections.append(_responsivity_section(w))
    live = not any(t.points.get(scale, 0) for t in instrument.terms)
    defaults = {"assessed_on": (today.isoformat(),), "legal.sanction_status": ("imposed",)}
    return Form(
        instrument, policy, tuple(sections), new, live, regime, defaults, labels.scale(scale)
    )
