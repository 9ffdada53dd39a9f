"""The documentation's blocks are all tested, and the files they use are shipped.

The blocks themselves run through Sybil (the root ``conftest.py``); these tests check
what that setup relies on: no block escapes it by its language, every path under
``examples/`` a page names exists, every shipped example is used and valid, and the
transcript comparison means what docs/testing.md says.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnr
from rnr.cases import parse_case
from rnr.definitions.instrument_loader import load_instrument

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = ROOT / "examples"
#: The languages the root conftest.py checks, and those it leaves as prose on purpose.
CHECKED = {"python", "console", "sh", "json", "jsonl", "toml"}
PROSE = {"text", ""}
FENCE = re.compile(r"^```(.*)$")


def _runner() -> ModuleType:
    """The root conftest.py, where the transcript runner lives."""
    spec = importlib.util.spec_from_file_location("rnr_docs_conftest", ROOT / "conftest.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUNNER = _runner()


def _blocks(page: Path) -> list[tuple[int, str, list[str]]]:
    """Every fenced block of a page: (line of its opening fence, info string, lines)."""
    blocks: list[tuple[int, str, list[str]]] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    n = 0
    while n < len(lines):
        opening = FENCE.match(lines[n])
        if opening:
            end = n + 1
            while not lines[end].startswith("```"):
                end += 1
            blocks.append((n + 1, opening.group(1).strip(), lines[n + 1 : end]))
            n = end
        n += 1
    return blocks


def _skipped(page: Path, line: int) -> bool:
    before = page.read_text(encoding="utf-8").splitlines()[line - 2]
    return before.startswith("<!-- skip: next ")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_block_is_checked_or_prose(page: Path) -> None:
    """A block in a language the runner does not know would silently go untested."""
    unknown = [
        (line, info) for line, info, _ in _blocks(page) if info.split(" ")[0] not in CHECKED | PROSE
    ]
    assert [] == unknown


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_command_blocks_are_transcripts_or_skipped_with_a_reason(page: Path) -> None:
    """A console or sh block shows its commands after ``$ `` unless it says why it cannot run."""
    bad = [
        line
        for line, info, body in _blocks(page)
        if info in {"console", "sh"}
        and not _skipped(page, line)
        and not next((b for b in body if b.strip()), "").startswith("$ ")
    ]
    assert [] == bad


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_doctests_are_inside_python_blocks(page: Path) -> None:
    """Sybil runs the ``>>>`` examples of python blocks; one in prose would never run."""
    inside, loose = False, []
    for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("```"):
            inside = not inside
        elif not inside and line.lstrip().startswith(">>>"):
            loose.append(n)
    assert [] == loose


def _named_examples() -> set[str]:
    named: set[str] = set()
    for page in PAGES:
        named |= set(re.findall(r"(?<![\w/.])examples/[\w./-]*[\w/]", page.read_text("utf-8")))
    return named


def test_every_example_a_page_names_is_shipped() -> None:
    """The issue's complaint: commands used files that were not shipped."""
    missing = sorted(name for name in _named_examples() if not (ROOT / name).exists())
    assert [] == missing


def test_every_shipped_example_is_used_and_listed() -> None:
    """No orphan in examples/: each file is named by a page and listed in examples/README.md."""
    listing = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    named = _named_examples()
    files = [p for p in EXAMPLES.rglob("*") if p.is_file() and p.name != "README.md"]
    assert files
    unused = []
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        folders = {f"{p.as_posix()}" for p in path.relative_to(ROOT).parents}
        if relative not in named and not folders & named:
            unused.append(relative)
        inner = path.relative_to(EXAMPLES).as_posix()
        in_listing = inner in listing or any(
            f"`{p.as_posix()}/`" in listing for p in path.relative_to(EXAMPLES).parents
        )
        assert in_listing, inner
    assert [] == unused


class TestExamples:
    def test_the_cases_follow_the_schema_and_parse(self) -> None:
        """Every example case, single or one per line, is a valid case."""
        validator = RUNNER._validator("case")
        documents = [
            json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
            for name in (
                "case.json",
                "reassessment.json",
                "reassessment-corrected.json",
                "juvenile-case.json",
            )
        ]
        for name in ("cases.jsonl", "cohort.jsonl"):
            lines = (EXAMPLES / name).read_text(encoding="utf-8").splitlines()
            documents += [json.loads(line) for line in lines]
        for document in documents:
            validator.validate(document)
            case = parse_case(document, file="example")
            assert case.case_id == rnr.score_case(case, rnr.default_library()).case_id

    def test_the_bad_line_is_the_only_bad_one(self) -> None:
        """``cases-with-a-bad-line.jsonl`` fails on line 2 for the answer, and only there."""
        first, second = (EXAMPLES / "cases-with-a-bad-line.jsonl").read_text("utf-8").splitlines()
        validator = RUNNER._validator("case")
        parse_case(json.loads(first), file="x")
        with pytest.raises(rnr.ScoringInputError, match="pending_charge"):
            rnr.score_case(parse_case(json.loads(second), file="x"), rnr.default_library())
        assert validator.is_valid(json.loads(first))

    def test_the_agency_instrument_loads_and_the_broken_one_does_not(self) -> None:
        """The demo instrument is valid; the broken one is refused for its kind and range."""
        assert "demo" == load_instrument(EXAMPLES / "instruments/demo/1.0.0.toml").id
        with pytest.raises(rnr.InstrumentDefinitionError) as refused:
            load_instrument(EXAMPLES / "broken/instruments/risk/1.0.0.toml")
        assert "items[1].kind" in str(refused.value)
        assert "scales.total.range" in str(refused.value)

    def test_the_whatif_policy_differs_from_the_shipped_one_only_in_its_date_and_deadline(
        self,
    ) -> None:
        """The made-up version is the shipped one with the PII deadline changed, as it says."""
        shipped = (ROOT / "plans/policies/cl-adultos-18216/2024-01-14.toml").read_text("utf-8")
        example = (EXAMPLES / "policies/cl-adultos-18216/2025-01-01.toml").read_text("utf-8")

        def body(text: str) -> list[str]:
            return text[text.index("schema =") :].splitlines()

        changed = [(a, b) for a, b in zip(body(shipped), body(example), strict=True) if a != b]
        assert 3 == len(changed)
        assert all("2025-01-01" in b or "30" in b for _, b in changed)


class TestTranscriptComparison:
    @pytest.mark.parametrize(
        ("shown", "printed"),
        [
            ("a\nb", "a\nb"),
            ("a …", "a b c"),
            ("…\nz", "x\ny\nz"),
            ('{"id": "x", …}', '{"id": "x", "n": 1}'),
            ("a\n…\nd", "a\nb\nc\nd"),
            ("sha256 c807d1d6…)", "sha256 c807d1d6b2da)"),
        ],
    )
    def test_what_matches(self, shown: str, printed: str) -> None:
        """``…`` stands for any text, within a line or for whole lines."""
        assert RUNNER._mismatch(shown, printed) is None

    @pytest.mark.parametrize(
        ("shown", "printed"),
        [
            ("a\nb", "a\nc"),
            ("a …", "b a"),
            ("… z", "z y"),
            ("a\n…\nd", "a\nd"),  # lines left out means some lines are there
            ("x … y … z", "x y z y"),
        ],
    )
    def test_what_does_not(self, shown: str, printed: str) -> None:
        """Everything but the placeholder must be printed as shown, in order."""
        assert RUNNER._mismatch(shown, printed) is not None

    @given(st.lists(st.text(alphabet="ab\n …", max_size=6), min_size=1, max_size=6), st.data())
    def test_leaving_out_any_pieces_still_matches(
        self, pieces: list[str], data: st.DataObject
    ) -> None:
        """Replacing any pieces of the printed text by ``…`` gives a page that matches it."""
        printed = "".join(pieces)
        hidden = data.draw(st.lists(st.booleans(), min_size=len(pieces), max_size=len(pieces)))
        shown = "".join("…" if h else p for p, h in zip(pieces, hidden, strict=True))
        assert RUNNER._mismatch(shown, printed) is None

    @pytest.mark.parametrize(
        ("transcript", "problem"),
        [
            ("$ echo hola\nhola\n", None),
            ("$ false\n$ echo $?\n1\n", None),
            ("$ false\n", "exited with status 1"),
            ("$ echo hola\nchao\n", "output differs"),
            ("$ echo uno; echo dos >&2\nuno\ndos\n", None),  # standard error, in order
        ],
    )
    def test_a_transcript(self, transcript: str, problem: str | None) -> None:
        """Commands run in order; what they print is compared; a failure must show its status."""
        namespace: dict[str, object] = {}
        example = SimpleNamespace(parsed=transcript, namespace=namespace, line=1)
        try:
            found = RUNNER.run_transcript(example)
        finally:
            RUNNER._teardown(namespace)
        if problem is None:
            assert found is None
        else:
            assert problem in found

    def test_a_block_must_start_with_a_command(self) -> None:
        """A list of commands without prompts is refused, not silently passed."""
        assert ["false", "true"] == [s.command for s in RUNNER._steps("$ false\n$ true\n")]
        with pytest.raises(AssertionError, match="starts with a command"):
            RUNNER._steps("rnr demo\n")
