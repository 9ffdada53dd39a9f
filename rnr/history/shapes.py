"""The data of each kind of record a case history writes, and how it is read back.

=============  ============================================================
kind           data
=============  ============================================================
``case``       ``regime``, ``policy`` (id or null), ``person``, ``legal``;
               ``unit`` when the case was opened under one
``assessment`` ``instrument`` (id@version), ``instrument_sha256``,
               ``assessor``, ``document`` (the case file, without its
               ``legal`` and ``override`` sections)
``override``   ``assessment`` (its first record id) and the override fields;
               a proposal awaiting a supervisor's approval instead holds
               ``proposed`` (true), ``to_level``, ``direction``, ``reason``,
               ``text`` and ``proposed_by`` (no decision reads it)
``decision``   ``assessment``, ``override`` (id or null), ``policy``
               (id@version), ``policy_sha256``, ``legal``; and, when the
               change policy answered, ``step`` (:mod:`rnr.history.steps`)
``plan``       ``version``, ``kind``; a draft adds ``decision``,
               ``basis_sha256`` (catalogue and rules) and ``objectives``
               ([id, domain] as drafted, checked on read); a review adds
               ``changes`` {objective: [status, note]}; an edit (kind
               ``edit``) adds ``objectives`` ([id, domain, hours], in
               the plan's order) and ``notes``
``event``      ``kind``, ``note`` and the kind's own fields
               (:data:`EVENT_FIELDS`)
=============  ============================================================

Scores, decisions and plans are never stored: they are recomputed from these
records on read, so a level can never drift from its score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rnr.cases.legal import LegalContext
from rnr.cases.overrides import Override
from rnr.cases.parse import Case
from rnr.definitions.instrument import Instrument
from rnr.definitions.policy import Policy
from rnr.errors import HistoryError
from rnr.events import EVENT_KINDS
from rnr.plan.draft import PlanDraft, Status
from rnr.store.records import Record, Stored

__all__ = [
    "EVENT_CHOICES",
    "EVENT_FIELDS",
    "approval_record",
    "assessment_record",
    "case_document",
    "case_record",
    "check_event_data",
    "decision_record",
    "draft_record",
    "edit_record",
    "event_record",
    "is_approval",
    "is_proposal",
    "override_record",
    "proposal_record",
    "review_record",
]

#: The fields each event kind carries besides ``kind`` and ``note``: name → (type, required).
EVENT_FIELDS: Mapping[str, Mapping[str, tuple[type, bool]]] = {
    "new_offence": {"offence": (str, False)},
    "breach": {},
    "revocation": {"reason": (str, False)},
    "discharge": {"reason": (str, False)},
    "reentry_harsher": {"sanction": (str, False)},
    "attendance": {"component": (str, True), "scheduled": (int, True), "attended": (int, True)},
    "coexistence_review": {"result": (str, True), "infractions": (int, False)},
    "component_objectives": {
        "component": (str, True),
        "objectives": (int, True),
        "met": (int, True),
    },
}
#: The values a text field takes, where they are fixed: (kind, field) → values.
EVENT_CHOICES: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("coexistence_review", "result"): ("complied", "not_complied"),
}


def _person(case: Case) -> dict[str, str]:
    """The case's ``person`` section (recorded fields only)."""
    fields = (
        ("birth_date", case.birth_date.isoformat() if case.birth_date else None),
        ("sex", case.sex),
    )
    return {k: v for k, v in fields if v is not None}


def case_document(case: Case, instrument: Instrument) -> dict[str, Any]:
    """The case file of an assessment as stored: pinned instrument, no legal or override."""
    out: dict[str, Any] = {
        "case_id": case.case_id,
        "instrument": instrument.ref,
        "assessed_on": case.assessed_on.isoformat(),
        "responses": dict(case.responses),
    }
    person = _person(case)
    if person:
        out["person"] = person
    if case.norm_group is not None:
        out["norm_group"] = case.norm_group
    if case.dates:
        out["dates"] = {k: v.isoformat() for k, v in case.dates.items()}
    responsivity = case.responsivity.to_dict()
    if responsivity:
        out["responsivity"] = responsivity
    return out


def case_record(case: Case, legal: LegalContext, policy: str, unit: str | None = None) -> Record:
    """The record that opens a case: on the entry date, or the first assessment if earlier.

    ``unit`` (the office that supervises the case, for the service's
    tokens: :mod:`rnr.history.access`) is kept only when given.
    """
    opened = min(d for d in (legal.entry_date, case.assessed_on) if d is not None)
    data: dict[str, Any] = {
        "regime": legal.regime,
        "policy": policy,
        "person": _person(case),
        "legal": legal.to_dict(),
    }
    if unit is not None:
        data["unit"] = unit
    return Record("case", case.case_id, opened, data)


def assessment_record(
    case: Case, instrument: Instrument, *, assessor: str, corrects: int | None = None
) -> Record:
    """The raw record of an assessment (answers, pinned instrument and its hash)."""
    data = {
        "instrument": instrument.ref,
        "instrument_sha256": instrument.sha256,
        "assessor": assessor,
        "document": case_document(case, instrument),
    }
    return Record("assessment", case.case_id, case.assessed_on, data, corrects=corrects)


def override_record(case_id: str, assessment: int, override: Override) -> Record:
    """An override of the assessment whose first record is ``assessment``."""
    data = {"assessment": assessment, **override.to_dict()}
    return Record("override", case_id, override.approved_on, data)


#: The data member that marks an ``override`` record as a proposal awaiting approval.
PROPOSED = "proposed"


def is_proposal(record: Record | Stored) -> bool:
    """Whether an ``override`` record is a proposal (not an override any decision reads)."""
    return record.data.get(PROPOSED) is True


def proposal_record(
    case_id: str,
    assessment: int,
    on: dt.date,
    *,
    to_level: str,
    direction: str,
    reason: str,
    text: str,
    by: str,
) -> Record:
    """An override of the assessment ``assessment`` proposed by ``by``, awaiting approval."""
    data = {
        "assessment": assessment,
        PROPOSED: True,
        "to_level": to_level,
        "direction": direction,
        "reason": reason,
        "text": text,
        "proposed_by": by,
    }
    return Record("override", case_id, on, data)


def decision_record(
    case_id: str,
    day: dt.date,
    *,
    assessment: int,
    override: int | None,
    policy: Policy,
    legal: LegalContext,
    step: Mapping[str, Any] | None = None,
) -> Record:
    """What a decision is made from (it is recomputed on read).

    ``step`` records the change policy's answer that acts on it
    (:mod:`rnr.history.steps`).
    """
    data: dict[str, Any] = {
        "assessment": assessment,
        "override": override,
        "policy": policy.ref,
        "policy_sha256": policy.sha256,
        "legal": legal.to_dict(),
    }
    if step is not None:
        data["step"] = dict(step)
    return Record("decision", case_id, day, data)


def draft_record(
    case_id: str, day: dt.date, *, version: int, decision: int, basis: str, plan: PlanDraft
) -> Record:
    """A plan version drafted from a decision (redrafted on read).

    ``objectives`` lists the draft's objectives (id and domain) as drafted:
    reading the history drafts again and checks that it gets the same ones,
    and bulk readers use the list without drafting.
    """
    data = {
        "version": version,
        "kind": "initial" if version == 1 else "review",
        "decision": decision,
        "basis_sha256": basis,
        "objectives": [[o.id, o.domain] for o in plan.objectives],
    }
    return Record("plan", case_id, day, data)


def review_record(
    case_id: str,
    on: dt.date,
    *,
    version: int,
    changes: Mapping[str, tuple[Status, str]],
    closing: bool,
) -> Record:
    """A plan version that changes objective statuses."""
    data = {
        "version": version,
        "kind": "closing" if closing else "review",
        "changes": {k: [status, note] for k, (status, note) in changes.items()},
    }
    return Record("plan", case_id, on, data)


def edit_record(
    case_id: str, on: dt.date, *, version: int, plan: PlanDraft, notes: str = ""
) -> Record:
    """A plan version a person edited: its objectives, in order, with their hours; and notes."""
    data = {
        "version": version,
        "kind": "edit",
        "objectives": [[o.id, o.domain, o.hours] for o in plan.objectives],
        "notes": notes,
    }
    return Record("plan", case_id, on, data)


#: The ``kind`` of a ``plan`` record that records the court's approval of a version.
APPROVAL = "approval"


def approval_record(
    case_id: str, on: dt.date, *, version: int, reference: str | None = None
) -> Record:
    """The court's approval of plan version ``version``, by a resolution of ``on``.

    A ``plan`` record that is not a version: it marks one (``approves``).
    """
    data = {"kind": APPROVAL, "approves": version, "reference": reference}
    return Record("plan", case_id, on, data)


def is_approval(record: Record | Stored) -> bool:
    """Whether a ``plan`` record is an approval (not a plan version)."""
    return record.data.get("kind") == APPROVAL


def event_record(
    case_id: str,
    kind: str,
    on: dt.date,
    *,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    corrects: int | None = None,
) -> Record:
    """An event, its fields checked (:func:`check_event_data`)."""
    fields = check_event_data(kind, data or {}, case_id=case_id)
    return Record("event", case_id, on, {"kind": kind, "note": note, **fields}, corrects=corrects)


def check_event_data(kind: str, data: Mapping[str, Any], *, case_id: str) -> dict[str, Any]:
    """The fields of an event of ``kind``, checked.

    Raises:
        HistoryError: an unknown kind or field, a missing or mistyped field,
            a value outside its choices (:data:`EVENT_CHOICES`), more sessions
            attended than scheduled or more objectives met than set, or a
            negative count of infractions.
    """
    if kind not in EVENT_KINDS:
        expected = ", ".join(EVENT_KINDS)
        msg = f"event.kind: got {kind!r}, expected one of {expected}"
        raise HistoryError(msg, case_id=case_id, field="event.kind", value=kind, expected=expected)
    fields = EVENT_FIELDS[kind]
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name not in fields:
            expected = ", ".join(fields) or "no other field"
            msg = f"event.{name}: unknown for a {kind} event, expected {expected}"
            raise HistoryError(msg, case_id=case_id, field=f"event.{name}", value=value)
        typ, _ = fields[name]
        if not isinstance(value, typ) or isinstance(value, bool) or value in ("", None):
            msg = f"event.{name}: got {value!r}, expected {_type_name(typ)}"
            raise HistoryError(msg, case_id=case_id, field=f"event.{name}", value=value)
        out[name] = value
    for name, (typ, required) in fields.items():
        if required and name not in out:
            msg = f"event.{name}: missing, a {kind} event needs {_type_name(typ)}"
            raise HistoryError(msg, case_id=case_id, field=f"event.{name}")
    for name, value in out.items():
        choices = EVENT_CHOICES.get((kind, name))
        if choices is not None and value not in choices:
            expected = ", ".join(choices)
            msg = f"event.{name}: got {value!r}, expected one of {expected}"
            raise HistoryError(
                msg, case_id=case_id, field=f"event.{name}", value=value, expected=expected
            )
    counts = {
        "attendance": ("scheduled", "attended", "the sessions scheduled"),
        "component_objectives": ("objectives", "met", "the objectives set"),
    }.get(kind)
    if counts is not None:
        whole, part, what = counts
        if out[whole] < 1:
            msg = f"event.{whole}: got {out[whole]}, expected at least 1"
            raise HistoryError(msg, case_id=case_id, field=f"event.{whole}", value=out[whole])
        if not 0 <= out[part] <= out[whole]:
            msg = f"event.{part}: got {out[part]}, expected 0 to {out[whole]} ({what})"
            raise HistoryError(msg, case_id=case_id, field=f"event.{part}", value=out[part])
    if out.get("infractions", 0) < 0:
        msg = f"event.infractions: got {out['infractions']}, expected 0 or more"
        raise HistoryError(
            msg, case_id=case_id, field="event.infractions", value=out["infractions"]
        )
    return out


def _type_name(typ: type) -> str:
    return "a whole number" if typ is int else "a non-empty text"
