"""Individual Intervention Plan (PII) drafts: objectives, responsivity, lifecycle."""

from rnr.plan.assemble import draft_plan, objective_cap, share_hours
from rnr.plan.catalogue import (
    Catalogue,
    Objective,
    ResponsivityRule,
    RuleSet,
    load_catalogue,
    load_rules,
)
from rnr.plan.model import (
    STATUSES,
    Adaptation,
    Attainment,
    ClosingSummary,
    PlanDraft,
    PlanObjective,
    Reason,
    StatusNote,
    attainment,
    closing_summary,
    review,
)
from rnr.plan.render import render_plan
from rnr.plan.responsivity import Responsivity, parse_responsivity

__all__ = [
    "STATUSES",
    "Adaptation",
    "Attainment",
    "Catalogue",
    "ClosingSummary",
    "Objective",
    "PlanDraft",
    "PlanObjective",
    "Reason",
    "Responsivity",
    "ResponsivityRule",
    "RuleSet",
    "StatusNote",
    "attainment",
    "closing_summary",
    "draft_plan",
    "load_catalogue",
    "load_rules",
    "objective_cap",
    "parse_responsivity",
    "render_plan",
    "review",
    "share_hours",
]
