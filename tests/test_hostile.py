"""Hostile input, fuzzed: rnr answers or refuses in one to three lines, never a traceback.

Every fuzzer drives the command line in process, as an attacker or a careless
integrator would, and asserts the one contract of docs/reliability.md: exit
0 with a result, or a refusal: one to three ``rnr: error:`` lines naming what
was wrong and, asked again with ``--json``, one error object whose code gives
that exit status (docs/errors.md); never another exception, never an empty
answer.

The suite runs a bounded number of examples of each fuzzer; a long run is
``RNR_FUZZ_EXAMPLES=100000 pytest tests/test_hostile.py -p no:randomly``
(docs/reliability.md gives the figures of the last one).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rnr import (
    decide,
    default_library,
    draft_plan,
    policy_library,
    read_cases,
    render_plan,
    score_case,
)
from rnr.cases.legal import OFFENCES
from rnr.cli import main
from rnr.definitions.indicators import load_indicators
from rnr.definitions.library import data_dir
from rnr.errors import CODES, Outcome, RnrError
from rnr.render import messages as rnr_messages
from rnr.store import SQLiteStore

if TYPE_CHECKING:
    from conftest import Cli

CASES = Path(__file__).resolve().parent / "data" / "plans" / "cases"
ADULT = json.loads((CASES / "prueba-adulto-01.json").read_text("utf-8"))
POLICY = data_dir() / "plans" / "policies" / "cl-adultos-18216" / "2024-01-14.toml"
INSTRUMENT = data_dir() / "instruments" / "psa" / "1.0.0.toml"


def _examples(default: int) -> int:
    return int(os.environ.get("RNR_FUZZ_EXAMPLES", default))


FUZZ = settings(
    max_examples=_examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def run(*argv: str | Path, stdin: str = "") -> tuple[int, str, str]:
    """``rnr ARGV`` in process: (status, stdout, stderr); any other exception escapes."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setattr("sys.stdin", io.StringIO(stdin))
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def answered_or_refused(
    cli: Cli, *argv: str | Path, stdin: str = "", as_json: bool = True
) -> tuple[int, str, str]:
    """Exit 0 with a result, or a refusal whose code (asked again with ``--json``) gives its status.

    Returns:
        The text run's status, stdout and stderr.
    """
    status, out, err = run(*argv, stdin=stdin)
    if status == 0:
        assert out.strip(), "an answer, never an empty one"
        return status, out, err
    assert status in REFUSALS, (status, err)
    lines = err.splitlines()
    assert 1 <= len(lines) <= 3, err
    assert all(line.startswith("rnr: error: ") for line in lines), err
    assert "Traceback" not in err
    if as_json:
        again, out_json, err_json = run(*argv, "--json", stdin=stdin)
        body = cli.json_error(err_json)
        assert (status, status) == (again, int(CODES[body["code"]])), body
        assert out_json.endswith("\n") or not out_json, "no partial line before the error"
    return status, out, err


#: The exit statuses of a refusal (1 is a check that ran and found problems).
REFUSALS = frozenset(int(outcome) for outcome in Outcome) - {int(Outcome.CHECK_FAILED)}


def assert_answered_or_refused(status: int, out: str, err: str) -> None:
    """Exit 0 with a result, or exit 2 with one to three ``rnr: error:`` lines."""
    if status == 0:
        assert out.strip(), "an answer, never an empty one"
        return
    assert status == 2, (status, err)
    lines = err.splitlines()
    assert 1 <= len(lines) <= 3, err
    assert all(line.startswith("rnr: error: ") for line in lines), err
    assert "Traceback" not in err


# -- values an attacker tries ------------------------------------------------------------

EDGE_TEXT = st.sampled_from([
    "\ud800", "a\udfffb", "\u2028", "\x85", "\x00", "\u202e", "9999-12-31", "0001-01-01",
    "2024-02-30", "", " ", "x" * 300, "vif", "LVI", "../../etc/passwd", "<script>",
])  # fmt: skip
EDGE_NUMBERS = st.sampled_from([0, -1, 2**63, -(2**63) - 1, 10**30, 1.5, float("1e308")])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | EDGE_NUMBERS | st.text(max_size=12) | EDGE_TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = [
    ("case_id",), ("assessed_on",), ("responses",), ("person",), ("person", "birth_date"),
    ("person", "sex"), ("legal",), ("legal", "sentence_days"), ("legal", "offences"),
    ("legal", "entry_date"), ("legal", "sentence_date"), ("legal", "sanction"),
    ("legal", "regime"), ("responsivity",), ("override",), ("instrument",), ("norm_group",),
    ("dates",), ("responses", "prior_adult_convictions"),
]  # fmt: skip


def _mutated(case: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    out = json.loads(json.dumps(case))
    node = out
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(node.get(key), dict) else node
    node[path[-1]] = value
    return out


def _dumps(value: object) -> str:
    """JSON text that may hold lone surrogates (escaped, as JSON allows)."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> bytes:
    """``text`` with a few slices replaced by random bytes or characters."""
    data = text.encode("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 20)))
        insert = draw(st.binary(max_size=8) | st.text(max_size=8).map(str.encode))
        data = data[:start] + insert + data[end:]
    return data


# -- case files -------------------------------------------------------------------------


@FUZZ
@given(path=st.sampled_from(FIELDS), value=JSON_VALUES)
def test_fuzzed_case_fields(cli: Cli, tmp_path: Path, path: tuple[str, ...], value: object) -> None:
    """A case with any field replaced by any JSON value is scored and decided, or refused."""
    case = tmp_path / "caso.json"
    case.write_text(_dumps(_mutated(ADULT, path, value)), encoding="utf-8")
    answered_or_refused(cli, "score", case)
    answered_or_refused(cli, "decide", "--policy", "cl-adultos-18216", case)


ADULT_POLICY = policy_library().get("cl-adultos-18216@2024-01-14")


#: Values a case could well hold: most cases mutated with them reach a decision and a plan.
PLAUSIBLE = (
    st.integers(-5, 4000)
    | st.sampled_from(["LV", "LVI", "RC", "RP", "PSBC", "EXP", "PM", "LAS", "adult", "juvenile"])
    | st.lists(st.sampled_from(sorted(OFFENCES)), unique=True, max_size=3)
    | st.dates(dt.date(1890, 1, 1), dt.date(2210, 12, 31)).map(dt.date.isoformat)
    | st.booleans()
    | st.none()
)


LEGAL = st.sampled_from([f for f in FIELDS if f[0] == "legal" and len(f) == 2])
CHANGE = st.tuples(st.sampled_from(FIELDS), PLAUSIBLE | JSON_VALUES) | st.tuples(LEGAL, PLAUSIBLE)


@FUZZ
@given(changes=st.lists(CHANGE, max_size=3), text=st.booleans())
def test_fuzzed_cases_through_the_api(
    changes: list[tuple[tuple[str, ...], Any]], text: bool
) -> None:
    """Through the Python API, the whole pipeline (read, score, decide, draft, render) answers
    every mutated case or refuses it with an ``rnr`` error of one to three lines."""
    case = ADULT
    for path, value in changes:
        case = _mutated(case, path, value)
    stream = io.StringIO(_dumps(case) if text else json.dumps(case))

    def pipeline() -> None:
        for one in read_cases("-", stdin=stream):
            result = score_case(one, default_library())
            if one.legal is None:
                event("scored")
                continue
            decision = decide(result, one.legal, ADULT_POLICY, override=one.override)
            plan = draft_plan(result, decision, responsivity=one.responsivity)
            assert render_plan(plan, format="html")
            event("decided and drafted")

    loads_or_refuses(pipeline)


@FUZZ
@given(data=mutated_text(_dumps(ADULT)))
def test_fuzzed_case_bytes(cli: Cli, tmp_path: Path, data: bytes) -> None:
    """A case file with bytes changed anywhere (even no longer UTF-8) is answered or refused."""
    case = tmp_path / "caso.json"
    case.write_bytes(data)
    answered_or_refused(cli, "decide", "--policy", "cl-adultos-18216", case)


LINES = st.sampled_from([_dumps(ADULT), "", "[]", "{", "null"]) | JSON_VALUES.map(_dumps)


@FUZZ
@given(lines=st.lists(LINES, max_size=4))
def test_fuzzed_json_lines_on_stdin(cli: Cli, lines: list[str]) -> None:
    """JSON Lines on standard input: every line answered, or the first bad one refused."""
    answered_or_refused(cli, "score", "-", stdin="\n".join(lines))


#: name: (the case file, the code of its refusal, a fragment of the message)
HOSTILE_CASES: dict[str, tuple[Callable[[dict[str, Any]], str], str, str]] = {
    "nested 100,000 deep": (
        lambda _: "[" * 100_000 + "]" * 100_000,
        "case.file.invalid",
        "nested more than",
    ),
    "offences as a list of lists": (
        lambda c: _dumps(_mutated(c, ("legal", "offences"), [["vif"]])),
        "decision.input.invalid",
        "legal.offences",
    ),
    "entry date at the end of the calendar": (
        lambda c: _dumps(_mutated(c, ("legal", "entry_date"), "9999-12-31")),
        "case.date.invalid",
        "from 1900-01-01 to 2199-12-31",
    ),
    "a lone surrogate in the case id": (
        lambda c: _dumps(_mutated(c, ("case_id",), "\ud800")),
        "case.file.invalid",
        "not valid Unicode",
    ),
    "a 5,000-digit number": (
        lambda c: _dumps(c).replace('"responses"', '"x": ' + "9" * 5000 + ', "responses"'),
        "case.file.invalid",
        "at most 18 digits",
    ),
    "a 300-character instrument id": (
        lambda c: _dumps(_mutated(c, ("instrument",), "x" * 300)),
        "case.value.invalid",
        "expected an instrument 'id' or 'id@version'",
    ),
    "a line separator in a value": (
        lambda c: _dumps(_mutated(c, ("legal", "sanction"), "LV\u2028LVI\x85x")),
        "decision.input.invalid",
        "\\u2028",
    ),
}


@pytest.mark.parametrize("name", HOSTILE_CASES)
def test_each_hostile_case_found_is_one_clear_error(cli: Cli, tmp_path: Path, name: str) -> None:
    """Each failure the attack found is now one error line naming what was expected."""
    build, code, expected = HOSTILE_CASES[name]
    case = tmp_path / "caso.json"
    case.write_text(build(ADULT), encoding="utf-8")
    cli.error(code, "decide", "--policy", "cl-adultos-18216", case, contains=[expected])


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Windows editors write a BOM; the case is read as if it were not there."""
    case = tmp_path / "caso.json"
    case.write_text(json.dumps(ADULT), encoding="utf-8-sig")
    status, out, _ = run("score", case)
    assert 0 == status
    assert "prueba-adulto-01" in out


def test_empty_standard_input_is_an_error(cli: Cli) -> None:
    """No case read is said, never an empty answer with exit 0."""
    cli.error("case.file.empty", "score", "-", stdin="", contains=["no case read"])


# -- definition files -------------------------------------------------------------------


@FUZZ
@given(data=mutated_text(POLICY.read_text("utf-8")))
def test_fuzzed_policy_files(cli: Cli, tmp_path: Path, data: bytes) -> None:
    """A damaged policy is refused at load, or decides without a crash."""
    policy = tmp_path / "politica.toml"
    policy.write_bytes(data)
    case = tmp_path / "caso.json"
    case.write_text(json.dumps(ADULT), encoding="utf-8")
    answered_or_refused(cli, "decide", "--policy", policy, case)


@FUZZ
@given(data=mutated_text(INSTRUMENT.read_text("utf-8")))
def test_fuzzed_instrument_files(cli: Cli, tmp_path: Path, data: bytes) -> None:
    """A damaged instrument is refused at load, or scores without a crash."""
    folder = tmp_path / "instrumentos" / "psa"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "1.0.0.toml").write_bytes(data)
    case = tmp_path / "caso.json"
    example = data_dir() / "instruments" / "psa" / "examples"
    shutil.copy(next(example.glob("*.json")), case)
    answered_or_refused(cli, "score", "--instruments-dir", tmp_path / "instrumentos", case)


DEEP_TOML = "a = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("nested 5,000 deep", DEEP_TOML),
        ("a 5,000-digit integer", "schema = 1" + "0" * 5000 + "\n"),
        ("not UTF-8", 'schema = "\xff"\n'),
    ],
)
def test_each_hostile_definition_is_one_clear_error(
    cli: Cli, tmp_path: Path, name: str, text: str
) -> None:
    """Each definition the attack found unreadable is refused in one line, naming the file."""
    policy = tmp_path / "politica.toml"
    policy.write_bytes(text.encode("latin-1") if name == "not UTF-8" else text.encode())
    case = tmp_path / "caso.json"
    case.write_text(json.dumps(ADULT), encoding="utf-8")
    body = cli.error(
        "policy.invalid", "decide", "--policy", policy, case, contains=["politica.toml"]
    )
    assert str(policy) == body["file"]


@pytest.mark.parametrize(
    ("table", "rule_then"),
    [("deadlines", 'then = { deadline = "pii_due" }'), ("warnings", "then = {}")],
)
def test_a_rule_the_engine_cannot_read_is_refused_at_load(
    tmp_path: Path, table: str, rule_then: str
) -> None:
    """A collect rule without an output the engine reads fails the check, not the decision."""
    text = POLICY.read_text("utf-8")
    start = text.index(f"[[tables.{table}.rules]]")
    then = text.index("then = ", start)
    end = text.index("\n", then)
    policy = tmp_path / "politica.toml"
    policy.write_text(text[:then] + rule_then + text[end:], encoding="utf-8")
    status, out, _ = run("policies", "check", policy)
    assert 1 == status
    assert "the engine reads it from every rule" in out


# -- agency templates -------------------------------------------------------------------


def _plan_argv(tmp_path: Path, template: str, name: str, *extra: str) -> tuple[str | Path, ...]:
    """``rnr plan`` of the adult case (its id a script tag) with ``template`` as the agency's."""
    folder = tmp_path / "plantillas"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(template, encoding="utf-8")
    case = tmp_path / "caso.json"
    case.write_text(json.dumps(_mutated(ADULT, ("case_id",), "<script>x</script>")), "utf-8")
    return ("plan", "--policy", "cl-adultos-18216", "--template", folder / name, *extra, case)


def _plan(tmp_path: Path, template: str, name: str, *extra: str) -> tuple[int, str, str]:
    return run(*_plan_argv(tmp_path, template, name, *extra))


def test_an_html_template_escapes_whatever_the_format(tmp_path: Path) -> None:
    """A template named .html escapes case data even when Markdown output was asked for."""
    status, out, _ = _plan(tmp_path, "<p>{{ plan.case_id }}</p>", "agencia.html.j2")
    assert 0 == status
    assert "&lt;script&gt;" in out
    assert "<script>" not in out


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ w.update({'draft': 'APROBADO'}) }}", "unsafe"),
        ("{{ 'a' * 10**10 }}", "more than"),
        ("{{ 'a' | center(10000000000) }}", "more than"),
        ("{% for i in range(10000) %}{% for j in range(10000) %}xxxx{% endfor %}{% endfor %}",
         "output grew past"),
    ],
)  # fmt: skip
def test_an_agency_template_cannot_change_words_or_exhaust_memory(
    cli: Cli, tmp_path: Path, template: str, expected: str
) -> None:
    """Each attack stops the render with one clear error; the next render still says BORRADOR."""
    argv = _plan_argv(tmp_path, template, "agencia.md.j2")
    cli.error("render.template.unsafe", *argv, contains=[expected], lines=3, as_json=False)
    status, out, _ = run("plan", "--policy", "cl-adultos-18216", CASES / "prueba-adulto-01.json")
    assert 0 == status
    assert "BORRADOR" in out
    assert "APROBADO" not in out


TEMPLATE_PIECES = st.sampled_from([
    "{{ plan.case_id }}", "{{ w.draft }}", "{% for o in plan.objectives %}", "{% endfor %}",
    "{{ ", " }}", "{% if ", "%}", "{% endif %}", "{{ plan.__class__ }}", "{{ t(plan) }}",
    "{{ 9 ** 999 }}", "{{ range(10**7) | list }}", "{{ 'x' * 9999999 }}", "{#", "#}", "|e",
    "{{ lipsum(10**6) }}", "{{ cycler }}", "{% include 'x' %}", "{{ ''.join }}", "texto",
])  # fmt: skip


@FUZZ
@given(pieces=st.lists(TEMPLATE_PIECES | st.text(max_size=6), max_size=8))
def test_fuzzed_agency_templates(cli: Cli, tmp_path: Path, pieces: list[str]) -> None:
    """Any agency template renders a plan, or is refused in one to three lines.

    ``plan --json`` writes the draft as data without the template, so only the
    text refusal is asked for.
    """
    argv = _plan_argv(tmp_path, "".join(pieces) + "fin", "agencia.md.j2")
    status, _, _ = answered_or_refused(cli, *argv, as_json=False)
    assert status in {0, int(CODES["render.failed"])}


# -- stores and output files ------------------------------------------------------------


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("almacen") / "casos.sqlite3"
    assert 0 == run("simulate", "--people", "4", "--years", "1", "--seed", "3", "--db", db)[0]
    return db


@pytest.mark.parametrize(
    "argv",
    [("due",), ("indicators", "--period", "2024"), ("case", "list"), ("store", "verify")],
)
def test_a_mistyped_store_path_is_an_error_and_creates_nothing(
    cli: Cli, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    """A command that only reads never reports on an empty store it just created (3)."""
    missing = tmp_path / "casso.sqlite3"
    body = cli.error("store.missing", *argv, "--db", missing, contains=["no store at this path"])
    assert str(missing) == body["file"]
    assert not missing.exists()


def test_the_head_kept_outside_checks_the_store(cli: Cli, tmp_path: Path, store_file: Path) -> None:
    """``rnr store head`` gives one line; ``verify --expect`` holds, and fails with a wrong key."""
    status, head, _ = run("store", "head", "--db", store_file)
    assert 0 == status
    assert 1 == len(head.splitlines())
    assert 0 == run("store", "verify", "--db", store_file, "--expect", head.strip())[0]
    key, other = tmp_path / "clave", tmp_path / "otra"
    key.write_bytes(b"k" * 32)
    other.write_bytes(b"o" * 32)
    signed = run("store", "head", "--db", store_file, "--key-file", key)[1].strip()
    assert 0 == run("store", "verify", "--db", store_file, "--expect", signed, "--key-file", key)[0]
    argv = ("store", "verify", "--db", store_file, "--expect", signed, "--key-file", other)
    cli.error("usage.invalid", *argv, contains=["HMAC does not match"])
    wrong = f"{int(head.split(':')[0]) + 5}:{head.split(':')[1].strip()}"
    status, out, _ = run("store", "verify", "--db", store_file, "--expect", wrong)
    assert 1 == status
    assert "entradas de auditoría, menos que las" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("plan", "--policy", "cl-adultos-18216", "-o", "/proc/rnr/plan.md"),
        ("indicators", "--period", "2024", "--html", "/proc/rnr/i.html"),
        ("store", "export", "-o", "/proc/rnr/export.jsonl"),
    ],
)
def test_an_output_that_cannot_be_written_is_one_clear_error(
    cli: Cli, store_file: Path, argv: tuple[str, ...]
) -> None:
    """Writing where nothing can be written names the path and the cause."""
    extra: tuple[str | Path, ...] = (
        (CASES / "prueba-adulto-01.json",) if argv[0] == "plan" else ("--db", store_file)
    )
    as_json = argv[0] != "store"  # store export writes JSON Lines; it has no --json
    cli.error("usage.invalid", *argv, *extra, contains=["cannot write the file"], as_json=as_json)


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        ("²", ("history.refused", "event.scheduled: got '²', expected a whole number")),
        ("9" * 5000, ("usage.invalid", "--set scheduled: got 5000 digits, expected at most 18")),
        ("-" + "1" * 40, ("usage.invalid", "--set scheduled: got 40 digits")),
    ],
)
def test_an_event_field_that_is_no_number_is_one_clear_error(
    cli: Cli, tmp_path: Path, store_file: Path, value: str, refusal: tuple[str, str]
) -> None:
    """``--set scheduled=²`` (a digit to Unicode) or a 5,000-digit number: refused, not a crash."""
    db = tmp_path / "copia.sqlite3"
    shutil.copy(store_file, db)
    case_id = json.loads(run("case", "list", "--db", db, "--json")[1].splitlines()[0])["case_id"]
    fields = ("--set", "component=x", "--set", f"scheduled={value}", "--set", "attended=1")
    argv = ("case", "event", case_id, "attendance", "--on", "2024-05-01", *fields, "--db", db)
    code, said = refusal
    cli.error(code, *argv, contains=[said])


def test_a_300_character_case_id_makes_a_bounded_file_name(tmp_path: Path) -> None:
    """``plan -o DIR`` names each file after its case, cut to a size every file system takes."""
    cases = tmp_path / "casos.jsonl"
    long_ids = ["a" * 300, "a" * 299 + "b"]
    cases.write_text(
        "".join(json.dumps(_mutated(ADULT, ("case_id",), i)) + "\n" for i in long_ids), "utf-8"
    )
    status, out, err = run("plan", "--policy", "cl-adultos-18216", "-o", tmp_path / "planes", cases)
    assert (0, "") == (status, err)
    written = [Path(line) for line in out.splitlines()]
    assert 2 == len({p.name for p in written})
    assert all(p.is_file() and len(p.name) <= 83 for p in written)


# -- more definition files and store imports ---------------------------------------------

INDICATORS = data_dir() / "plans" / "indicators" / "programas.toml"
CATALOGUE_AREA = Path(rnr_messages.FOLDER) / "es" / "policy.toml"
WORKED = POLICY.parent / "tests" / "art8_rp.toml"


def loads_or_refuses(load: Callable[[], object]) -> None:
    """A loader gives a value, or an ``rnr`` error of one to three lines; nothing else."""
    try:
        load()
    except RnrError as exc:
        lines = exc.lines()
    else:
        return
    assert 1 <= len(lines) <= 3


@FUZZ
@given(data=mutated_text(INDICATORS.read_text("utf-8")))
def test_fuzzed_indicator_files(tmp_path: Path, data: bytes) -> None:
    """A damaged indicator file is refused at load (naming the file), or loads."""
    path = tmp_path / "indicadores.toml"
    path.write_bytes(data)
    loads_or_refuses(lambda: load_indicators(path))


@FUZZ
@given(data=mutated_text(CATALOGUE_AREA.read_text("utf-8")))
def test_fuzzed_message_catalogues(tmp_path: Path, data: bytes) -> None:
    """A damaged message catalogue area is refused (naming the file), or reads."""
    path = tmp_path / "policy.toml"
    path.write_bytes(data)
    loads_or_refuses(lambda: rnr_messages._load_area(path, "policy"))


@FUZZ
@given(data=mutated_text(WORKED.read_text("utf-8")))
def test_fuzzed_worked_case_files(tmp_path: Path, data: bytes) -> None:
    """A policy beside damaged worked cases is checked: each case holds, fails or is refused."""
    folder = tmp_path / "cl-adultos-18216"
    (folder / "tests").mkdir(parents=True, exist_ok=True)
    shutil.copy(POLICY, folder / "2024-01-14.toml")
    (folder / "tests" / "casos.toml").write_bytes(data)
    status, out, err = run("policies", "check", folder / "2024-01-14.toml")
    assert status in (0, 1), err
    assert "la definición es válida" in out, "the policy itself loads: the cases are what is fuzzed"
    assert not err


@pytest.fixture(scope="module")
def export_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("exportacion")
    db = folder / "casos.sqlite3"
    assert 0 == run("simulate", "--people", "2", "--years", "1", "--seed", "4", "--db", db)[0]
    status, text, _ = run("store", "export", "--db", db)
    assert 0 == status
    return text


@FUZZ
@given(data=st.data())
def test_fuzzed_store_imports(
    cli: Cli, tmp_path: Path, export_text: str, data: st.DataObject
) -> None:
    """A damaged export is refused before anything is written, or imports and verifies.

    A file that is not an export is ``store.import.invalid`` (2); one whose
    records, counts or chain no longer match their hashes is ``store.integrity`` (5).
    """
    source = tmp_path / "exportacion.jsonl"
    source.write_bytes(data.draw(mutated_text(export_text)))
    db = Path(tempfile.mkdtemp(dir=tmp_path)) / "nuevo.sqlite3"  # a new store each example
    status, out, err = run("store", "import", source, "--db", db)
    if status == 1:  # imported rows that do not verify are reported, one line per problem
        assert out.strip()
        return
    if status == 0:
        assert_answered_or_refused(status, out, err)
        return
    assert "" == out
    assert 1 <= len(err.splitlines()) <= 3, err
    assert all(line.startswith("rnr: error: ") for line in err.splitlines()), err
    assert not db.exists(), "a refused import leaves no store behind"
    again, out, err = run("store", "import", source, "--db", db, "--json")
    body = cli.json_error(err)
    event(body["code"])
    assert (status, "") == (again, out)
    assert (body["code"], status) in {("store.import.invalid", 2), ("store.integrity", 5)}
    assert not db.exists(), "a refused import leaves no store behind"


@pytest.mark.parametrize(
    ("expect", "said"),
    [
        ('{ error = "DecisionInputError", error_contains = 5 }', "a list of texts"),
        ('{ error = "NoSuchError" }', "the name of an rnr error"),
    ],
)
def test_a_malformed_expected_error_is_refused_at_load(
    tmp_path: Path, expect: str, said: str
) -> None:
    """``error_contains = 5`` or an unknown error name: the check fails, naming the field."""
    folder = tmp_path / "cl-adultos-18216"
    (folder / "tests").mkdir(parents=True)
    shutil.copy(POLICY, folder / "2024-01-14.toml")
    (folder / "tests" / "casos.toml").write_text(
        'schema = "rnr.policy-cases/1"\npolicy = "cl-adultos-18216@2024-01-14"\n\n[[cases]]\n'
        'name = "x"\nassessed_on = 2024-03-01\n'
        'facts = { risk_level = "low", high_needs = 0, criminogenic_needs = [] }\n'
        'legal = { regime = "adult", sanction = "RP", sentence_days = 400, offences = [] }\n'
        f"expect = {expect}\n",
        encoding="utf-8",
    )
    status, out, err = run("policies", "check", folder / "2024-01-14.toml")
    assert (1, "") == (status, err)
    assert "cases[0].expect" in out
    assert said in out


def test_a_command_that_creates_a_store_says_so(tmp_path: Path) -> None:
    """A mistyped path for a command that writes is noticed: the new file is announced once."""
    db = tmp_path / "nuevo.sqlite3"
    argv = ("simulate", "--people", "2", "--years", "1", "--db", db)
    status, _, err = run(*argv)
    assert (0, [f"rnr: nota: se creó un registro de casos nuevo en {db}"]) == (
        status,
        err.splitlines(),
    )
    assert "" == run("case", "event", "sim-000001", "breach", "--on", "2024-06-01", "--db", db)[2]


@pytest.mark.parametrize("argv", [("case", "history", "\udcff\udcfe"), ("score", "\udcff.json")])
def test_an_argument_that_is_not_text_is_one_clear_error(
    cli: Cli, store_file: Path, argv: tuple[str, ...]
) -> None:
    """Bytes that are not UTF-8 on the command line (lone surrogates to Python) are refused."""
    extra = ("--db", store_file) if argv[0] == "case" else ()
    body = cli.error("usage.invalid", *argv, *extra, contains=["not valid Unicode"])
    assert "\\udcff" in body["message"]  # escaped: the error object is printable UTF-8


def test_a_store_asked_for_an_id_that_is_not_text_holds_nothing(store_file: Path) -> None:
    """As the memory store does, SQLite answers no record rather than fail to encode the id."""
    with SQLiteStore(store_file, read_only=True) as store:
        assert [] == list(store.records(case_id="\udcff"))
        assert list(store.records(case_id="sim-000001"))
