"""Case files: parsing, reading JSON and JSON Lines, choosing the instrument and norm group."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

import rnr
from rnr.cases.parse import (
    SCHEMA_PATH,
    Case,
    norm_group_for,
    parse_case,
    read_cases,
    resolve_instrument,
    score_case,
)
from rnr.errors import CaseFileError, ScoringInputError, UnknownInstrumentError

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO_TOML = DATA / "demo" / "1.0.0.toml"


def a_case(**fields: Any) -> dict[str, Any]:
    """A valid demo case, with ``fields`` replacing or adding fields."""
    case: dict[str, Any] = {
        "case_id": "c-001",
        "assessed_on": "2024-05-02",
        "instrument": "demo",
        "person": {"birth_date": "1990-01-31", "sex": "male"},
        "responses": {"prior_convictions": 2, "antisocial_friends": 1, "prosocial_friends": True},
    }
    case.update(fields)
    return case


@pytest.fixture
def library() -> rnr.Library:
    """The shipped instruments plus the demo instrument of tests/data."""
    return rnr.default_library().with_instruments(rnr.Library.from_folders(DATA).instruments)


@pytest.fixture
def grouped(tmp_path: Path) -> rnr.Library:
    """A variant of the demo instrument with norm groups male and female."""
    folder = tmp_path / "demo"
    folder.mkdir()
    text = DEMO_TOML.read_text(encoding="utf-8")
    text = text.replace(
        'primary_scale = "total"', 'primary_scale = "total"\nnorm_groups = ["male", "female"]'
    )
    (folder / "1.0.0.toml").write_text(text, encoding="utf-8")
    return rnr.Library.from_folders(tmp_path)


# -- parse_case ---------------------------------------------------------------


def test_parse_case_reads_every_field() -> None:
    """Every documented field lands in the Case."""
    case = parse_case(
        a_case(
            instrument="demo@1.0.0",
            norm_group="female",
            dates={"arrest_date": "2024-04-30"},
            legal={"regime": "adult"},
            responsivity={"literacy": "low"},
        ),
        file="c.json",
    )
    assert "c-001" == case.case_id
    assert dt.date(2024, 5, 2) == case.assessed_on
    assert dt.date(1990, 1, 31) == case.birth_date
    assert "male" == case.sex
    assert "demo@1.0.0" == case.instrument
    assert "female" == case.norm_group
    assert {"arrest_date": dt.date(2024, 4, 30)} == dict(case.dates)
    assert {"prior_convictions": 2, "antisocial_friends": 1, "prosocial_friends": True} == dict(
        case.responses
    )
    assert rnr.cases.legal.parse_legal({"regime": "adult"}) == case.legal
    assert rnr.plan.parse_responsivity({"literacy": "low"}) == case.responsivity
    assert "c.json" == case.where


def test_optional_fields_may_be_left_out_or_null() -> None:
    """Only case_id, assessed_on and responses are required; null means absent."""
    bare = parse_case(
        {"case_id": "x", "assessed_on": "2024-01-01", "responses": {}}, file="c.json", line=4
    )
    nulls = parse_case(
        {
            "case_id": "x",
            "assessed_on": "2024-01-01",
            "responses": {},
            "person": {"birth_date": None, "sex": None},
            "instrument": None,
            "norm_group": None,
            "dates": None,
            "legal": None,
        },
        file="other.jsonl",
        line=9,
    )
    assert bare == nulls  # where a case was read takes no part in equality
    assert (None, None, None, None) == (bare.birth_date, bare.sex, bare.instrument, bare.norm_group)
    assert "c.json:4" == bare.where


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"case_id": 7}, "case_id", "got 7, expected a non-empty string"),
        ({"case_id": ""}, "case_id", 'got "", expected a non-empty string'),
        (
            {"assessed_on": "2024-13-01"},
            "assessed_on",
            'got "2024-13-01", expected a date YYYY-MM-DD',
        ),
        ({"assessed_on": "02/05/2024"}, "assessed_on", "expected a date YYYY-MM-DD"),
        ({"assessed_on": "20240502"}, "assessed_on", "expected a date YYYY-MM-DD"),
        ({"assessed_on": None}, "assessed_on", "got null, expected a value: the field is required"),
        ({"person": {"birth_date": "1990-02-30"}}, "person.birth_date", '"1990-02-30"'),
        ({"person": {"name": "Juan"}}, "person.name", "unknown field"),
        ({"person": "male"}, "person", "expected a JSON object"),
        ({"dates": {"arrest_date": "yesterday"}}, "dates.arrest_date", "YYYY-MM-DD"),
        ({"instrument": "PSA"}, "instrument", "expected an instrument 'id' or 'id@version'"),
        ({"instrument": "psa@1"}, "instrument", "'id@version'"),
        ({"responses": [1, 2]}, "responses", "expected a JSON object of item id: answer"),
        ({"responses": {"a": [1]}}, "responses.a", "expected true, false, an integer"),
        ({"responses": {"a": 1.5}}, "responses.a", "got 1.5"),
        ({"legal": "none"}, "legal", "expected a JSON object"),
        ({"colour": "blue"}, "colour", "unknown field; expected one of case_id"),
    ],
)
def test_bad_fields_name_the_file_line_field_and_value(
    change: dict[str, Any], field: str, words: str
) -> None:
    """Each malformed field is one error naming where, what and what was expected."""
    with pytest.raises(CaseFileError) as info:
        parse_case(a_case(**change), file="cases.jsonl", line=3)
    assert info.value.field == field
    assert info.value.line == 3
    assert str(info.value).startswith(f"cases.jsonl:3: {field}: ")
    assert words in str(info.value)


OVERRIDE = {
    "to_level": "high",
    "direction": "up",
    "reason": "victim_safety",
    "approved_by": "jefatura",
    "approved_on": "2024-05-03",
}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"case_id": 7}, "case.id.invalid"),
        ({"case_id": ""}, "case.id.invalid"),
        ({"case_id": " \u3000 "}, "case.id.invalid"),
        ({"assessed_on": "2024-02-30"}, "case.date.invalid"),
        ({"assessed_on": None}, "case.field.missing"),
        ({"person": "male"}, "case.field.type"),
        ({"person": {"name": "Juan"}}, "case.field.unknown"),
        ({"person": {"sex": ""}}, "case.value.invalid"),
        ({"person": {"sex": 1}}, "case.field.type"),
        ({"dates": {"arrest_date": "yesterday"}}, "case.date.invalid"),
        ({"dates": ["2024-05-01"]}, "case.field.type"),
        ({"instrument": 5}, "case.field.type"),
        ({"instrument": "PSA"}, "case.value.invalid"),
        ({"norm_group": ""}, "case.value.invalid"),
        ({"responses": [1, 2]}, "case.field.type"),
        ({"responses": {"a": [1]}}, "case.value.type"),
        ({"responses": {"a": 2.5}}, "case.value.type"),
        ({"colour": "blue"}, "case.field.unknown"),
        ({"legal": "none"}, "case.field.type"),
        ({"legal": {}}, "case.field.missing"),
        ({"legal": {"regime": "adult", "colour": 1}}, "case.field.unknown"),
        ({"legal": {"regime": "adult", "entry_date": "2024-5-1"}}, "case.date.invalid"),
        ({"legal": {"regime": "adult", "sentence_days": 0}}, "decision.input.invalid"),
        ({"legal": {"regime": "adult", "legal_residence": True}}, "decision.input.invalid"),
        ({"override": {"to_level": "high"}}, "case.field.missing"),
        ({"override": OVERRIDE | {"to_level": 3}}, "case.field.type"),
        ({"override": OVERRIDE | {"approved_by": " "}}, "decision.input.invalid"),
        ({"override": OVERRIDE | {"direction": "sideways"}}, "decision.input.invalid"),
        ({"override": OVERRIDE | {"reason": "other"}}, "decision.input.invalid"),
        ({"override": OVERRIDE | {"approved_on": "03/05/2024"}}, "case.date.invalid"),
        ({"responsivity": {"literacy": "some"}}, "decision.input.invalid"),
        ({"responsivity": {"colour": 1}}, "case.field.unknown"),
    ],
)
def test_each_mistake_has_its_code(change: dict[str, Any], code: str) -> None:
    """A program tells the kind of mistake from the code, without reading the message."""
    with pytest.raises(CaseFileError) as info:
        parse_case(a_case(**change), file="c.json")
    assert code == info.value.code


def test_a_number_with_no_fraction_is_an_integer() -> None:
    """JSON has one number type: 2.0 is 2 wherever a case expects an integer; 2.5 is not."""
    case = parse_case(
        a_case(
            responses={
                "prior_convictions": 2.0,
                "antisocial_friends": 1,
                "prosocial_friends": True,
            },
            legal={"regime": "adult", "sentence_days": 400.0, "prior_convictions": 0.0},
        ),
        file="c.json",
    )
    assert (2, int) == (
        case.responses["prior_convictions"],
        type(case.responses["prior_convictions"]),
    )
    assert case.legal is not None
    assert (400, 0) == (case.legal.sentence_days, case.legal.prior_convictions)
    assert True is case.responses["prosocial_friends"]  # a boolean is never a number


@pytest.mark.parametrize("missing", ["case_id", "assessed_on", "responses"])
def test_missing_required_fields(missing: str) -> None:
    """A missing required field is named."""
    case = a_case()
    del case[missing]
    with pytest.raises(CaseFileError, match=f"^c.json: {missing}: missing required field$") as info:
        parse_case(case, file="c.json")
    assert "case.field.missing" == info.value.code


def test_a_case_must_be_an_object() -> None:
    """A JSON array (or anything else) is not a case."""
    with pytest.raises(CaseFileError, match=r"^c.json: got \[1\], expected a JSON object") as info:
        parse_case([1], file="c.json")
    assert "case.file.invalid" == info.value.code


# -- read_cases ---------------------------------------------------------------


def test_read_single_json_file(tmp_path: Path) -> None:
    """A .json file holds one case."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(a_case(), indent=2), encoding="utf-8")
    (case,) = read_cases(path)
    assert "c-001" == case.case_id
    assert (str(path), None) == (case.file, case.line)


def test_read_json_lines_skips_blank_lines_and_keeps_line_numbers(tmp_path: Path) -> None:
    """A .jsonl file holds one case per line; blank lines are skipped, not counted away."""
    path = tmp_path / "cases.jsonl"
    lines = [json.dumps(a_case(case_id="a")), "", "   ", json.dumps(a_case(case_id="b"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cases = list(read_cases(path))
    assert [("a", 1), ("b", 4)] == [(c.case_id, c.line) for c in cases]


def test_read_stdin() -> None:
    """``-`` reads JSON Lines from the given stream."""
    stream = io.StringIO(json.dumps(a_case(case_id="a")) + "\n" + json.dumps(a_case(case_id="b")))
    cases = list(read_cases("-", stdin=stream))
    assert ["a", "b"] == [c.case_id for c in cases]
    assert "<stdin>:2" == cases[1].where


def test_malformed_json_line_is_named_after_earlier_cases(tmp_path: Path) -> None:
    """Cases before a bad line are yielded; the bad line raises with its number and column."""
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(a_case()) + '\n{"case_id": "x" "y"}\n', encoding="utf-8")
    reader = read_cases(path)
    assert "c-001" == next(reader).case_id
    with pytest.raises(CaseFileError) as info:
        next(reader)
    assert f"{path}:2: invalid JSON: Expecting ',' delimiter (column 17)" == str(info.value)
    assert (2, "case.file.invalid") == (info.value.line, info.value.code)


def test_malformed_json_file_names_the_decoder_line(tmp_path: Path) -> None:
    """In a .json file the line is the JSON decoder's."""
    path = tmp_path / "case.json"
    path.write_text('{\n  "case_id": "a",\n  "assessed_on" "2024-01-01"\n}\n', encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"case.json:3: invalid JSON: Expecting ':' delimiter"):
        list(read_cases(path))


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    """A key given twice would silently drop an answer: refused."""
    path = tmp_path / "cases.jsonl"
    text = '{"case_id": "a", "assessed_on": "2024-01-01", "responses": {"x": 1, "x": 2}}\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        CaseFileError, match=r"cases.jsonl:1: invalid case: field 'x' given twice"
    ) as info:
        list(read_cases(path))
    assert "case.file.invalid" == info.value.code


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    """A file that does not exist, or is not UTF-8, is one clear error."""
    with pytest.raises(CaseFileError, match=r"nope.json: cannot read file \(No such file") as info:
        list(read_cases(tmp_path / "nope.json"))
    assert "usage.file.missing" == info.value.code
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"case_id": "ñ"}'.encode("latin-1"))
    with pytest.raises(CaseFileError, match="not UTF-8") as info:
        list(read_cases(latin))
    assert "case.file.invalid" == info.value.code


def test_an_input_with_no_case_is_refused() -> None:
    """Standard input of blank lines holds no case: case.file.empty, never an empty answer."""
    with pytest.raises(CaseFileError, match="no case read") as info:
        list(read_cases("-", stdin=io.StringIO("\n  \n")))
    assert "case.file.empty" == info.value.code


# -- instrument and norm group ------------------------------------------------


def test_bare_id_takes_the_version_in_force(library: rnr.Library) -> None:
    """A bare id is looked up on the case's assessment date."""
    case = parse_case(a_case(), file="c.json")
    assert "demo@1.0.0" == resolve_instrument(case, library).ref
    early = parse_case(a_case(assessed_on="2023-12-31"), file="c.json")
    with pytest.raises(UnknownInstrumentError, match="no version of 'demo' is in force") as info:
        resolve_instrument(early, library)
    assert "instrument.unknown" == info.value.code


def test_instrument_ref_wins_but_must_agree(library: rnr.Library) -> None:
    """An explicit reference is used; one that contradicts the case is refused."""
    case = parse_case(a_case(instrument="demo"), file="c.json", line=2)
    assert "demo@1.0.0" == resolve_instrument(case, library, "demo@1.0.0").ref
    with pytest.raises(CaseFileError, match=r"c.json:2: instrument: the case names 'demo'") as info:
        resolve_instrument(case, library, "psa")
    assert "usage.invalid" == info.value.code  # the case and the caller disagree
    pinned = parse_case(a_case(instrument="demo@1.0.0"), file="c.json")
    with pytest.raises(CaseFileError, match="'demo@2.0.0' was asked for"):
        resolve_instrument(pinned, library, "demo@2.0.0")


def test_no_instrument_anywhere_is_an_error(library: rnr.Library) -> None:
    """Neither the case nor the caller names an instrument."""
    case = parse_case(a_case(instrument=None), file="c.json")
    with pytest.raises(CaseFileError, match="c.json: instrument: missing") as info:
        score_case(case, library)
    assert "case.field.missing" == info.value.code


def test_norm_group_from_sex_or_explicit(grouped: rnr.Library) -> None:
    """person.sex picks the norm group of that name; norm_group overrides it."""
    demo = grouped.get("demo")
    assert "male" == norm_group_for(parse_case(a_case(), file="c"), demo)
    explicit = parse_case(a_case(norm_group="female"), file="c")
    assert "female" == norm_group_for(explicit, demo)
    assert "female" == score_case(explicit, grouped).norm_group


def test_norm_group_needed_but_not_derivable(grouped: rnr.Library) -> None:
    """A sex that names no norm group gives an error saying what to set."""
    case = parse_case(a_case(person={"sex": "other"}), file="c")
    with pytest.raises(
        ScoringInputError, match=r"case c-001: demo@1.0.0 needs a norm group"
    ) as info:
        score_case(case, grouped)
    assert "case.value.invalid" == info.value.code
    nobody = parse_case(a_case(person=None), file="c")
    with pytest.raises(ScoringInputError, match=r'has no person.sex; set "norm_group"') as info:
        score_case(nobody, grouped)
    assert "case.field.missing" == info.value.code


def test_instrument_without_norm_groups_ignores_sex(library: rnr.Library) -> None:
    """Without norm groups the sex is not passed on."""
    result = score_case(parse_case(a_case(), file="c"), library)
    assert result.norm_group is None


def test_score_case_equals_the_api(library: rnr.Library) -> None:
    """The case path and rnr.score give the same result, carrying the case id."""
    case = parse_case(a_case(), file="c.json")
    expected = rnr.score(
        library.get("demo@1.0.0"),
        dict(case.responses),
        assessed_on=dt.date(2024, 5, 2),
        case_id="c-001",
    )
    assert expected == score_case(case, library)
    assert expected == case.score(library)
    assert "c-001" == case.score(library).case_id


def test_age_items_are_computed_from_dates() -> None:
    """PSA's age at arrest comes from the birth date and the arrest date."""
    case = parse_case(
        {
            "case_id": "p",
            "instrument": "psa@1.0.0",
            "assessed_on": "2024-05-02",
            "person": {"birth_date": "2003-05-02"},
            "dates": {"arrest_date": "2024-05-01"},
            "responses": {
                "current_violent": True,
                "pending_charge": False,
                "prior_misdemeanor": False,
                "prior_felony": False,
                "prior_violent_convictions": 0,
                "prior_fta_past_2y": 0,
                "prior_fta_older": False,
                "prior_incarceration": False,
            },
        },
        file="p.json",
    )
    result = score_case(case, rnr.default_library())
    assert 20 == result.item("age_at_arrest").answer
    assert not result.provisional


def test_case_is_frozen() -> None:
    """Cases are immutable values."""
    case = parse_case(a_case(), file="c.json")
    with pytest.raises(AttributeError):
        case.case_id = "other"  # type: ignore[misc]
    assert isinstance(case, Case)


# -- the JSON Schema ----------------------------------------------------------

EXAMPLES = sorted(ROOT.glob("instruments/*/examples/*.json"))


def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_every_instrument_ships_examples() -> None:
    """Each shipped instrument has example cases (the demo scores them)."""
    have = {p.parent.parent.name for p in EXAMPLES}
    assert set(rnr.default_library().ids()) <= have


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_example_cases_follow_the_schema_and_score(path: Path) -> None:
    """Every shipped example validates against the schema and scores."""
    _validator().validate(json.loads(path.read_text(encoding="utf-8")))
    (case,) = read_cases(path)
    result = score_case(case, rnr.default_library())
    assert case.case_id == result.case_id


def test_the_schema_and_the_parser_agree_on_bad_cases() -> None:
    """Cases the parser refuses, the schema refuses too."""
    validator = _validator()
    bad = [
        a_case(colour="blue"),
        a_case(assessed_on="2024/05/02"),
        a_case(person={"name": "x"}),
        a_case(instrument="PSA"),
        a_case(responses={"a": [1]}),
        {"case_id": "x", "responses": {}},
        a_case(legal={"sanction": "LV"}),
        a_case(legal={"regime": "adult", "colour": "blue"}),
        a_case(legal={"regime": "adult", "sentence_date": "20240502"}),
        a_case(legal={"regime": "adult", "offences": ["theft"]}),
        a_case(legal={"regime": "adult", "sentence_days": 0}),
        a_case(override={"to_level": "high", "direction": "up"}),
        a_case(
            override={
                "to_level": "high",
                "direction": "sideways",
                "reason": "victim_safety",
                "approved_by": "jefatura",
                "approved_on": "2024-05-03",
            }
        ),
    ]
    for document in bad:
        assert not validator.is_valid(document), document
        with pytest.raises(CaseFileError):
            parse_case(document, file="c")
