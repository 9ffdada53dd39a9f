"""The policy commands: ``rnr decide``, ``rnr policies``, ``rnr whatif`` and the demo's decisions.

In process (``rnr.cli.main``) and once through the installed ``rnr`` script.
The decisions are compared with the API path (score → ``decide``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import rnr
from rnr.cases.legal import LegalContext, parse_legal
from rnr.cases.overrides import Override
from rnr.cases.parse import SCHEMA_PATH, read_cases, score_case
from rnr.cli import main
from rnr.costs.plan import plan_document
from rnr.definitions.library import data_dir, policy_library
from rnr.definitions.policy_loader import load_policy
from rnr.errors import CODES
from rnr.plan.assemble import draft_plan
from rnr.policy.decision import Decision
from rnr.policy.engine import decide, facts
from rnr.policy.many import CohortCase, DecisionChange, WhatIf, compare_policies
from rnr.render.names import policy_name
from rnr.render.whatif import whatif_lines

if TYPE_CHECKING:
    from conftest import Cli

DATA = Path(__file__).resolve().parent / "data"
DEMO_POLICY = DATA / "policies" / "demo-policy" / "2024-01-01.toml"
EXAMPLES = data_dir() / "instruments"
ADULT_CASE = EXAMPLES / "lscmi" / "examples" / "lscmi-01-first-conviction.json"
YOUTH_CASE = EXAMPLES / "ylscmi" / "examples" / "ylscmi-02-custody.json"
ADULT = "cl-adultos-18216"
ADULT_V = "cl-adultos-18216@2024-01-14"
YOUTH = "cl-juvenil-20084"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run ``rnr argv`` in process; return the exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def flat(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as single spaces (wrapping aside)."""
    return " ".join(text.split())


def adult_doc(
    case_id: str = "c-1", *, override: dict[str, Any] | None = None, **legal: Any
) -> dict[str, Any]:
    """The adult example case (very low risk) with ``legal`` fields replaced."""
    doc: dict[str, Any] = json.loads(ADULT_CASE.read_text(encoding="utf-8"))
    doc["case_id"] = case_id
    doc["legal"] = {**doc["legal"], **legal}
    if override is not None:
        doc["override"] = override
    return doc


def write_case(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def write_jsonl(path: Path, *lines: dict[str, Any] | str) -> Path:
    text = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def api_decision(path: Path, ref: str = ADULT, on: dt.date | None = None) -> Decision:
    """The API path: read, score, choose the version in force, decide."""
    (case,) = read_cases(path)
    assert case.legal is not None
    result = score_case(case, rnr.default_library())
    day = on or case.legal.sentence_date or case.assessed_on
    policy = policy_library().get(ref, on=day)
    return decide(result, case.legal, policy, override=case.override, case_id=case.case_id)


def modified_adult(folder: Path, version: str = "2025-01-01") -> Path:
    """A copy of the shipped adult policy as a new version with a 30-day PII deadline."""
    shipped = policy_library().get(ADULT_V)
    assert shipped.path is not None
    text = Path(shipped.path).read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^effective_from = .*$", f"effective_from = {version}", text)
    assert 1 == n
    text, n = re.subn(r"deadline = \"pii_due\", days = 45", 'deadline = "pii_due", days = 30', text)
    assert n >= 1
    target = folder / ADULT / f"{version}.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


# -- rnr plan --json -----------------------------------------------------------------


def test_plan_json_is_the_draft_as_data(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``rnr plan --json``: the draft the API drafts, one JSON line per case (or a file each)."""
    status, out, err = run(capsys, "plan", "-p", ADULT, ADULT_CASE, "--json")
    assert (0, "") == (status, err)
    (case,) = read_cases(ADULT_CASE)
    result = score_case(case, rnr.default_library())
    decision = api_decision(ADULT_CASE)
    expected = plan_document(draft_plan(result, decision, responsivity=case.responsivity))
    assert json.loads(json.dumps(expected)) == json.loads(out)
    cases = write_jsonl(tmp_path / "c.jsonl", adult_doc("c-1"), adult_doc("c-2"))
    status, out, _ = run(capsys, "plan", "-p", ADULT, cases, "--json")
    assert 0 == status
    assert ["c-1", "c-2"] == [json.loads(line)["case_id"] for line in out.splitlines()]
    status, out, _ = run(capsys, "plan", "-p", ADULT, cases, "--json", "-o", tmp_path / "out")
    assert 0 == status
    assert ["c-1.json", "c-2.json"] == sorted(p.name for p in (tmp_path / "out").iterdir())


def test_plan_errors(cli: Cli, tmp_path: Path) -> None:
    """A missing template, several cases without a folder, a file for a folder: each its code."""
    missing = tmp_path / "agencia.md.j2"
    body = cli.error(
        "usage.file.missing",
        "plan",
        "-p",
        ADULT,
        "--template",
        missing,
        ADULT_CASE,
        contains=["--template", "no such file"],
    )
    assert "file" not in body
    cases = write_jsonl(tmp_path / "c.jsonl", adult_doc("c-1"), adult_doc("c-2"))
    need = ["several cases need -o DIR"]  # with --json, one draft per line is fine
    cli.error("usage.invalid", "plan", "-p", ADULT, cases, contains=need, as_json=False)
    taken = write_case(tmp_path / "taken.md", {})
    cli.error("usage.invalid", "plan", "-p", ADULT, cases, "-o", taken, contains=["not a folder"])
    broken = tmp_path / "roto.md.j2"
    broken.write_text("{% if %}", encoding="utf-8")
    # --json writes the draft as data, no template: the render errors are text only here
    argv = ("plan", "-p", ADULT, "--template", broken, ADULT_CASE)
    cli.error("render.failed", *argv, contains=[f"{broken}:1: syntax error"], as_json=False)
    unsafe = tmp_path / "inseguro.md.j2"
    unsafe.write_text("{{ w.update({'draft': 'APROBADO'}) }}", encoding="utf-8")
    argv = ("plan", "-p", ADULT, "--template", unsafe, ADULT_CASE)
    cli.error("render.template.unsafe", *argv, contains=["unsafe operation"], as_json=False)


# -- rnr decide: the readable report ----------------------------------------------


def test_decide_report_in_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    """LVI for a very-low-risk person: eligibility, monitoring, deadlines, fit, rules."""
    status, out, err = run(capsys, "decide", "--policy", ADULT, ADULT_CASE)
    assert (0, "") == (status, err)
    for fragment in (
        "  Política: Penas sustitutivas de adultos (Ley 18.216), vigente desde el 14-01-2024",
        "  Evaluación: LS/CMI, versión 1.0.0 · 08-04-2024 · Puntaje total 3 (Muy bajo)",
        "Pena sustitutiva impuesta: libertad vigilada intensiva (LVI) · pena de 600 días",
        "La ley permite esta pena sustitutiva",
        "Penas sustitutivas que proceden: libertad vigilada intensiva (LVI) y reclusión parcial",
        "No proceden:",
        "  Libertad vigilada (LV): La pena impuesta no supera los dos años",
        "Nivel de riesgo: Muy bajo, calculado por el instrumento",
        "Intensidad (mínima): 1 contacto al mes · 0 horas de intervención",
        "Monitoreo telemático: sí.",
        "Período de intervención: 600 días (igual a la pena)",
        "Plan de intervención individual (PII): 16-05-2024 · 45 días desde el ingreso (01-04-2024)",
        "fuente: Ley 18.216 art. 16",
        "Próxima reevaluación: 08-10-2024 · contada desde la evaluación (08-04-2024)",
        "Ajuste de la pena al riesgo: la pena impone más intervención que la que el riesgo",
        "  - Intervención intensiva con riesgo bajo o muy bajo",
        "Si el puntaje sube 2, el riesgo sería Bajo: 10 horas de intervención (ahora 0)",
        "Reglas aplicadas:",
        "  Procedencia de la libertad vigilada (LV): no procede",
        "    condición: extensión de la pena: hasta 730 días; delitos: sin delito de drogas",
        "  Procedencia de la reclusión parcial (RP): procede condición: siempre",
        "    condición: nacionalidad: no informada",
        "  Monitoreo telemático: sí condición: pena sustitutiva: libertad vigilada intensiva",
        "  Reevaluación: cada 6 meses condición: nivel de riesgo: cualquiera salvo Muy alto",
        "nunca cambia lo que el tribunal impuso",
    ):
        assert flat(fragment) in flat(out), fragment
    for raw in ("eligibility_", "mon-lvi-vif-sexual", "sentence_days", "very_low", "@", "(s)"):
        assert raw not in out, raw
    assert all(len(line) <= 100 for line in out.splitlines())


def test_decide_report_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "decide", "-p", ADULT, "--lang", "en", ADULT_CASE)
    assert 0 == status
    for fragment in (
        "  Policy: Adult substitute sentences (Ley 18.216), in force from 2024-01-14",
        "Substitute sentence imposed: intensive supervised release (LVI) · sentence of 600 days",
        "Available substitute sentences: intensive supervised release (LVI) and partial",
        "Not available:",
        "Telematic monitoring: yes.",
        "Individual intervention plan (PII): 2024-05-16 · 45 days from entry (2024-04-01)",
        "Fit of the sentence to the risk: the sentence imposes more intervention",
        "If the score rises by 2, the risk would be Low: 10 hours of intervention (now 0)",
        "Rules applied:",
        "  Eligibility for supervised release (LV): not available",
        "    condition: sentence length: at most 730 days; offences: without drug offence",
    ):
        assert flat(fragment) in flat(out), fragment


def test_decide_report_for_a_young_person(capsys: pytest.CaptureFixture[str]) -> None:
    """The juvenile example decides under the juvenile policy, in the words of Ley 20.084."""
    status, out, err = run(capsys, "decide", "-p", YOUTH, YOUTH_CASE)
    assert (0, "") == (status, err)
    text = flat(out)
    assert "Sanción impuesta: libertad asistida especial con internación parcial (LAEIP)" in text
    assert "extensión de la sanción: 540 días · duración legal: hasta 60 meses" in text
    assert "Sanciones que proceden: libertad asistida simple (LAS)," in text
    assert "Período de intervención: 540 días (igual a la extensión de la sanción)" in text
    assert "Próxima reevaluación: 02-04-2025 · contada desde la evaluación (02-10-2024)" in text
    assert "Ajuste de la sanción al riesgo: la sanción corresponde al riesgo" in text
    assert "Reglas aplicadas:" in text
    assert "condición: extensión de la sanción: hasta 540 días" in text
    for adult_words in ("pena sustitutiva", "Pena sustitutiva", "pena de "):
        assert adult_words not in out, adult_words


def test_decide_report_shows_an_override(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The computed level and the override's level both show; no nearest change."""
    doc = adult_doc(
        override={
            "to_level": "medium",
            "direction": "up",
            "reason": "victim_safety",
            "approved_by": "jefatura-crs-02",
            "approved_on": "2024-04-10",
        }
    )
    path = write_case(tmp_path / "ov.json", doc)
    status, out, _ = run(capsys, "decide", "-p", ADULT, path)
    assert 0 == status
    assert (
        "Nivel de riesgo: Medio, por ajuste profesional al alza (el instrumento calculó Muy bajo)"
        in out
    )
    reason = "la seguridad de la víctima exige más supervisión de la que sugiere el puntaje"
    assert f"motivo: {reason} · aprobado por jefatura-crs-02 el 10-04-2024" in flat(out)
    assert "no se calcula cuando un ajuste profesional fija el nivel de riesgo" in out
    status, out, _ = run(capsys, "decide", "-p", ADULT, "--json", path)
    got = Decision.from_json(out)
    assert got == api_decision(path)
    assert got.override_changed
    assert ("medium", "very_low") == (got.risk_level, got.computed_risk_level)
    assert isinstance(got.override, Override)


def test_decide_report_on_a_provisional_result(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Omitted items are named for the court; a suspension for exams extends the PII."""
    doc = json.loads(
        (EXAMPLES / "lscmi" / "examples" / "lscmi-03-provisional.json").read_text("utf-8")
    )
    doc["legal"] = {
        "regime": "adult", "sanction": "LV", "sentence_days": 900,
        "entry_date": "2025-01-20", "exam_suspension_days": 10,
    }  # fmt: skip
    status, out, _ = run(capsys, "decide", "-p", ADULT, write_case(tmp_path / "p.json", doc))
    assert 0 == status
    assert "Resultado provisorio: 2 ítems omitidos" in out
    assert "45 días más 10 días de suspensión por exámenes" in flat(out)
    assert "16-03-2025" in out  # 2025-01-20 + 55 days


# -- rnr decide: JSON -------------------------------------------------------------


def test_decide_json_equals_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints Decision.to_dict() of the API path, and it reads back equal."""
    status, out, err = run(capsys, "decide", "-p", ADULT, "--json", ADULT_CASE)
    assert (0, "") == (status, err)
    assert 1 == len(out.splitlines())
    api = api_decision(ADULT_CASE)
    assert json.loads(api.to_json()) == json.loads(out)
    assert api == Decision.from_dict(json.loads(out))


def test_decide_version_choice(
    capsys: pytest.CaptureFixture[str], cli: Cli, tmp_path: Path
) -> None:
    """--as-of, then legal.sentence_date, then assessed_on choose a bare id's version."""
    modified_adult(tmp_path)
    mine = ("--policies-dir", tmp_path)

    def version(*argv: str | Path) -> str:
        status, out, err = run(capsys, "decide", "--json", *mine, *argv)
        assert (0, "") == (status, err)
        return str(json.loads(out)["policy"]["version"])

    on_2024 = write_case(tmp_path / "a.json", adult_doc(sentence_date="2024-12-01"))
    on_2025 = write_case(tmp_path / "b.json", adult_doc(sentence_date="2025-02-01"))
    no_date = adult_doc(sentence_date=None)
    no_date["assessed_on"] = "2025-03-01"
    assessed_2025 = write_case(tmp_path / "c.json", no_date)
    assert "2024-01-14" == version("-p", ADULT, on_2024)
    assert "2025-01-01" == version("-p", ADULT, on_2025)
    assert "2025-01-01" == version("-p", ADULT, assessed_2025)
    assert "2025-01-01" == version("-p", ADULT, "--as-of", "2025-01-01", on_2024)
    assert "2024-01-14" == version("-p", ADULT_V, on_2025)
    path_ref = tmp_path / ADULT / "2025-01-01.toml"
    assert "2025-01-01" == version("-p", path_ref, on_2024)
    body = cli.error(
        "policy.unknown",
        "decide",
        "-p",
        ADULT,
        "--as-of",
        "2020-01-01",
        on_2024,
        contains=["a.json", "no version of 'cl-adultos-18216' is in force on 2020-01-01"],
    )
    assert (str(on_2024), "c-1", ADULT) == (body["file"], body["case_id"], body["value"])


def test_decide_jsonl_in_order_and_stops_at_a_bad_line(
    capsys: pytest.CaptureFixture[str], cli: Cli, tmp_path: Path
) -> None:
    """One JSON decision per line, in order; a bad line names file and line after the others."""
    good = write_jsonl(tmp_path / "ok.jsonl", adult_doc("j-1"), adult_doc("j-2", sanction="LV"), "")
    status, out, err = run(capsys, "decide", "-p", ADULT, good)
    assert (0, "") == (status, err)
    assert ["j-1", "j-2"] == [json.loads(line)["case_id"] for line in out.splitlines()]
    bad = write_jsonl(
        tmp_path / "bad.jsonl",
        adult_doc("j-1"),
        adult_doc("j-2"),
        adult_doc("j-3", sentence_days=0),
        adult_doc("j-4"),
    )
    status, out, err = run(capsys, "decide", "-p", ADULT, bad)
    assert ["j-1", "j-2"] == [json.loads(line)["case_id"] for line in out.splitlines()]
    body = cli.error(
        "decision.input.invalid",
        "decide",
        "-p",
        ADULT,
        bad,
        out=out,
        contains=["bad.jsonl:3: legal.sentence_days: got 0"],
    )
    assert (3, "legal.sentence_days") == (body["line"], body["field"])


def test_decide_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(json.dumps(adult_doc(f"s-{i}")) for i in range(3)) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    status, out, err = run(capsys, "decide", "-p", ADULT, "-")
    assert (0, "") == (status, err)
    assert ["s-0", "s-1", "s-2"] == [json.loads(line)["case_id"] for line in out.splitlines()]


@pytest.mark.parametrize(
    ("change", "code", "fragments"),
    [
        (
            {"colour": "blue"},
            "case.field.unknown",
            ("legal.colour: unknown field; expected one of regime",),
        ),
        (
            {"sentence_date": "2024-02-30"},
            "case.date.invalid",
            ("legal.sentence_date: got", "expected a date"),
        ),
        (
            {"entry_date": "01/04/2024"},
            "case.date.invalid",
            ("legal.entry_date: got", "expected a date"),
        ),
        ({"offences": ["theft"]}, "decision.input.invalid", ("legal.offences: got 'theft'",)),
        (
            {"sentence_days": "600"},
            "decision.input.invalid",
            ("legal.sentence_days: got", "expected an integer"),
        ),
        ({"regime": None}, "case.field.missing", ("legal.regime",)),
        (
            {"regime": "juvenile"},
            "policy.not_applicable",
            ("case c-1: legal.regime: got 'juvenile', expected 'adult'",),
        ),
    ],
)
def test_bad_legal_section_is_one_line(
    cli: Cli,
    tmp_path: Path,
    change: dict[str, Any],
    code: str,
    fragments: tuple[str, ...],
) -> None:
    """A bad legal section: one line naming the file and the field, with its code."""
    path = write_case(tmp_path / "case.json", adult_doc(**change))
    body = cli.error(code, "decide", "-p", ADULT, path, contains=("case.json: ", *fragments))
    assert str(path) == body["file"]
    assert body["field"].startswith("legal.")


def test_missing_legal_section(cli: Cli, tmp_path: Path) -> None:
    """A decision needs the case's legal section: ``decision.legal.missing``."""
    doc = adult_doc()
    del doc["legal"]
    path = write_case(tmp_path / "c.json", doc)
    for command in ("decide", "plan"):
        body = cli.error(
            "decision.legal.missing",
            command,
            "-p",
            ADULT,
            path,
            contains=["c.json: legal: missing"],
        )
        assert (str(path), "legal") == (body["file"], body["field"])


def test_a_legal_field_the_policy_reads_is_missing(cli: Cli, tmp_path: Path) -> None:
    """A legal field left out that the policy needs is named: ``decision.legal.missing``."""
    path = write_case(tmp_path / "c.json", adult_doc(sanction=None))
    body = cli.error(
        "decision.legal.missing", "decide", "-p", ADULT, path, contains=["legal.sanction: missing"]
    )
    assert ("legal.sanction", "c-1") == (body["field"], body["case_id"])


@pytest.mark.parametrize(
    ("override", "code", "fragment"),
    [
        (
            {"to_level": "medium", "direction": "up"},
            "case.field.missing",
            "override.reason: missing required field",
        ),
        (
            {"to_level": "medium", "direction": "up", "reason": "hunch", "approved_by": "x",
             "approved_on": "2024-04-10"},
            "decision.input.invalid",
            "override.reason: got 'hunch'",
        ),
        (
            {"to_level": "low", "direction": "down", "reason": "victim_safety",
             "approved_by": "x", "approved_on": "2024-04-10"},
            "decision.override.invalid",
            "override.direction: got 'down' from very_low to low, expected up",
        ),
        (
            {"to_level": "extreme", "direction": "up", "reason": "victim_safety",
             "approved_by": "x", "approved_on": "2024-04-10"},
            "decision.override.invalid",
            "override.to_level: got 'extreme', expected one of very_low",
        ),
        (
            {"to_level": "low", "direction": "up", "reason": "victim_safety",
             "approved_by": "x", "approved_on": "2024-04-10", "expires_on": "2024-01-01"},
            "decision.override.invalid",
            "override.expires_on: got 2024-01-01",
        ),
    ],
)  # fmt: skip
def test_bad_override_is_one_line(
    cli: Cli, tmp_path: Path, override: dict[str, Any], code: str, fragment: str
) -> None:
    """An override the case file or the policy refuses: one line naming the field, its code."""
    path = write_case(tmp_path / "case.json", adult_doc(override=override))
    body = cli.error(code, "decide", "-p", ADULT, path, contains=("case.json: ", fragment))
    assert body["field"].startswith("override.")


def test_unknown_policy_id_and_version(cli: Cli, tmp_path: Path) -> None:
    """Unknown ids and versions are not found, as is a policy file that does not exist."""
    body = cli.error(
        "policy.unknown",
        "decide",
        "-p",
        "nope",
        ADULT_CASE,
        contains=["unknown policy 'nope'; known: cl-adultos-18216"],
    )
    assert ("nope", ADULT) == (body["value"], body["known"][0])
    cli.error(
        "policy.unknown",
        "decide",
        "-p",
        f"{ADULT}@2020-01-01",
        ADULT_CASE,
        contains=["unknown version 'cl-adultos-18216@2020-01-01'; known: "],
    )
    cli.error("policy.unknown", "policies", "show", "nope", contains=["unknown policy 'nope'"])
    for command in ("decide", "plan"):
        cli.error(
            "usage.file.missing",
            command,
            "-p",
            "missing/2024-01-01.toml",
            ADULT_CASE,
            contains=["missing/2024-01-01.toml: no such policy file"],
        )
    argv = ("--policies-dir", tmp_path / "nope", "-p", ADULT, ADULT_CASE)
    cli.error("usage.file.missing", "decide", *argv, contains=["no such folder"])
    argv = ("--policies-dir", tmp_path, "-p", ADULT, ADULT_CASE)
    cli.error("usage.invalid", "decide", *argv, contains=["no policies found"])


def test_wrong_instrument_for_the_policy(cli: Cli) -> None:
    """A juvenile case under the adult policy: the instrument it was scored with is named."""
    fragment = "ylscmi-02-custody.json: case ejemplo-ylscmi-02: instrument 'ylscmi'"
    for command in ("decide", "plan"):
        body = cli.error(
            "policy.not_applicable", command, "-p", ADULT, YOUTH_CASE, contains=[fragment]
        )
        assert ("instrument", "ylscmi") == (body["field"], body["value"])


# -- rnr policies -------------------------------------------------------------------


def test_policies_list(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "policies", "list")
    assert 0 == status
    header, *rows = out.splitlines()
    assert header.split()[:4] == ["id", "versión", "estado", "régimen"]
    adult = next(r for r in rows if r.startswith(ADULT))
    assert "2024-01-13" in adult
    assert "adult" in adult
    status, out, _ = run(capsys, "policies", "list", "--json")
    listed = {p["id"]: p for p in json.loads(out)}
    assert {ADULT, YOUTH} <= set(listed)
    assert policy_library().get(ADULT_V).sha256 == listed[ADULT]["sha256"]
    status, out, _ = run(capsys, "policies", "list", "--lang", "en")
    assert out.splitlines()[0].split()[:4] == ["id", "version", "status", "regime"]


def test_policies_show(capsys: pytest.CaptureFixture[str]) -> None:
    """Tables with their rules, conditions, outputs and sources."""
    status, out, _ = run(capsys, "policies", "show", ADULT)
    assert 0 == status
    assert out.startswith(f"{ADULT_V}  Penas sustitutivas")
    assert "eligibility_lv (first)" in out
    assert "lv-over-3y: extensión de la pena: más de 1.095 días → eligible = false" in out
    _, english, _ = run(capsys, "policies", "show", ADULT, "--lang", "en")
    assert "lv-over-3y: sentence length: more than 1,095 days → eligible = false" in english
    assert "fuente: Ley 18.216 art. 15 a) y b)" in out
    assert "sentence_days (int 1..36500) ← legal.sentence_days" in out
    status, out, _ = run(capsys, "policies", "show", ADULT_V, "--json")
    document = json.loads(out)
    policy = policy_library().get(ADULT_V)
    assert policy.sha256 == document.pop("sha256")
    assert ADULT == document["id"]
    assert "2024-01-14" == document["effective_from"]
    assert set(policy.tables) == set(document["tables"])


def test_policies_check_shipped(capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped policies load and their worked cases hold."""
    status, out, _ = run(capsys, "policies", "check", data_dir() / "plans" / "policies")
    assert 0 == status, out
    assert "ok    la definición es válida: cl-adultos-18216@2024-01-13" in out
    assert re.search(r"ok    casos resueltos tests/\S+\.toml: (\d+) de \1 se cumplen", out)
    assert out.rstrip().endswith("verificaciones correctas, 0 fallidas")


UNREACHABLE = (
    'id = "a-too-long"\nwhen = {}',
    'id = "a-too-long"\nwhen = { sentence_days = { lt = 2 } }',
)


def broken(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the test policy with ``edits`` (old, new) applied."""
    text = DEMO_POLICY.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    target = tmp_path / "demo-policy" / "2024-01-01.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def test_policies_check_a_broken_policy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Overlaps, gaps and unreachable rules, each naming the table and the rule; exit 1."""
    path = broken(
        tmp_path,
        ("{ le = 365 }, offences = { any_of", "{ le = 400 }, offences = { any_of"),
        UNREACHABLE,
        ("high_needs = { ge = 2 }", "high_needs = { ge = 3 }"),
        ('deadline = "pii_due", days = 45', 'deadline = "pii_due", days = "45"'),
    )
    status, out, err = run(capsys, "policies", "check", path, "--lang", "en")
    assert (1, "") == (status, err)
    assert "FAIL  the definition is invalid" in out
    assert "tables.eligibility_b: overlap: rules b-long and b-short-vif both match" in out
    assert "tables.eligibility_a: rule a-too-long: unreachable" in out
    assert "tables.eligibility_a: gap: no rule matches {sentence_days = 366}" in out
    assert "tables.intensity: gap: no rule matches" in out
    assert "tables.deadlines.rules[0] (rule pii).then.days: got '45'" in out
    assert out.rstrip().endswith("0 checks passed, 1 failed")


def test_policies_check_runs_the_worked_cases_beside(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Worked cases in tests/ beside the file run; a failing one is named; exit 1."""
    path = broken(tmp_path, ("days = 45", "days = 30"))
    tests = path.parent / "tests"
    tests.mkdir()
    (tests / "pii.toml").write_text(
        'schema = "rnr.policy-cases/1"\npolicy = "demo-policy@2024-01-01"\n\n'
        "[[cases]]\n"
        'name = "pii 45 days from entry"\n'
        "assessed_on = 2024-02-01\n"
        'facts = { risk_level = "low", high_needs = 0 }\n'
        'legal = { regime = "adult", sanction = "A", sentence_days = 300, offences = [], '
        "entry_date = 2024-03-01 }\n"
        'expect = { eligible = ["A"], pii_due = 2024-04-15 }\n',
        encoding="utf-8",
    )
    (tests / "other-version.toml").write_text(
        (tests / "pii.toml").read_text(encoding="utf-8").replace("2024-01-01", "2025-01-01"),
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "policies", "check", path, "--lang", "en")
    assert 1 == status, out
    assert "ok    the definition is valid: demo-policy@2024-01-01" in out
    assert "FAIL  worked cases tests/pii.toml: 0 of 1 hold" in out
    assert "pii 45 days from entry: pii_due: expected datetime.date(2024, 4, 15)" in out
    assert "other-version.toml" not in out
    good = broken(tmp_path, ("days = 45", "days = 45"))
    status, out, _ = run(capsys, "policies", "check", good.parent)
    assert 0 == status, out
    assert "ok    casos resueltos tests/pii.toml: 1 de 1 se cumplen" in out


def test_policies_show_names_the_priority_of_each_rule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A rule of a ``priority`` table shows its priority, in the reader's language."""
    path = broken(
        tmp_path,
        ('[tables.monitoring]\nhit = "first"', '[tables.monitoring]\nhit = "priority"'),
        ('id = "b-vif"\n', 'id = "b-vif"\npriority = 2\n'),
        ('id = "none"\n', 'id = "none"\npriority = 1\n'),
    )
    status, out, err = run(capsys, "policies", "show", path)
    assert (0, "") == (status, err)
    assert "b-vif (prioridad 2): " in out
    _, out, _ = run(capsys, "policies", "show", path, "--lang", "en")
    assert "b-vif (priority 2): " in out


def test_policies_check_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``--json``: one object with every file's checks and the counts; the same exit status."""
    status, out, _ = run(capsys, "policies", "check", data_dir() / "plans" / "policies", "--json")
    assert 0 == status
    report = json.loads(out)
    assert 0 == report["failed"]
    assert report["passed"] == sum(len(f["checks"]) for f in report["files"])
    path = broken(tmp_path, UNREACHABLE)
    status, out, _ = run(capsys, "policies", "check", path, "--json", "--lang", "en")
    assert 1 == status
    (checked,) = json.loads(out)["files"]
    (check,) = checked["checks"]
    assert check["passed"] is False
    assert any("rule a-too-long: unreachable" in d for d in check["detail"])


def test_policies_check_missing_path(cli: Cli, tmp_path: Path) -> None:
    """A path that does not exist is not found; a folder without policies is a usage error."""
    cli.error(
        "usage.file.missing", "policies", "check", tmp_path / "nope", contains=["no such file"]
    )
    cli.error("usage.invalid", "policies", "check", tmp_path, contains=["no policy files"])


def test_decide_with_a_broken_policy_file(cli: Cli, tmp_path: Path) -> None:
    """Every problem of a bad policy file is one error line naming the table and rule."""
    path = broken(tmp_path, UNREACHABLE)
    body = cli.error("policy.invalid", "decide", "-p", path, ADULT_CASE, lines=3)
    assert str(path) == body["file"]
    assert body["problems"]
    assert all(p["path"].startswith("tables.eligibility_a") for p in body["problems"])
    assert any("rule a-too-long: unreachable" in p["message"] for p in body["problems"])
    _, _, err = cli("decide", "-p", path, ADULT_CASE)
    assert all(
        line.startswith(f"rnr: error: {path}: tables.eligibility_a") for line in err.splitlines()
    )


# -- rnr whatif ---------------------------------------------------------------------


def cohort_file(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "cohort.jsonl",
        adult_doc("w-lvi"),
        adult_doc("w-rc", sanction="RC", offences=[], sentence_days=500),
        adult_doc("w-lv", sanction="LV", offences=[], sentence_days=900),
    )


def test_whatif_lists_the_changed_cases(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A 30-day PII deadline changes the LV and LVI cases, not the RC one."""
    modified_adult(tmp_path / "mine")
    cohort = cohort_file(tmp_path)
    argv = (
        "whatif",
        "-p",
        ADULT_V,
        "-a",
        f"{ADULT}@2025-01-01",
        "--policies-dir",
        tmp_path / "mine",
    )
    status, out, err = run(capsys, *argv, cohort)
    assert (0, "") == (status, err)
    lines = out.splitlines()
    assert "Comparación de dos versiones de la política" == lines[0]
    assert flat(out).startswith(
        "Comparación de dos versiones de la política Política actual: Penas sustitutivas de"
        " adultos (Ley 18.216), vigente desde el 14-01-2024"
    )
    assert f"  Comparada con: {ADULT}@2025-01-01" in lines  # a policy rnr does not ship
    assert "3 casos; la decisión cambia en 2" in lines
    assert "  plazos: 2 personas" in lines
    assert "  penas sustitutivas que proceden: 0 personas" in lines
    pii = "  Plan de intervención individual (PII): 16-05-2024 → 01-05-2024"
    assert ["Caso w-lvi", pii, "", "Caso w-lv", pii] == lines[-5:]
    status, out, _ = run(capsys, *argv, "--json", cohort)
    assert 0 == status
    got = json.loads(out)
    assert ["w-lvi", "w-lv"] == [c["case_id"] for c in got["cases"]]
    assert {"deadline.pii_due": 2} == got["counts"]
    expected = compare_policies(
        policy_library().get(ADULT_V),
        load_policy(tmp_path / "mine" / ADULT / "2025-01-01.toml"),
        [_cohort_case(case) for case in read_cases(cohort)],
    )
    assert json.loads(json.dumps(expected.to_dict())) == got


def _cohort_case(case: rnr.Case) -> CohortCase:
    assert isinstance(case.legal, LegalContext)
    result = score_case(case, rnr.default_library())
    return CohortCase(case.case_id, facts(result), case.legal, case.assessed_on)


def test_whatif_with_a_policy_file_and_no_change(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = modified_adult(tmp_path)
    rc_only = write_jsonl(
        tmp_path / "rc.jsonl", adult_doc("w-rc", sanction="RC", sentence_days=500)
    )
    status, out, _ = run(capsys, "whatif", "-p", ADULT_V, "-a", path, "--lang", "en", rc_only)
    assert 0 == status
    assert "1 case; the decision changes for 0" in out
    assert "  available substitute sentences: 0 people" in out
    assert "No case changes." in out


def test_whatif_says_every_kind_of_change() -> None:
    """Sanctions by name, fit in words, yes/no, figures; components added and removed."""
    ref = ADULT_V
    change = DecisionChange(
        "c-1",
        {
            "eligible_sanctions": (("LV",), ("LV", "RC")),
            "contacts_per_month": (2, 4),
            "components": (("taller", "apoyo"), ("apoyo", "familia")),
            "telematic_monitoring": (False, True),
            "fit": ("matches", "more_than_risk"),
            "deadline.next_reassessment": (dt.date(2025, 3, 2), dt.date(2025, 1, 2)),
        },
    )
    whatif = WhatIf(ref, ref, 1200, (change,), {})
    lines = whatif_lines(whatif, "es", policy=policy_library().get(ref))
    assert "1.200 casos; la decisión cambia en 1" in lines
    assert "  penas sustitutivas que proceden: 1 persona" in lines
    assert "  intensidad (contactos, horas, componentes): 1 persona" in lines
    text = flat("\n".join(lines))
    assert (
        "penas sustitutivas que proceden: libertad vigilada (LV) → libertad vigilada (LV) y"
        " remisión condicional (RC)"
    ) in text
    assert "contactos al mes: 2 → 4" in text
    assert "componentes: agrega: familia; quita: taller" in text
    assert "monitoreo telemático: no → sí" in text
    assert "ajuste al riesgo: la pena corresponde al riesgo → la pena impone más" in text
    assert "Próxima reevaluación: 02-03-2025 → 02-01-2025" in text
    youth = policy_library().get("cl-juvenil-20084@2024-01-14")
    young = whatif_lines(WhatIf(youth.ref, youth.ref, 1, (), {}), "es", policy=youth)
    assert "  sanciones que proceden: 0 personas" in young
    assert "Ningún caso cambia." == young[-1]


def test_whatif_errors(cli: Cli, tmp_path: Path) -> None:
    """Two regimes, a bad line, a case of another regime, an unknown policy: each its code."""
    cohort = cohort_file(tmp_path)
    argv = ("whatif", "-p", ADULT_V, "-a", YOUTH, cohort)
    cli.error("usage.invalid", *argv, contains=["adult regime", "juvenile"])
    bad = write_jsonl(tmp_path / "bad.jsonl", adult_doc("w-1"), adult_doc("w-2", colour=1))
    argv = ("whatif", "-p", ADULT_V, "-a", ADULT_V, bad)
    cli.error("case.field.unknown", *argv, contains=["bad.jsonl:2: legal.colour: unknown field"])
    other = write_jsonl(
        tmp_path / "other.jsonl", adult_doc("w-1"), adult_doc("w-2", regime="juvenile")
    )
    argv = ("whatif", "-p", ADULT_V, "-a", ADULT_V, other)
    body = cli.error(
        "policy.not_applicable", *argv, contains=["other.jsonl:2: case w-2: legal.regime"]
    )
    assert ("w-2", 2) == (body["case_id"], body["line"])
    cli.error("policy.unknown", "whatif", "-p", "nope", "-a", ADULT_V, cohort)


# -- examples, schema, demo ---------------------------------------------------------


def test_examples_with_a_legal_section_follow_the_schema_and_decide() -> None:
    """Adult and juvenile examples carry a legal section; they validate and decide."""
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    with_legal = {}
    for path in sorted(EXAMPLES.glob("*/examples/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        validator.validate(doc)
        if doc.get("legal"):
            with_legal[path.parent.parent.name] = path
    assert {"lscmi", "ylscmi"} <= set(with_legal)
    assert api_decision(with_legal["lscmi"], ADULT).case_id
    assert api_decision(with_legal["ylscmi"], YOUTH).case_id


def test_case_sections_parse() -> None:
    """legal → LegalContext (null fields not given), override → Override."""
    doc = adult_doc(sentence_date=None, exam_suspension_days=None)
    doc["override"] = {
        "to_level": "medium", "direction": "up", "reason": "other", "text": "amenazas",
        "approved_by": "jefatura", "approved_on": "2024-04-10", "expires_on": None,
    }  # fmt: skip
    case = rnr.parse_case(doc, file="c.json")
    assert case.legal == parse_legal(
        {"regime": "adult", "sanction": "LVI", "sentence_days": 600, "offences": ["vif"],
         "prior_convictions": 0, "entry_date": "2024-04-01"}
    )  # fmt: skip
    assert case.override is not None
    assert ("medium", "other", "amenazas", None) == (
        case.override.to_level, case.override.reason, case.override.text, case.override.expires_on
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["es", "en"])
def test_demo_shows_decisions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str
) -> None:
    """From any folder: the examples with a legal section are decided; the hints follow them."""
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "demo", "--lang", lang)
    assert (0, "") == (status, err)
    title = {"es": "Decisiones de ejemplo", "en": "Example decisions"}[lang]
    decisions = out[out.index(title) :]
    assert f"── ejemplo-lscmi-01 · {policy_name(ADULT_V, lang)}" in decisions
    assert f"── ejemplo-ylscmi-02 · {policy_name(f'{YOUTH}@2024-01-14', lang)}" in decisions
    warning = {"es": "contraria al principio de riesgo", "en": "against the risk principle"}[lang]
    assert warning in decisions  # the warning's sentence, not its code
    lines = out.rstrip().splitlines()
    hint = next(n for n, line in enumerate(lines) if f"rnr decide --policy {ADULT} " in line)
    assert lines[hint].endswith(str(ADULT_CASE))
    after = "\n".join(lines[hint + 1 : hint + 6])
    assert "rnr score --instrument " in after
    assert after.index("rnr score --instrument ") < after.index("rnr-demo")  # then the plan draft


# -- the installed script -------------------------------------------------------------


def test_installed_decide(tmp_path: Path) -> None:
    """``rnr decide --json`` from another folder equals the API decision."""
    exe = shutil.which("rnr")
    if exe is None:
        pytest.skip("the rnr console script is not installed")
    done = subprocess.run(
        [exe, "decide", "--json", "--policy", ADULT, str(ADULT_CASE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (0, "") == (done.returncode, done.stderr)
    assert api_decision(ADULT_CASE) == Decision.from_json(done.stdout)
    bad = subprocess.run(
        [exe, "decide", "--policy", "nope", str(ADULT_CASE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert int(CODES["policy.unknown"]) == bad.returncode
    assert bad.stderr.startswith("rnr: error: unknown policy 'nope'")
