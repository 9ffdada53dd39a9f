"""What can happen to a case under supervision: the event kinds every layer shares.

The store records events of these kinds, the change policy answers them,
the schedules and indicators read them; the vocabulary lives here, below
every layer, so that none of them reaches into another for a word list.

Two groups: the kinds a policy answers (:data:`POLICY_EVENT_KINDS`: its
``event_reassessment`` table says whether each calls for a reassessment),
and follow-up records the programme indicators read (a review of the
coexistence rules, a component's objectives for the year), which never call
for a reassessment and which no policy reads.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CLOSING_EVENTS", "EVENT_KINDS", "FOLLOW_UP_KINDS", "POLICY_EVENT_KINDS"]

#: Events of a case, and what each means.
EVENT_KINDS: Mapping[str, str] = {
    "new_offence": "a new offence (formalised: charged or convicted), dated when committed",
    "breach": "a breach of the conditions of the sentence or programme",
    "revocation": "the substitute sentence or programme revoked (closes the case)",
    "discharge": "egreso: the sentence or programme ended (closes the case)",
    "reentry_harsher": "re-entry into a harsher sentence (e.g. custody) after this one",
    "attendance": "sessions of a component scheduled and attended in a period",
    "coexistence_review": (
        "a review of the coexistence rules of the centre (Plan de Convivencia) for the"
        " period since the previous review: complied or not"
    ),
    "component_objectives": (
        "the objectives a programme component set for the year of the record's date"
        " (e.g. the socio-educational objectives) and how many were met by then"
    ),
}
#: The kinds a policy's ``event.kind`` fact takes (its ``event_reassessment`` table covers each).
POLICY_EVENT_KINDS: tuple[str, ...] = (
    "new_offence",
    "breach",
    "revocation",
    "discharge",
    "reentry_harsher",
    "attendance",
)
#: Follow-up records for the programme indicators: never a reason to reassess, read by no policy.
FOLLOW_UP_KINDS: tuple[str, ...] = tuple(k for k in EVENT_KINDS if k not in POLICY_EVENT_KINDS)
#: Events after which a case is closed (no reassessment is due).
CLOSING_EVENTS = ("revocation", "discharge")
