"""``rnr instruments list|show|check``: the instrument definitions.

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
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from rnr.cases.parse import read_cases, score_case
from rnr.cli.errors import UsageError
from rnr.cli.options import add_common, add_json, library_for, write_json, write_lines
from rnr.definitions.instrument import Band, Instrument, Item, Scale
from rnr.definitions.instrument_loader import SEMVER, load_instrument
from rnr.definitions.labels import LOCALES, Labels, load_labels
from rnr.definitions.library import Library, split_ref
from rnr.errors import DefinitionError, RnrError
from rnr.render.messages import catalogue
from rnr.render.score import effective, points_text, table, words
from rnr.testing.worked import load_worked_cases, run_case

__all__ = [
    "Check",
    "add_arguments",
    "check_file",
    "instrument_files",
    "report_checks",
    "run",
    "show_lines",
]

WIDTH = 100

Invariants = Callable[..., Any]


@attrs.frozen
class Check:
    """One line of a check report: a check's name, whether it passed and why not."""

    name: str
    passed: bool
    detail: tuple[str, ...] = ()

    def lines(self, lang: str) -> list[str]:
        """``  ok    name`` or ``  FAIL  name`` and the detail, indented."""
        mark = catalogue(lang)("cli.check.ok" if self.passed else "cli.check.fail")
        return [f"  {mark:<4}  {self.name}"] + [f"        {d}" for d in self.detail]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"name", "passed", "detail"}``."""
        return {"name": self.name, "passed": self.passed, "detail": list(self.detail)}


def report_checks(
    files: Sequence[Path],
    checks: Callable[[Path], Iterable[Check]],
    args: argparse.Namespace,
    out: TextIO,
    *,
    summary: str,
    notes: Sequence[str] = (),
) -> int:
    """Run ``checks`` on every file and print the report (or one JSON object with ``--json``).

    Args:
        files: the definition files, in order.
        checks: the checks of one file.
        args: the parsed command line (``--lang``, ``--json``).
        out: where the report goes.
        summary: the last line, with ``{passed}`` and ``{failed}`` placeholders.
        notes: lines printed before the summary (e.g. what was not checked).

    Returns:
        0 when every check holds, else 1.
    """
    say = catalogue(args.lang)
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
                write_lines(out, check.lines(args.lang))
        found.append({"path": str(path), "checks": [c.to_dict() for c in done]})
    if args.json:
        data = {"files": found, "passed": passed, "failed": failed, "notes": list(notes)}
        write_json(out, data)
    else:
        note = [say("cli.check.note", text=text) for text in notes]
        write_lines(out, [*note, summary.format(passed=passed, failed=failed)])
    return 0 if failed == 0 else 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr instruments list|show|check``."""
    parser.description = "List, show and check instrument definitions."
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
    """Run ``rnr instruments list``, ``show`` or ``check``."""
    actions = {"list": run_list, "show": run_show, "check": run_check}
    return actions[args.action](args, out)


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    """Print every instrument version of the library."""
    library = library_for(args)
    if args.json:
        data = [
            {
                "id": i.id,
                "version": i.version,
                "status": i.status,
                "effective_from": i.effective_from.isoformat(),
                "effective_until": i.effective_until.isoformat() if i.effective_until else None,
                "title": dict(i.title),
                "sha256": i.sha256,
            }
            for i in library
        ]
        write_json(out, data)
        return 0
    w = words(args.lang)
    rows = [[w["h_id"], w["h_version"], w["h_status"], w["h_effective"], w["h_title"]]]
    for inst in library:
        title = inst.title.get(args.lang) or inst.title.get("es") or inst.id
        rows.append([inst.id, inst.version, inst.status, effective(inst), title])
    write_lines(out, table(rows))
    return 0


def run_show(args: argparse.Namespace, out: TextIO) -> int:
    """Print one instrument version, readable or as JSON."""
    instrument = library_for(args, only=split_ref(args.ref)[0]).get(args.ref)
    if args.json:
        write_json(out, {**instrument.document, "sha256": instrument.sha256}, indent=2)
        return 0
    write_lines(out, show_lines(instrument, load_labels(instrument, args.lang), args.lang))
    return 0


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    """Check every instrument file under ``args.path``; 0 when all hold, else 1."""
    files = instrument_files(args.path)
    invariants = _invariants()
    w = words(args.lang)
    notes = [] if invariants is not None else [w["no_checks"]]

    def checks(path: Path) -> Iterator[Check]:
        return check_file(path, args.lang, invariants, args.max_examples)

    return report_checks(files, checks, args, out, summary=w["summary"], notes=notes)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, subsequent_indent=indent, break_on_hyphens=False)


def _named(ident: str, label: str) -> str:
    return ident if label == ident else f"{ident} ({label})"


def _bands(bands: tuple[Band, ...], labels: Labels, *, need: bool = False) -> str:
    name = labels.need if need else labels.level
    return ", ".join(f"{_span(b.min, b.max)} {name(b.level)}" for b in bands)


def _span(lo: int, hi: int) -> str:
    """``-3..-2``, ``4`` or ``0..12`` (ranges with negative ends stay readable)."""
    return str(lo) if lo == hi else f"{lo}..{hi}"


def show_lines(instrument: Instrument, labels: Labels, lang: str) -> list[str]:
    """The readable summary of ``instrument`` that ``rnr instruments show`` prints."""
    w = words(lang)
    pop = instrument.population
    top = pop.get("max_age")
    ages = f"{pop.get('min_age')}" + ("+" if top is None else f"-{top}")
    lines = [
        f"{instrument.ref}  {labels.title}",
        (
            f"  {w['status']}: {instrument.status} · {w['effective']}: {effective(instrument)}"
            f" · {w['population']}: {pop.get('kind')}, {ages} {w['years']}"
        ),
        f"  sha256: {instrument.sha256}",
    ]
    if instrument.path:
        lines.append(f"  {w['file']}: {instrument.path}")
    lines.append(
        f"  {w['primary']}: {instrument.primary_scale}"
        f" · {w['norm_groups']}: {', '.join(instrument.norm_groups) or w['none']}"
        f" · {w['need_levels']}: {', '.join(instrument.need_levels) or w['none']}"
    )
    if instrument.criminogenic_from:
        lines.append(f"  {w['criminogenic_from']}: {instrument.criminogenic_from}")
    lines += ["", *_wrap(f"{w['license']}: {instrument.license}", "")]
    if instrument.notes:
        lines += ["", f"{w['notes']}:"]
        for note in instrument.notes:
            lines += _wrap(f"  - {note}", "    ")
    lines += ["", f"{w['scales']}:"]
    for scale in instrument.scales.values():
        lines += _scale_lines(scale, instrument, labels, lang)
    lines += ["", f"{w['domains']}:"]
    for d in instrument.domains:
        head = f"  {_named(d.id, labels.domain(d.id))}: {w[d.factor]}, {w['range']} "
        head += _span(*d.range)
        if d.max_omitted is not None:
            head += f", {w['max_omitted']} {d.max_omitted}"
        lines.append(head)
        lines.append(f"      {w['domain_items']}: {', '.join(d.items)}")
        if d.need_bands:
            lines.append(f"      {w['need_bands']}: {_bands(d.need_bands, labels, need=True)}")
        if d.source:
            lines.append(f"      {w['source']}: {d.source}")
    lines += ["", f"{w['items']}:"]
    for item in instrument.items:
        lines += _item_lines(item, labels, lang)
    if instrument.terms:
        lines += ["", f"{w['terms']}:"]
        for term in instrument.terms:
            lines.append(
                f"  {_named(term.id, labels.item(term.id))}: {term.when.describe()}"
                f" → {points_text(term.points, lang)}"
            )
            if term.source:
                lines.append(f"      {w['source']}: {term.source}")
    lines += ["", f"{w['references']}:"]
    for ref in instrument.references:
        lines += _wrap(f"  - {ref}", "    ")
    return [part for line in lines for part in _fit(line)]


def _fit(line: str) -> list[str]:
    """``line`` wrapped to the page width, continuation lines indented two more."""
    if len(line) <= WIDTH:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return _wrap(line, indent)


def _scale_lines(scale: Scale, instrument: Instrument, labels: Labels, lang: str) -> list[str]:
    w = words(lang)
    lo, hi = scale.range
    lines = [
        (
            f"  {_named(scale.id, labels.scale(scale.id))}: {w['range']} {_span(lo, hi)}"
            f", {w['max_omitted']} {scale.max_omitted}"
        )
    ]
    groups: tuple[str | None, ...] = instrument.norm_groups or (None,)
    if scale.bands:
        for group in groups:
            name = w["all_groups"] if group is None else w["for_group"].format(g=group)
            text = f"      {w['bands']} ({name}): {_bands(scale.bands_for(group), labels)}"
            lines += _wrap(text, "        ")
    if scale.scaled is not None:
        pairs = ", ".join(f"{lo + i}→{s}" for i, s in enumerate(scale.scaled))
        lines.append(f"      {w['scaled_table']}: {pairs}")
    if scale.flag_min is not None:
        lines.append(f"      {w['flag_from'].format(n=scale.flag_min)}")
    lines.append(f"      {w['source']}: {scale.source}")
    return lines


def _item_lines(item: Item, labels: Labels, lang: str) -> list[str]:
    w = words(lang)
    kind: str = item.kind
    if item.kind == "age" and item.age_at:
        kind += f", {w['age_at'].format(d=item.age_at)}"
    head = f"  {_named(item.id, labels.item(item.id))}: {kind}, {w[item.factor]}, {item.domain}"
    if item.strength:
        return [f"{head}, {w['strength']}"]
    outcomes = " | ".join(f"{o.key}: {points_text(o.points, lang)}" for o in item.outcomes)
    lines = [head, *_wrap(f"      {outcomes}", "        ")]
    if item.source:
        lines.append(f"      {w['source']}: {item.source}")
    return lines


# -- rnr instruments check ------------------------------------------------------------


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
