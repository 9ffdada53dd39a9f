"""``rnr instruments list|show|schema|check``: the instrument definitions.

``schema ID[@VERSION]`` prints the JSON Schema of a case scored with that
instrument version (:func:`rnr.cases.schema.case_schema`).

``check`` reports, one line per check and for each instrument file: whether
the definition loads (every problem listed when not), whether its label
files load, whether its worked cases (``tests/*.toml``) hold, whether its
example cases (``examples/*.json``) score, and then every invariant of
:func:`rnr.testing.checks.check_instrument` (which needs Hypothesis, the
``testing`` extra). ``rnr policies check`` reports the same way
(:class:`Check`, :func:`report_checks`).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from rnr.cases.parse import read_cases, score_case
from rnr.cases.schema import case_schema
from rnr.cli.errors import UsageError
from rnr.cli.options import add_common, add_json, library_for, write_json, write_lines
from rnr.definitions.instrument import Instrument
from rnr.definitions.instrument_loader import SEMVER, load_instrument
from rnr.definitions.labels import LOCALES, load_labels
from rnr.definitions.library import Library, described, instrument_list, split_ref
from rnr.errors import DefinitionError, RnrError
from rnr.render.definitions import check_lines, check_summary, instrument_lines, instrument_table
from rnr.render.messages import catalogue
from rnr.testing.worked import load_worked_cases, run_case

__all__ = [
    "Check",
    "add_arguments",
    "check_file",
    "instrument_files",
    "report_checks",
    "run",
]

Invariants = Callable[..., Any]


@attrs.frozen
class Check:
    """One line of a check report: a check's name, whether it passed and why not."""

    name: str
    passed: bool
    detail: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"name", "passed", "detail"}``."""
        return {"name": self.name, "passed": self.passed, "detail": list(self.detail)}


def report_checks(
    files: Sequence[Path],
    checks: Callable[[Path], Iterable[Check]],
    args: argparse.Namespace,
    out: TextIO,
    *,
    notes: Sequence[str] = (),
) -> int:
    """Run ``checks`` on every file and print the report (or one JSON object with ``--json``).

    Args:
        files: the definition files, in order.
        checks: the checks of one file.
        args: the parsed command line (``--lang``, ``--json``).
        out: where the report goes.
        notes: lines printed before the summary (e.g. what was not checked).

    Returns:
        0 when every check holds, else 1.
    """
    passed = failed = 0
    found: list[dict[str, Any]] = []
    for path in files:
        if not args.json:
            write_lines(out, [str(path)])
        done: list[Check] = []
        for check in checks(path):
            done.append(check)
            passed += check.passed
            failed += not check.passed
            if not args.json:
                write_lines(out, check_lines(check.name, check.passed, check.detail, args.lang))
        found.append({"path": str(path), "checks": [c.to_dict() for c in done]})
    if args.json:
        data = {"files": found, "passed": passed, "failed": failed, "notes": list(notes)}
        write_json(out, data)
    else:
        write_lines(out, check_summary(passed, failed, args.lang, notes=notes))
    return 0 if failed == 0 else 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr instruments list|show|schema|check``."""
    parser.description = "List, show and check instrument definitions; print their case schemas."
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser(
        "list", help="every instrument version", description="List every instrument version."
    )
    add_json(listing, "print the list as JSON")
    add_common(listing)
    show = sub.add_parser(
        "show",
        help="one instrument: metadata, scales, domains, items, sources",
        description="Show one instrument version (a bare id shows the newest version).",
    )
    show.add_argument("ref", metavar="ID[@VERSION]")
    add_json(show, "print the full definition as JSON, with its sha256")
    add_common(show)
    case_schema = sub.add_parser(
        "schema",
        help="the JSON Schema of a case scored with one instrument version",
        description="Print the JSON Schema (draft 2020-12) of a case scored with one instrument "
        "version: its items, each item's kind, range or choices, the required fields "
        "(a bare id takes the newest version).",
    )
    case_schema.add_argument("ref", metavar="ID[@VERSION]")
    add_json(case_schema, "print the schema on one line (default: indented)")
    add_common(case_schema)
    check = sub.add_parser(
        "check",
        help="validate an instrument file (or every one in a folder) and check its invariants",
        description="Validate instrument definitions and check their invariants. "
        "Exit status 0 when every check holds, 1 otherwise.",
    )
    check.add_argument(
        "path", metavar="PATH", type=Path, help="an <id>/<version>.toml file or a folder of them"
    )
    check.add_argument(
        "--max-examples",
        type=int,
        metavar="N",
        help="generated cases per invariant (default: rnr.testing.checks' default)",
    )
    add_json(check, "print the report as one JSON object")
    add_common(check)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``rnr instruments list``, ``show``, ``schema`` or ``check``."""
    actions = {"list": run_list, "show": run_show, "schema": run_schema, "check": run_check}
    return actions[args.action](args, out)


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    """Print every instrument version of the library."""
    library = library_for(args)
    if args.json:
        write_json(out, instrument_list(library))
        return 0
    write_lines(out, instrument_table(library, args.lang))
    return 0


def run_show(args: argparse.Namespace, out: TextIO) -> int:
    """Print one instrument version, readable or as JSON."""
    instrument = library_for(args, only=split_ref(args.ref)[0]).get(args.ref)
    if args.json:
        write_json(out, described(instrument), indent=2)
        return 0
    write_lines(out, instrument_lines(instrument, load_labels(instrument, args.lang), args.lang))
    return 0


def run_schema(args: argparse.Namespace, out: TextIO) -> int:
    """Print the case schema of one instrument version."""
    instrument = library_for(args, only=split_ref(args.ref)[0]).get(args.ref)
    write_json(out, case_schema(instrument), indent=None if args.json else 2)
    return 0


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    """Check every instrument file under ``args.path``; 0 when all hold, else 1."""
    files = instrument_files(args.path)
    invariants = _invariants()
    notes = [] if invariants is not None else [catalogue(args.lang)("cli.check.no_checks")]

    def checks(path: Path) -> Iterator[Check]:
        return check_file(path, args.lang, invariants, args.max_examples)

    return report_checks(files, checks, args, out, notes=notes)


# -- rnr instruments check ------------------------------------------------------------


def instrument_files(path: Path) -> list[Path]:
    """``path`` itself, or the ``<version>.toml`` files in it and one level below.

    Raises:
        UsageError: ``path`` does not exist, or a folder holds no instrument.
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UsageError(f"{path}: no such file or folder", code="usage.file.missing")
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
    say = catalogue(lang)
    try:
        instrument = load_instrument(path)
    except DefinitionError as exc:
        problems = tuple(str(p) for p in exc.problems) or (str(exc),)
        yield Check(say("cli.check.invalid", count=len(exc.problems)), False, problems)
        return
    yield Check(say("cli.check.valid", ref=instrument.ref, sha=instrument.sha256[:12]), True)
    folder = path.parent
    for locale in LOCALES:
        label_file = folder / "labels" / f"{locale}.toml"
        if label_file.is_file():
            name = say("cli.check.labels", locale=locale)
            try:
                load_labels(instrument, locale, path=label_file)
                yield Check(name, True)
            except DefinitionError as exc:
                yield Check(name, False, tuple(str(exc).splitlines()))
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
    text = catalogue(lang)("cli.check.worked", file=name, ok=n - failing, n=n)
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
    text = catalogue(lang)("cli.check.examples", ok=n - len(problems), n=n)
    return Check(text, not problems, tuple(problems))
