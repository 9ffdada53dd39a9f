"""The command line, in process (``rnr.cli.main``) and as the installed ``rnr`` script."""

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
import rnr.definitions.library
from rnr.cli import main
from rnr.cli.app import COMMANDS, command_in
from rnr.definitions.library import data_dir
from rnr.errors import CODES

if TYPE_CHECKING:
    from conftest import Cli

DATA = Path(__file__).resolve().parent / "data"
PSA_EXAMPLES = data_dir() / "instruments" / "psa" / "examples"
PSA_CASE = PSA_EXAMPLES / "psa-02-violent-young.json"
PSA_ANSWERS: dict[str, Any] = {
    "age_at_arrest": 30,
    "current_violent": False,
    "pending_charge": True,
    "prior_misdemeanor": True,
    "prior_felony": False,
    "prior_violent_convictions": 0,
    "prior_fta_past_2y": 1,
    "prior_fta_older": False,
    "prior_incarceration": False,
}


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run ``rnr argv`` in process; return the exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def psa_case(case_id: str, **answers: Any) -> dict[str, Any]:
    """A complete PSA case; ``answers`` replace some of its answers."""
    return {
        "case_id": case_id,
        "assessed_on": "2024-05-02",
        "responses": {**PSA_ANSWERS, **answers},
    }


def write_jsonl(path: Path, *lines: dict[str, Any] | str) -> Path:
    """Write cases (or raw text lines) as JSON Lines."""
    text = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


# -- rnr instruments ------------------------------------------------------------


def test_list_in_spanish_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    """One row per version: id, version, status, effective dates and title."""
    status, out, _ = run(capsys, "instruments", "list")
    assert 0 == status
    header, *rows = out.splitlines()
    assert header.split() == ["id", "versión", "estado", "vigencia", "título"]
    psa = next(r for r in rows if r.startswith("psa "))
    assert "1.0.0" in psa
    assert "validated" in psa
    assert "2016-01-01" in psa
    assert "Evaluación de Seguridad Pública (PSA)" in psa
    assert {r.split()[0] for r in rows} == set(rnr.default_library().ids())
    _, out_en, _ = run(capsys, "instruments", "list", "--lang", "en")
    assert out_en.splitlines()[0].split() == ["id", "version", "status", "effective", "title"]
    assert "Public Safety Assessment (PSA)" in out_en


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` gives the same list as data, with content hashes."""
    status, out, _ = run(capsys, "instruments", "list", "--json")
    assert 0 == status
    rows = json.loads(out)
    psa = rnr.default_library().get("psa@1.0.0")
    assert {
        "id": "psa",
        "version": "1.0.0",
        "status": psa.status,
        "effective_from": "2016-01-01",
        "effective_until": None,
        "title": dict(psa.title),
        "sha256": psa.sha256,
    } in rows


@pytest.mark.parametrize("where", ["global", "command"])
def test_instruments_dir_adds_user_instruments(
    capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """``--instruments-dir`` works before the command and on it."""
    argv = ["instruments", "list", "--instruments-dir", str(DATA)]
    if where == "global":
        argv = ["--instruments-dir", str(DATA), "instruments", "list"]
    status, out, _ = run(capsys, *argv)
    assert 0 == status
    ids = {line.split()[0] for line in out.splitlines()[1:]}
    assert {"demo", "psa", "lscmi"} <= ids


def test_instruments_dir_must_hold_instruments(cli: Cli, tmp_path: Path) -> None:
    """A missing folder is not found; an empty one is a usage error."""
    nope = ("--instruments-dir", tmp_path / "nope")
    cli.error("usage.file.missing", "instruments", "list", *nope, contains=["no such folder"])
    cli.error("usage.file.missing", *nope, "score", PSA_CASE, contains=["no such folder"])
    empty = ("--instruments-dir", tmp_path)
    found = ["no instruments found", "<id>/<version>.toml"]
    cli.error("usage.invalid", "instruments", "list", *empty, contains=found)


def test_show_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Metadata, scales with bands, domains, items with kinds and points, sources."""
    status, out, _ = run(capsys, "instruments", "show", "lscmi")
    assert 0 == status
    lscmi = rnr.default_library().get("lscmi")
    assert out.startswith(f"{lscmi.ref}  ")
    assert lscmi.sha256 in out
    for heading in ("Escalas:", "Dominios:", "Ítems:", "Referencias:", "Licencia:"):
        assert heading in out
    assert "tramos (grupo male): 0..4 " in out
    assert "prior_youth_dispositions" in out
    assert "boolean" in out
    assert "total +1" in out
    _, out_en, _ = run(capsys, "instruments", "show", "psa@1.0.0", "--lang", "en")
    assert "Scales:" in out_en
    assert "age at arrest_date" in out_en
    assert "scaled score: 0→1, 1→2" in out_en
    assert "Terms (points from combinations of answers):" in out_en


def test_show_json_is_the_full_definition(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json``: the parsed document, dates as ISO strings, plus sha256."""
    status, out, _ = run(capsys, "instruments", "show", "psa@1.0.0", "--json")
    assert 0 == status
    psa = rnr.default_library().get("psa@1.0.0")
    data = json.loads(out)
    assert psa.sha256 == data.pop("sha256")
    assert "2016-01-01" == data["effective_from"]
    data["effective_from"] = dt.date(2016, 1, 1)
    assert dict(psa.document) == data


def test_show_unknown(cli: Cli) -> None:
    """Unknown ids and versions are not found, one clear line each; JSON lists the known ones."""
    body = cli.error(
        "instrument.unknown", "instruments", "show", "nope", contains=["unknown instrument 'nope'"]
    )
    assert ("nope", set(rnr.default_library().ids())) == (body["value"], set(body["known"]))
    body = cli.error(
        "instrument.unknown",
        "instruments",
        "show",
        "psa@9.9.9",
        contains=["unknown version 'psa@9.9.9'", "psa@1.0.0"],
    )
    assert ("psa@9.9.9", ["psa@1.0.0"]) == (body["value"], body["known"])


def test_check_a_shipped_instrument(capsys: pytest.CaptureFixture[str]) -> None:
    """Validation, labels, worked cases, examples and invariants all hold: exit 0."""
    path = data_dir() / "instruments" / "psa" / "1.0.0.toml"
    status, out, _ = run(
        capsys, "instruments", "check", path, "--max-examples", "5", "--lang", "en"
    )
    assert 0 == status, out
    assert "ok    the definition is valid: psa@1.0.0" in out
    assert "ok    example cases: 3 of 3 score" in out
    assert "ok    JSON round trip" in out
    assert "FAIL" not in out
    assert out.rstrip().endswith("checks passed, 0 failed")


def test_check_a_folder_of_instruments(capsys: pytest.CaptureFixture[str]) -> None:
    """A folder checks every ``<id>/<version>.toml`` in it."""
    status, out, _ = run(capsys, "instruments", "check", DATA, "--max-examples", "3")
    assert 0 == status, out
    assert "demo@1.0.0" in out
    assert "kinds@1.0.0" in out


def test_check_an_invalid_instrument(capsys: pytest.CaptureFixture[str]) -> None:
    """Every problem is listed; exit status 1."""
    path = Path(__file__).parent / "instrument_validation" / "bad_kind.toml"
    status, out, _ = run(capsys, "instruments", "check", path, "--lang", "en")
    assert 1 == status
    assert "FAIL  the definition is invalid" in out
    assert "items[1].kind: got 'scale'" in out
    assert "0 checks passed, 1 failed" in out


def test_check_without_hypothesis(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without rnr.testing.checks only validation is reported, and the user is told why."""
    monkeypatch.setitem(sys.modules, "rnr.testing.checks", None)
    status, out, _ = run(capsys, "instruments", "check", DATA / "demo" / "1.0.0.toml")
    assert 0 == status
    assert "pip install 'rnr-engine[testing]'" in out
    assert "\nnota: las verificaciones de invariantes" in out
    assert "JSON round trip" not in out


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json``: one object with every file's checks and the counts; the same exit status."""
    path = Path(__file__).parent / "instrument_validation" / "bad_kind.toml"
    status, out, _ = run(capsys, "instruments", "check", path, "--json", "--lang", "en")
    assert 1 == status
    report = json.loads(out)
    assert (0, 1) == (report["passed"], report["failed"])
    ((checked,),) = [[f] for f in report["files"]]
    assert str(path) == checked["path"]
    (check,) = checked["checks"]
    assert check["passed"] is False
    assert check["name"].startswith("the definition is invalid")
    assert any("items[1].kind: got 'scale'" in d for d in check["detail"])
    good = data_dir() / "instruments" / "psa" / "1.0.0.toml"
    status, out, _ = run(capsys, "instruments", "check", good, "--json", "--max-examples", "3")
    assert 0 == status
    assert 0 == json.loads(out)["failed"]


def test_check_missing_path(cli: Cli, tmp_path: Path) -> None:
    """A path that does not exist is not found; a folder without instruments is a usage error."""
    cli.error(
        "usage.file.missing",
        "instruments",
        "check",
        tmp_path / "nope.toml",
        contains=["nope.toml: no such file or folder"],
    )
    found = ["no instrument files (<id>/<version>.toml) found"]
    cli.error("usage.invalid", "instruments", "check", tmp_path, contains=found)


# -- rnr score --------------------------------------------------------------------


def test_score_readable_in_spanish_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    """A single case prints the explanation (Spanish by default)."""
    status, out, _ = run(capsys, "score", PSA_CASE)
    assert 0 == status
    lines = out.splitlines()
    assert lines[0].startswith("Caso ejemplo-psa-02 · evaluado el 11-06-2024")
    assert lines[1].startswith("Evaluación de Seguridad Pública (PSA), versión 1.0.0 (huella")
    assert any("alerta sí" in line for line in lines)
    _, out_en, _ = run(capsys, "score", "--instrument", "psa", PSA_CASE, "--lang", "en")
    assert out_en.startswith("Case ejemplo-psa-02 · assessed on 2024-06-11")
    assert "flag yes" in out_en


def test_score_reads_as_spanish_for_a_person(capsys: pytest.CaptureFixture[str]) -> None:
    """Norm group, level, strengths and the nearest change in words; no item id, no hash label."""
    status, out, _ = run(capsys, "score", DATA / "plans" / "cases" / "prueba-adulto-01.json")
    assert 0 == status
    lines = out.splitlines()
    assert "Caso prueba-adulto-01 · evaluado el 19-08-2024 · grupo normativo: mujeres" == lines[0]
    assert lines[1].startswith("Inventario de Nivel de Servicio y Gestión de Caso (LS/CMI), ")
    assert "sección 1, versión 1.0.0 (huella del archivo del instrumento: " in lines[1]
    expected = (
        "Puntaje total: 14; nivel Medio (tramo 11-19); "
        "6 puntos más darían nivel Alto; 4 puntos menos darían nivel Bajo"
    )
    assert expected == lines[2]
    assert "  Condenas previas como adulto = sí: Puntaje total +1" in lines
    assert "Tiempo libre: 2 de 2, necesidad Alta (criminógena)" in lines
    assert "Áreas de fortaleza (factores protectores): Actitudes procriminales" == lines[-1]
    assert "prior_adult_convictions" not in out
    assert "(s)" not in out


def test_score_json_carries_the_whole_result(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` is one line with case id, instrument, scales, domains, items, provisional."""
    status, out, _ = run(capsys, "score", "--json", PSA_CASE)
    assert 0 == status
    assert 1 == len(out.splitlines())
    data = json.loads(out)
    psa = rnr.default_library().get("psa@1.0.0")
    assert "ejemplo-psa-02" == data["case_id"]
    assert {"id": "psa", "version": "1.0.0", "sha256": psa.sha256} == data["instrument"]
    for scale in ("fta", "nca", "nvca"):
        assert {"raw", "level", "scaled", "flag"} <= set(data["scales"][scale])
    assert (6, True) == (data["scales"]["nvca"]["raw"], data["scales"]["nvca"]["flag"])
    assert set(data["domains"]) == {d.id for d in psa.domains}
    assert set(data["items"]) == {i.id for i in psa.items}
    assert data["provisional"] is False


def test_score_json_equals_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    """Same answer on every path: CLI JSON == rnr.score().to_dict(), and reads back equal."""
    _, out, _ = run(capsys, "score", "--json", PSA_CASE)
    case = json.loads(PSA_CASE.read_text(encoding="utf-8"))
    expected = rnr.score(
        rnr.default_library().get("psa@1.0.0"),
        case["responses"],
        assessed_on=dt.date(2024, 6, 11),
        birth_date=dt.date(2004, 1, 20),
        dates={"arrest_date": dt.date(2024, 6, 10)},
        case_id="ejemplo-psa-02",
    )
    assert json.loads(expected.to_json()) == json.loads(out)
    assert expected == rnr.ScoreResult.from_dict(json.loads(out))


def test_score_jsonl_in_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A .jsonl file gives one JSON result per line, in order, blank lines skipped."""
    cases = [psa_case(f"c-{n:03d}", prior_fta_past_2y=n % 3) for n in range(1, 6)]
    path = write_jsonl(tmp_path / "cases.jsonl", cases[0], "", *cases[1:])
    status, out, _ = run(capsys, "score", "-i", "psa@1.0.0", path)
    assert 0 == status
    results = [json.loads(line) for line in out.splitlines()]
    assert [c["case_id"] for c in cases] == [r["case_id"] for r in results]
    psa = rnr.default_library().get("psa@1.0.0")
    for case, got in zip(cases, results, strict=True):
        api = rnr.score(
            psa, case["responses"], assessed_on=dt.date(2024, 5, 2), case_id=case["case_id"]
        )
        assert api == rnr.ScoreResult.from_dict(got)


def test_score_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``-`` reads JSON Lines from standard input; each case may name its instrument."""
    lines = [
        json.dumps({**psa_case("s-1"), "instrument": "psa"}),
        json.dumps({**psa_case("s-2", current_violent=True), "instrument": "psa@1.0.0"}),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    status, out, _ = run(capsys, "score", "-")
    assert 0 == status
    assert ["s-1", "s-2"] == [json.loads(line)["case_id"] for line in out.splitlines()]


def test_score_with_user_instruments(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A user instrument scores through ``--instruments-dir``."""
    case = {"case_id": "d-1", "assessed_on": "2024-05-02", "responses": {"prior_convictions": 0}}
    (tmp_path / "case.json").write_text(json.dumps(case), encoding="utf-8")
    status, out, _ = run(
        capsys, "score", "--instruments-dir", DATA, "-i", "demo", tmp_path / "case.json", "--json"
    )
    assert 0 == status
    data = json.loads(out)
    assert data["provisional"] is True
    assert ["antisocial_friends"] == data["omitted"]


@pytest.mark.parametrize(
    ("argv", "case", "expected"),
    [
        (["-i", "nope"], psa_case("c-1"), ("instrument.unknown", "unknown instrument 'nope'")),
        (
            ["-i", "psa@2.0.0"],
            psa_case("c-1"),
            ("instrument.unknown", "unknown version 'psa@2.0.0'", "psa@1.0.0"),
        ),
        (
            [],
            {**psa_case("c-1"), "instrument": "nope"},
            ("instrument.unknown", "case.json: unknown instrument 'nope'"),
        ),
        (
            ["-i", "psa"],
            psa_case("c-1", bogus=True),
            ("case.item.unknown", "case c-1: unknown item 'bogus'"),
        ),
        (
            ["-i", "psa"],
            psa_case("c-1", pending_charge="yes"),
            ("case.value.type", "case c-1: item pending_charge: got 'yes', expected true or false"),
        ),
        (
            ["-i", "psa"],
            psa_case("c-1", prior_violent_convictions=-2),
            (
                "case.value.range",
                "item prior_violent_convictions: got -2, expected an integer >= 0",
            ),
        ),
        (
            ["-i", "psa"],
            {"case_id": "c-1", "responses": {}},
            ("case.field.missing", "case.json: assessed_on: missing required field"),
        ),
        (
            ["-i", "psa"],
            {**psa_case("c-1"), "assessed_on": "2024-02-30"},
            ("case.date.invalid", 'assessed_on: got "2024-02-30", expected a date YYYY-MM-DD'),
        ),
        (
            ["-i", "psa"],
            psa_case("c-1", pending_charge=None, prior_fta_older=None),
            (
                "case.omissions",
                "case c-1: scale fta: 2 items omitted, at most 1 allowed",
                "pending_charge, prior_fta_older",
            ),
        ),
        ([], psa_case("c-1"), ("case.field.missing", "instrument: missing", "--instrument")),
        (
            ["-i", "static99r"],
            {**psa_case("c-1"), "instrument": "psa"},
            ("usage.invalid", "the case names 'psa'"),
        ),
    ],
)
def test_score_bad_input_is_one_line(
    cli: Cli, tmp_path: Path, argv: list[str], case: dict[str, Any], expected: tuple[str, ...]
) -> None:
    """Every bad input prints one clear line to stderr with its code, nothing to stdout."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    code, *fragments = expected
    cli.error(code, "score", *argv, path, contains=fragments)


def test_score_errors_name_the_case_in_json(cli: Cli, tmp_path: Path) -> None:
    """The JSON error of a case names its file, line, case, item, value and expectation."""
    path = write_jsonl(
        tmp_path / "cases.jsonl", psa_case("c-001"), psa_case("c-002", pending_charge="yes")
    )
    ok = json.dumps(rnr.score(
        rnr.default_library().get("psa@1.0.0"),
        PSA_ANSWERS,
        assessed_on=dt.date(2024, 5, 2),
        case_id="c-001",
    ).to_dict(), ensure_ascii=False)  # fmt: skip
    body = cli.error("case.value.type", "score", "-i", "psa", path, out=ok + "\n")
    assert {
        "file": str(path),
        "line": 2,
        "case_id": "c-002",
        "field": "pending_charge",
        "value": "yes",
        "expected": "true or false",
    }.items() <= body.items()


def test_score_missing_file(cli: Cli, tmp_path: Path) -> None:
    """A file that does not exist."""
    cli.error(
        "usage.file.missing",
        "score",
        "-i",
        "psa",
        tmp_path / "nope.json",
        contains=["nope.json: cannot read file (No such file or directory)"],
    )


def test_batch_malformed_json_names_the_line(cli: Cli, tmp_path: Path) -> None:
    """A malformed line stops the batch, naming the file, line and column."""
    path = write_jsonl(tmp_path / "cases.jsonl", psa_case("c-001"), '{"case_id": "c-002" "x": 1}')
    _, out, _ = cli("score", "-i", "psa", path)
    assert ["c-001"] == [json.loads(line)["case_id"] for line in out.splitlines()]
    fragment = "cases.jsonl:2: invalid JSON: Expecting ',' delimiter (column 21)"
    body = cli.error("case.file.invalid", "score", "-i", "psa", path, out=out, contains=[fragment])
    assert (str(path), 2) == (body["file"], body["line"])


def test_batch_failing_line_in_the_middle(cli: Cli, tmp_path: Path) -> None:
    """Earlier results print, then the error names the line and case; later lines never run."""
    path = write_jsonl(
        tmp_path / "cases.jsonl",
        psa_case("c-001"),
        psa_case("c-002"),
        psa_case("c-003", pending_charge="yes"),
        psa_case("c-004"),
    )
    _, out, _ = cli("score", "-i", "psa", path)
    assert ["c-001", "c-002"] == [json.loads(line)["case_id"] for line in out.splitlines()]
    fragment = "cases.jsonl:3: case c-003: item pending_charge: got 'yes', expected true or false"
    cli.error("case.value.type", "score", "-i", "psa", path, out=out, contains=[fragment])


def test_batch_bad_field_names_the_line(cli: Cli, tmp_path: Path) -> None:
    """A malformed case in a batch names its line and field."""
    path = write_jsonl(tmp_path / "cases.jsonl", psa_case("c-001"), {**psa_case("c-2"), "x": 1})
    out = cli("score", "-i", "psa", path)[1]
    contains = ["cases.jsonl:2: x: unknown field"]
    cli.error("case.field.unknown", "score", "-i", "psa", path, out=out, contains=contains)


def test_score_stdin_without_a_case_is_an_error(cli: Cli) -> None:
    """Standard input holding no case is refused, never an empty answer."""
    cli.error("case.file.empty", "score", "-i", "psa", "-", stdin="\n\n", contains=["no case"])


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse's own errors exit 2; no command prints the help and exits 2."""
    assert 2 == run(capsys, "score")[0]
    assert 2 == run(capsys, "frobnicate")[0]
    status, _, err = run(capsys)
    assert 2 == status
    assert "usage: rnr" in err
    assert (0, "rnr 0.1.0\n") == run(capsys, "--version")[:2]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["score"], "the following arguments are required: CASE"),
        (["score", "--bogus", "x.json"], "unrecognized arguments: --bogus"),
        (["score", "--lang", "fr", "x.json"], "argument --lang: invalid choice: 'fr'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["instruments"], "the following arguments are required: ACTION"),
        (["instruments", "show"], "the following arguments are required: ID[@VERSION]"),
        (["decide", "x.json"], "the following arguments are required: --policy/-p"),
        (["plan", "--policy"], "argument --policy/-p: expected one argument"),
        (["policies", "frobnicate"], "invalid choice: 'frobnicate'"),
        (["whatif", "-p", "a", "x.jsonl"], "the following arguments are required: --against/-a"),
        (["due", "--as-of", "2024-13-01"], "argument --as-of: got '2024-13-01'"),
        (["indicators", "--period", "last"], "argument --period: got 'last'"),
        (["simulate", "--people", "0", "--years", "1"], "argument --people: got '0'"),
        (["validate", "--bogus"], "unrecognized arguments: --bogus"),
        (["schema", "show"], "the following arguments are required: NAME"),
    ],
)
def test_argparse_refusals_are_usage_errors(cli: Cli, argv: list[str], fragment: str) -> None:
    """A command line that does not parse: argparse's usage and error, or a JSON usage.invalid."""
    cli.refused(*argv, contains=[fragment])


def test_schema_show_unknown(cli: Cli) -> None:
    """An unknown schema is not found; the JSON error lists the known names."""
    from rnr.schemas import names  # noqa: PLC0415

    body = cli.error("schema.unknown", "schema", "show", "nope", contains=["unknown schema 'nope'"])
    assert ("nope", names()) == (body["value"], body["known"])


def test_due_and_indicators_need_an_existing_store(cli: Cli, tmp_path: Path) -> None:
    """A store path that does not exist is not found (and is not created)."""
    missing = tmp_path / "nada.sqlite3"
    cli.error("store.missing", "due", "--db", missing, "--as-of", "2024-06-01")
    cli.error("store.missing", "indicators", "--period", "2024", "--db", missing)
    assert not missing.exists()


def test_indicators_html_into_a_folder_is_refused(cli: Cli, tmp_path: Path) -> None:
    """``--html`` naming a folder is refused before the store is opened."""
    argv = ("indicators", "--period", "2024", "--html", tmp_path, "--db", tmp_path / "x.db")
    cli.error("usage.invalid", *argv, contains=["a folder, expected a file"])


def test_simulate_errors(cli: Cli, tmp_path: Path) -> None:
    """``--json`` with the export on standard output is a usage error; a second run into
    the same store is a conflict naming the case, and writes nothing more."""
    status, out, err = cli("simulate", "--people", "1", "--years", "1", "--json")
    assert (int(CODES["usage.invalid"]), "") == (status, out)
    assert "usage.invalid" == cli.json_error(err)["code"]
    db = tmp_path / "sim.sqlite3"
    argv = ("simulate", "--people", "2", "--years", "1", "--db", db)
    assert 0 == cli(*argv)[0]
    size = db.stat().st_size
    body = cli.error("history.case.exists", *argv, contains=["simulate into a new store"])
    assert "sim-000001" == body["case_id"]
    assert size == db.stat().st_size


def test_score_reads_only_the_named_instrument(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``rnr score`` parses the files of the instrument it scores, not the whole library."""
    read: list[Path] = []
    load = rnr.definitions.library.load_instrument

    def spy(path: Path) -> rnr.Instrument:
        read.append(path)
        return load(path)

    monkeypatch.setattr(rnr.definitions.library, "load_instrument", spy)
    for argv in (["-i", "psa"], []):
        status, _, _ = run(capsys, "score", *argv, PSA_CASE, "--json")
        assert 0 == status
    assert read
    assert {"psa"} == {path.parent.name for path in read}


# -- the command table and the start-up -------------------------------------------


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_command_shows_its_own_options(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """``rnr COMMAND --help`` loads the command's module and shows its full usage."""
    status, out, _ = run(capsys, command, "--help")
    assert 0 == status
    assert out.startswith(f"usage: rnr {command} [-h]")
    # --lang on each action
    with_actions = {"case", "instruments", "policies", "schema", "store", "tokens", "users"}
    assert "--lang" in out or command in with_actions


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """``rnr --help`` lists each command with its line of help, in the table's order."""
    status, out, _ = run(capsys, "--help")
    assert 0 == status
    names = [line.split()[0] for line in out.splitlines() if re.match(r" {4}\S", line)]
    assert [c.name for c in COMMANDS] == names


def test_command_in_skips_options_and_their_values() -> None:
    """The command is the first word that is neither an option nor an option's value."""
    assert "score" == command_in(["score", "--json", "case.json"])
    assert "demo" == command_in(["--instruments-dir", "score", "demo"])
    assert "demo" == command_in(["--instruments-di", "x", "--version", "demo"])
    assert "demo" == command_in(["--i", "score", "demo"])
    assert "instruments" == command_in(["--instruments-dir=x", "instruments", "list"])
    assert command_in(["--version"]) is None
    assert command_in(["frobnicate", "score"]) is None


LOADED = """\
import contextlib, io, json, sys
from rnr.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(sys.argv[1:])
print(json.dumps([status, sorted(m for m in sys.modules if m.split(".")[0] in {heavy})]))
"""


def loaded(*argv: str | Path) -> tuple[int, set[str]]:
    """Run ``rnr argv`` in a fresh interpreter; its exit status and the modules it loaded."""
    heavy = {"rnr", "attr", "attrs", "numpy", "jinja2", "sqlite3", "_sqlite3"}
    code = LOADED.format(heavy=sorted(heavy))
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, argv)],
        capture_output=True,
        text=True,
        check=True,
    )
    status, modules = json.loads(done.stdout.splitlines()[-1])
    return status, set(modules)


def test_help_loads_no_command() -> None:
    """``rnr --help`` builds its parser from the table: no command module, no attrs."""
    status, modules = loaded("--help")
    assert 0 == status
    assert {"rnr", "rnr.cli", "rnr.cli.app", "rnr.cli.options"} == modules


def test_score_loads_neither_numpy_jinja_nor_the_store() -> None:
    """Scoring one case loads the scoring path only: no other command, store, policy, plan."""
    status, modules = loaded("score", "-i", "psa", PSA_CASE)
    assert 0 == status
    assert not modules & {"numpy", "jinja2", "sqlite3", "_sqlite3"}
    assert "rnr.cli.score" in modules
    commands = {c.module for c in COMMANDS} - {"rnr.cli.score"}
    assert not modules & commands
    stages = {m.split(".")[1] for m in modules if m.count(".") >= 1}
    assert not stages & {"store", "history", "policy", "plan", "change", "validity", "simulate"}


# -- rnr demo ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
def test_demo_scores_every_example(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    lang: str,
) -> None:
    """Every shipped example is shown, from any folder, ending with how to see the trace."""
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "demo", "--lang", lang)
    assert (0, "") == (status, err)
    for path in sorted(data_dir().glob("instruments/*/examples/*.json")):
        case_id = json.loads(path.read_text(encoding="utf-8"))["case_id"]
        assert case_id in out
        assert str(path) in out
    words = {
        "es": ("nivel de riesgo: ", "perfil de necesidades: ", "fortalezas: ", "provisorio: sí"),
        "en": ("risk level: ", "need profile: ", "strengths: ", "provisional: yes"),
    }[lang]
    for word in words:
        assert word in out
    lines = out.rstrip().splitlines()
    trace = next(line for line in lines if "rnr score --instrument lscmi " in line)
    assert trace.startswith("  $ rnr score")  # a command to type, on a line of its own
    assert trace.endswith(".json")
    assert any("rnr-demo" in line and line.endswith(".html") for line in lines)  # the plan draft
    # it ends with a simulated case's history and the commands that go on with it
    assert lines[-2].startswith("  $ rnr case history sim-")
    assert re.fullmatch(r"  \$ rnr due --db \S+ --as-of \d{4}-\d{2}-\d{2}", lines[-1])
    assert "@" not in out  # instruments and policies by name, never by reference


# -- the installed script ---------------------------------------------------------


def test_installed_console_script(cli: Cli, tmp_path: Path) -> None:
    """The ``rnr`` script runs from any folder; errors are one line on stderr."""
    exe = shutil.which("rnr")
    if exe is None:
        pytest.skip("the rnr console script is not installed")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(psa_case("sub-1")), encoding="utf-8")
    done = subprocess.run(
        [exe, "score", "--json", "-i", "psa", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (0, "") == (done.returncode, done.stderr)
    api = rnr.score(
        rnr.default_library().get("psa@1.0.0"),
        PSA_ANSWERS,
        assessed_on=dt.date(2024, 5, 2),
        case_id="sub-1",
    )
    assert api == rnr.ScoreResult.from_json(done.stdout)
    bad = subprocess.run(
        [exe, "score", "-i", "nope", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert int(CODES["instrument.unknown"]) == bad.returncode
    assert bad.stderr.startswith("rnr: error: unknown instrument 'nope'")
    assert "Traceback" not in bad.stderr
    bad = subprocess.run(
        [exe, "score", "-i", "nope", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (int(CODES["instrument.unknown"]), "") == (bad.returncode, bad.stdout)
    assert "instrument.unknown" == cli.json_error(bad.stderr)["code"]
    demo = subprocess.run([exe, "demo"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert 0 == demo.returncode
    assert "ejemplo-lscmi-01" in demo.stdout


def test_the_command_makes_garbage_collection_rarer_in_its_own_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rnr`` (``run``) raises the collector's thresholds, then runs ``main``, which does not."""
    import gc  # noqa: PLC0415

    from rnr.cli.app import GC_THRESHOLD, main, run  # noqa: PLC0415

    before = gc.get_threshold()
    try:
        assert 0 == main(["--version"])
        assert before == gc.get_threshold()
        monkeypatch.setattr(sys, "argv", ["rnr", "--version"])
        assert 0 == run()
        assert GC_THRESHOLD == gc.get_threshold()
    finally:
        gc.set_threshold(*before)
    assert capsys.readouterr().out.startswith("rnr ")
