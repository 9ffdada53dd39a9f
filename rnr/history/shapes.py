"""The data of each kind of record a case history writes, and how it is read back.

=============  ============================================================
kind           data
=============  ============================================================
``case``       ``regime``, ``policy`` (id or null), ``person``, ``legal``
``assessment`` ``instrument`` (id@version), ``instrument_sha256``,
               ``assessor``, ``document`` (the case file, without its
               ``legal`` and ``override`` sections)
``override``   ``assessment`` (its first record id) and the override fields
``decision``   ``assessment``, ``override`` (id or null), ``policy``
               (id@version), ``policy_sha256``, ``legal``
``plan``       ``version``, ``kind``; a draft adds ``decision`` and
               ``basis_sha256`` (catalogue and rules); a review adds
               ``changes`` {objective: [status, note]}
``event``      ``kind``, ``note`` and the kind's own fields
=============  ============================================================

Scores, decisions and plans are never stored: they are recomputed from these
records on read, so a level can never drift from its score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rnr.cases import Case
from rnr.errors import HistoryError
from rnr.instrument import Instrument
from rnr.store.records import EVENT_KINDS

__all__ = ["EVENT_FIELDS", "case_document", "check_event_data"]

#: The fields each event kind carries besides ``kind`` and ``note``: name → (type, required).
EVENT_FIELDS: Mapping[str, Mapping[str, tuple[type, bool]]] = {
    "new_offence": {"offence": (str, False)},
    "breach": {},
    "revocation": {"reason": (str, False)},
    "discharge": {"reason": (str, False)},
    "reentry_harsher": {"sanction": (str, False)},
    "attendance": {"component": (str, True), "scheduled": (int, True), "attended": (int, True)},
}


def case_document(case: Case, instrument: Instrument) -> dict[str, Any]:
    """The case file of an assessment as stored: pinned instrument, no legal or override."""
    out: dict[str, Any] = {
        "case_id": case.case_id,
        "instrument": instrument.ref,
        "assessed_on": case.assessed_on.isoformat(),
        "responses": dict(case.responses),
    }
    person = {
        k: v
        for k, v in (
            ("birth_date", case.birth_date.isoformat() if case.birth_date else None),
            ("sex", case.sex),
        )
        if v is not None
    }
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


def check_event_data(kind: str, data: Mapping[str, Any], *, case_id: str) -> dict[str, Any]:
    """The fields of an event of ``kind``, checked.

    Raises:
        HistoryError: an unknown kind or field, a missing or mistyped field,
            or more sessions attended than scheduled.
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
    if kind == "attendance" and not 0 <= out["attended"] <= out["scheduled"]:
        msg = (
            f"event.attended: got {out['attended']}, expected 0 to {out['scheduled']}"
            " (the sessions scheduled)"
        )
        raise HistoryError(msg, case_id=case_id, field="event.attended", value=out["attended"])
    if kind == "attendance" and out["scheduled"] < 1:
        msg = f"event.scheduled: got {out['scheduled']}, expected at least 1"
        raise HistoryError(msg, case_id=case_id, field="event.scheduled", value=out["scheduled"])
    return out


def _type_name(typ: type) -> str:
    return "a whole number" if typ is int else "a non-empty text"
