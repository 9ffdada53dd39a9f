"""Case histories: write a person's assessments, decisions, plans and events; read them back.

Writing checks everything first and writes in one atomic block of a
:class:`~rnr.store.Store`; reading recomputes every score, decision and plan
from the raw records with the definitions they name by content hash.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "AssessmentEntry": "rnr.history.entries",
    "CaseChange": "rnr.history.progress",
    "CaseHistory": "rnr.history.entries",
    "DecisionEntry": "rnr.history.entries",
    "Definitions": "rnr.history.definitions",
    "EVENT_FIELDS": "rnr.history.shapes",
    "EventEntry": "rnr.history.entries",
    "OverrideEntry": "rnr.history.entries",
    "PlanEntry": "rnr.history.entries",
    "Written": "rnr.history.idempotency",
    "add_override": "rnr.history.write",
    "approve_plan": "rnr.history.approval",
    "case_change": "rnr.history.progress",
    "case_document": "rnr.history.shapes",
    "correct_assessment": "rnr.history.amend",
    "open_case": "rnr.history.write",
    "read_history": "rnr.history.read",
    "reassess": "rnr.history.write",
    "record_event": "rnr.history.amend",
    "replay": "rnr.history.read",
    "review_plan": "rnr.history.amend",
}

__all__ = [
    "EVENT_FIELDS",
    "AssessmentEntry",
    "CaseChange",
    "CaseHistory",
    "DecisionEntry",
    "Definitions",
    "EventEntry",
    "OverrideEntry",
    "PlanEntry",
    "Written",
    "add_override",
    "approve_plan",
    "case_change",
    "case_document",
    "correct_assessment",
    "open_case",
    "read_history",
    "reassess",
    "record_event",
    "replay",
    "review_plan",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.history.amend import (
        correct_assessment as correct_assessment,
    )
    from rnr.history.amend import (
        record_event as record_event,
    )
    from rnr.history.amend import (
        review_plan as review_plan,
    )
    from rnr.history.approval import approve_plan as approve_plan
    from rnr.history.definitions import Definitions as Definitions
    from rnr.history.entries import (
        AssessmentEntry as AssessmentEntry,
    )
    from rnr.history.entries import (
        CaseHistory as CaseHistory,
    )
    from rnr.history.entries import (
        DecisionEntry as DecisionEntry,
    )
    from rnr.history.entries import (
        EventEntry as EventEntry,
    )
    from rnr.history.entries import (
        OverrideEntry as OverrideEntry,
    )
    from rnr.history.entries import (
        PlanEntry as PlanEntry,
    )
    from rnr.history.idempotency import Written as Written
    from rnr.history.progress import CaseChange as CaseChange
    from rnr.history.progress import case_change as case_change
    from rnr.history.read import read_history as read_history
    from rnr.history.read import replay as replay
    from rnr.history.shapes import EVENT_FIELDS as EVENT_FIELDS
    from rnr.history.shapes import case_document as case_document
    from rnr.history.write import (
        add_override as add_override,
    )
    from rnr.history.write import (
        open_case as open_case,
    )
    from rnr.history.write import (
        reassess as reassess,
    )
