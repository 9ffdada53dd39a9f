"""Worked cases for policies (``rnr.policy-cases/1``), hand-computed.

A case is one of three kinds. A *decision* case gives the score-derived
facts and the legal section directly and says what the decision must
contain. A *change* case gives ``change = { transition, reliable,
new_offence, breach }`` and expects an ``action`` of the ``change`` table. An
*event* case gives ``event = "<kind>"`` and expects ``reassess_within_days``
or ``reassess = false`` from the ``event_reassessment`` table.
:func:`run_policy_case` returns every mismatch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from rnr import errors
from rnr._frozen import frozen_map
from rnr.cases.legal import parse_legal
from rnr.definitions._toml import Checker, read_toml
from rnr.definitions.library import split_ref
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy
from rnr.errors import DefinitionError, RnrError
from rnr.policy.answer import decide_change, reassessment_trigger
from rnr.policy.decision import Decision
from rnr.policy.engine import decide_facts

__all__ = ["PolicyCase", "PolicyCaseFile", "load_policy_cases", "run_policy_case"]

CASE_KEYS = ("name", "assessed_on", "facts", "legal", "expect")
CHANGE_CASE_KEYS = ("name", "change", "expect")
EVENT_CASE_KEYS = ("name", "event", "expect")
EXPECT_KEYS = (
    "eligible", "ineligible", "contacts_per_month", "treatment_hours", "components",
    "telematic_monitoring", "period_days", "period_months", "fit", "warnings", "no_warnings",
    "pii_due", "programme_due", "next_reassessment", "attainment_threshold", "fired", "error",
    "error_contains",
)  # fmt: skip
CHANGE_EXPECT_KEYS = ("action", "fired", "error", "error_contains")
EVENT_EXPECT_KEYS = ("reassess", "reassess_within_days", "fired", "error", "error_contains")
#: The keys of a change case's ``change`` table and the facts they give.
CHANGE_FACT_KEYS = {
    "transition": "change.transition",
    "reliable": "change.reliable",
    "new_offence": "change.new_offence",
    "breach": "change.breach",
}
DEADLINE_KEYS = ("pii_due", "programme_due", "next_reassessment")


@attrs.frozen
class PolicyCase:
    """One named case: facts, legal section, expectations.

    A change case has ``change`` (the ``change.*`` facts by short name) and
    no date, facts or legal section; an event case has ``event``.
    """

    name: str
    assessed_on: dt.date | None
    facts: Mapping[str, Any] = attrs.field(converter=frozen_map)
    legal: Mapping[str, Any] = attrs.field(converter=frozen_map)
    expect: Mapping[str, Any] = attrs.field(converter=frozen_map)
    change: Mapping[str, Any] | None = attrs.field(
        default=None, converter=attrs.converters.optional(frozen_map)
    )
    event: str | None = None

    @property
    def kind(self) -> str:
        """``"decision"``, ``"change"`` or ``"event"``."""
        if self.change is not None:
            return "change"
        return "event" if self.event is not None else "decision"


@attrs.frozen
class PolicyCaseFile:
    """A parsed ``rnr.policy-cases/1`` file."""

    path: Path
    policy: str
    cases: tuple[PolicyCase, ...]

    def load_policy(self) -> Policy:
        """The policy version named, read from ``<policy folder>/<version>.toml``."""
        _, version = split_ref(self.policy)
        return load_policy(self.path.parent.parent / f"{version}.toml")


def load_policy_cases(path: str | Path) -> PolicyCaseFile:
    """Read and check a policy worked-case file."""
    path = Path(path)
    doc = read_toml(path)
    check = Checker()
    check.table(doc, "", required=("schema", "policy", "cases"))
    if doc.get("schema") != "rnr.policy-cases/1":
        check.fail("schema", doc.get("schema"), "'rnr.policy-cases/1'")
    ref = check.want_str(doc, "policy", "", what="'id@YYYY-MM-DD'")
    cases = []
    raw = doc.get("cases")
    if not isinstance(raw, list) or not raw:
        check.fail("cases", raw, "a non-empty array of [[cases]]")
        raw = []
    names: set[str] = set()
    for i, case in enumerate(raw):
        where = f"cases[{i}]"
        if isinstance(case, dict) and "change" in case:
            parsed = _change_case(check, case, where)
        elif isinstance(case, dict) and "event" in case:
            parsed = _event_case(check, case, where)
        else:
            parsed = _decision_case(check, case, where)
        if parsed is None:
            continue
        if parsed.name in names:
            check.note(f"{where}.name", f"duplicate case name {parsed.name!r}")
        names.add(parsed.name)
        if not check.problems:
            cases.append(parsed)
    if check.problems:
        raise DefinitionError(str(path), check.problems)
    return PolicyCaseFile(path, str(ref), tuple(cases))


def _decision_case(check: Checker, case: object, where: str) -> PolicyCase | None:
    if check.table(case, where, required=CASE_KEYS) is None:
        return None
    assert isinstance(case, dict)
    name = check.want_str(case, "name", where)
    day = check.want_date(case, "assessed_on", where)
    expect = check.table(case.get("expect"), f"{where}.expect", optional=EXPECT_KEYS)
    for key in ("facts", "legal"):
        if not isinstance(case.get(key), dict):
            check.fail(f"{where}.{key}", case.get(key), "a table")
    if not (name and day and expect is not None):
        return None
    facts, legal = case["facts"], case["legal"]
    if not (isinstance(facts, dict) and isinstance(legal, dict)):
        return None
    return PolicyCase(name, day, facts, legal, expect)


def _change_case(check: Checker, case: dict[str, Any], where: str) -> PolicyCase | None:
    if check.table(case, where, required=CHANGE_CASE_KEYS) is None:
        return None
    name = check.want_str(case, "name", where)
    expect = check.table(case.get("expect"), f"{where}.expect", optional=CHANGE_EXPECT_KEYS)
    given = check.table(case.get("change"), f"{where}.change", required=tuple(CHANGE_FACT_KEYS))
    if expect is not None:
        check.want_str(expect, "action", f"{where}.expect")
    if not (name and expect is not None and given is not None):
        return None
    return PolicyCase(name, None, {}, {}, expect, change=given)


def _event_case(check: Checker, case: dict[str, Any], where: str) -> PolicyCase | None:
    if check.table(case, where, required=EVENT_CASE_KEYS) is None:
        return None
    name = check.want_str(case, "name", where)
    event = check.want_str(case, "event", where, what="an event kind such as 'new_offence'")
    expect = check.table(case.get("expect"), f"{where}.expect", optional=EVENT_EXPECT_KEYS)
    if expect is not None:
        check.want_int(expect, "reassess_within_days", f"{where}.expect", min_value=0)
        check.want_bool(expect, "reassess", f"{where}.expect")
    if not (name and event and expect is not None):
        return None
    return PolicyCase(name, None, {}, {}, expect, event=event)


def _error(exc: RnrError, expect: Mapping[str, Any]) -> list[str]:
    """Mismatches of an error against ``expect.error`` / ``expect.error_contains``."""
    wanted = expect.get("error")
    if wanted is None:
        return [f"unexpected {type(exc).__name__}: {exc}"]
    cls = getattr(errors, str(wanted), None)
    problems = (
        []
        if isinstance(cls, type) and isinstance(exc, cls)
        else [f"expected {wanted}, got {type(exc).__name__}: {exc}"]
    )
    return problems + [
        f"error message lacks {t!r}: {exc}"
        for t in expect.get("error_contains", [])
        if t not in str(exc)
    ]


def run_policy_case(policy: Policy, case: PolicyCase) -> list[str]:
    """Run ``case`` and return every way the answer differs from its expectations."""
    if case.kind == "change":
        return _run_change(policy, case)
    if case.kind == "event":
        return _run_event(policy, case)
    expect = case.expect
    assert case.assessed_on is not None
    try:
        known = {k: frozenset(v) if isinstance(v, list) else v for k, v in case.facts.items()}
        decision = decide_facts(
            policy, known, parse_legal(dict(case.legal)), assessed_on=case.assessed_on
        )
    except RnrError as exc:
        return _error(exc, expect)
    if "error" in expect:
        return [f"expected {expect['error']}, but the decision succeeded"]
    return _compare(decision, expect)


def _fired(expect: Mapping[str, Any], fired: list[str]) -> list[str]:
    return [
        f"fired: rule {rule!r} did not fire; fired: {fired}"
        for rule in expect.get("fired", [])
        if rule not in fired
    ]


def _run_change(policy: Policy, case: PolicyCase) -> list[str]:
    expect = case.expect
    assert case.change is not None
    facts = {CHANGE_FACT_KEYS[k]: v for k, v in case.change.items()}
    try:
        answer = decide_change(policy, facts)
    except RnrError as exc:
        return _error(exc, expect)
    if "error" in expect:
        return [f"expected {expect['error']}, but the change was answered"]
    problems = []
    if "action" in expect and expect["action"] != answer.action:
        problems.append(
            f"action: expected {expect['action']!r}, got {answer.action!r} (rule {answer.rule})"
        )
    return problems + _fired(expect, [f.rule for f in answer.trace])


def _run_event(policy: Policy, case: PolicyCase) -> list[str]:
    expect = case.expect
    assert case.event is not None
    try:
        trigger = reassessment_trigger(policy, case.event)
    except RnrError as exc:
        return _error(exc, expect)
    if "error" in expect:
        return [f"expected {expect['error']}, but the event was answered"]
    problems = []
    days = trigger.days if trigger is not None else None
    if "reassess" in expect and expect["reassess"] != (trigger is not None):
        problems.append(f"reassess: expected {expect['reassess']!r}, got {trigger is not None!r}")
    if "reassess_within_days" in expect and expect["reassess_within_days"] != days:
        problems.append(
            f"reassess_within_days: expected {expect['reassess_within_days']!r}, got {days!r}"
        )
    table = policy.tables["event_reassessment"]  # present: the trigger was answered
    result = table.evaluate(dict.fromkeys(table.inputs, case.event))  # every input is event.kind
    return problems + _fired(expect, list(result.fired) if result else [])


def _compare(d: Decision, expect: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []

    def same(what: str, want: object, got: object) -> None:
        if want != got:
            problems.append(f"{what}: expected {want!r}, got {got!r}")

    got: dict[str, Any] = {
        "eligible": sorted(d.eligible_sanctions),
        "ineligible": sorted(d.ineligible),
        "contacts_per_month": d.intensity.contacts_per_month,
        "treatment_hours": d.intensity.treatment_hours,
        "telematic_monitoring": d.telematic_monitoring,
        "period_days": list(d.period_days) if d.period_days else None,
        "period_months": list(d.period_months) if d.period_months else None,
        "fit": d.fit,
        "attainment_threshold": d.attainment_threshold,
    }
    for key, value in got.items():
        if key in expect:
            want = sorted(expect[key]) if key in ("eligible", "ineligible") else expect[key]
            same(key, want, value)
    for name in DEADLINE_KEYS:
        if name in expect:
            deadline = d.deadlines.get(name)
            same(name, expect[name], deadline.date if deadline else None)
    for component in expect.get("components", []):
        if component not in d.intensity.components:
            problems.append(
                f"components: {component!r} missing from {list(d.intensity.components)}"
            )
    codes = [w.code for w in d.warnings]
    for code in expect.get("warnings", []):
        if code not in codes:
            problems.append(f"warnings: {code!r} missing from {codes}")
    for code in expect.get("no_warnings", []):
        if code in codes:
            problems.append(f"warnings: {code!r} present, expected absent")
    fired = [f.rule for f in d.trace]
    for rule in expect.get("fired", []):
        if rule not in fired:
            problems.append(f"fired: rule {rule!r} did not fire; fired: {fired}")
    return problems
