"""The documentation runs: every code block of README.md and docs/*.md is a test (Sybil).

How each block is checked, by its language (docs/testing.md, "The documentation
is tested", says the same for writers):

* ``python``: run in order in one namespace per page; a block that starts with
  ``>>>`` is a doctest (``ELLIPSIS``, ``NORMALIZE_WHITESPACE``) and must print
  what it shows.
* ``console`` (and ``sh``): a transcript. Each line that starts with ``$ `` is a
  command, run by ``bash`` with the installed ``rnr`` (the one beside this
  Python) first on ``PATH``; the lines after it, up to the next ``$ ``, are what
  it prints (standard output and standard error, as a terminal shows them).
  ``…`` stands for any text, on a line or within one. A command must exit with
  status 0, unless the next command of the block is ``echo $?``, which shows
  the status.
* ``json``: a case file: it validates against ``rnr/schemas/case.schema.json``,
  parses and scores; ``json NAME`` validates against ``NAME.schema.json``.
  ``jsonl``: one case per line, each checked the same way.
* ``toml``: it parses; a block whose first line is ``# examples/PATH`` is that
  shipped file, verbatim.
* ``text`` and blocks without a language are prose laid out in a block (a
  synopsis, a formula, the shape of a message) and are not run.

Commands and Python of one page run in order, in the same fresh working folder:
a copy of the shipped ``instruments/``, ``plans/`` and ``examples/`` folders,
with ``TMPDIR`` and the default case store inside it, so a page's ``rnr case
add`` creates what its ``rnr case history`` reads and nothing is written
outside. A block that cannot run is preceded by ``<!-- skip: next "reason" -->``.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path
from typing import Any

import jsonschema
from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

import rnr
from rnr.definitions.library import data_dir  # the installed package's data
from rnr.schemas import schema

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
#: The placeholder for any text in a transcript's output.
ANY = "…"
#: Seconds one documented command may take.
TIMEOUT = 120
_WORKDIR = "_docs_workdir"


# -- the working folder of a page ---------------------------------------------------------


def _workdir(namespace: dict[str, Any]) -> Path:
    """The page's working folder, made on first use with copies of the shipped files."""
    folder = namespace.get(_WORKDIR)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="rnr-docs-"))
        for name in ("instruments", "plans"):
            shutil.copytree(data_dir() / name, folder / name)
        shutil.copytree(ROOT / "examples", folder / "examples")
        (folder / "tmp").mkdir()
        (folder / "data").mkdir()
        namespace[_WORKDIR] = folder
    return Path(folder)


def _teardown(namespace: dict[str, Any]) -> None:
    folder = namespace.pop(_WORKDIR, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _environment(folder: Path) -> dict[str, str]:
    """The environment of a documented command: the installed rnr, nothing outside ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RNR_", "PYTEST"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        TMPDIR=str(folder / "tmp"),
        XDG_DATA_HOME=str(folder / "data"),
        PYTHONUNBUFFERED="1",  # stdout and stderr in the order they were written
        PYTHONIOENCODING="utf-8",
        COLUMNS="100",
    )
    return env


def _in_workdir(evaluator: Callable[[Example], str | None]) -> Callable[[Example], str | None]:
    """Run a Python example inside its page's working folder, with ``__file__`` the page."""

    def evaluate(example: Example) -> str | None:
        example.namespace.setdefault("__file__", str(example.path))
        with contextlib.chdir(_workdir(example.namespace)):
            return evaluator(example)

    return evaluate


class PythonInWorkdir:
    """Sybil's Python parser (code blocks and doctests), each example run in the working folder."""

    def __init__(self) -> None:
        self.parser = PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE)

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.parser(document):
            assert region.evaluator is not None
            region.evaluator = _in_workdir(region.evaluator)
            yield region


# -- transcripts --------------------------------------------------------------------------


class Step:
    """One command of a transcript and the output the page shows for it."""

    def __init__(self, command: str, line: int) -> None:
        self.command = command
        self.line = line
        self.output: list[str] = []


def _steps(source: str) -> list[Step]:
    steps: list[Step] = []
    lines = source.splitlines()
    n = 0
    while n < len(lines):
        line = lines[n]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and n + 1 < len(lines):
                n += 1
                command += "\n" + lines[n]  # bash reads the backslash-newline
            steps.append(Step(command, n))
        elif steps:
            steps[-1].output.append(line)
        elif line.strip():
            msg = f"a transcript starts with a command (`$ ...`), not {line!r}"
            raise AssertionError(msg)
        n += 1
    return steps


def _mismatch(expected: str, actual: str) -> str | None:
    """Where ``actual`` departs from ``expected`` (``…`` stands for any text), or ``None``.

    Wildcards that stand for any text are matched greedily from the left, which is exact
    for patterns with no other wildcard.
    """
    parts = expected.split(ANY)
    # "text …" at the end of a line: the space before the placeholder is part of what it stands for
    parts = [part.rstrip(" ") for part in parts[:-1]] + parts[-1:]
    if len(parts) == 1:
        return None if expected == actual else "the output differs"
    if not actual.startswith(parts[0]):
        return f"the output does not start with {parts[0]!r}"
    at = len(parts[0])
    for part in parts[1:-1]:
        found = actual.find(part, at)
        if found < 0:
            return f"not printed after {actual[max(0, at - 60) : at]!r}: {part!r}"
        at = found + len(part)
    if not actual[at:].endswith(parts[-1]):
        return f"the output does not end with {parts[-1]!r}"
    return None


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines())


def run_transcript(example: Example) -> str | None:
    """Run every command of a transcript in the page's working folder and compare."""
    steps = _steps(example.parsed)
    folder = _workdir(example.namespace)
    env = _environment(folder)
    status = 0
    for n, step in enumerate(steps):
        done = subprocess.run(  # the documentation's own commands
            ["bash", "-c", f"(exit {status}); {step.command}"],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
            check=False,
        )
        status = done.returncode
        actual = _tidy(done.stdout)
        expected = _tidy("\n".join(step.output))
        where = f"line {example.line + step.line}: $ {step.command}"
        problem = _mismatch(expected, actual)
        if problem is not None:
            diff = difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), "shown", "printed", lineterm=""
            )
            return f"{where}\n{problem}\n" + "\n".join(diff)
        shows_status = n + 1 < len(steps) and steps[n + 1].command.strip() == "echo $?"
        if status != 0 and not shows_status:
            return f"{where}\nexited with status {status} (show it with `$ echo $?`)"
    return None


class TranscriptParser:
    """``console`` and ``sh`` blocks: transcripts of commands and what they print."""

    def __init__(self) -> None:
        self.lexer = FencedCodeBlockLexer(language=r"console|sh|shell")

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            yield Region(region.start, region.end, region.lexemes["source"], run_transcript)


# -- data: JSON cases, TOML files --------------------------------------------------------


def _check_case(document: Any, name: str) -> None:
    _validator("case").validate(document)
    case = rnr.parse_case(document, file=name)
    if case.instrument is not None:
        assert case.case_id == rnr.score_case(case, rnr.default_library()).case_id


def _validator(name: str) -> Any:
    cls = jsonschema.Draft202012Validator
    return cls(schema(name), format_checker=cls.FORMAT_CHECKER)


def check_json(example: Example) -> str | None:
    """A JSON block is a case (or the document its schema names) that rnr accepts."""
    kind, text = example.parsed
    name = f"{Path(example.path).name}:{example.line}"
    if kind == "jsonl":
        documents = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        documents = [json.loads(text)]
    schema_name = kind.split()[1] if " " in kind else "case"
    for document in documents:
        if schema_name == "case":
            _check_case(document, name)
        else:
            _validator(schema_name).validate(document)
    return None


class JsonParser:
    def __init__(self) -> None:
        self.lexer = FencedCodeBlockLexer(language=r"json(?: \w[\w-]*)?|jsonl")

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            parsed = (region.lexemes["language"], region.lexemes["source"])
            yield Region(region.start, region.end, parsed, check_json)


def check_toml(example: Example) -> str | None:
    """A TOML block parses; one headed ``# examples/PATH`` is that shipped file, verbatim."""
    text: str = example.parsed
    tomllib.loads(text)
    first = text.splitlines()[0] if text.strip() else ""
    named = re.match(r"# (examples/\S+\.toml)\b", first)
    if named:
        shipped = (ROOT / named.group(1)).read_text(encoding="utf-8")
        if text != shipped:
            diff = difflib.unified_diff(
                text.splitlines(), shipped.splitlines(), "page", named.group(1), lineterm=""
            )
            return f"the block differs from {named.group(1)}:\n" + "\n".join(diff)
    return None


class TomlParser:
    def __init__(self) -> None:
        self.lexer = FencedCodeBlockLexer(language="toml")

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            yield Region(region.start, region.end, region.lexemes["source"], check_toml)


class Pages(Sybil):
    """The pages that run: README.md and docs/*.md, nothing else of the tree."""

    def should_parse(self, path: Path) -> bool:
        path = path.resolve()
        return path == ROOT / "README.md" or (path.parent == ROOT / "docs" and path.suffix == ".md")


pytest_collect_file = Pages(
    parsers=[SkipParser(), PythonInWorkdir(), TranscriptParser(), JsonParser(), TomlParser()],
    teardown=_teardown,
).pytest()
