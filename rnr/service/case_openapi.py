"""The OpenAPI description of the case store's endpoints (:mod:`rnr.service.cases`).

Each function gives the keyword arguments of one route: its summary, its
parameters and headers, and its bodies, each a shipped schema
(:func:`rnr.service.openapi.operation`). A write answers ``201`` when it
wrote and ``200`` when the same request was already stored.
"""

from __future__ import annotations

from typing import Any

from rnr.definitions.indicators import PROGRAMMES
from rnr.history.requests import DEFAULT_LIMIT, MAX_LIMIT
from rnr.render.messages import catalogue
from rnr.service.openapi import operation, parameter
from rnr.service.params import STUDY

__all__ = [
    "PLAN_FORMATS",
    "approve_plan",
    "case_change",
    "case_history",
    "case_plan",
    "due",
    "due_counts",
    "indicators",
    "list_cases",
    "open_case",
    "override",
    "reassess",
    "record_event",
    "review_plan",
    "validity",
]

#: The formats of a plan: JSON (the plan as data) or a document.
PLAN_FORMATS = {"json": "application/json", "md": "text/markdown", "html": "text/html"}

#: What a write to a stored case may be refused with.
_WRITE_PROBLEMS = (400, 404, 409, 412, 413, 415, 422, 428)
_IF_MATCH = parameter(
    "If-Match",
    "header",
    "the case's ETag, from a read of it or the answer to the last write",
    required=True,
)
_KEY = parameter(
    "Idempotency-Key",
    "header",
    "your key for this request (1 to 200 printable characters): a repeat with the same key"
    " and request is answered 200 and writes nothing; with another request, 409",
)
_PAGE = (
    parameter("limit", "query", f"items of a page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})"),
    parameter("cursor", "query", "where the page starts: the next member of the page before"),
)
_AS_OF = parameter("as_of", "query", "the day, YYYY-MM-DD (default: today)")
_LINK = {"Link": 'the address of the next page, rel="next" (none on the last page)'}
_ETAG = {"ETag": "the case's ETag: send it in If-Match to write to the case"}


def _written(name: str, *, schema: str, summary: str, **kw: Any) -> dict[str, Any]:
    about = catalogue("en")(f"schemas.{schema}")
    media = {"application/json": schema}
    return operation(
        name,
        summary=summary,
        answers={
            201: (f"written: {about}", media),
            200: ("already stored (the same request, or the same key): nothing written", media),
        },
        headers={"ETag": "the case's ETag after the write", "Location": "the case's address"},
        **kw,
    )


def _read(name: str, *, schema: str, summary: str, **kw: Any) -> dict[str, Any]:
    about = catalogue("en")(f"schemas.{schema}")
    return operation(
        name, summary=summary, answers={200: (about, {"application/json": schema})}, **kw
    )


def open_case() -> dict[str, Any]:
    """``POST /v1/cases``."""
    return _written(
        "open_case",
        schema="case-write",
        summary="open a case: score, decide and draft it, and store it (rnr case add)",
        problems=(400, 409, 413, 415, 422),
        body="case",
        parameters=(
            parameter("policy", "query", "the policy, ID or ID@YYYY-MM-DD (default: the regime's)"),
            parameter("assessor", "query", "who assessed (default: the token's name)"),
            _KEY,
        ),
    )


def list_cases() -> dict[str, Any]:
    """``GET /v1/cases``."""
    return _read(
        "list_cases",
        schema="case-page",
        summary="the stored cases the caller may see, a page at a time (rnr case list)",
        problems=(422,),
        parameters=_PAGE,
        headers=_LINK,
    )


def reassess() -> dict[str, Any]:
    """``POST /v1/cases/{case_id}/assessments``."""
    return _written(
        "reassess",
        schema="case-write",
        summary="reassess a case, or correct a stored assessment (rnr case reassess)",
        problems=_WRITE_PROBLEMS,
        body="case",
        parameters=(
            parameter("corrects", "query", "the stored assessment record this one corrects"),
            parameter("assessor", "query", "who assessed (default: the token's name)"),
            _IF_MATCH,
            _KEY,
        ),
    )


def record_event() -> dict[str, Any]:
    """``POST /v1/cases/{case_id}/events``."""
    return _written(
        "record_event",
        schema="event-write",
        summary="record an event of a case, or correct one (rnr case event)",
        problems=_WRITE_PROBLEMS,
        body="event-request",
        parameters=(_IF_MATCH, _KEY),
    )


def review_plan() -> dict[str, Any]:
    """``POST /v1/cases/{case_id}/reviews``."""
    return _written(
        "review_plan",
        schema="case-write",
        summary="review the plan in force: objective statuses (rnr case review)",
        problems=_WRITE_PROBLEMS,
        body="review-request",
        parameters=(_IF_MATCH, _KEY),
    )


def approve_plan() -> dict[str, Any]:
    """``POST /v1/cases/{case_id}/plan/approval``."""
    return _written(
        "approve_plan",
        schema="case-write",
        summary="record the court's approval of the plan version in force (rnr case approve)",
        problems=_WRITE_PROBLEMS,
        body="plan-approval-request",
        parameters=(_IF_MATCH, _KEY),
    )


def override() -> dict[str, Any]:
    """``POST /v1/cases/{case_id}/overrides``."""
    return _written(
        "add_override",
        schema="case-write",
        summary="override the risk level of the latest assessment, approved by the caller",
        problems=_WRITE_PROBLEMS,
        body="override-request",
        parameters=(_IF_MATCH, _KEY),
    )


def case_history() -> dict[str, Any]:
    """``GET /v1/cases/{case_id}``."""
    return _read(
        "case_history",
        schema="history",
        summary="a case's history, every result recomputed (rnr case history)",
        problems=(404, 422),
        headers=_ETAG,
    )


def case_change() -> dict[str, Any]:
    """``GET /v1/cases/{case_id}/change``."""
    return _read(
        "case_change",
        schema="change",
        summary="a case's change between assessments and the policy's answer (rnr case change)",
        problems=(404, 422),
        parameters=(parameter("as_of", "query", "read signals on this day, YYYY-MM-DD"),),
        headers=_ETAG,
    )


def case_plan() -> dict[str, Any]:
    """``GET /v1/cases/{case_id}/plan``."""
    about = "the plan in force of a case: JSON, or a Markdown or HTML document"
    form = parameter(
        "format", "query", "json (the plan as data, the default), md or html", enum=[*PLAN_FORMATS]
    )
    return operation(
        "case_plan",
        summary=about,
        answers={
            200: (about, {"application/json": "plan", "text/markdown": None, "text/html": None})
        },
        problems=(404, 422),
        parameters=(form,),
        headers=_ETAG,
    )


def due() -> dict[str, Any]:
    """``GET /v1/due``."""
    overdue = parameter("overdue", "query", "true: the overdue cases only", enum=["true", "false"])
    return _read(
        "due",
        schema="due-page",
        summary="the next reassessment of every open case the caller may see (rnr due)",
        problems=(422,),
        parameters=(_AS_OF, overdue, *_PAGE),
        headers=_LINK,
    )


def due_counts() -> dict[str, Any]:
    """``GET /v1/due/counts``."""
    return _read(
        "due_counts",
        schema="due-counts",
        summary="how many open cases are due and overdue (no case named)",
        problems=(422,),
        parameters=(_AS_OF,),
    )


def indicators() -> dict[str, Any]:
    """``GET /v1/indicators``."""
    return _read(
        "indicators",
        schema="indicators",
        summary="a year's programme indicators (rnr indicators)",
        problems=(422,),
        parameters=(
            parameter("period", "query", "the year, such as 2025", required=True),
            parameter("programme", "query", "one programme (default: all)", enum=[*PROGRAMMES]),
        ),
    )


#: What each parameter of ``GET /v1/validity`` is (``rnr validate --db``'s options).
_STUDY_ABOUT = {
    "instrument": "the instrument id (when the store holds several)",
    "event": "the outcome event (default new_offence)",
    "window": "the follow-up window in months (default 12)",
    "score": "the score column (default: score)",
    "outcome": "the outcome column (default: the event)",
    "group": "a group column: sex, regime, sanction, age_group; repeatable",
    "reference": "the reference group: VALUE, or COLUMN=VALUE; repeatable",
    "raters": "a rater's score column: give it twice, one per rater",
    "level": "the level column (default: level)",
    "cut": "scores of this number or more predict the outcome",
    "bootstrap": "bootstrap resamples of the AUC",
    "seed": "the bootstrap's seed (default 0)",
    "expected": "expected outcome rates, KEY=RATE,...",
    "expected_by": "what expected is keyed by: level or score",
    "expected_source": "where the expected rates come from",
    "norms": "true: local percentiles of the score",
    "recalibrate": "cut-offs for target shares per level, LEVEL=SHARE,...",
}


def validity() -> dict[str, Any]:
    """``GET /v1/validity``."""
    return _read(
        "validity",
        schema="validity",
        summary="a local validity study of the store's baseline assessments (rnr validate --db)",
        problems=(422,),
        parameters=tuple(parameter(name, "query", _STUDY_ABOUT[name]) for name in STUDY),
    )
