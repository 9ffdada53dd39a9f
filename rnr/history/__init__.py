"""Case histories: write a person's assessments, decisions, plans and events; read them back.

Writing checks everything first and writes in one atomic block of a
:class:`~rnr.store.Store`; reading recomputes every score, decision and plan
from the raw records with the definitions they name by content hash.
"""

from rnr.history.amend import correct_assessment, record_event, review_plan
from rnr.history.definitions import Definitions
from rnr.history.model import (
    AssessmentEntry,
    CaseHistory,
    DecisionEntry,
    EventEntry,
    OverrideEntry,
    PlanEntry,
)
from rnr.history.progress import CaseChange, case_change
from rnr.history.read import read_history, replay
from rnr.history.shapes import EVENT_FIELDS, case_document
from rnr.history.write import add_override, open_case, reassess

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
    "add_override",
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
