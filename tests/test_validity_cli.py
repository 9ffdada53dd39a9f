"""``rnr validate``: the CSV reader's errors, text, JSON and HTML output; the SVG charts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rnr.cli import main
from rnr.errors import InvalidArgumentError, ValidityInputError
from rnr.render.charts import bar_chart, line_chart
from rnr.validity.csvfile import read_table

if TYPE_CHECKING:
    from conftest import Cli

HEADER = "id,total,reincide,sexo,nivel,eval_a,eval_b"
ROWS = [
    "1,2,0,F,bajo,2,3",
    "2,5,0,M,bajo,5,5",
    "3,9,0,M,bajo,9,8",
    "4,14,1,F,medio,14,15",
    "5,20,0,M,alto,20,20",
    "6,25,1,M,alto,25,24",
    "7,31,1,M,alto,31,31",
    "8,8,0,F,bajo,8,8",
    "9,17,1,F,medio,17,16",
    "10,28,1,M,alto,28,29",
    "11,11,0,<b>X</b>,medio,11,11",
    "12,30,1,<b>X</b>,alto,30,30",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run ``rnr argv`` in process; return the exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write_csv(folder: Path, *lines: str, name: str = "estudio.csv") -> Path:
    """Write ``lines`` as a UTF-8 CSV file."""
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A small valid study file."""
    return write_csv(tmp_path, HEADER, *ROWS)


# -- the CSV reader ---------------------------------------------------------------------

CSV_ERRORS = [
    pytest.param(
        [HEADER, *ROWS],
        ["--score", "puntaje", "--outcome", "reincide"],
        ["estudio.csv:1:", "no column 'puntaje'", "columns: id, total, reincide, sexo"],
        id="missing-column",
    ),
    pytest.param(
        [HEADER, *ROWS[:3], "4,catorce,1,F,medio,14,15", *ROWS[4:]],
        ["--score", "total", "--outcome", "reincide"],
        ["estudio.csv:5: column 'total': 'catorce' is not a number"],
        id="non-numeric-score",
    ),
    pytest.param(
        [HEADER, *ROWS[:6], "7,31,2,M,alto,31,31", *ROWS[7:]],
        ["--score", "total", "--outcome", "reincide"],
        ["estudio.csv:8: column 'reincide': '2' is not 0 or 1"],
        id="outcome-not-binary",
    ),
    pytest.param(
        [HEADER, *ROWS[:1], "2,5,0,,bajo,5,5", *ROWS[2:]],
        ["--score", "total", "--outcome", "reincide", "--group", "sexo"],
        ["estudio.csv:3: column 'sexo': empty value"],
        id="empty-group-value",
    ),
    pytest.param(
        [HEADER, *(r.replace(",1,", ",0,", 1) for r in ROWS)],
        ["--score", "total", "--outcome", "reincide"],
        ["estudio.csv: column 'reincide': every row is 0", "with (1) and without (0)"],
        id="single-class",
    ),
    pytest.param(
        [],
        ["--score", "total", "--outcome", "reincide"],
        ["estudio.csv: empty file"],
        id="empty-file",
    ),
    pytest.param(
        ["id,total,reincide,total", "1,2,0,3", "2,3,1,4"],
        ["--score", "total", "--outcome", "reincide"],
        ["estudio.csv:1: column 'total': appears twice in the header"],
        id="duplicated-header",
    ),
    pytest.param(
        [HEADER, ROWS[0]],
        ["--score", "total", "--outcome", "reincide"],
        ["estudio.csv: 1 row(s) of data, expected at least 2"],
        id="one-row",
    ),
    pytest.param(
        [HEADER, *ROWS[:2], "3,9,0,M", *ROWS[3:]],
        ["--score", "total", "--outcome", "reincide"],
        ["estudio.csv:4: 4 values, expected 7"],
        id="short-row",
    ),
]


@pytest.mark.parametrize(("lines", "options", "fragments"), CSV_ERRORS)
def test_csv_errors_name_file_line_and_column(
    cli: Cli, tmp_path: Path, lines: list[str], options: list[str], fragments: list[str]
) -> None:
    """Every malformed file gives one error line naming the file, the line and the column."""
    path = write_csv(tmp_path, *lines)
    contains = [str(tmp_path / "estudio.csv"), *fragments]
    body = cli.error("validity.file.invalid", "validate", path, *options, contains=contains)
    assert str(path) == body["file"]


def test_csv_that_is_not_utf8_or_missing(cli: Cli, tmp_path: Path) -> None:
    """A Latin-1 file names the line of the first bad byte; a missing file is not found."""
    path = tmp_path / "latin.csv"
    path.write_bytes("id,total,reincide\n1,2,0\n2,3,1\n3,4,1 # año\n".encode("latin-1"))
    body = cli.error(
        "validity.file.invalid",
        "validate",
        path,
        "--score",
        "total",
        "--outcome",
        "reincide",
        contains=["latin.csv:4: not UTF-8 text (byte 0xf1)"],
    )
    assert (str(path), 4) == (body["file"], body["line"])
    argv = ("validate", tmp_path / "no.csv", "--score", "t", "--outcome", "r")
    cli.error("usage.file.missing", *argv, contains=["no.csv: no such file"])


def test_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    """A spreadsheet's semicolon file with decimal commas and a BOM reads as numbers."""
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffid;total;reincide\n1;2,5;0\n2;3;1\n\n3;7,25;1\n", encoding="utf-8")
    table = read_table(path, numbers=["total"], outcomes=["reincide"])
    assert [2.5, 3.0, 7.25] == table.numbers["total"].tolist()
    assert [False, True, True] == table.outcomes["reincide"].tolist()
    assert ("id", "total", "reincide") == table.header


def test_reader_error_attributes(tmp_path: Path) -> None:
    """ValidityInputError carries the file, line and column as attributes."""
    path = write_csv(tmp_path, "a,b", "1,x", "2,3")
    with pytest.raises(ValidityInputError) as info:
        read_table(path, numbers=["b"])
    assert (str(path), 2, "b") == (info.value.file, info.value.line, info.value.column)
    assert isinstance(info.value, ValueError)


# -- rnr validate ------------------------------------------------------------------------


def test_readable_report_in_spanish(capsys: pytest.CaptureFixture[str], study: Path) -> None:
    """Spanish by default: title, sample, AUC with DeLong, the cut, groups, limits."""
    status, out, err = run(
        capsys, "validate", study, "--score", "total", "--outcome", "reincide",
        "--group", "sexo", "--cut", "15", "--level", "nivel",
    )  # fmt: skip
    assert (0, "") == (status, err)
    lines = out.splitlines()
    assert f"Validez de «total» para predecir «reincide» · {study}" == lines[0]
    assert "  12 personas; 6 con el resultado (tasa base 50,0 %)" == lines[1]
    assert any(line.startswith("  AUC 0,9") and "DeLong [0," in line for line in lines)
    assert not [line for line in lines if re.search(r"\d\.\d", line)]  # decimal commas
    assert "Punto de corte: puntaje ≥ 15" in lines
    assert "Calibración por nivel" in lines
    assert any(line.startswith("Grupos por «sexo» (referencia: M") for line in lines)
    assert "Lo que estas cifras no dicen" in lines


def test_readable_report_in_english_without_cut(
    capsys: pytest.CaptureFixture[str], study: Path
) -> None:
    """English with --lang en; without --cut the classification figures are absent."""
    status, out, _ = run(
        capsys, "validate", study, "--score", "total", "--outcome", "reincide", "--lang", "en"
    )
    assert 0 == status
    assert "No cut-off (option --cut N)" in out
    assert "  12 people; 6 with the outcome (base rate 50.0 %)" in out.splitlines()
    assert "What these figures cannot say" in out
    assert "Calibration by score" in out


def test_json_carries_the_required_keys(capsys: pytest.CaptureFixture[str], study: Path) -> None:
    """--json prints one object with the headline figures at the top level."""
    status, out, _ = run(
        capsys, "validate", study, "--score", "total", "--outcome", "reincide",
        "--group", "sexo", "--cut", "15", "--bootstrap", "50", "--seed", "3", "--json",
    )  # fmt: skip
    assert 0 == status
    assert 1 == len(out.splitlines())
    data = json.loads(out)
    required = ["n", "base_rate", "auc", "auc_ci", "accuracy", "fpr", "fnr", "ppv", "cut"]
    required += ["calibration", "brier", "groups", "differences"]
    assert [] == [key for key in required if key not in data]
    assert (12, 0.5, 15) == (data["n"], data["base_rate"], data["cut"]["cut"])
    assert 2 == len(data["auc_ci"])
    assert {"F", "M", "<b>X</b>"} == set(data["groups"]["sexo"])
    assert {"vs_all", "vs_reference"} == set(data["differences"]["sexo"]["F"])
    assert {"score": "total", "outcome": "reincide", "groups": ["sexo"], "level": None} == data[
        "columns"
    ]
    assert 50 == data["bootstrap"]["resamples"]
    assert data["reliability"] is None


def test_json_without_cut_says_so(capsys: pytest.CaptureFixture[str], study: Path) -> None:
    """cut: null and no accuracy key."""
    _, out, _ = run(
        capsys, "validate", study, "--score", "total", "--outcome", "reincide", "--json"
    )
    data = json.loads(out)
    assert data["cut"] is None
    assert "accuracy" not in data


def test_expected_rates_by_level(capsys: pytest.CaptureFixture[str], study: Path) -> None:
    """--expected with --level compares per level and scores the expected rates (Brier)."""
    status, out, _ = run(
        capsys, "validate", study, "--score", "total", "--outcome", "reincide",
        "--level", "nivel", "--expected", "bajo=0.1,medio=40%,alto=0.7",
        "--expected-source", "manual, tabla 4", "--json",
    )  # fmt: skip
    assert 0 == status
    data = json.loads(out)
    assert "expected" == data["brier_detail"]["source"]
    rows = {r["key"]: r for r in data["calibration"]["by_level"]}
    assert 0.4 == rows["medio"]["expected"]
    assert "manual, tabla 4" == data["expected"]["source"]


def test_html_report_is_self_contained(
    capsys: pytest.CaptureFixture[str], study: Path, tmp_path: Path
) -> None:
    """--html writes one page with inline SVG charts, no script, no network, data escaped."""
    page = tmp_path / "informe.html"
    status, _, _ = run(
        capsys, "validate", study, "--score", "total", "--outcome", "reincide",
        "--group", "sexo", "--level", "nivel", "--cut", "15",
        "--raters", "eval_a", "eval_b", "--norms", "--recalibrate", "bajo=0.5,alto=0.5",
        "--html", page,
    )  # fmt: skip
    assert 0 == status
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text.lower()
    assert "http" not in text.lower()
    assert "<style>" in text
    assert text.count("<svg") >= 4  # ROC, calibration by level and score, ROC by group, ...
    assert "&lt;b&gt;X&lt;/b&gt;" in text
    assert "<b>X</b>" not in text
    assert "Curva ROC" in text


def test_raters_alone(capsys: pytest.CaptureFixture[str], study: Path) -> None:
    """--raters works without --outcome: ICC(2,1) and quadratic weighted kappa."""
    status, out, _ = run(capsys, "validate", study, "--raters", "eval_a", "eval_b", "--lang", "en")
    assert 0 == status
    assert out.startswith("Inter-rater reliability: 'eval_a' and 'eval_b' · 12 cases")
    assert "ICC(2,1) 0.99" in out
    status, out, _ = run(capsys, "validate", study, "--raters", "eval_a", "eval_b", "--json")
    data = json.loads(out)
    assert 12 == data["reliability"]["n"]
    assert "n" not in data


def test_norms_and_recalibration(capsys: pytest.CaptureFixture[str], study: Path) -> None:
    """--norms gives percentiles; --recalibrate cut-offs with the shares obtained."""
    status, out, _ = run(
        capsys, "validate", study, "--score", "total", "--norms",
        "--recalibrate", "bajo=50%,medio=0.25,alto=0.25", "--json",
    )  # fmt: skip
    assert 0 == status
    data = json.loads(out)
    assert 14 == data["norms"]["percentiles"]["50"]
    levels = data["recalibration"]["levels"]
    assert [2, 17, 28] == [level["cutoff"] for level in levels]
    assert [6, 3, 3] == [level["n"] for level in levels]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], ("usage.invalid", "nothing to do")),
        (["--outcome", "reincide"], ("usage.invalid", "--score COL is needed")),
        (["--score", "total", "--group", "sexo", "--norms"],
         ("usage.invalid", "--group needs --outcome")),
        (["--score", "total", "--outcome", "reincide", "--expected", "bajo=0.1"],
         ("usage.invalid", "--expected-source")),
        (["--score", "total", "--recalibrate", "bajo=0.5,alto"],
         ("usage.invalid", "'alto' is not KEY=VALUE")),
        (["--score", "total", "--recalibrate", "bajo=mucho"],
         ("usage.invalid", "bajo=mucho: not a number")),
        (["--score", "total", "--recalibrate", "bajo=0.5,alto=0.4"],
         ("argument.invalid", "they add 0.9")),
        (["--score", "total", "--outcome", "reincide", "--group", "sexo", "--reference", "Q"],
         ("argument.invalid", "reference: got 'Q'")),
        (["--score", "total", "--outcome", "reincide", "--expected", "x=0.1",
          "--expected-source", "s"], ("usage.invalid", "keys must be scores")),
        (["--score", "total", "--outcome", "reincide", "--db", "x.sqlite3"],
         ("usage.invalid", "give FILE.csv or --db PATH, not both")),
    ],
)  # fmt: skip
def test_usage_errors_are_one_line(
    cli: Cli, study: Path, options: list[str], expected: tuple[str, str]
) -> None:
    """Impossible combinations and bad values give one error line, each with its code."""
    code, fragment = expected
    cli.error(code, "validate", study, *options, contains=[fragment])


def test_validate_needs_data(cli: Cli, tmp_path: Path) -> None:
    """No file and no store is a usage error; a store that does not exist is not found."""
    cli.error("usage.invalid", "validate", "--score", "total", contains=["give the data"])
    missing = tmp_path / "nada.sqlite3"
    cli.error("store.missing", "validate", "--db", missing)
    assert not missing.exists()


# -- charts -------------------------------------------------------------------------------


def test_bar_chart_escapes_labels_and_draws_targets_and_intervals() -> None:
    """Labels from data are escaped; each target and interval is drawn; None is '—'."""
    svg = bar_chart(
        ['<script>alert("x")</script>', "B & C", "sin datos"],
        [40.0, 75.5, None],
        targets=[50.0, None, 20.0],
        intervals=[(30.0, 52.0), None, None],
        title="Logro <meta>",
    )
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "B &amp; C" in svg
    assert "Logro &lt;meta&gt;" in svg
    assert 2 == svg.count('stroke="#D55E00"')  # two target markers
    assert 1 == svg.count("<path")  # one error bar
    assert ">—</text>" in svg
    assert ">75,5 %</text>" in svg  # a decimal comma: Spanish by default
    assert "alert(&#34;x&#34;)&lt;/script&gt;: 40,0 % ([30,0; 52,0] %; → 50 %)</title>" in svg
    assert "B &amp; C: 75,5 %</title>" in svg
    assert "sin datos: — (→ 20 %)</title>" in svg  # a whole target shows no decimal


def test_bar_chart_vertical_and_units() -> None:
    """Vertical columns; another unit; the axis grows to fit the values."""
    svg = bar_chart(["a", "b"], [3.0, 12.0], unit="h", orientation="vertical", title="Horas")
    assert "12,0 h" in svg
    assert 2 == svg.count("<rect")
    counts = bar_chart(["a", "b"], [3.0, 1234.0], unit="", decimals=0, title="Personas")
    assert ">1.234</text>" in counts  # counts: whole numbers, thousands grouped
    english = bar_chart(["a"], [1234.5], unit="", title="People", lang="en")
    assert ">1,234.5</text>" in english


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"labels": ["a"], "values": [1.0, 2.0]}, r"values"),
        ({"labels": ["a"], "values": [-1.0]}, r"values: got -1.0"),
        ({"labels": ["a"], "values": [1.0], "intervals": [(3.0, 2.0)]}, r"intervals\[0\]"),
        ({"labels": ["a"], "values": [1.0], "targets": [1.0, 2.0]}, r"targets"),
        ({"labels": ["a"], "values": [1.0], "orientation": "diagonal"}, r"orientation"),
    ],
)
def test_bar_chart_checks_its_arguments(kwargs: dict[str, object], match: str) -> None:
    """Mismatched lengths, negative values and bad intervals are refused."""
    with pytest.raises(InvalidArgumentError, match=match):
        bar_chart(title="t", **kwargs)  # type: ignore[arg-type]


def test_line_chart_draws_each_series_and_the_diagonal() -> None:
    """One polyline per series, a dashed diagonal, escaped names."""
    svg = line_chart(
        {"todos": [(0, 0), (0.2, 0.6), (1, 1)], "M & F": [(0, 0), (1, 1)]},
        x_label="FPR",
        y_label="TPR",
        title="ROC",
        diagonal=True,
    )
    assert 2 == svg.count("<polyline")
    assert "stroke-dasharray" in svg
    ticks = re.findall(r'text-anchor="(?:middle|end)">([^<]*)</text>', svg)
    assert ["0", "0,25", "0,5", "0,75", "1"] == ticks[:5]  # Spanish ticks by default
    english = line_chart({"a": [(0, 0), (1, 1)]}, x_label="", y_label="", title="", lang="en")
    assert ">0.25</text>" in english
    assert "M &amp; F" in svg
    with pytest.raises(InvalidArgumentError, match=r"series\['x'\]\[0\]\[1\]"):
        line_chart({"x": [(0, float("nan"))]}, x_label="", y_label="", title="")
