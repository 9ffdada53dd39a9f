"""Rendering plan drafts: golden files, escaping, the sandbox, errors, the CLI.

Golden files (``tests/golden/plan-<case>.<lang>.<md|html>``) are never
rewritten silently: a mismatch fails with the diff; ``RNR_UPDATE_GOLDEN=1``
rewrites them (then review the diff before committing).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import tempfile
from pathlib import Path

import attrs
import jinja2.exceptions
import jinja2.sandbox
import pytest

from rnr import default_library
from rnr.cases.parse import Case, parse_case, read_cases
from rnr.cli import main
from rnr.definitions.catalogue import load_catalogue, load_rules
from rnr.definitions.library import policy_library
from rnr.errors import CaseFileError, RenderError
from rnr.plan.assemble import draft_plan
from rnr.plan.draft import PlanDraft, review
from rnr.policy.engine import decide
from rnr.render.environment import agency_environment, environment
from rnr.render.messages import day
from rnr.render.plan import render_plan, words

DATA = Path(__file__).parent / "data" / "plans"
GOLDEN = Path(__file__).parent / "golden"
CATALOGUE = load_catalogue(DATA / "objectives")
RULES = load_rules(DATA / "responsivity")
POLICY = {"adult": "cl-adultos-18216", "juvenile": "cl-juvenil-20084"}
CASES = ("prueba-adulto-01", "prueba-juvenil-01")
#: An LVI for domestic violence at very low risk: offence objective, legal minimum of
#: hours, telematic monitoring and the warning of intensive intervention at low risk.
VIF = "prueba-adulto-02-vif"
#: Golden plans: the adult drafts, the juvenile one reviewed, the juvenile one closed,
#: and the first adult plan approved by the court (no BORRADOR).
GOLDEN_PLANS = (*CASES, VIF, "prueba-juvenil-01-cierre", "prueba-adulto-01-aprobado")
MARKUP = "<script>alert(1)</script>"


def case_of(name: str) -> Case:
    """A test case of tests/data/plans/cases."""
    return next(read_cases(DATA / "cases" / f"{name}.json"))


def plan_of(case: Case) -> PlanDraft:
    """Score, decide (shipped policy of its regime) and draft with the test catalogue."""
    assert case.legal is not None
    result = case.score(default_library())
    policy = policy_library().get(POLICY[case.legal.regime], on=case.legal.sentence_date)
    decision = decide(result, case.legal, policy, case_id=case.case_id)
    return draft_plan(
        result, decision, responsivity=case.responsivity, catalogue=CATALOGUE, rules=RULES
    )


def golden_plan(name: str) -> PlanDraft:
    """The adult case drafted, the juvenile one reviewed once (a version 2).

    ``-aprobado``: approved by the court (no BORRADOR); ``-cierre``: the closing version.
    """
    if name.endswith("-aprobado"):
        plan = golden_plan(name.removesuffix("-aprobado"))
        return plan.approved(plan.dated + dt.timedelta(days=20), "RIT O-1234-2024")
    if name.endswith("-cierre"):
        plan = golden_plan(name.removesuffix("-cierre"))
        later = plan.dated + dt.timedelta(days=180)
        changes = {o.id: ("not_achieved", "Sin avances.") for o in plan.objectives[1:]}
        changes[plan.objectives[0].id] = ("achieved", "Se mantiene.")
        return review(plan, later, changes, closing=True)
    plan = plan_of(case_of(name))
    if name == "prueba-juvenil-01":
        first, second = plan.objectives[0].id, plan.objectives[1].id
        plan = review(
            plan,
            plan.dated + dt.timedelta(days=90),
            {first: ("achieved", "Asiste regularmente."), second: ("in_progress", "")},
        )
    return plan


def check_golden(path: Path, text: str) -> None:
    """Compare ``text`` with the golden file; rewrite only under RNR_UPDATE_GOLDEN=1."""
    if os.environ.get("RNR_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.is_file():
        pytest.fail(f"{path}: missing golden file; run with RNR_UPDATE_GOLDEN=1 to write it")
    expected = path.read_text(encoding="utf-8")
    if expected != text:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), str(path), "rendered", lineterm=""
        )
        pytest.fail("rendered plan differs from the golden file:\n" + "\n".join(diff))


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("name", GOLDEN_PLANS)
def test_golden(name: str, lang: str, fmt: str) -> None:
    """Each template in each language renders each test case exactly as reviewed."""
    text = render_plan(golden_plan(name), format=fmt, lang=lang)
    check_golden(GOLDEN / f"plan-{name}.{lang}.{fmt}", text)


def test_spanish_is_the_default() -> None:
    """Without lang, the draft is in Spanish and marked BORRADOR."""
    plan = golden_plan(CASES[0])
    text = render_plan(plan)
    assert text == render_plan(plan, format="md", lang="es")
    assert "BORRADOR" in text
    assert "DRAFT" in render_plan(plan, lang="en")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_html_is_self_contained_printable_and_complete(lang: str) -> None:
    """Inline CSS, print rules, no network, every section the delegado needs."""
    plan = golden_plan(CASES[0])
    html = render_plan(plan, format="html", lang=lang)
    w = words(lang)
    assert "<style>" in html
    assert "@media print" in html
    assert not re.search(r"(src|href)\s*=|https?://|@import|<script", html)
    assert w["draft"] in html
    for section in ("person", "summary", "objectives", "supports", "adaptations"):
        assert f'<section id="{section}">' in html
    for section in ("strengths", "reviews", "agreement"):
        assert f'<section id="{section}">' in html
    for deadline in plan.deadlines:
        assert day(deadline.date, lang) in html
        assert deadline.source.replace("&", "&amp;") in html
        assert deadline.rule not in html  # a rule id is for the JSON, not the person
    for objective in plan.objectives:
        assert objective.title(lang) in html
        assert str(objective.hours) in html
    for adaptation in plan.adaptations:
        assert adaptation.text(lang) in html
    assert w["signature_person"] in html
    assert w["signature_officer"] in html


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_spanish_plan_names_what_the_data_calls_by_id(fmt: str) -> None:
    """Dates dd-mm-aaaa, the instrument and policy by name, no rule id, strengths by area."""
    plan = plan_of(case_of(CASES[0]))
    text = render_plan(plan, format=fmt)
    for ref in (str(plan.instrument), str(plan.policy), *(d.rule for d in plan.deadlines)):
        assert ref not in text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert (
        "Inventario de Nivel de Servicio y Gestión de Caso (LS/CMI), sección 1, versión 1.0.0"
        in text
    )
    assert "Penas sustitutivas de adultos (Ley 18.216), vigente desde el 14-01-2024" in text
    assert "45 días contados desde el ingreso" in text
    assert "0 de 3 objetivos logrados (0,0 %)." in text
    assert "Actitudes procriminales: área de fortaleza (factor protector)" in text
    assert "Generado por rnr a partir de la evaluación del 19-08-2024" in text
    assert "Fuente: cl-adultos" not in text  # a warning the policy itself raised cites nothing


def test_english_plan_keeps_iso_dates_and_names() -> None:
    """English reads in English: ISO dates, decimal points, the instrument and policy named."""
    text = render_plan(plan_of(case_of(CASES[0])), lang="en")
    assert "| Date | 2024-08-19 |" in text
    assert "| Policy | Adult substitute sentences (Ley 18.216), in force from 2024-01-14" in text
    assert "45 days from the entry date" in text
    assert "0 of 3 objectives achieved (0.0 %)." in text
    assert "Procriminal attitudes: an area of strength (protective factor)" in text


def test_case_data_with_markup_is_escaped_in_html_not_run() -> None:
    """A case id, a note or a stated gender holding markup shows as text."""
    case = case_of(CASES[1])
    case = attrs.evolve(
        case,
        case_id=MARKUP,
        responsivity=attrs.evolve(case.responsivity, gender=MARKUP),
    )
    plan = plan_of(case)
    plan = review(plan, plan.dated, {plan.objectives[0].id: ("in_progress", MARKUP)})
    html = render_plan(plan, format="html", lang="es")
    assert "&lt;script&gt;" in html
    assert "<script" not in html
    assert MARKUP in render_plan(plan, format="md")  # Markdown is plain text for a person


def test_reviewed_plan_shows_history_and_attainment() -> None:
    """A review's statuses and notes, and the attainment against the threshold, are shown."""
    text = render_plan(golden_plan(CASES[1]), lang="en")
    assert "achieved — Asiste regularmente." in text
    assert "1 of 4 objectives achieved (25.0 %)." in text
    assert "Version | 2 (review)" in text
    spanish = render_plan(golden_plan(CASES[1]))
    assert "- 31-12-2024: logrado — Asiste regularmente." in spanish
    assert "1 de 4 objetivos logrados (25,0 %)." in spanish


def test_closing_version_shows_the_closing_summary() -> None:
    """A closing version says when it closed, what was achieved, and if the threshold was met."""
    plan = golden_plan("prueba-juvenil-01-cierre")
    text = render_plan(plan, lang="en")
    assert "## Closing summary" in text
    assert f"Plan closed on {plan.dated.isoformat()} after 270 days and 3 versions" in text
    spanish = render_plan(plan)
    assert (
        "Plan cerrado el 29-06-2025 tras 270 días y 3 versiones (abierto el 02-10-2024)." in spanish
    )
    assert "threshold" not in text.split("Closing summary")[1]  # LAEIP sets none
    assert "from the assessment of 2024-10-02" in text
    las = attrs.evolve(plan, attainment_threshold=70)
    assert "The policy's attainment threshold was not met." in render_plan(las, lang="en")
    assert "Closing summary" not in render_plan(golden_plan(CASES[1]), lang="en")
    assert 'id="closing"' in render_plan(plan, format="html")


# -- agency templates and errors ----------------------------------------------


def write(tmp_path: Path, text: str, name: str = "agency.j2") -> Path:
    """An agency template file."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_agency_template_runs_with_the_same_context(tmp_path: Path) -> None:
    """An agency template sees the plan, words, labels and attainment; HTML is escaped."""
    path = write(
        tmp_path,
        "{{ w.draft }}|{{ plan.case_id }}|{{ level(plan.risk_level) }}|{{ attainment.counted }}",
    )
    plan = attrs.evolve(golden_plan(CASES[0]), case_id="<b>x</b>")
    assert render_plan(plan, format="html", lang="en", template=path).startswith(
        "DRAFT|&lt;b&gt;x&lt;/b&gt;|"
    )
    assert "|<b>x</b>|" in render_plan(plan, format="md", template=str(path))


def test_agency_template_runs_in_the_sandbox(tmp_path: Path) -> None:
    """Reaching Python internals is refused with the template and line named."""
    path = write(tmp_path, "ok\n{{ plan.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(RenderError, match="unsafe operation") as info:
        render_plan(golden_plan(CASES[0]), template=path)
    assert info.value.line == 2
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("one\ntwo\n{% if %}\n", 3, "syntax error"),
        ("one\n{{ no_such_name }}\n", 2, "undefined"),
        ("{{ w.no_such_word }}", 1, "undefined"),
        ("a\nb\n{% for o in plan.objectives %}{{ o.nope }}{% endfor %}", 3, "undefined"),
    ],
)
def test_a_broken_template_names_template_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    """Syntax errors and undefined names become a RenderError naming file and line."""
    path = write(tmp_path, text)
    with pytest.raises(RenderError, match=message) as info:
        render_plan(golden_plan(CASES[0]), template=path)
    assert info.value.line == line
    assert info.value.template.endswith("agency.j2")
    assert str(info.value).startswith(f"{info.value.template}:{line}: ")


def test_unknown_format_language_or_file_is_a_render_error(tmp_path: Path) -> None:
    """Bad arguments fail as RenderError, not a Jinja or key error."""
    plan = golden_plan(CASES[0])
    with pytest.raises(RenderError, match="format"):
        render_plan(plan, format="pdf")
    with pytest.raises(RenderError, match="lang"):
        render_plan(plan, lang="fr")
    with pytest.raises(RenderError, match="no such template"):
        render_plan(plan, template=tmp_path / "missing.j2")


def test_environment_is_strict_cached_and_escapes_only_html() -> None:
    """One environment per format, StrictUndefined, autoescape for HTML only."""
    assert environment("html") is environment("html")
    assert environment("html").autoescape is True
    assert environment("md").autoescape is False
    assert environment("md").undefined.__name__ == "StrictUndefined"
    with pytest.raises(RenderError, match="format: got 'pdf', expected one of md, html"):
        environment("pdf")


def test_one_environment_finds_plans_reports_and_charts() -> None:
    """The shipped plan templates and the report and chart templates load from one place."""
    names = environment("html").list_templates()
    for name in ("plan.md.j2", "plan.html.j2", "validity.html.j2", "indicators.html.j2"):
        assert name in names
    assert "charts.svg.j2" in names


@pytest.mark.parametrize("kind", ["md", "html"])
def test_agency_templates_run_in_the_immutable_sandbox(kind: str, tmp_path: Path) -> None:
    """An agency's template can neither reach internals nor change what it is given."""
    env = agency_environment(kind, str(tmp_path))
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string("{{ xs.append(1) }}").render(xs=[])
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string("{{ x.__class__.__mro__ }}").render(x=1)


def test_an_agency_template_cannot_change_the_plan(tmp_path: Path) -> None:
    """The agency's sandbox is immutable too: a list of the context stays as it was."""
    path = write(tmp_path, "{{ responsivity.append(1) }}")
    with pytest.raises(RenderError, match="unsafe operation"):
        render_plan(golden_plan(CASES[0]), template=path)


# -- the case file's responsivity section -------------------------------------


def test_case_responsivity_section_is_parsed() -> None:
    """The section becomes a Responsivity; nulls mean not recorded."""
    case = parse_case(
        {
            "case_id": "c",
            "assessed_on": "2024-01-01",
            "responses": {},
            "responsivity": {"literacy": "low", "trauma_history": True, "gender": None},
        },
        file="c.json",
    )
    assert ("low", True, None) == (
        case.responsivity.literacy,
        case.responsivity.trauma_history,
        case.responsivity.gender,
    )


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ({"literacy": "poor"}, "responsivity.literacy"),
        ({"motivaton": "action"}, "responsivity.motivaton"),
        ({"trauma_history": "yes"}, "responsivity.trauma_history"),
        ({"language": "  "}, "responsivity.language"),
        ("low", "responsivity"),
    ],
)
def test_bad_responsivity_names_file_line_and_field(section: object, field: str) -> None:
    """Every problem is a CaseFileError naming where and what."""
    with pytest.raises(CaseFileError) as info:
        parse_case(
            {"case_id": "c", "assessed_on": "2024-01-01", "responses": {}, "responsivity": section},
            file="cases.jsonl",
            line=7,
        )
    assert (info.value.file, info.value.line, info.value.field) == ("cases.jsonl", 7, field)
    assert str(info.value).startswith(f"cases.jsonl:7: {field}: ")


# -- rnr plan ------------------------------------------------------------------


ADULT = str(DATA / "cases" / "prueba-adulto-01.json")


def test_cli_prints_markdown_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    """Without -o the draft goes to stdout, in Spanish."""
    assert 0 == main(["plan", "--policy", "cl-adultos-18216", ADULT])
    out = capsys.readouterr().out
    assert out.startswith("# BORRADOR")
    assert "prueba-adulto-01" in out


def test_cli_writes_html_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o FILE writes the draft and prints where."""
    target = tmp_path / "plan.html"
    argv = ["plan", "-p", "cl-adultos-18216", ADULT, "--format", "html", "--lang", "en"]
    assert 0 == main([*argv, "-o", str(target)])
    assert str(target) in capsys.readouterr().out
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "DRAFT" in html


def test_cli_writes_one_draft_per_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A .jsonl with -o DIR writes DIR/<case_id>.md for each case; ids made file-safe."""
    data = json.loads(Path(ADULT).read_text(encoding="utf-8"))
    lines = [dict(data, case_id=ident) for ident in ("a-1", "a/2", "a-1")]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    out_dir = tmp_path / "drafts"
    assert 0 == main(["plan", "-p", "cl-adultos-18216", str(cases), "-o", str(out_dir)])
    assert ["a-1-2.md", "a-1.md", "a_2.md"] == sorted(p.name for p in out_dir.iterdir())
    assert 3 == len(capsys.readouterr().out.splitlines())


def test_cli_batch_without_output_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several drafts need -o DIR."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text(Path(ADULT).read_text(encoding="utf-8").replace("\n", "") + "\n")
    assert 2 == main(["plan", "-p", "cl-adultos-18216", str(cases)])
    assert "rnr: error:" in capsys.readouterr().err


def test_cli_broken_template_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken agency template exits 2 naming the template and line."""
    path = write(tmp_path, "ok\n{{ plan.nope }}\n")
    assert 2 == main(["plan", "-p", "cl-adultos-18216", ADULT, "--template", str(path)])
    err = capsys.readouterr().err
    assert err.startswith(f"rnr: error: {path}:2: undefined")
    assert "Traceback" not in err


def test_cli_needs_a_legal_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A case without a legal section cannot be decided, so has no plan."""
    data = json.loads(Path(ADULT).read_text(encoding="utf-8"))
    del data["legal"]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert 2 == main(["plan", "-p", "cl-adultos-18216", str(path)])
    assert "legal" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["es", "en"])
def test_demo_ends_by_writing_a_plan_draft(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    lang: str,
) -> None:
    """rnr demo writes the HTML draft of an adult example to <tmp>/rnr-demo and says where."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert 0 == main(["demo", "--lang", lang])
    path = tmp_path / "rnr-demo" / "ejemplo-lscmi-01.html"
    lines = capsys.readouterr().out.splitlines()
    assert any(line.endswith(str(path)) for line in lines)
    html = path.read_text(encoding="utf-8")
    assert words(lang)["draft"] in html
    assert html.startswith("<!DOCTYPE html>")
