"""Worked cases for policies (``rnr.policy-cases/1``), hand-computed.

Each case gives the score-derived facts and the legal section directly and
says what the decision must contain; :func:`run_policy_case` returns every
mismatch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from rnr import errors
from rnr._frozen import frozen_map
from rnr._validate import Checker, read_toml
from rnr.errors import DefinitionError, RnrError
from rnr.legal import parse_legal
from rnr.library import split_ref
from rnr.policy.decision import Decision
from rnr.policy.engine import decide_facts
from rnr.policy.loader import load_policy
from rnr.policy.model import Policy

__all__ = ["PolicyCase", "PolicyCaseFile", "load_policy_cases", "run_policy_case"]

CASE_KEYS = ("name", "assessed_on", "facts", "legal", "expect")
EXPECT_KEYS = (
    "eligible", "ineligible", "contacts_per_month", "treatment_hours", "components",
    "telematic_monitoring", "period_days", "period_months", "fit", "warnings", "no_warnings",
    "pii_due", "programme_due", "next_reassessment", "attainment_threshold", "fired", "error",
    "error_contains",
)  # fmt: skip
DEADLINE_KEYS = ("pii_due", "programme_due", "next_reassessment")


@attrs.frozen
class PolicyCase:
    """One named case: facts, legal section, expectations."""

    name: str
    assessed_on: dt.date
    facts: Mapping[str, Any] = attrs.field(converter=frozen_map)
    legal: Mapping[str, Any] = attrs.field(converter=frozen_map)
    expect: Mapping[str, Any] = attrs.field(converter=frozen_map)


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
        if check.table(case, where, required=CASE_KEYS) is None:
            continue
        name = check.want_str(case, "name", where)
        if name in names:
            check.note(f"{where}.name", f"duplicate case name {name!r}")
        names.add(name or "")
        day = check.want_date(case, "assessed_on", where)
        expect = check.table(case.get("expect"), f"{where}.expect", optional=EXPECT_KEYS)
        for key in ("facts", "legal"):
            if not isinstance(case.get(key), dict):
                check.fail(f"{where}.{key}", case.get(key), "a table")
        if name and day and expect is not None and not check.problems:
            cases.append(PolicyCase(name, day, case["facts"], case["legal"], expect))
    if check.problems:
        raise DefinitionError(str(path), check.problems)
    return PolicyCaseFile(path, str(ref), tuple(cases))


def run_policy_case(policy: Policy, case: PolicyCase) -> list[str]:
    """Decide ``case`` and return every way the decision differs from its expectations."""
    expect = case.expect
    try:
        known = {k: frozenset(v) if isinstance(v, list) else v for k, v in case.facts.items()}
        decision = decide_facts(
            policy, known, parse_legal(dict(case.legal)), assessed_on=case.assessed_on
        )
    except RnrError as exc:
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
    if "error" in expect:
        return [f"expected {expect['error']}, but the decision succeeded"]
    return _compare(decision, expect)


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
