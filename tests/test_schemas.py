"""The JSON Schemas of rnr/schemas: every document rnr writes validates against its schema.

(a) Every command with ``--json`` runs on real data (the shipped instruments
and policies, the example cases, a store filled by ``rnr simulate``, a case
store written by ``rnr case``, a validity CSV), and every line it prints
validates against its schema. (b) Library outputs of Hypothesis-generated
cases validate too. (c) The schemas match the attrs classes they describe:
each field is a property, save for a documented rename or omission. (d)
Every schema is itself valid, ``rnr schema list`` names exactly the files and
the catalogue describes each in both locales.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from rnr import decide, default_library, draft_plan
from rnr.cases.legal import LegalContext
from rnr.cases.overrides import Override
from rnr.change.delta import Change, DataError, DomainChange, ScaleChange
from rnr.change.desistance import Signal, Signals
from rnr.change.history import HistoryChange
from rnr.change.trend import Trajectory
from rnr.cli import main
from rnr.cli.instruments import Check
from rnr.costs.caseload import CaseloadCosts, CostGroup, ProgrammeUse, ResultCost
from rnr.costs.plan import ComponentCost, PlanCost
from rnr.definitions.instrument import Reliability
from rnr.definitions.library import data_dir, policy_library
from rnr.definitions.policy import Policy
from rnr.definitions.ref import Ref
from rnr.definitions.responsivity import Responsivity
from rnr.history.entries import CaseHistory
from rnr.history.overrides import OverrideReport
from rnr.history.programme import ProgrammeReport
from rnr.history.progress import CaseChange, Window
from rnr.indicators.caseload import Due
from rnr.indicators.compute import IndicatorResult
from rnr.indicators.reinsertion_index import ReinsertionReport
from rnr.plan.draft import (
    Adaptation,
    Attainment,
    HoursFloor,
    PlanDraft,
    PlanObjective,
    Reason,
    StatusNote,
)
from rnr.policy.answer import ChangeAnswer, IntensityStep
from rnr.policy.decision import Deadline, Decision, DecisionWarning, Fired, Intensity, Nearest
from rnr.policy.engine import decide_facts
from rnr.policy.many import WhatIf
from rnr.render.messages import catalogue
from rnr.schemas import FOLDER, names, schema
from rnr.scoring.result import (
    Bounds,
    DomainScore,
    ItemScore,
    ScaleScore,
    ScoreResult,
    Step,
    TermScore,
)
from rnr.store.records import AuditEntry, Stored
from rnr.store.sqlite import SQLiteStore
from rnr.testing.policy_strategies import policy_cases
from rnr.testing.strategies import cases
from rnr.text import Message, Text
from rnr.validity.accuracy import BrierResult
from rnr.validity.calibrate import Calibration, CalibrationRow, Expected
from rnr.validity.classification import Classification
from rnr.validity.discrimination import AucResult, BootstrapResult, RocCurve
from rnr.validity.percentiles import Norms, Recalibration
from rnr.validity.reliability import Agreement
from rnr.validity.study import Study
from rnr.validity.subgroups import Difference, Figures

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ROOT = data_dir()
CASES = DATA / "plans" / "cases"
ADULT = CASES / "prueba-adulto-01.json"
EXAMPLES = sorted(ROOT.glob("instruments/*/examples/*.json"))
STUDY = Path(__file__).resolve().parent.parent / "examples" / "estudio.csv"
#: The one schema another helper keeps (the case a user writes) and the one of errors.
READ_OR_ERROR = {"case", "error"}


def validator(name: str) -> Draft202012Validator:
    """A validator of schema ``name`` that checks formats (dates, times)."""
    return Draft202012Validator(schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(name: str, document: Any) -> list[str]:
    """Every way ``document`` fails schema ``name``, one line each (empty: it validates)."""
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in validator(name).iter_errors(document)
    ]


# -- (a) every command's JSON, on real data -----------------------------------------------


class Outputs:
    """Runs ``rnr`` in process and files every JSON document it prints under its schema."""

    def __init__(self) -> None:
        self.found: dict[str, list[tuple[str, Any]]] = {name: [] for name in names()}

    def run(self, *argv: str | Path) -> tuple[int, str, str]:
        """Run ``rnr argv``; return the status, standard output and standard error."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([str(a) for a in argv])
        return status, out.getvalue(), err.getvalue()

    def json(self, name: str, *argv: str | Path, lines: bool = False, status: int = 0) -> Any:
        """Run a command; file its output (one document, or one per line) under ``name``."""
        code, out, err = self.run(*argv)
        assert status == code, (argv, err)
        label = " ".join(str(a) for a in argv)
        docs = [json.loads(line) for line in out.splitlines()] if lines else [json.loads(out)]
        assert docs, f"{label}: printed nothing"
        self.found[name].extend((label, d) for d in docs)
        return docs if lines else docs[0]

    def add(self, name: str, label: str, document: Any) -> None:
        """File a document read from elsewhere (a file a command wrote)."""
        self.found[name].append((label, document))


def _write(path: Path, document: Mapping[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _case_commands(o: Outputs, tmp: Path) -> None:
    """A case store written by every ``rnr case`` command, and read back."""
    db = tmp / "cases.sqlite3"
    adult = json.loads(ADULT.read_text(encoding="utf-8"))
    case_id = adult["case_id"]
    write = ("--db", db, "--by", "delegado-01", "--json")
    o.json("case-write", "case", "add", ADULT, *write)
    for day, unemployed in (("2025-02-20", False), ("2025-08-20", True)):
        again = {k: v for k, v in adult.items() if k != "legal"}
        again |= {
            "assessed_on": day,
            "responses": adult["responses"] | {"currently_unemployed": unemployed},
        }
        if day == "2025-08-20":
            again["override"] = {
                "to_level": "high", "direction": "up", "reason": "victim_safety",
                "approved_by": "jefatura-02", "approved_on": day,
            }  # fmt: skip
        path = _write(tmp / f"again-{day}.json", again)
        o.json("case-write", "case", "reassess", case_id, path, *write)
    breach = ("case", "event", case_id, "breach", "--on", "2025-03-01", *write)
    assert not o.json("event-write", *breach)["already_stored"]
    assert o.json("event-write", *breach)["already_stored"]  # the same event, not written twice
    o.json(
        "event-write", "case", "event", case_id, "attendance", "--on", "2025-03-02",
        "--set", "component=apoyo", "--set", "scheduled=4", "--set", "attended=3", *write,
    )  # fmt: skip
    history = o.json("history", "case", "history", case_id, "--db", db, "--json")
    objective = history["plans"][-1]["plan"]["objectives"][0]["id"]
    o.json(
        "case-write", "case", "review", case_id, "--on", "2025-09-01",
        "--set", f"{objective}=in_progress:va bien", *write,
    )  # fmt: skip
    o.json("change", "case", "change", case_id, "--db", db, "--json")
    (due,) = o.json("due", "due", "--db", db, "--as-of", "2025-04-15", "--json", lines=True)
    assert ("event", 15) == (due["basis"], due["days_overdue"])  # breach 2025-03-01, +30 days
    juvenile = CASES / "prueba-juvenil-01.json"
    o.json("case-write", "case", "add", juvenile, *write)
    o.json("case-list", "case", "list", "--db", db, "--json", lines=True)


def _service_documents(o: Outputs, tmp: Path) -> None:
    """What the HTTP service's case store endpoints answer and read (the library makes them)."""
    import datetime as dt  # noqa: PLC0415

    from rnr.history.requests import case_page, due_counts, due_entries, due_page  # noqa: PLC0415

    db = tmp / "cases.sqlite3"  # written by _case_commands
    with SQLiteStore(db, read_only=True) as store:
        first = case_page(store, limit=1)
        o.add("case-page", "case_page(limit=1)", first)
        o.add("case-page", "case_page(next)", case_page(store, limit=1, cursor=first["next"]))
        as_of = dt.date(2025, 4, 15)
        o.add("due-page", "due_page()", due_page(store, as_of))
        o.add("due-page", "due_page(overdue)", due_page(store, as_of, overdue=True, limit=1))
        o.add("due-counts", "due_counts()", due_counts(due_entries(store, as_of), as_of).to_dict())
    o.add("event-request", "breach", {"kind": "breach", "on": "2025-03-01", "note": "x"})
    o.add(
        "event-request",
        "attendance",
        {"kind": "attendance", "on": "2025-03-02", "component": "apoyo", "scheduled": 4,
         "attended": 3, "corrects": 12},
    )  # fmt: skip
    o.add(
        "review-request",
        "review",
        {"on": "2025-09-01", "changes": {"empleo": {"status": "in_progress", "note": "va bien"}},
         "closing": False},
    )  # fmt: skip
    o.add(
        "plan-approval-request",
        "approval",
        {"on": "2025-09-01", "version": 1, "reference": "RIT 1"},
    )
    o.add(
        "override-request",
        "override",
        {"to_level": "high", "direction": "up", "reason": "victim_safety",
         "approved_on": "2025-08-20"},
    )  # fmt: skip


def _store_commands(o: Outputs, tmp: Path, db: Path) -> None:
    """Verify, head, export and import of a simulated store, and the export's lines."""
    o.json("store-verify", "store", "verify", "--db", db, "--json")
    o.json("store-head", "store", "head", "--db", db, "--json")
    export = tmp / "export.jsonl"
    o.json("store-export-summary", "store", "export", "--db", db, "-o", export, "--json")
    lines = export.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines[:400]):  # the header, records of every kind, audit entries
        o.add("store-export", f"{export}:{n + 1}", json.loads(line))
    for line in lines[-20:]:
        o.add("store-export", f"{export} (end)", json.loads(line))
    with SQLiteStore(db, read_only=True) as store:
        for stored in list(store.records())[:60]:
            o.add("store-record", f"{db} record {stored.id}", stored.to_dict())
    o.json("store-import", "store", "import", export, "--db", tmp / "copy.sqlite3", "--json")
    copied = tmp / "copied.sqlite3"
    o.json("store-import", "store", "copy", "--from", db, "--to", copied, "--json")
    o.json("store-init", "store", "init", "--db", copied, "--json")
    jsonl = tmp / "sim.jsonl"
    o.json("simulate", "simulate", "--people", "3", "--years", "1", "--jsonl", jsonl, "--json")
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        o.add("store-export", str(jsonl), json.loads(line))


def _simulated_commands(o: Outputs, db: Path) -> None:
    """Commands that read a simulated store: due, indicators, validate, case history."""
    o.json("due", "due", "--db", db, "--as-of", "2025-06-30", "--json", lines=True)
    o.json("indicators", "indicators", "--period", "2025", "--db", db, "--json")
    o.json("costs", "costs", "--period", "2025", "--db", db, "--json")
    o.json(
        "indicators", "indicators", "--period", "2025", "--programme", "LAS", "--db", db, "--json"
    )
    rows = o.json("case-list", "case", "list", "--db", db, "--json", lines=True)
    for row in rows[:4]:
        o.json("history", "case", "history", row["case_id"], "--db", db, "--json")
        o.json("change", "case", "change", row["case_id"], "--db", db, "--json")
    o.json(
        "validity", "validate", "--db", db, "--instrument", "lscmi", "--group", "sex",
        "--cut", "20", "--json",
    )  # fmt: skip


def _validate_commands(o: Outputs) -> None:
    """``rnr validate`` on a CSV file, with every option that adds to the JSON."""
    base = ("validate", STUDY, "--json")
    o.json("validity", *base, "--score", "total", "--outcome", "reincide")
    o.json(
        "validity", *base, "--score", "total", "--outcome", "reincide", "--group", "sexo",
        "--level", "nivel", "--cut", "15", "--bootstrap", "40", "--seed", "2",
        "--expected", "bajo=0.1,medio=40%,alto=0.7", "--expected-source", "manual, tabla 4",
        "--raters", "evaluador_a", "evaluador_b",
        "--norms", "--recalibrate", "bajo=0.5,medio=0.25,alto=0.25",
    )  # fmt: skip
    o.json("validity", *base, "--raters", "evaluador_a", "evaluador_b")
    o.json("validity", *base, "--score", "total", "--norms")


def _definition_commands(o: Outputs) -> None:
    """Instruments and policies: list, show every version, check; schemas listed."""
    for listed in o.json("instrument-list", "instruments", "list", "--json"):
        o.json("instrument", "instruments", "show", f"{listed['id']}@{listed['version']}", "--json")
    for listed in o.json("policy-list", "policies", "list", "--json"):
        o.json("policy", "policies", "show", f"{listed['id']}@{listed['version']}", "--json")
    psa = ROOT / "instruments" / "psa"
    o.json("check-report", "instruments", "check", psa, "--max-examples", "3", "--json")
    broken = TESTS.parent / "examples" / "broken" / "instruments"  # a failed check, with detail
    o.json("check-report", "instruments", "check", broken, "--json", status=1)
    o.json(
        "check-report",
        "policies",
        "check",
        ROOT / "plans" / "policies" / "cl-juvenil-20084",
        "--json",
    )
    o.json("schema-list", "schema", "list", "--json")
    o.json("schema-list", "schema", "list", "--json", "--lang", "en")


def _case_file_commands(o: Outputs, tmp: Path) -> None:
    """score, decide, plan and whatif on the example and test cases."""
    for example in EXAMPLES:
        o.add("case", str(example), json.loads(example.read_text(encoding="utf-8")))
        o.json("score", "score", example, "--json")
    jsonl = "".join(json.dumps(json.loads(p.read_text(encoding="utf-8"))) + "\n" for p in EXAMPLES)
    path = tmp / "examples.jsonl"
    path.write_text(jsonl, encoding="utf-8")
    o.json("score", "score", path, "--json", lines=True)
    legal_cases = sorted(CASES.glob("*.json"))
    for case in legal_cases:
        regime = json.loads(case.read_text(encoding="utf-8"))["legal"]["regime"]
        policy = "cl-adultos-18216" if regime == "adult" else "cl-juvenil-20084"
        o.json("decision", "decide", case, "--policy", policy, "--json")
        o.json("plan", "plan", case, "--policy", policy, "--json")
    adults = [p for p in legal_cases if "adulto" in p.name]
    cohort = tmp / "cohort.jsonl"
    cohort.write_text(
        "".join(json.dumps(json.loads(p.read_text(encoding="utf-8"))) + "\n" for p in adults),
        encoding="utf-8",
    )
    o.json(
        "whatif", "whatif", cohort, "--policy", "cl-adultos-18216@2024-01-13",
        "--against", "cl-adultos-18216@2024-01-14", "--json",
    )  # fmt: skip
    o.json(
        "whatif", "whatif", Path(__file__).parent.parent / "examples" / "cohort-juvenil.jsonl",
        "--policy", "cl-juvenil-20084@2024-01-13", "--against", "cl-juvenil-20084@2024-01-14",
        "--costs", "--json",
    )  # fmt: skip
    o.json("cost-book", "costs", "--period", "2026", "--json")
    o.json("cost-book", "costs", "--period", "2024", "--prices-of", "2025", "--json")


def _error(o: Outputs) -> None:
    """An error, as ``--json`` writes it on standard error."""
    status, out, err = o.run("schema", "show", "no-such-schema", "--json")
    assert (3, "") == (status, out), err
    o.add("error", "schema show no-such-schema", json.loads(err))
    _problems(o)


def _problems(o: Outputs) -> None:
    """The HTTP service's problems (its own answers are checked in tests/test_service.py)."""
    from rnr.errors import CaseFileError, InstrumentDefinitionError, Problem  # noqa: PLC0415
    from rnr.service.problems import RequestError, internal, problem  # noqa: PLC0415

    for error in [
        CaseFileError("missing", file="<request>", field="responses", code="case.field.missing"),
        InstrumentDefinitionError("x.toml", [Problem("items[0].id", "missing")]),
        RequestError("too large", status=413, code="request.too_large"),
    ]:
        o.add("problem", f"problem({error.code})", problem(error, "es"))
    o.add("problem", "internal()", internal("en"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, list[tuple[str, Any]]]:
    """Every JSON document every command prints, filed by schema (one simulated store)."""
    tmp = tmp_path_factory.mktemp("schemas")
    o = Outputs()
    sim = tmp / "sim.sqlite3"
    o.json(
        "simulate", "simulate", "--people", "30", "--years", "3", "--intake-years", "2",
        "--seed", "1", "--db", sim, "--json",
    )  # fmt: skip
    _definition_commands(o)
    _case_file_commands(o, tmp)
    _case_commands(o, tmp)
    _service_documents(o, tmp)
    _store_commands(o, tmp, sim)
    _simulated_commands(o, sim)
    _validate_commands(o)
    _error(o)
    return o.found


@pytest.mark.parametrize("name", names())
def test_every_output_validates(name: str, outputs: Mapping[str, list[tuple[str, Any]]]) -> None:
    """Each schema has real outputs to check, and every one of them validates."""
    found = outputs[name]
    assert found, f"no command output was checked against {name}"
    failures = [f"{label}: {p}" for label, doc in found for p in problems(name, doc)[:3]]
    assert [] == failures[:10]


def test_a_changed_output_fails(outputs: Mapping[str, list[tuple[str, Any]]]) -> None:
    """The schemas are strict: a bad date, an unknown key, a missing key or a wrong type fails."""
    _, score = outputs["score"][0]
    assert [] == problems("score", score)
    assert problems("score", score | {"assessed_on": "2024-02-30"})
    assert problems("score", score | {"risk": "high"})
    assert problems("score", {k: v for k, v in score.items() if k != "scales"})
    item = next(iter(score["items"]))
    changed = score | {"items": score["items"] | {item: score["items"][item] | {"points": 1}}}
    assert problems("score", changed)
    _, line = outputs["store-export"][1]
    assert problems("store-export", line | {"sha256": "ABC"})


def test_outputs_cover_the_branches_that_matter(
    outputs: Mapping[str, list[tuple[str, Any]]],
) -> None:
    """The real data reach the optional parts: overrides, steps, corrections, every record kind."""
    histories = [doc for name in ("history", "case-write") for _, doc in outputs[name]]
    assert any(h["overrides"] for h in histories)
    assert any(d["step"] for h in histories for d in h["decisions"])
    assert any(e.get("attended") is not None for h in histories for e in h["events"])
    assert any(doc["change"] and doc["change"]["trajectory"] for _, doc in outputs["change"])
    lines = [doc for _, doc in outputs["store-export"]]
    kinds = {doc["kind"] for doc in lines if doc.get("type") == "record"}
    assert {"case", "assessment", "decision", "plan", "event"} <= kinds
    assert any(doc.get("type") == "audit" for doc in lines)
    assert any("format" in doc for doc in lines)
    studies = [doc for _, doc in outputs["validity"]]
    assert any(s["reliability"] and s["norms"] and s["recalibration"] for s in studies)
    assert any("accuracy" in s and s["groups"] for s in studies)
    assert any(isinstance(s["file"], dict) for s in studies)


# -- (b) library outputs of generated cases ------------------------------------------------------

INSTRUMENTS = list(default_library())
POLICIES = list(policy_library())


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=[str(i.ref) for i in INSTRUMENTS])
def test_generated_scores_validate(instrument: Any) -> None:
    """ScoreResult.to_dict of generated cases (complete or with omissions) validates."""
    check = validator("score")

    @given(cases(instrument, omissions="within"))
    def run(case: Any) -> None:
        document = case.score(instrument).to_dict()
        check.validate(document)
        assert json.loads(json.dumps(document)) == document

    run()


@pytest.mark.parametrize("policy", POLICIES, ids=[str(p.ref) for p in POLICIES])
def test_generated_decisions_validate(policy: Policy) -> None:
    """Decision.to_dict of generated facts and legal sections validates."""
    check = validator("decision")

    @given(policy_cases(policy))
    def run(case: tuple[dict[str, Any], LegalContext, dt.date]) -> None:
        facts, legal, day = case
        check.validate(decide_facts(policy, facts, legal, assessed_on=day).to_dict())

    run()


def test_generated_plans_validate() -> None:
    """Plans drafted from generated LS/CMI scores under the adult policy validate."""
    lscmi = default_library().get("lscmi")
    adult = next(p for p in POLICIES if p.regime == "adult")
    check = validator("plan")

    @given(cases(lscmi), st.sampled_from(("LV", "LVI")), st.integers(541, 1800))
    def run(case: Any, sanction: str, days: int) -> None:
        result = case.score(lscmi)
        day = max(result.assessed_on, adult.effective_from)
        result = attrs.evolve(result, assessed_on=day)
        legal = LegalContext(
            regime="adult", sanction=sanction, sentence_days=days,
            sentence_date=day - dt.timedelta(days=20), entry_date=day,
        )  # fmt: skip
        decision = decide(result, legal, adult, case_id="c-1")
        check.validate(draft_plan(result, decision, dated=day).to_dict())

    run()


# -- (c) the schemas against the attrs classes ---------------------------------------------------


@attrs.frozen
class Described:
    """Where a class is described, and how its JSON differs from its attrs fields.

    ``definition`` is the name under ``$defs`` (``None``: the schema's root).
    ``renamed`` maps a field to the property it becomes (``None``: the field is
    left out); ``added`` lists properties that are no field (a property
    computed from the fields, or a field flattened into its members).
    """

    schema: str
    definition: str | None = None
    renamed: Mapping[str, str | None] = attrs.field(factory=dict)
    added: tuple[str, ...] = ()


_FIGURES_RATES = ("accuracy", "sensitivity", "specificity", "fpr", "fnr", "ppv", "npv")
_COMPARED = ("auc", "base_rate", *_FIGURES_RATES, "flagged_rate", "brier", "in_the_large")

#: Every class with a schema. Exceptions are documented here, each with its reason.
DESCRIBED: Mapping[type, Described] = {
    # the items and terms are keyed by id: the id is the key, not a property
    ScoreResult: Described("score", added=("risk_level", "criminogenic_needs")),
    ItemScore: Described("score", "ItemScore", renamed={"id": None}),
    TermScore: Described("score", "TermScore", renamed={"id": None}),
    Bounds: Described("score", "Bounds"),
    Step: Described("score", "Step"),
    ScaleScore: Described("score", "ScaleScore"),
    DomainScore: Described("score", "DomainScore"),
    Ref: Described("score", "Ref"),
    Message: Described("score", "Message"),
    Text: Described("decision", "Text"),
    Decision: Described("decision"),
    Override: Described("decision", "Override"),
    Intensity: Described("decision", "Intensity"),
    Deadline: Described("decision", "Deadline"),
    DecisionWarning: Described("decision", "DecisionWarning"),
    Nearest: Described("decision", "Nearest"),
    Fired: Described("decision", "Fired"),
    # rnr plan --json and POST /v1/plan add the expected cost beside the draft's fields
    PlanDraft: Described("plan", added=("cost",)),
    # amounts are given in whole pesos, and the published unit cost as exact text
    PlanCost: Described(
        "plan",
        "PlanCost",
        renamed={
            "administrative_low": "administrative_low_pesos",
            "administrative_high": "administrative_high_pesos",
            "low": "low_pesos",
            "high": "high_pesos",
        },
    ),
    ComponentCost: Described(
        "plan",
        "ComponentCost",
        renamed={
            "unit_cost": "per_year_pesos",
            "published": "unit_cost_thousands",
            "low": "low_pesos",
            "high": "high_pesos",
        },
    ),
    # a caseload's costs: amounts in whole pesos, groupings computed from the people
    CaseloadCosts: Described(
        "costs",
        renamed={"units_read": None},  # by_unit is empty when the units were not read
        added=(
            "spending_pesos",
            "by_programme",
            "by_sanction",
            "by_component",
            "by_unit",
            "spending_thousands",
        ),
    ),
    CostGroup: Described("costs", "CostGroup", renamed={"spending": "spending_pesos"}),
    ProgrammeUse: Described(
        "costs",
        "ProgrammeUse",
        renamed={
            "spending": "spending_pesos",
            "budgeted_per_person": "budgeted_per_person_pesos",
        },
        added=("real_per_person_pesos",),
    ),
    ResultCost: Described(
        "costs", "ResultCost", renamed={"spending": "spending_pesos"}, added=("per_result_pesos",)
    ),
    PlanObjective: Described("plan", "PlanObjective"),
    Reason: Described("plan", "Reason"),
    StatusNote: Described("plan", "StatusNote"),
    Adaptation: Described("plan", "Adaptation"),
    HoursFloor: Described("plan", "HoursFloor"),
    Responsivity: Described("plan", "Responsivity"),
    LegalContext: Described("history", "LegalContext"),
    # the history's JSON gives the records' count, and leaves out what it recomputes
    # from them (each entry's JSON is written out in CaseHistory.to_dict)
    CaseHistory: Described("history", added=("closed_on",)),
    ChangeAnswer: Described("history", "ChangeAnswer"),
    # the step's action, rule and source are read from its answer
    IntensityStep: Described("history", "IntensityStep", added=("action", "rule", "source")),
    Stored: Described(
        "store-record",
        renamed={"record": None},
        added=("kind", "case_id", "on", "data", "corrects"),  # the record's content, flattened
    ),
    AuditEntry: Described("store-export", "export_audit", added=("type",)),
    CaseChange: Described("change", renamed={"history": "change"}),
    Window: Described("change", "window"),
    Attainment: Described("change", "Attainment", added=("met",)),
    Signals: Described("change", "Signals"),
    Signal: Described("change", "Signal"),
    HistoryChange: Described("change", "HistoryChange"),
    Change: Described("change", "Change", added=("days",)),
    ScaleChange: Described("change", "ScaleChange"),
    DomainChange: Described("change", "DomainChange"),
    DataError: Described("change", "DataError"),
    Trajectory: Described("change", "Trajectory"),
    Reliability: Described("change", "Reliability"),
    Due: Described("due", added=("days_overdue",)),
    ProgrammeReport: Described("indicators"),
    # an indicator's definition is flattened into the result (id, title, formula, ...)
    IndicatorResult: Described(
        "indicators",
        "IndicatorResult",
        renamed={"indicator": None},
        added=(
            "id",
            "title",
            "short",
            "document",
            "level",
            "formula",
            "population",
            "outcome",
            "computable",
            "percent",
            "target",
            "target_year",
            "direction",
            "met",
            "note",
        ),
    ),
    ReinsertionReport: Described("indicators", "ReinsertionReport", added=("favourable_share",)),
    # the yearly rate is flattened into assessments, overrides and percent
    OverrideReport: Described(
        "indicators",
        "OverrideReport",
        renamed={"total": None},
        added=("assessments", "overrides", "percent"),
    ),
    # rnr whatif --costs adds the cohort's cost ("costs": PricedWhatIf.to_dict)
    WhatIf: Described("whatif", added=("cases", "costs")),
    # the study's report and figures are flattened into it
    Study: Described(
        "validity",
        renamed={
            "score": None,
            "outcome": None,
            "groups": None,
            "level_column": None,
            "report": None,
            "agreement": "reliability",
        },
        added=(
            "columns",
            "level",
            "bootstrap",
            "expected",
            "groups",
            "references",
            "differences",
            "discrimination",
            "auc",
            "auc_ci",
            "brier_detail",
            *_FIGURES_RATES,
            "n",
            "positives",
            "base_rate",
            "status",
            "note",
            "roc",
            "cut",
            "calibration",
            "brier",
        ),
    ),
    Figures: Described(
        "validity",
        "Figures",
        added=("auc_ci", "discrimination", "brier_detail", *_FIGURES_RATES),
    ),
    AucResult: Described("validity", "AucResult", added=("ci",)),
    RocCurve: Described("validity", "RocCurve", renamed={"thresholds": "threshold"}),
    Classification: Described("validity", "Classification"),
    CalibrationRow: Described("validity", "CalibrationRow", added=("ci",)),
    Calibration: Described("validity", "Calibration"),
    Expected: Described("validity", "Expected"),
    BrierResult: Described("validity", "BrierResult"),
    Difference: Described("validity", "Difference", renamed={"values": None}, added=_COMPARED),
    # the number of cases is the ICC's targets
    Agreement: Described("validity", "Agreement", added=("n",)),
    Norms: Described("validity", "Norms"),
    # one entry per level: the per-level columns become the members of each entry
    Recalibration: Described(
        "validity",
        "Recalibration",
        renamed={"cutoffs": None, "targets": None, "obtained": None, "counts": None},
    ),
}


def described(entry: Described) -> Mapping[str, Any]:
    """The object schema an entry points at."""
    document = schema(entry.schema)
    found: Mapping[str, Any] = (
        document if entry.definition is None else document["$defs"][entry.definition]
    )
    return found


@pytest.mark.parametrize("cls", list(DESCRIBED), ids=lambda c: c.__name__)
def test_schema_properties_are_the_class_fields(cls: type) -> None:
    """The schema's properties are the attrs fields, renamed or added only as documented."""
    entry = DESCRIBED[cls]
    fields = {f.name for f in attrs.fields(cls)}
    for name in entry.renamed:
        assert name in fields, f"{cls.__name__}.{name}: an exception for no field"
    expected = {entry.renamed.get(f, f) for f in fields} - {None} | set(entry.added)
    properties = described(entry)["properties"]
    assert sorted(expected) == sorted(properties)


def test_nested_shapes_are_described() -> None:
    """Classes whose JSON is a nested object of another schema keep their fields too."""
    bootstrap = schema("validity")["properties"]["bootstrap"]["anyOf"][0]["properties"]
    assert {f.name for f in attrs.fields(BootstrapResult)} | {"ci"} == set(bootstrap)
    checks = schema("check-report")["properties"]["files"]["items"]["properties"]["checks"]
    assert {f.name for f in attrs.fields(Check)} == set(checks["items"]["properties"])


def test_every_object_is_closed() -> None:
    """Every object with named properties forbids others (a misspelt key fails validation)."""

    def walk(node: Any, where: str) -> Iterator[str]:
        if isinstance(node, dict):
            if "properties" in node and node.get("additionalProperties") is not False:
                yield where
            for key, value in node.items():
                yield from walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for n, value in enumerate(node):
                yield from walk(value, f"{where}/{n}")

    # the case file is another helper's (rnr instruments schema gives a closed one per
    # instrument); an event carries its own fields (attendance: component, scheduled,
    # attended), typed by additionalProperties
    events = {"history:/properties/events/items", "case-write:/properties/events/items"}
    found = {w for name in names() if name != "case" for w in walk(schema(name), f"{name}:")}
    assert events == found


def test_indicator_kinds_are_the_loader_kinds() -> None:
    """The population and outcome kinds (and their parameters) are those the loader knows."""
    from rnr.definitions.indicators import OUTCOMES, POPULATIONS  # noqa: PLC0415

    spec = schema("indicators")["$defs"]["IndicatorResult"]["properties"]
    for key, table in (("population", POPULATIONS), ("outcome", OUTCOMES)):
        kinds = {
            option["properties"]["kind"]["const"]: set(option["properties"]) - {"kind"}
            for option in spec[key]["oneOf"]
        }
        assert {kind: set(params) for kind, params in table.items()} == kinds


# -- (d) the schemas themselves, and rnr schema ---------------------------------------------------


@pytest.mark.parametrize("name", names())
def test_schema_is_valid_and_named(name: str) -> None:
    """Each file is a valid draft 2020-12 schema, with its $id, title and description."""
    document = schema(name)
    Draft202012Validator.check_schema(document)
    assert "https://json-schema.org/draft/2020-12/schema" == document["$schema"]
    assert f"https://rnr.example/schemas/{name}.schema.json" == document["$id"]
    assert document["title"].strip()
    assert document["description"].strip()


def test_a_shared_part_is_the_same_in_every_schema() -> None:
    """Each file stands alone, so a shared part ($defs) is copied: the copies never differ.

    The case's ``date`` is the one exception: rnr reads a case's dates
    strictly (a pattern of the real days from 1900 to 2199), while every
    output's dates are dates rnr itself wrote.
    """
    copies: dict[str, dict[str, str]] = {}
    for name in names():
        for part, definition in schema(name).get("$defs", {}).items():
            if (name, part) != ("case", "date"):
                copies.setdefault(part, {})[name] = json.dumps(definition, sort_keys=True)
    differ = {part: sorted(found) for part, found in copies.items() if len(set(found.values())) > 1}
    assert {} == differ
    assert len(copies["Text"]) > 1  # the check reads real copies


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_schema_is_described_in_the_catalogue(lang: str) -> None:
    """`rnr schema list` describes every schema in both locales, and lists exactly the files."""
    files = sorted(p.name.removesuffix(".schema.json") for p in FOLDER.glob("*.schema.json"))
    assert files == names()
    w = catalogue(lang)
    status, out, _ = Outputs().run("schema", "list", "--json", "--lang", lang)
    assert 0 == status
    listed = json.loads(out)
    assert files == [entry["name"] for entry in listed]
    for entry in listed:
        assert entry["about"] == w(f"schemas.{entry['name']}")
        assert entry["about"].strip()


def test_schema_show_prints_the_file_and_refuses_an_unknown_name() -> None:
    """`rnr schema show NAME` prints the file's schema; an unknown name is schema.unknown (3)."""
    o = Outputs()
    status, out, _ = o.run("schema", "show", "decision")
    assert (0, schema("decision")) == (status, json.loads(out))
    status, out, _ = o.run("schema", "show", "decision", "--json")
    assert 1 == len(out.splitlines())
    status, out, err = o.run("schema", "show", "nada")
    assert (3, "") == (status, out)
    assert err.startswith("rnr: error: unknown schema 'nada'")
    status, out, err = o.run("schema", "show", "nada", "--json")
    error = json.loads(err)["error"]
    assert ("schema.unknown", "nada") == (error["code"], error["value"])
    assert names() == error["known"]
