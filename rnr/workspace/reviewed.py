"""The reviews a PII has had: each objective's status changes, dated, with their notes."""

from __future__ import annotations

from typing import Any

from rnr.plan.draft import PlanDraft
from rnr.render.messages import Catalogue

__all__ = ["reviewed_view"]


def reviewed_view(plan: PlanDraft, w: Catalogue) -> list[dict[str, Any]]:
    """Every status change of the plan's objectives and supports, oldest first."""
    rows = [
        {
            "on": change.on,
            "title": o.title(w.lang),
            "status": w(f"plan.status_names.{change.status}"),
            "note": change.note,
        }
        for o in (*plan.objectives, *plan.supports)
        for change in o.history
    ]
    return sorted(rows, key=lambda r: r["on"])
