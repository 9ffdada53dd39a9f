"""Worked cases: hand-computed expectations that travel with an instrument or a policy.

A case file sits in the ``tests/`` folder beside the definition it checks:

- ``instruments/<id>/tests/<name>.toml`` (schema ``rnr.cases/1``) names an
  instrument version and lists cases, each with its answers and what the
  score must be (:func:`load_worked_cases`, :func:`run_case`);
- ``plans/policies/<id>/tests/<name>.toml`` (schema ``rnr.policy-cases/1``)
  names a policy and lists cases of three kinds (:func:`load_policy_cases`,
  :func:`run_policy_case`). A *decision* case gives the score-derived facts
  and the legal section directly and says what the decision must contain. A
  *change* case gives ``change = { transition, reliable, new_offence,
  breach }`` and expects an ``action`` of the ``change`` table. An *event*
  case gives ``event = "<kind>"`` and expects ``reassess_within_days`` or
  ``reassess = false`` from the ``event_reassessment`` table.

Both kinds are read and checked alike: every problem of the file is
collected; a case expects either a result or an ``error`` (the exception's
name, and words its message must contain); running a case returns every
mismatch, one line each, so the test suite, the CLI's checks and an
agency's own CI can all run them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import attrs

from rnr import errors
from rnr._frozen import frozen_map
from rnr.cases.legal import parse_legal
from rnr.definitions._toml import Checker, read_toml
from rnr.definitions.instrument import Instrument
from rnr.definitions.instrument_loader import load_instrument
from rnr.definitions.library import split_ref
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy
from rnr.errors import RnrError
from rnr.policy.answer import ChangeAnswer, Trigger, decide_change, reassessment_trigger
from rnr.policy.decision import Decision
from rnr.policy.engine import decide_facts
from rnr.scoring.result import ScoreResult
from rnr.scoring.single import score

__all__ = [
    "INSTRUMENT_CASES",
    "POLICY_CASES",
    "PolicyCase",
    "PolicyCaseFile",
    "WorkedCase",
    "WorkedCaseFile",
    "load_policy_cases",
    "load_worked_cases",
    "run_case",
    "run_policy_case",
]

INSTRUMENT_CASES = "rnr.cases/1"
POLICY_CASES = "rnr.policy-cases/1"
ERROR_KEYS = ("error", "error_contains")
CASE_KEYS = ("name", "assessed_on", "responses", "expect", "norm_group", "birth_date", "dates")
EXPECT_KEYS = ("scales", "domains", "bounds", "provisional", "strengths", *ERROR_KEYS)
DECISION_CASE_KEYS = ("name", "assessed_on", "facts", "legal", "expect")
CHANGE_CASE_KEYS = ("name", "change", "expect")
EVENT_CASE_KEYS = ("name", "event", "expect")
DECISION_EXPECT_KEYS = (
    "eligible", "ineligible", "contacts_per_month", "treatment_hours", "components",
    "telematic_monitoring", "period_days", "period_months", "fit", "warnings", "no_warnings",
    "pii_due", "programme_due", "next_reassessment", "attainment_threshold", "fired", *ERROR_KEYS,
)  # fmt: skip
CHANGE_EXPECT_KEYS = ("action", "fired", *ERROR_KEYS)
EVENT_EXPECT_KEYS = ("reassess", "reassess_within_days", "fired", *ERROR_KEYS)
#: The keys of a change case's ``change`` table and the facts they give.
CHANGE_FACT_KEYS = {
    "transition": "change.transition",
    "reliable": "change.reliable",
    "new_offence": "change.new_offence",
    "breach": "change.breach",
}
DEADLINE_KEYS = ("pii_due", "programme_due", "next_reassessment")

C = TypeVar("C")
D = TypeVar("D")
R = TypeVar("R")
Check = Callable[[], list[str]]


@attrs.frozen
class WorkedCase:
    """One named instrument case: its answers and what the score must be."""

    name: str
    assessed_on: dt.date
    responses: Mapping[str, Any] = attrs.field(converter=frozen_map)
    expect: Mapping[str, Any] = attrs.field(converter=frozen_map)
    norm_group: str | None = None
    birth_date: dt.date | None = None
    dates: Mapping[str, dt.date] = attrs.field(converter=frozen_map, factory=dict)


@attrs.frozen
class PolicyCase:
    """One named policy case: facts, legal section, expectations.

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
class WorkedCaseFile:
    """A parsed ``rnr.cases/1`` file."""

    path: Path
    instrument: str
    cases: tuple[WorkedCase, ...]

    def load_instrument(self) -> Instrument:
        """The instrument version the cases name, read from beside the file.

        The file sits in ``<instrument folder>/tests/``, so the definition is
        ``<instrument folder>/<version>.toml``.
        """
        return load_instrument(_beside(self.path, self.instrument))

    def checks(self) -> Iterator[tuple[str, Check]]:
        """Each case's name and its check, which reads the instrument when it runs."""
        for case in self.cases:
            yield case.name, _deferred(run_case, self.load_instrument, case)


@attrs.frozen
class PolicyCaseFile:
    """A parsed ``rnr.policy-cases/1`` file."""

    path: Path
    policy: str
    cases: tuple[PolicyCase, ...]

    def load_policy(self) -> Policy:
        """The policy version named, read from ``<policy folder>/<version>.toml``."""
        return load_policy(_beside(self.path, self.policy))

    def checks(self) -> Iterator[tuple[str, Check]]:
        """Each case's name and its check, which reads the policy when it runs."""
        for case in self.cases:
            yield case.name, _deferred(run_policy_case, self.load_policy, case)


def _beside(path: Path, ref: str) -> Path:
    """``<folder>/<version>.toml`` for a case file in ``<folder>/tests/`` naming ``ref``."""
    _, version = split_ref(ref)
    return path.parent.parent / f"{version}.toml"


def _deferred(run: Callable[[D, C], list[str]], load: Callable[[], D], case: C) -> Check:
    """A check that reads its definition only when it runs (a broken one fails its cases)."""
    return lambda: run(load(), case)


# -- reading -------------------------------------------------------------------
def load_worked_cases(path: str | Path) -> WorkedCaseFile:
    """Read and check an instrument's worked-case file.

    Raises:
        DefinitionError: naming the file, the case and the field.
    """
    path = Path(path)
    ref, cases = _read(
        path, INSTRUMENT_CASES, "instrument", "'id@version'", _instrument_case, exact=True
    )
    return WorkedCaseFile(path=path, instrument=ref, cases=cases)


def load_policy_cases(path: str | Path) -> PolicyCaseFile:
    """Read and check a policy's worked-case file.

    Raises:
        DefinitionError: naming the file, the case and the field.
    """
    path = Path(path)
    ref, cases = _read(path, POLICY_CASES, "policy", "'id@YYYY-MM-DD'", _policy_case, exact=False)
    return PolicyCaseFile(path, ref, cases)


def _read(
    path: Path,
    schema: str,
    subject: str,
    shape: str,
    parse_case: Callable[[Checker, object, str], C | None],
    *,
    exact: bool,
) -> tuple[str, tuple[C, ...]]:
    """The reference to the definition and the cases of one case file.

    Args:
        path: the file.
        schema: the schema it must declare.
        subject: the key naming the definition (``instrument``, ``policy``).
        shape: what that reference looks like, for messages.
        parse_case: reads one ``[[cases]]`` table, recording its problems.
        exact: whether the reference must name a version.

    Raises:
        DefinitionError: listing every problem of the file.
    """
    doc = read_toml(path)
    check = Checker()
    check.top(doc, schema, required=("schema", subject, "cases"))
    ref = check.want_str(doc, subject, "", what=shape)
    if exact and ref is not None and split_ref(ref)[1] is None:
        check.fail(subject, ref, f"{shape} (worked cases name an exact version)")
    raw = doc.get("cases")
    if not isinstance(raw, list) or not raw:
        check.fail("cases", raw, "a non-empty array of [[cases]]")
        raw = []
    cases: list[C] = []
    names: set[str] = set()
    for i, case in enumerate(raw):
        where = f"cases[{i}]"
        parsed = parse_case(check, case, where)
        name = case.get("name") if isinstance(case, dict) else None
        if isinstance(name, str) and name:
            if name in names:
                check.note(f"{where}.name", f"duplicate case name {name!r}")
            names.add(name)
        if parsed is not None:
            cases.append(parsed)
    return check.checked(ref, str(path)), tuple(cases)


def _expect(
    check: Checker, value: object, where: str, keys: tuple[str, ...]
) -> dict[str, Any] | None:
    """A case's ``expect`` table; ``error`` must name an rnr error, ``error_contains`` be texts."""
    expect = check.table(value, where, optional=keys)
    if expect is None:
        return None
    wanted = expect.get("error")
    if wanted is not None and not (
        isinstance(wanted, str) and isinstance(getattr(errors, wanted, None), type)
    ):
        check.fail(
            f"{where}.error", wanted, "the name of an rnr error (" + errors.__all__[0] + ", ...)"
        )
    texts = expect.get("error_contains", [])
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        check.fail(f"{where}.error_contains", texts, "a list of texts the message holds")
        return None
    return expect


def _instrument_case(check: Checker, case: object, where: str) -> WorkedCase | None:
    required = ("name", "assessed_on", "responses", "expect")
    table = check.table(case, where, required=required, optional=CASE_KEYS)
    if table is None:
        return None
    name = check.want_str(table, "name", where)
    assessed_on = check.want_date(table, "assessed_on", where)
    birth_date = check.want_date(table, "birth_date", where)
    expect = _expect(check, table.get("expect"), f"{where}.expect", EXPECT_KEYS)
    responses = table.get("responses")
    if not isinstance(responses, dict):
        check.fail(f"{where}.responses", responses, "a table of item id = answer")
        responses = None
    dates = table.get("dates", {})
    if not isinstance(dates, dict) or any(not isinstance(v, dt.date) for v in dates.values()):
        check.fail(f"{where}.dates", dates, "a table of name = date")
        dates = {}
    if name is None or assessed_on is None or expect is None or responses is None:
        return None
    return WorkedCase(
        name=name,
        assessed_on=assessed_on,
        responses=responses,
        expect=expect,
        norm_group=table.get("norm_group"),
        birth_date=birth_date,
        dates=dates,
    )


def _policy_case(check: Checker, case: object, where: str) -> PolicyCase | None:
    if isinstance(case, dict) and "change" in case:
        return _change_case(check, case, where)
    if isinstance(case, dict) and "event" in case:
        return _event_case(check, case, where)
    return _decision_case(check, case, where)


def _decision_case(check: Checker, case: object, where: str) -> PolicyCase | None:
    table = check.table(case, where, required=DECISION_CASE_KEYS)
    if table is None:
        return None
    name = check.want_str(table, "name", where)
    day = check.want_date(table, "assessed_on", where)
    expect = _expect(check, table.get("expect"), f"{where}.expect", DECISION_EXPECT_KEYS)
    for key in ("facts", "legal"):
        if not isinstance(table.get(key), dict):
            check.fail(f"{where}.{key}", table.get(key), "a table")
    if not (name and day and expect is not None):
        return None
    facts, legal = table["facts"], table["legal"]
    if not (isinstance(facts, dict) and isinstance(legal, dict)):
        return None
    return PolicyCase(name, day, facts, legal, expect)


def _change_case(check: Checker, case: dict[str, Any], where: str) -> PolicyCase | None:
    if check.table(case, where, required=CHANGE_CASE_KEYS) is None:
        return None
    name = check.want_str(case, "name", where)
    expect = _expect(check, case.get("expect"), f"{where}.expect", CHANGE_EXPECT_KEYS)
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
    expect = _expect(check, case.get("expect"), f"{where}.expect", EVENT_EXPECT_KEYS)
    if expect is not None:
        check.want_int(expect, "reassess_within_days", f"{where}.expect", min_value=0)
        check.want_bool(expect, "reassess", f"{where}.expect")
    if not (name and event and expect is not None):
        return None
    return PolicyCase(name, None, {}, {}, expect, event=event)


# -- running -------------------------------------------------------------------
def run_case(instrument: Instrument, case: WorkedCase) -> list[str]:
    """Score ``case`` and return every way the result differs from its expectations."""
    attempt = partial(
        score,
        instrument,
        case.responses,
        assessed_on=case.assessed_on,
        norm_group=case.norm_group,
        birth_date=case.birth_date,
        dates=case.dates,
    )
    return _outcome(case.expect, attempt, "scoring succeeded", _score_mismatches)


def run_policy_case(policy: Policy, case: PolicyCase) -> list[str]:
    """Run ``case`` and return every way the answer differs from its expectations."""
    expect = case.expect
    if case.kind == "change":
        assert case.change is not None
        facts = {CHANGE_FACT_KEYS[k]: v for k, v in case.change.items()}
        change = partial(decide_change, policy, facts)
        return _outcome(expect, change, "the change was answered", _change_mismatches)
    if case.kind == "event":
        assert case.event is not None
        trigger = partial(reassessment_trigger, policy, case.event)
        compare = partial(_event_mismatches, policy, case.event)
        return _outcome(expect, trigger, "the event was answered", compare)
    decision = partial(_decide, policy, case)
    return _outcome(expect, decision, "the decision succeeded", _decision_mismatches)


def _decide(policy: Policy, case: PolicyCase) -> Decision:
    assert case.assessed_on is not None
    known = {k: frozenset(v) if isinstance(v, list) else v for k, v in case.facts.items()}
    legal = parse_legal(dict(case.legal))
    return decide_facts(policy, known, legal, assessed_on=case.assessed_on)


def _outcome(
    expect: Mapping[str, Any],
    attempt: Callable[[], R],
    succeeded: str,
    compare: Callable[[Mapping[str, Any], R], list[str]],
) -> list[str]:
    """Every mismatch between ``expect`` and what ``attempt`` gives: a result or an error."""
    try:
        got = attempt()
    except RnrError as exc:
        return _error_mismatches(expect, exc)
    if "error" in expect:
        return [f"expected {expect['error']}, but {succeeded}"]
    return compare(expect, got)


def _error_mismatches(expect: Mapping[str, Any], exc: RnrError) -> list[str]:
    """Mismatches of an error against ``expect.error`` and ``expect.error_contains``."""
    wanted = expect.get("error")
    if wanted is None:
        return [f"unexpected {type(exc).__name__}: {exc}"]
    cls = getattr(errors, str(wanted), None)
    problems = []
    if not (isinstance(cls, type) and isinstance(exc, cls)):
        problems.append(f"expected {wanted}, got {type(exc).__name__}: {exc}")
    for text in expect.get("error_contains", []):
        if str(text) not in str(exc):
            problems.append(f"error message lacks {text!r}: {exc}")
    return problems


def _differ(what: str, want: object, got: object) -> list[str]:
    """``what: expected …, got …`` when ``want`` and ``got`` differ."""
    return [] if want == got else [f"{what}: expected {want!r}, got {got!r}"]


def _expected(expect: Mapping[str, Any], key: str, got: object) -> list[str]:
    """The mismatch of ``got`` with ``expect[key]``, when the case expects it."""
    return _differ(key, expect[key], got) if key in expect else []


def _not_fired(expect: Mapping[str, Any], fired: list[str]) -> list[str]:
    """Each rule of ``expect.fired`` missing from the rules that ``fired``."""
    return [
        f"fired: rule {rule!r} did not fire; fired: {fired}"
        for rule in expect.get("fired", [])
        if rule not in fired
    ]


def _score_mismatches(expect: Mapping[str, Any], result: ScoreResult) -> list[str]:
    bounds = {sid: scale.bounds for sid, scale in result.scales.items()}
    no_bounds = "the result has no bounds (not provisional)"
    problems = [
        *_fields("scales", expect.get("scales", {}), result.scales, "no such scale"),
        *_fields("domains", expect.get("domains", {}), result.domains, "no such domain"),
        *_fields("bounds", expect.get("bounds", {}), bounds, no_bounds),
        *_expected(expect, "provisional", result.provisional),
    ]
    if "strengths" in expect:
        problems += _differ("strengths", sorted(expect["strengths"]), sorted(result.strengths))
    return problems


def _fields(
    section: str,
    wanted: Mapping[str, Mapping[str, Any]],
    found: Mapping[str, object | None],
    absent: str,
) -> list[str]:
    """Compare each expected field of each expected entry (scale, domain, bounds)."""
    problems: list[str] = []
    for key, fields in wanted.items():
        value = found.get(key)
        if value is None:
            problems.append(f"{section}.{key}: {absent}")
            continue
        for field, want in fields.items():
            got = getattr(value, field, f"<no field {field}>")
            problems += _differ(f"{section}.{key}.{field}", want, got)
    return problems


def _decision_mismatches(expect: Mapping[str, Any], d: Decision) -> list[str]:
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
    problems: list[str] = []
    for key, value in got.items():
        if key in expect:
            want = sorted(expect[key]) if key in ("eligible", "ineligible") else expect[key]
            problems += _differ(key, want, value)
    for name in DEADLINE_KEYS:
        deadline = d.deadlines.get(name)
        problems += _expected(expect, name, deadline.date if deadline else None)
    components = list(d.intensity.components)
    problems += [
        f"components: {c!r} missing from {components}"
        for c in expect.get("components", [])
        if c not in components
    ]
    codes = [w.code for w in d.warnings]
    problems += [
        f"warnings: {code!r} missing from {codes}"
        for code in expect.get("warnings", [])
        if code not in codes
    ]
    problems += [
        f"warnings: {code!r} present, expected absent"
        for code in expect.get("no_warnings", [])
        if code in codes
    ]
    return problems + _not_fired(expect, [f.rule for f in d.trace])


def _change_mismatches(expect: Mapping[str, Any], answer: ChangeAnswer) -> list[str]:
    problems = []
    if "action" in expect and expect["action"] != answer.action:
        problems.append(
            f"action: expected {expect['action']!r}, got {answer.action!r} (rule {answer.rule})"
        )
    return problems + _not_fired(expect, [f.rule for f in answer.trace])


def _event_mismatches(
    policy: Policy, event: str, expect: Mapping[str, Any], trigger: Trigger | None
) -> list[str]:
    days = trigger.days if trigger is not None else None
    problems = [
        *_expected(expect, "reassess", trigger is not None),
        *_expected(expect, "reassess_within_days", days),
    ]
    table = policy.tables["event_reassessment"]  # present: the trigger was answered
    result = table.evaluate(dict.fromkeys(table.inputs, event))  # every input is event.kind
    return problems + _not_fired(expect, list(result.fired) if result else [])
