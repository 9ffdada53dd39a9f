"""``rnr instruments check``: validate a definition and check its invariants.

For each instrument file the report says, one line per check: whether the
definition loads (every problem listed when not), whether its label files
load, whether its worked cases (``tests/*.toml``) hold, whether its example
cases (``examples/*.json``) score, and then every invariant of
:func:`rnr.testing.checks.check_instrument` (which needs Hypothesis, the ``testing``
extra).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from rnr.cases.parse import read_cases, score_case
from rnr.cli._common import UsageError, add_common, write_lines
from rnr.definitions.instrument import Instrument
from rnr.definitions.instrument_loader import SEMVER, load_instrument
from rnr.definitions.labels import LOCALES, load_labels
from rnr.definitions.library import Library, split_ref
from rnr.errors import DefinitionError, RnrError
from rnr.render.score import words
from rnr.testing.worked import load_worked_cases, run_case

__all__ = ["Check", "add_parser", "check_file", "instrument_files", "run"]

Invariants = Callable[..., Any]


@attrs.frozen
class Check:
    """One line of the report: a check's name, whether it passed and why not."""

    name: str
    passed: bool
    detail: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """``  ok    name`` or ``  FAIL  name`` and the detail, indented."""
        return [f"  {'ok  ' if self.passed else 'FAIL'}  {self.name}"] + [
            f"        {d}" for d in self.detail
        ]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rnr instruments check``."""
    parser = sub.add_parser(
        "check",
        help="validate an instrument file (or every one in a folder) and check its invariants",
        description="Validate instrument definitions and check their invariants. "
        "Exit status 0 when every check holds, 1 otherwise.",
    )
    parser.add_argument(
        "path", metavar="PATH", type=Path, help="an <id>/<version>.toml file or a folder of them"
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        metavar="N",
        help="generated cases per invariant (default: rnr.testing.checks' default)",
    )
    add_common(parser)
    parser.set_defaults(func=run)


def instrument_files(path: Path) -> list[Path]:
    """``path`` itself, or the ``<version>.toml`` files in it and one level below.

    Raises:
        UsageError: ``path`` does not exist, or a folder holds no instrument.
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UsageError(f"{path}: no such file or folder")
    found = [p for p in sorted(path.glob("*.toml")) if SEMVER.match(p.stem)]
    found += [p for p in sorted(path.glob("*/*.toml")) if SEMVER.match(p.stem)]
    if not found:
        raise UsageError(f"{path}: no instrument files (<id>/<version>.toml) found")
    return found


def _invariants() -> Invariants | None:
    try:
        module = importlib.import_module("rnr.testing.checks")
    except ImportError:
        return None
    func: Invariants = module.check_instrument
    return func


def check_file(
    path: Path, lang: str, invariants: Invariants | None, max_examples: int | None = None
) -> Iterator[Check]:
    """Yield every check of the instrument file ``path``, in order."""
    w = words(lang)
    try:
        instrument = load_instrument(path)
    except DefinitionError as exc:
        problems = tuple(str(p) for p in exc.problems) or (str(exc),)
        yield Check(w["invalid"].format(n=len(exc.problems)), False, problems)
        return
    yield Check(w["valid"].format(ref=instrument.ref, sha=instrument.sha256[:12]), True)
    folder = path.parent
    for locale in LOCALES:
        label_file = folder / "labels" / f"{locale}.toml"
        if label_file.is_file():
            try:
                load_labels(instrument, locale, path=label_file)
                yield Check(w["labels_ok"].format(locale=locale), True)
            except DefinitionError as exc:
                yield Check(
                    w["labels_ok"].format(locale=locale), False, tuple(str(exc).splitlines())
                )
    for worked in sorted((folder / "tests").glob("*.toml")):
        yield from _worked(worked, instrument, lang)
    examples = sorted((folder / "examples").glob("*.json"))
    if examples:
        yield _examples(examples, instrument, lang)
    if invariants is not None:
        kwargs = {} if max_examples is None else {"max_examples": max_examples}
        report = invariants(instrument, **kwargs)
        for outcome in report.outcomes:
            detail = tuple(str(outcome.detail).splitlines()) if outcome.detail else ()
            yield Check(str(outcome.name), bool(outcome.passed), detail)


def _worked(path: Path, instrument: Instrument, lang: str) -> Iterator[Check]:
    name = f"tests/{path.name}"
    try:
        cases = load_worked_cases(path)
    except DefinitionError as exc:
        yield Check(name, False, tuple(str(exc).splitlines()))
        return
    if cases.instrument != instrument.ref:
        return  # cases of another version in the same folder
    problems: list[str] = []
    for case in cases.cases:
        problems += [f"{case.name}: {p}" for p in run_case(instrument, case)]
    failing = len({p.split(": ", 1)[0] for p in problems})
    n = len(cases.cases)
    text = words(lang)["worked"].format(file=name, ok=n - failing, n=n)
    yield Check(text, not problems, tuple(problems))


def _examples(files: Sequence[Path], instrument: Instrument, lang: str) -> Check:
    library = Library((instrument,))
    problems: list[str] = []
    n = 0
    for file in files:
        try:
            for case in read_cases(file):
                own_version = split_ref(case.instrument or "")[1]
                if own_version not in (None, instrument.version):
                    continue
                n += 1
                try:
                    score_case(case, library, instrument.ref)
                except RnrError as exc:
                    problems.append(f"{case.where}: {exc}")
        except RnrError as exc:
            problems.append(str(exc))
            n += 1
    text = words(lang)["examples"].format(ok=n - len(problems), n=n)
    return Check(text, not problems, tuple(problems))


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Check every instrument file under ``args.path``; 0 when all hold, else 1."""
    w = words(args.lang)
    files = instrument_files(args.path)
    invariants = _invariants()
    passed = failed = 0
    for path in files:
        write_lines(out, [str(path)])
        for check in check_file(path, args.lang, invariants, args.max_examples):
            write_lines(out, check.lines())
            passed += check.passed
            failed += not check.passed
    if invariants is None:
        write_lines(out, [f"note: {w['no_checks']}"])
    write_lines(out, [w["summary"].format(passed=passed, failed=failed)])
    return 0 if failed == 0 else 1
