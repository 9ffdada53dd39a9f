"""The case schemas and the parser agree: what one accepts, the other accepts.

Two properties. The generic schema (``rnr/schemas/case.schema.json``) and
:func:`rnr.cases.parse.parse_case` agree on every document that loads under
rnr's loader limits (:func:`rnr.untrusted.loads`). The case schema of one
instrument version (:func:`rnr.cases.schema.case_schema`) and parsing plus
scoring with that version agree too, except for the limits JSON Schema cannot
say (``x-rnr-limits``: omission limits, population, computed ages, date
order), which :func:`unsayable` names and the property leaves out, exactly
those.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from jsonschema import Draft202012Validator

import rnr
from rnr import untrusted
from rnr.cases import _formats
from rnr.cases.legal import ART1_OFFENCES, OFFENCES
from rnr.cases.overrides import REASONS
from rnr.cases.parse import parse_case, score_case
from rnr.cases.schema import case_schema, required_items
from rnr.dates import EARLIEST, LATEST, parse_date
from rnr.definitions.instrument import Instrument
from rnr.definitions.responsivity import CHOICES
from rnr.errors import RnrError
from rnr.schemas import schema
from rnr.scoring.single import age_in_years, check_population
from rnr.testing.strategies import invalid_answers, responses

if TYPE_CHECKING:
    from conftest import Cli


ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
#: At least this many examples for each agreement property, whatever the profile.
EXAMPLES = max(300, settings.default.max_examples)


class Validators:
    """Draft 2020-12 validators of one schema, asserting ``format`` and only annotating it.

    The schema must give the same answer either way: its date pattern alone
    says which strings are dates, for validators that do not check formats.
    """

    def __init__(self, document: dict[str, Any]) -> None:
        Draft202012Validator.check_schema(document)
        checker = Draft202012Validator.FORMAT_CHECKER
        self.asserting = Draft202012Validator(document, format_checker=checker)
        self.annotating = Draft202012Validator(document)

    def is_valid(self, document: Any) -> bool:
        """Whether ``document`` is valid; both validators must say the same."""
        valid = self.asserting.is_valid(document)
        assert valid == self.annotating.is_valid(document), json.dumps(document)
        return valid


GENERIC = Validators(schema("case"))


def loaded(document: object) -> Any:
    """``document`` as rnr's loader reads it back from JSON; ``None`` when the loader refuses."""
    try:
        return untrusted.loads(json.dumps(document))
    except untrusted.UntrustedInputError:
        return None


def parses(document: object) -> bool:
    """Whether :func:`parse_case` accepts ``document`` (any other exception escapes)."""
    try:
        parse_case(document, file="c.json")
    except RnrError:
        return False
    return True


# -- the shared forms --------------------------------------------------------------------


def test_the_schema_file_holds_the_parsers_patterns() -> None:
    """Dates, instrument references, non-blank texts and integers: one form, two readers."""
    case = schema("case")
    assert _formats.DATE == case["$defs"]["date"]["pattern"]
    assert (10, 10) == (case["$defs"]["date"]["minLength"], case["$defs"]["date"]["maxLength"])
    assert _formats.NOT_BLANK == case["$defs"]["not_blank"]["pattern"]
    assert _formats.REF == case["properties"]["instrument"]["pattern"]
    answer = case["properties"]["responses"]["additionalProperties"]
    assert (-_formats.MAX_INTEGER, _formats.MAX_INTEGER) == (answer["minimum"], answer["maximum"])
    assert (EARLIEST, LATEST) == (dt.date(1900, 1, 1), dt.date(2199, 12, 31))


def test_the_date_pattern_is_exactly_the_dates_rnr_reads() -> None:
    """Every day from 1899 to 2200, leap days and impossible days included."""
    pattern = re.compile(_formats.DATE)
    day = dt.date(1899, 1, 1)
    while day <= dt.date(2200, 12, 31):
        for text in (day.isoformat(), f"{day.year:04d}-{day.month:02d}-{day.day + 1:02d}"):
            try:
                parse_date(text)
                reads = True
            except ValueError:
                reads = False
            assert reads == bool(pattern.match(text)), text
        day += dt.timedelta(days=1)
    for text in ("2023-02-29", "1900-02-29", "2100-02-29", "2024-04-31", "2024-00-10"):
        assert not pattern.match(text)
    assert pattern.match("2000-02-29")


@settings(max_examples=EXAMPLES)
@given(st.text(alphabet="0123456789-\n \u0661T:", min_size=8, max_size=12))
def test_date_like_text_is_read_alike(text: str) -> None:
    """Near-dates (a newline after, Arabic-Indic digits, a time) are refused by both."""
    try:
        parse_date(text)
        reads = True
    except ValueError:
        reads = False
    assert reads == GENERIC.is_valid({"case_id": "c", "assessed_on": text, "responses": {}})


def test_not_blank_is_what_str_strip_leaves() -> None:
    """For every character: it is white space to Python exactly when the pattern skips it."""
    pattern = re.compile(_formats.NOT_BLANK)
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue  # lone surrogates never load
        c = chr(code)
        assert bool(c.strip()) == bool(pattern.search(c)), hex(code)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2.0, 2), (-0.0, 0), (1e17, 10**17), (2.5, 2.5), (1e18, 1e18), (True, True), ("2", "2")],
)
def test_a_number_without_fraction_is_an_integer(value: object, expected: object) -> None:
    """2.0 is 2; 2.5, a number past 18 digits, a boolean and a text stay what they are."""
    got = _formats.integral(value)
    assert (expected, type(expected)) == (got, type(got))


# -- the generic schema and the parser ----------------------------------------------------

ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**19), 10**19)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=5,
)
BAD_DATES = [
    "2024-02-30", "1899-12-31", "2200-01-01", "2023-02-29", "2100-02-29", "2024-5-2",
    "20240502", "2024-05-02\n", "\u0662\u0660\u0662\u0664-05-02", "2024-05-02T00:00", "",
    " 2024-05-02", "02/05/2024",
]  # fmt: skip
TEXTS = ["x", "c-001", "", " ", "\u3000", "\t x ", "\x1c", "\ufeff", "é" * 70, "a" * 300]
REFS = [
    "psa", "psa@1.0.0", "PSA", "psa@1", "psa\n", "psa@1.0.0\n", "psa@\uff11.0.0", "a" * 64,
    "a" * 65, "lscmi@01.0.0", "x_9@999999.0.0", "x@1000000.0.0", "_psa", "9psa", "",
]  # fmt: skip
NUMBERS = [0, 1, 2.0, 2.5, -1, -0.0, 1e300, 1e18, 1e17, 10, 60, 61, 120, 121, 365, 366, 999]
NUMBERS += [1000, 36500, 36501, 400.0, True, False, "2"]


def chance(n: int) -> st.SearchStrategy[bool]:
    """``True`` once in ``n`` draws (Hypothesis' own integers favour the ends of a range)."""
    return st.randoms(use_true_random=False).map(lambda r: r.randrange(n) == n - 1)


def mostly(valid: st.SearchStrategy[Any], wrong: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` seven times in eight, else ``wrong`` (shrinking leans to ``valid``)."""
    return chance(8).flatmap(lambda w: wrong if w else valid)


def dates() -> st.SearchStrategy[Any]:
    """A date string, mostly a good one."""
    good = st.dates(dt.date(1890, 1, 1), dt.date(2210, 12, 31)).map(dt.date.isoformat)
    return mostly(good, st.sampled_from(BAD_DATES) | ANY_JSON)


def texts() -> st.SearchStrategy[Any]:
    """A text, mostly an ordinary one."""
    return mostly(
        st.sampled_from(TEXTS[:2]) | st.text(max_size=6), st.sampled_from(TEXTS) | ANY_JSON
    )


def numbers(lo: int = -3, hi: int = 40_000) -> st.SearchStrategy[Any]:
    """An integer field's value, mostly from ``lo`` to ``hi`` (written 2 or 2.0); else the
    bounds of every field, 2.5, huge, boolean, text."""
    good = st.integers(lo, hi)
    return mostly(good | good.map(float), st.integers(-3, 40_000) | st.sampled_from(NUMBERS))


def section(
    fields: dict[str, st.SearchStrategy[Any]], required: tuple[str, ...] = ()
) -> st.SearchStrategy[Any]:
    """An object with some of ``fields`` (each may be null, rarely an unknown field), or junk."""
    nullable = {name: mostly(value, st.none()) for name, value in fields.items()}
    present = st.fixed_dictionaries(
        {name: nullable[name] for name in required},
        optional={name: v for name, v in nullable.items() if name not in required},
    )
    unknown = st.fixed_dictionaries({}, optional={"colour": ANY_JSON})
    wrong = (
        ANY_JSON
        | st.fixed_dictionaries({}, optional=nullable)
        | st.builds(lambda a, b: {**a, **b}, present, unknown)
    )
    return mostly(st.none() | present, wrong)


def pick(values: list[Any]) -> st.SearchStrategy[Any]:
    """One of ``values``, mostly; or a value of the wrong kind."""
    return mostly(st.sampled_from(values), ANY_JSON | st.sampled_from(["", " ", "X"]))


def codes(known: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """A list of codes, mostly known ones."""
    return mostly(st.lists(st.sampled_from(known), max_size=3), st.lists(pick(list(known))))


LEGAL = {
    "regime": pick(["adult", "juvenile"]),
    "sanction": texts(),
    "sanction_status": pick(["imposed", "considered"]),
    "sentence_days": numbers(1, 36_500),
    "offences": codes(OFFENCES),
    "prior_convictions": numbers(0, 999),
    "age_at_offence": numbers(10, 120),
    "sentence_date": dates(),
    "entry_date": dates(),
    "exam_suspension_days": numbers(0, 365),
    "art1_offences": codes(ART1_OFFENCES),
    "prior_drug_convictions": numbers(0, 999),
    "prior_sentences_days": numbers(0, 36_500),
    "prior_rp": numbers(0, 999),
    "nationality": pick(["chilena", "extranjera"]),
    "legal_residence": pick([True, False]),
    "one_third_served": pick([True, False]),
}
OVERRIDE = {
    "to_level": texts(),
    "direction": pick(["up", "down"]),
    "reason": pick(list(REASONS)),
    "text": texts(),
    "approved_by": texts(),
    "approved_on": dates(),
    "expires_on": dates(),
}
RESPONSIVITY = {
    name: pick([True, False])
    if allowed is bool
    else texts()
    if allowed is None
    else pick(list(allowed))
    for name, allowed in CHOICES.items()
}
ANSWERS = st.dictionaries(
    st.text(max_size=6),
    st.none() | st.booleans() | numbers() | st.text(max_size=4) | ANY_JSON,
    max_size=4,
)


#: What each field of a case may hold: mostly right, sometimes wrong in every way.
REQUIRED = {
    "case_id": texts(),
    "assessed_on": dates(),
    "responses": mostly(ANSWERS, ANY_JSON),
}
OPTIONAL = {
    "instrument": mostly(st.none() | st.sampled_from(REFS[:2]), st.sampled_from(REFS) | ANY_JSON),
    "person": section({"birth_date": dates(), "sex": texts()}),
    "norm_group": st.none() | texts(),
    "dates": mostly(
        st.none() | st.dictionaries(st.text(max_size=5), dates(), max_size=2), ANY_JSON
    ),
    "legal": section(LEGAL, required=("regime",)),
    "override": section(OVERRIDE, required=tuple(n for n in OVERRIDE if n.endswith("on"))),
    "responsivity": section(RESPONSIVITY),
}


@st.composite
def case_documents(draw: st.DrawFn) -> Any:
    """Case-like documents: valid ones and every kind of mistake, at every depth."""
    if draw(chance(20)):
        return draw(ANY_JSON)
    document = {}
    for name, value in REQUIRED.items():
        if not draw(chance(16)):
            document[name] = draw(value)
    for name, value in OPTIONAL.items():
        if draw(chance(4)):
            document[name] = draw(value)
    if draw(chance(30)):
        document["colour"] = draw(ANY_JSON)
    return document


def _agree(documents: st.SearchStrategy[Any]) -> Counter[bool]:
    """Run ``schema accepts <=> parse_case accepts`` on ``documents``; how often each."""
    seen: Counter[bool] = Counter()

    @settings(max_examples=EXAMPLES)
    @given(documents)
    def agree(document: Any) -> None:
        document = loaded(document)
        if document is None:
            return
        accepted = parses(document)
        assert accepted == GENERIC.is_valid(document), json.dumps(document)
        seen[accepted] += 1

    agree()
    return seen


def test_the_generic_schema_and_the_parser_agree() -> None:
    """``schema accepts <=> parse_case accepts`` on documents that load under rnr's limits."""
    seen = _agree(case_documents())
    assert seen[True] > 0, seen
    assert seen[False] > 0, seen


@pytest.mark.parametrize("name", [*REQUIRED, *OPTIONAL])
def test_they_agree_on_each_field(name: str) -> None:
    """The same, one field at a time in an otherwise valid case (more of each field's cases)."""
    base = {"case_id": "c-1", "assessed_on": "2024-05-02", "responses": {}}
    seen = _agree((REQUIRED | OPTIONAL)[name].map(lambda value: {**base, name: value}))
    assert seen[True] > 0, seen
    assert seen[False] > 0, seen


@pytest.mark.parametrize(
    "change",
    [
        {"responses": {"a": 2.0, "b": -0.0}},
        {"assessed_on": "2024-02-29", "legal": {"regime": "adult", "sentence_days": 400.0}},
        {"case_id": "é" * 300},
        {"legal": {"regime": "adult", "exam_suspension_days": 365}},
    ],
)
def test_both_accept(change: dict[str, Any]) -> None:
    """2.0 for an integer, a leap day, a long id, the case format's own bounds: accepted."""
    document = {"case_id": "c", "assessed_on": "2024-05-02", "responses": {}, **change}
    assert GENERIC.is_valid(document)
    assert parses(document)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"responses": {"a": 2.5}}, "case.value.type"),
        ({"responses": {"a": 1e300}}, "case.value.type"),
        ({"assessed_on": "2024-02-30"}, "case.date.invalid"),
        ({"assessed_on": "1899-12-31"}, "case.date.invalid"),
        ({"assessed_on": "2024-05-02\n"}, "case.date.invalid"),
        ({"case_id": ""}, "case.id.invalid"),
        ({"case_id": " \u3000"}, "case.id.invalid"),
        ({"instrument": "psa\n"}, "case.value.invalid"),
        ({"instrument": "psa@\uff11.0.0"}, "case.value.invalid"),
        ({"instrument": "a" * 65}, "case.value.invalid"),
        ({"legal": {"regime": "adult", "sentence_days": 400.5}}, "decision.input.invalid"),
        ({"legal": {"regime": "adult", "exam_suspension_days": 366}}, "decision.input.invalid"),
        ({"responsivity": {"gender": "\u2003"}}, "decision.input.invalid"),
    ],
)
def test_both_refuse(change: dict[str, Any], code: str) -> None:
    """The mistakes that once passed one side only are refused by both, with their code."""
    document = {"case_id": "c", "assessed_on": "2024-05-02", "responses": {}, **change}
    assert not GENERIC.is_valid(document)
    with pytest.raises(RnrError) as info:
        parse_case(document, file="c.json")
    assert code == info.value.code


# -- one instrument's schema --------------------------------------------------------------


def _variant(tmp: Path, source: Path, ident: str, edit: Callable[[str], str]) -> Instrument:
    """An instrument read from ``source`` with ``id = ident`` and the text edited."""
    text = source.read_text(encoding="utf-8")
    old = re.search(r'^id = "(\w+)"$', text, flags=re.MULTILINE)
    assert old is not None
    text = edit(text.replace(old.group(0), f'id = "{ident}"', 1))
    folder = tmp / ident
    folder.mkdir(parents=True)
    (folder / source.name).write_text(text, encoding="utf-8")
    (instrument,) = rnr.Library.from_folders(tmp, ids=(ident,)).instruments
    return instrument


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> rnr.Library:
    """Shipped instruments, the test ones, and two with items no omission may touch.

    ``psa_strict``: the NCA scale allows no omission, so its items (the age at
    arrest, computed from the arrest date, among them) are required.
    ``kinds_strict``: no scale allows any, so every scored item is required
    (an age computed on the assessment date among them), with norm groups.
    """
    tmp = tmp_path_factory.mktemp("strict")
    psa = _variant(
        tmp,
        ROOT / "instruments" / "psa" / "1.0.0.toml",
        "psa_strict",
        lambda t: t.replace("range = [0, 13]\nmax_omitted = 1", "range = [0, 13]\nmax_omitted = 0"),
    )
    kinds = _variant(
        tmp,
        DATA / "kinds" / "1.0.0.toml",
        "kinds_strict",
        lambda t: re.sub(r"^max_omitted = [12]$", "max_omitted = 0", t, flags=re.MULTILINE),
    )
    test_ones = rnr.Library.from_folders(DATA).instruments
    return rnr.default_library().with_instruments((*test_ones, psa, kinds))


def test_the_strict_variants_require_what_they_should(library: rnr.Library) -> None:
    """The fixtures mean what they say: items no omission may touch."""
    psa = library.get("psa_strict@1.0.0")
    assert {"age_at_arrest", "pending_charge"} <= set(required_items(psa))
    kinds = library.get("kinds_strict@1.0.0")
    assert {i.id for i in kinds.scored_items} == set(required_items(kinds))
    assert () == required_items(library.get("psa@1.0.0"))


def unsayable(instrument: Instrument, document: Any) -> bool:
    """Whether ``document`` meets a limit the schema cannot say (``x-rnr-limits``).

    A person outside a population the instrument refuses; an age item left out
    and computed from ``person.birth_date`` outside its range, or from a birth
    date after its date; more omissions than a scale or domain allows (one that
    allows none is said by the schema: its items are required).
    """
    try:
        case = parse_case(document, file="c.json")
    except RnrError:
        return False
    if instrument.population.get("outside") == "error":
        try:
            check_population(
                instrument, assessed_on=case.assessed_on, birth_date=case.birth_date, sex=case.sex
            )
        except RnrError:
            return True
    omitted = set()
    for item in instrument.items:
        if case.responses.get(item.id) is not None:
            continue
        on = case.assessed_on if item.age_at == "assessed_on" else case.dates.get(item.age_at or "")
        if item.kind == "age" and case.birth_date is not None and on is not None:
            assert item.valid_range is not None
            lo, hi = item.valid_range
            age = age_in_years(case.birth_date, on)
            if case.birth_date > on or not lo <= age <= (age if hi is None else hi):
                return True
        elif not item.strength:
            omitted.add(item.id)
    limits = case_schema(instrument)["x-rnr-limits"]["omissions"]
    return any(len(omitted & set(s["items"])) > s["max_omitted"] for s in limits)


def _responses(instrument: Instrument) -> st.SearchStrategy[dict[str, Any]]:
    """Responses within, at and beyond the omission limits, wherever the instrument allows."""
    found = []
    for omissions in ("none", "within", "beyond"):
        try:
            found.append(responses(instrument, omissions=omissions))  # type: ignore[arg-type]
        except InvalidArgument:
            continue  # the instrument allows no omission, or no limit can be exceeded
    return st.one_of(found)


@st.composite
def mutated(draw: st.DrawFn, instrument: Instrument) -> dict[str, Any]:
    """Up to two answers made wrong, at or past a bound, unknown, 2.0 or 2.5, null, left out."""
    answers: dict[str, Any] = dict(draw(_responses(instrument)))
    for _ in range(draw(st.sampled_from([0, 1, 2]))):
        hows = ["wrong", "edge", "unknown", "float", "fraction", "null", "drop"]
        how = draw(st.sampled_from(hows))
        item = draw(st.sampled_from(instrument.items))
        if how == "wrong":
            answers[item.id] = draw(invalid_answers(item))
        elif how == "edge" and item.valid_range is not None:
            lo, hi = item.valid_range
            top = _formats.MAX_INTEGER if hi is None else hi
            answers[item.id] = draw(st.sampled_from([lo - 1, lo, top, top + 1, float(top + 1)]))
        elif how == "unknown":
            answers[draw(st.sampled_from(["ghost", "prior_conviction", "age_at_arrest"]))] = 1
        elif isinstance(answers.get(item.id), int) and not isinstance(answers[item.id], bool):
            answers[item.id] += 0.0 if how == "float" else 0.5
        elif how == "null":
            answers[item.id] = None
        elif how == "drop":
            answers.pop(item.id, None)
    return answers


@st.composite
def instrument_cases(draw: st.DrawFn, instrument: Instrument) -> dict[str, Any]:
    """Cases for ``instrument``: its answers, person, norm group, dates and instrument, mutated."""
    groups = list(instrument.norm_groups)
    other = "lscmi" if instrument.id != "lscmi" else "psa"
    named = [i.age_at for i in instrument.items if i.age_at and i.age_at != "assessed_on"]
    day = st.dates(dt.date(1900, 1, 1), dt.date(2060, 12, 31)).map(dt.date.isoformat)
    document: dict[str, Any] = {
        "case_id": draw(mostly(st.just("c-1"), st.sampled_from(["", " ", 7]))),
        "assessed_on": draw(mostly(day, st.sampled_from(BAD_DATES))),
        "responses": draw(mutated(instrument)),
    }
    optional = {
        "instrument": st.sampled_from(
            [instrument.id, instrument.ref, None, f"{instrument.id}@9.9.9", other, "PSA"]
        ),
        "person": st.none()
        | st.fixed_dictionaries(
            {},
            optional={
                "birth_date": mostly(st.none() | day, st.sampled_from(BAD_DATES)),
                "sex": st.sampled_from([*groups, "male", "female", "other", " Male", "", None]),
            },
        ),
        "norm_group": st.sampled_from([*groups, *groups, "other", "", None, 3]),
        "dates": st.none()
        | st.fixed_dictionaries(
            {}, optional={name: mostly(day, st.sampled_from(BAD_DATES)) for name in [*named, "x"]}
        ),
        "legal": st.sampled_from([{"regime": "adult"}, {"regime": "other"}, None]),
        "colour": st.just(1),
    }
    for name, value in optional.items():
        if draw(chance({"colour": 30, "legal": 4, "norm_group": 3}.get(name, 2))):
            document[name] = draw(value)
    return document


def _scores(document: Any, library: rnr.Library, instrument: Instrument) -> bool:
    """Whether rnr parses and scores ``document`` with ``instrument``."""
    try:
        score_case(parse_case(document, file="c.json"), library, instrument.ref)
    except RnrError:
        return False
    return True


REFS_TO_CHECK = [
    "psa@1.0.0", "lscmi@1.0.0", "ylscmi@1.0.0", "static99r@1.0.0", "static99r@1.1.0",
    "demo@1.0.0", "kinds@1.0.0", "psa_strict@1.0.0", "kinds_strict@1.0.0",
]  # fmt: skip


@pytest.mark.parametrize("ref", REFS_TO_CHECK)
def test_an_instruments_schema_and_scoring_agree(library: rnr.Library, ref: str) -> None:
    """``instrument schema accepts <=> parse + score accepts``, but for ``x-rnr-limits``."""
    instrument = library.get(ref)
    check = Validators(case_schema(instrument))
    seen: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES)
    @given(instrument_cases(instrument))
    def agree(document: dict[str, Any]) -> None:
        document = loaded(document)
        if document is None:
            return  # an integer past 18 digits: the loader refuses it
        if unsayable(instrument, document):
            seen["left out"] += 1
            return
        accepted = _scores(document, library, instrument)
        assert accepted == check.is_valid(document), json.dumps(document)
        seen["accepted" if accepted else "refused"] += 1

    agree()
    assert seen["accepted"] > 0, seen
    assert seen["refused"] > 0, seen


def test_every_version_has_a_valid_schema_with_its_items() -> None:
    """Each shipped version: a valid draft 2020-12 schema naming exactly its items."""
    for instrument in rnr.default_library():
        document = case_schema(instrument)
        Draft202012Validator.check_schema(document)
        answers = document["properties"]["responses"]
        assert [i.id for i in instrument.items] == list(answers["properties"])
        assert answers["additionalProperties"] is False
        assert instrument.ref in document["title"]
        assert {
            "id": instrument.id,
            "version": instrument.version,
            "sha256": instrument.sha256,
        } == (document["x-rnr-instrument"])


def test_each_kind_has_its_json_type() -> None:
    """Booleans, integer ranges, category names; null where an item may be omitted."""
    psa = case_schema(rnr.default_library().get("psa@1.0.0"))
    items = psa["properties"]["responses"]["properties"]
    assert ["boolean", "null"] == items["current_violent"]["type"]
    assert (["integer", "null"], 18, 120) == tuple(
        items["age_at_arrest"][k] for k in ("type", "minimum", "maximum")
    )
    assert (0, _formats.MAX_INTEGER) == (
        items["prior_fta_past_2y"]["minimum"],
        items["prior_fta_past_2y"]["maximum"],
    )
    assert "age" == items["age_at_arrest"]["x-rnr-kind"]
    assert "Edad a la detención actual" in items["age_at_arrest"]["description"]
    assert "Age at current arrest" in items["age_at_arrest"]["description"]
    assert ["psa", "psa@1.0.0", None] == psa["properties"]["instrument"]["enum"]
    assert {"type": "null"} == {
        k: v for k, v in psa["properties"]["norm_group"].items() if k != "description"
    }
    assert "arrest_date" in psa["properties"]["dates"]["properties"]
    static = case_schema(rnr.default_library().get("static99r@1.0.0"))
    category = static["properties"]["responses"]["properties"]
    assert any(
        "enum" in item and None in item["enum"] and len(item["enum"]) > 2
        for item in category.values()
    )


def test_norm_groups_and_required_items(library: rnr.Library) -> None:
    """LS/CMI needs a norm group or a sex naming one; a strict scale's items are required."""
    lscmi = case_schema(library.get("lscmi@1.0.0"))
    assert ["male", "female", None] == lscmi["properties"]["norm_group"]["enum"]
    check = Validators(lscmi)
    answers = {i.id: False for i in library.get("lscmi@1.0.0").items}
    bare = {"case_id": "c", "assessed_on": "2024-05-02", "responses": answers}
    assert not check.is_valid(bare)
    assert check.is_valid({**bare, "person": {"sex": "female"}})
    assert check.is_valid({**bare, "norm_group": "male", "person": {"sex": "other"}})
    strict = case_schema(library.get("psa_strict@1.0.0"))
    assert "pending_charge" in strict["properties"]["responses"]["required"]
    assert "age_at_arrest" not in strict["properties"]["responses"]["required"]
    assert strict["allOf"], "the age at arrest: answered, or computed from the dates"


@pytest.mark.parametrize(
    ("person", "dates", "accepted"),
    [
        (None, None, False),
        ({"birth_date": "1990-01-31"}, None, False),
        (None, {"arrest_date": "2024-05-01"}, False),
        ({"birth_date": "1990-01-31"}, {"arrest_date": "2024-05-01"}, True),
    ],
)
def test_a_required_age_is_answered_or_computed(
    library: rnr.Library, person: Any, dates: Any, accepted: bool
) -> None:
    """PSA's age at arrest, in a scale allowing no omission: answered, or birth and arrest dates."""
    psa = library.get("psa_strict@1.0.0")
    answers = {i.id: 0 if i.kind == "count" else False for i in psa.items if i.kind != "age"}
    document = {"case_id": "c", "assessed_on": "2024-05-02", "responses": answers}
    document |= {"person": person, "dates": dates}
    assert accepted == Validators(case_schema(psa)).is_valid(document)
    assert accepted == _scores(document, library, psa)
    answered = {**document, "responses": {**answers, "age_at_arrest": 30}}
    assert Validators(case_schema(psa)).is_valid(answered)
    assert _scores(answered, library, psa)


def test_the_limits_json_schema_cannot_say_are_listed() -> None:
    """Omissions, population, computed ages: in x-rnr-limits and the description."""
    static = case_schema(rnr.default_library().get("static99r@1.1.0"))
    limits = static["x-rnr-limits"]
    assert [{"scope": "scale total", "max_omitted": 1}] == [
        {k: v for k, v in s.items() if k != "items"} for s in limits["omissions"]
    ]
    assert {"outside": "error", "min_age": 18, "max_age": None, "sex": ["male"]} == limits[
        "population"
    ]
    assert [
        {"item": "age_at_release", "at": "dates.release_date", "minimum": 18, "maximum": 120}
    ] == limits["computed_ages"]
    for words in ("Omissions", "Population", "Computed ages", "Date order", "x-rnr-limits"):
        assert words in static["description"]


def test_the_schema_has_no_placeholder_left() -> None:
    """Every ``{ref}`` of the generic schema's words is filled in."""
    text = json.dumps(case_schema(rnr.default_library().get("ylscmi@1.0.0")))
    assert "{ref}" not in text
    assert "instrument_case" not in text


# -- rnr instruments schema ----------------------------------------------------------------


def test_cli_prints_the_schema(cli: Cli) -> None:
    """Indented by default, one line with --json; a bare id is the newest version."""
    status, out, err = cli("instruments", "schema", "static99r")
    assert (0, "") == (status, err)
    assert out.startswith("{\n  ")
    assert case_schema(rnr.default_library().get("static99r@1.1.0")) == json.loads(out)
    status, out, _ = cli("instruments", "schema", "psa@1.0.0", "--json")
    assert (0, 1) == (status, out.count("\n"))
    assert case_schema(rnr.default_library().get("psa@1.0.0")) == json.loads(out)


def test_cli_schema_of_an_agencys_instrument(cli: Cli) -> None:
    """--instruments-dir adds an agency's own instruments."""
    status, out, _ = cli("instruments", "schema", "demo", "--instruments-dir", DATA)
    assert 0 == status
    assert "prior_convictions" in json.loads(out)["properties"]["responses"]["properties"]


def test_cli_unknown_instrument(cli: Cli) -> None:
    """An unknown id or version: instrument.unknown, exit 3, the known ones listed."""
    body = cli.error(
        "instrument.unknown", "instruments", "schema", "nope", contains=["unknown instrument"]
    )
    assert "psa" in body["known"]
    cli.error("instrument.unknown", "instruments", "schema", "psa@9.9.9", contains=["psa@1.0.0"])
