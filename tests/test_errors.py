"""The exception tree: structured attributes and one-line messages."""

from __future__ import annotations

import inspect
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from rnr import errors
from rnr.schemas import schema

Raise = Callable[..., errors.RnrError]
ABOUT_A_CASE: list[tuple[Raise, dict[str, Any]]] = [
    (errors.ScoringInputError, {"item": "peers"}),
    (errors.DecisionInputError, {"field": "legal.sentence_days"}),
    (errors.HistoryError, {"field": "assessed_on"}),
]


@pytest.mark.parametrize(("error", "where"), ABOUT_A_CASE, ids=["scoring", "decision", "history"])
class TestErrorsAboutACase:
    def test_the_message_starts_with_the_case_when_known(
        self, error: Raise, where: dict[str, Any]
    ) -> None:
        """``case <id>: `` comes first when the case is known, nothing otherwise."""
        assert "case c-1: got 9" == str(error("got 9", case_id="c-1", **where))
        assert "got 9" == str(error("got 9", **where))

    def test_the_value_and_the_expectation_are_kept(
        self, error: Raise, where: dict[str, Any]
    ) -> None:
        """The value, what was expected and the case stay as attributes."""
        exc: Any = error("got 9", value=9, expected="0..3", case_id="c-1", **where)
        assert (9, "0..3", "c-1") == (exc.value, exc.expected, exc.case_id)
        assert isinstance(exc, ValueError)


# -- codes --------------------------------------------------------------------------

DOCS = Path(__file__).parent.parent / "docs" / "errors.md"
CODE_ROW = re.compile(r"^\| `([a-z_.]+)` \| (\d) \| (.+) \|$", re.MULTILINE)


def test_every_code_is_documented_with_its_exit_status() -> None:
    """docs/errors.md lists exactly the codes of rnr.errors.CODES, each with its status."""
    documented = {code: int(status) for code, status, _ in CODE_ROW.findall(DOCS.read_text())}
    assert {code: int(outcome) for code, outcome in errors.CODES.items()} == documented


def _error_classes() -> list[type[errors.RnrError]]:
    from rnr.cli.errors import UsageError  # noqa: PLC0415

    found = [UsageError]
    todo: list[type[errors.RnrError]] = [errors.RnrError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_default_code_is_known() -> None:
    """Each error class's default code is one of CODES."""
    assert {c.default_code for c in _error_classes()} <= set(errors.CODES)


def test_every_code_a_raise_site_names_is_known() -> None:
    """Every ``code="…"`` written in rnr's source is one of CODES."""
    source = Path(errors.__file__).parent
    named = {
        match
        for path in source.rglob("*.py")
        for match in re.findall(r"""\bcode=["']([^"']+)["']""", path.read_text(encoding="utf-8"))
    }
    assert named, "no raise site names a code"
    assert named <= set(errors.CODES), named - set(errors.CODES)


def test_the_error_object_names_where_and_what() -> None:
    """to_dict gives the code, the message and the fields that apply, JSON-ready."""
    exc = errors.CaseFileError("not JSON", file="cases.jsonl", line=3, field="responses")
    assert {
        "error": {
            "code": "case.file.invalid",
            "message": "cases.jsonl:3: responses: not JSON",
            "file": "cases.jsonl",
            "line": 3,
            "field": "responses",
        }
    } == exc.to_dict()
    assert errors.Outcome.INVALID == exc.outcome
    assert "history.case.exists" == errors.HistoryError("x", code="history.case.exists").code
    assert errors.Outcome.CONFLICT == errors.HistoryError("x", code="history.case.exists").outcome


# -- the error object, for any error ------------------------------------------------------

#: Text an error may quote: anything printable or not, empty, or far too long.
TEXT = (
    st.text()
    | st.sampled_from(["", "\x00", "\u2028", "\x85", "\u202e", "\x1b[31m", "a\nb", '"}'])
    | st.integers(201, 20_000).map(lambda n: "é\u2028x" * n)
)
#: A value an error may carry: any JSON value, a number JSON cannot hold, a date, bytes.
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from([math.nan, math.inf, -math.inf])
    | st.integers(18, 6000).map(lambda digits: -(10**digits))
    | TEXT
    | st.dates()
    | st.binary(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
LINES = st.none() | st.integers(1, 10**9)
BY_NAME: dict[str, st.SearchStrategy[Any]] = {
    "message": TEXT,
    "args": TEXT,
    "file": TEXT,
    "template": TEXT,
    "path": st.none() | TEXT,
    "ref": TEXT,
    "argument": TEXT,
    "previous": TEXT,
    "current": TEXT,
    "scope": TEXT,
    "field": TEXT,
    "item": st.none() | TEXT,
    "column": st.none() | TEXT,
    "expected": st.none() | TEXT,
    "case_id": st.none() | TEXT,
    "line": LINES,
    "record": st.none() | st.integers(1, 2**62),
    "limit": st.integers(0, 100),
    "status": st.integers(400, 599),  # rnr.service.problems.RequestError
    "headers": st.none() | st.dictionaries(st.sampled_from(["Retry-After", "ETag"]), TEXT),
    "value": VALUES,
    "problems": st.lists(st.builds(errors.Problem, TEXT, TEXT), max_size=4),
    "known": st.lists(TEXT, max_size=60),
    "missing": st.lists(TEXT, max_size=5),
    "code": st.none() | st.sampled_from(sorted(errors.CODES)),
}


@st.composite
def any_error(draw: st.DrawFn) -> errors.RnrError:
    """Any RnrError subclass, built with arbitrary values for every parameter it takes."""
    cls = draw(st.sampled_from(sorted(_error_classes(), key=lambda c: c.__qualname__)))
    if cls.__name__ == "CaseError":  # rnr.cli.errors: an error met with one case
        case = SimpleNamespace(
            where=draw(TEXT),
            file=draw(st.none() | TEXT),
            line=draw(LINES),
            case_id=draw(st.none() | TEXT),
        )
        return cls(case, draw(any_error()))  # type: ignore[call-arg]
    positional: list[Any] = []
    named: dict[str, Any] = {}
    for name, parameter in inspect.signature(cls).parameters.items():
        assert name in BY_NAME, f"{cls.__name__}({name}=...): add a strategy for it"
        value = draw(BY_NAME[name])
        if parameter.kind is parameter.KEYWORD_ONLY:
            named[name] = value
        else:
            positional.append(value)
    return cls(*positional, **named)


ERROR_SCHEMA = Draft202012Validator(schema("error"))


@given(any_error())
def test_every_error_object_is_json_and_follows_its_schema(error: errors.RnrError) -> None:
    """Whatever text and values an error carries, its object is strict JSON, valid, one line."""
    document = error.to_dict()
    text = json.dumps(document, allow_nan=False, ensure_ascii=False)
    assert "\n" not in text
    ERROR_SCHEMA.validate(json.loads(text))
    assert error.code == document["error"]["code"]
    assert error.code in errors.CODES
    assert 1 <= len(error.lines()) <= 3


def test_a_number_too_long_to_write_is_text_in_the_error_object() -> None:
    """An integer past 2**53 (or past the digits Python writes) is text: every reader holds it."""
    huge = -(10**5000)
    exc = errors.InvalidArgumentError("people", huge, "an integer >= 1")
    assert "people: got <int too large to show>, expected an integer >= 1" == str(exc)
    body = exc.to_dict()["error"]
    assert "<int too large to show>" == body["value"]
    assert (
        "9007199254740993"
        == errors.ScoringInputError("x", value=2**53 + 1).to_dict()["error"]["value"]
    )
    assert 2**53 == errors.ScoringInputError("x", value=2**53).to_dict()["error"]["value"]
    ERROR_SCHEMA.validate(json.loads(json.dumps(exc.to_dict(), allow_nan=False)))


def test_the_plan_templates_name_their_codes(tmp_path: Path) -> None:
    """A missing template is not found, a broken one fails, an unsafe one has its own code."""
    from rnr import decide, draft_plan, policy_library, read_cases, render_plan  # noqa: PLC0415
    from rnr.cases.parse import score_case  # noqa: PLC0415
    from rnr.definitions.library import data_dir, default_library  # noqa: PLC0415

    examples = data_dir() / "instruments" / "lscmi" / "examples"
    (case,) = read_cases(examples / "lscmi-01-first-conviction.json")
    assert case.legal is not None
    result = score_case(case, default_library())
    decision = decide(result, case.legal, policy_library().get("cl-adultos-18216"))
    plan = draft_plan(result, decision, responsivity=case.responsivity)
    unsafe = tmp_path / "inseguro.md.j2"
    unsafe.write_text("{{ w.update({'draft': 'APROBADO'}) }}", encoding="utf-8")
    broken = tmp_path / "roto.md.j2"
    broken.write_text("{% if %}", encoding="utf-8")
    for template, code in [
        (tmp_path / "nada.md.j2", "usage.file.missing"),
        (broken, "render.failed"),
        (unsafe, "render.template.unsafe"),
    ]:
        with pytest.raises(errors.RenderError) as info:
            render_plan(plan, format="md", template=template)
        assert code == info.value.code
        ERROR_SCHEMA.validate(info.value.to_dict())
        assert str(template) == info.value.to_dict()["error"]["file"]


def test_every_code_is_raised_somewhere() -> None:
    """No documented code is dead: each is a class default or written outside the registry."""
    source = Path(errors.__file__).parent
    written = {
        match
        for path in source.rglob("*.py")
        if path.name != "errors.py"
        for match in re.findall(r"""["']([a-z_]+(?:\.[a-z_]+)+)["']""", path.read_text("utf-8"))
    }
    defaults = {c.default_code for c in _error_classes()}
    assert set(errors.CODES) - written - defaults == set()
