"""Individual Intervention Plan (PII) drafts: objectives, responsivity, lifecycle."""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "Adaptation": "rnr.plan.draft",
    "Attainment": "rnr.plan.draft",
    "Catalogue": "rnr.definitions.catalogue",
    "ClosingSummary": "rnr.plan.draft",
    "Objective": "rnr.definitions.catalogue",
    "PlanDraft": "rnr.plan.draft",
    "PlanObjective": "rnr.plan.draft",
    "Reason": "rnr.plan.draft",
    "Responsivity": "rnr.definitions.responsivity",
    "ResponsivityRule": "rnr.definitions.catalogue",
    "RuleSet": "rnr.definitions.catalogue",
    "STATUSES": "rnr.plan.draft",
    "StatusNote": "rnr.plan.draft",
    "attainment": "rnr.plan.draft",
    "closing_summary": "rnr.plan.draft",
    "draft_plan": "rnr.plan.assemble",
    "load_catalogue": "rnr.definitions.catalogue",
    "load_rules": "rnr.definitions.catalogue",
    "objective_cap": "rnr.plan.assemble",
    "parse_responsivity": "rnr.definitions.responsivity",
    "review": "rnr.plan.draft",
    "share_hours": "rnr.plan.assemble",
}

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
    "review",
    "share_hours",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.definitions.catalogue import (
        Catalogue as Catalogue,
    )
    from rnr.definitions.catalogue import (
        Objective as Objective,
    )
    from rnr.definitions.catalogue import (
        ResponsivityRule as ResponsivityRule,
    )
    from rnr.definitions.catalogue import (
        RuleSet as RuleSet,
    )
    from rnr.definitions.catalogue import (
        load_catalogue as load_catalogue,
    )
    from rnr.definitions.catalogue import (
        load_rules as load_rules,
    )
    from rnr.definitions.responsivity import (
        Responsivity as Responsivity,
    )
    from rnr.definitions.responsivity import (
        parse_responsivity as parse_responsivity,
    )
    from rnr.plan.assemble import (
        draft_plan as draft_plan,
    )
    from rnr.plan.assemble import (
        objective_cap as objective_cap,
    )
    from rnr.plan.assemble import (
        share_hours as share_hours,
    )
    from rnr.plan.draft import (
        STATUSES as STATUSES,
    )
    from rnr.plan.draft import (
        Adaptation as Adaptation,
    )
    from rnr.plan.draft import (
        Attainment as Attainment,
    )
    from rnr.plan.draft import (
        ClosingSummary as ClosingSummary,
    )
    from rnr.plan.draft import (
        PlanDraft as PlanDraft,
    )
    from rnr.plan.draft import (
        PlanObjective as PlanObjective,
    )
    from rnr.plan.draft import (
        Reason as Reason,
    )
    from rnr.plan.draft import (
        StatusNote as StatusNote,
    )
    from rnr.plan.draft import (
        attainment as attainment,
    )
    from rnr.plan.draft import (
        closing_summary as closing_summary,
    )
    from rnr.plan.draft import (
        review as review,
    )
