"""What can happen to a case under supervision: the event kinds every layer shares.

The store records events of these kinds, the change policy answers them,
the schedules and indicators read them; the vocabulary lives here, below
every layer, so that none of them reaches into another for a word list.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CLOSING_EVENTS", "EVENT_KINDS"]

#: Events of a case, and what each means.
EVENT_KINDS: Mapping[str, str] = {
    "new_offence": "a new offence (formalised: charged or convicted), dated when committed",
    "breach": "a breach of the conditions of the sentence or programme",
    "revocation": "the substitute sentence or programme revoked (closes the case)",
    "discharge": "egreso: the sentence or programme ended (closes the case)",
    "reentry_harsher": "re-entry into a harsher sentence (e.g. custody) after this one",
    "attendance": "sessions of a component scheduled and attended in a period",
}
#: Events after which a case is closed (no reassessment is due).
CLOSING_EVENTS = ("revocation", "discharge")
