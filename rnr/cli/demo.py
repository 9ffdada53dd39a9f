"""``rnr demo``: score the example cases shipped with every instrument.

The examples live in ``instruments/<id>/examples/*.json`` (packed in the
wheel, so the demo works from any folder). None of them is a real person.
The examples that carry a ``legal`` section are then decided under the
shipped policy of their regime that reads their instrument, and the demo
writes the PII draft (HTML, marked BORRADOR / DRAFT) of one of them, an
adult case when there is one, to ``<temp dir>/rnr-demo/<case_id>.html``.
It ends with a small simulated cohort (synthetic, no real person) written
afresh to a case store (``<temp dir>/rnr-demo/demo.sqlite3``): the history
of the first person with three or more assessments and an event other than
attendance, and the change between their assessments, with reliability
figures estimated from the simulated cohort itself (labelled as such).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import tempfile
import textwrap
from pathlib import Path
from typing import TextIO

from rnr.cases.parse import Case, read_cases, score_case
from rnr.cli.case import change_lines
from rnr.cli.decide import Decided, decide_case
from rnr.cli.errors import CaseError
from rnr.cli.options import add_common, library_for, write_lines
from rnr.cli.plan import file_name, plan_for
from rnr.definitions.labels import load_labels
from rnr.definitions.library import Library, data_dir, policy_library
from rnr.errors import CaseFileError, RnrError, UnknownPolicyError
from rnr.history.definitions import Definitions
from rnr.history.due import due_list
from rnr.history.progress import case_change
from rnr.history.read import read_history
from rnr.render.decision import fit_words, level_name
from rnr.render.history import history_lines
from rnr.render.messages import catalogue, say
from rnr.render.plan import render_plan
from rnr.render.policy_words import pwords
from rnr.render.score import scale_summary, words, yes_no
from rnr.scoring.result import ScoreResult
from rnr.simulate.engine import simulate
from rnr.simulate.figures import estimated_reliability
from rnr.simulate.load import store_cohort
from rnr.simulate.people import Person
from rnr.store.sqlite import SQLiteStore

__all__ = [
    "DEMO_PEOPLE",
    "DEMO_SEED",
    "add_arguments",
    "decision_lines",
    "example_files",
    "history_demo",
    "plan_draft",
    "result_lines",
    "run",
    "run_demo",
]

#: The demo cohort: small enough to write in a second or two.
DEMO_PEOPLE = 60
DEMO_SEED = 7
DEMO_YEARS = 2.0
#: The simulated "validation study" the demo's reliability figures come from.
FIGURES_PEOPLE = 1000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr demo``."""
    parser.description = "Score the example cases of every instrument and show the results."
    add_common(parser)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """``rnr demo``."""
    return run_demo(library_for(args), args.lang, out)


def example_files(library: Library, ident: str) -> list[Path]:
    """The example case files of instrument ``ident``, sorted by name.

    They sit in ``examples/`` beside the instrument's newest version (for the
    shipped instruments: ``data_dir() / "instruments" / ident / "examples"``).
    """
    newest = library.versions(ident)[-1]
    folder = (
        Path(newest.path).parent if newest.path else data_dir() / "instruments" / ident
    ) / "examples"
    return sorted(folder.glob("*.json"))


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, width=100, subsequent_indent="      ", break_on_hyphens=False)


def result_lines(result: ScoreResult, library: Library, lang: str, file: Path) -> list[str]:
    """A short readable summary of one example's result."""
    w = words(lang)
    instrument = library.get(str(result.instrument))
    labels = load_labels(instrument, lang)
    lines = [
        "── "
        + w["demo_case"].format(
            title=labels.title,
            ref=instrument.ref,
            case_id=result.case_id,
            on=result.assessed_on.isoformat(),
        ),
        f"  {w['demo_file']}: {file}",
    ]
    primary = result.scales[result.primary_scale]
    if primary.level is not None:
        risk = f"{labels.level(primary.level)} · {labels.scale(primary.id)} {primary.raw}"
    else:
        risk = w["risk_none"].format(ref=instrument.ref)
    lines.append(f"  {w['risk']}: {risk}")
    lines.append(f"  {w['scores']}:")
    lines += [f"    {scale_summary(s, labels, lang)}" for s in result.scales.values()]
    profile = []
    for did in result.need_profile:
        domain = result.domains[did]
        marks = [labels.need(domain.need)] if domain.need is not None else [str(domain.total)]
        if domain.criminogenic:
            marks.append(w["criminogenic"])
        profile.append(f"{labels.domain(did)} ({', '.join(marks)})")
    lines += _wrap(f"  {w['profile']}: {', '.join(profile) or w['none']}")
    strengths = ", ".join(labels.item(s) for s in result.strengths)
    lines += _wrap(f"  {w['strengths']}: {strengths or w['none']}")
    if not result.provisional:
        lines.append(f"  {w['provisional']}: {w['no']}")
        return lines
    omitted = ", ".join(result.omitted)
    lines.append(
        f"  {w['provisional']}: {w['provisional_yes'].format(n=len(result.omitted), items=omitted)}"
    )
    for scale in result.scales.values():
        b = scale.bounds
        if b is not None and b.min != b.max:
            span = w["between"].format(scale=labels.scale(scale.id), lo=b.min, hi=b.max)
            if b.min_level is not None and b.max_level is not None:
                ends = (labels.level(b.min_level), labels.level(b.max_level))
            elif b.min_scaled is not None and b.max_scaled is not None:
                ends = (w["scaled"].format(n=b.min_scaled), str(b.max_scaled))
            elif b.min_flag is not None and b.max_flag is not None:
                ends = (w["flag"].format(v=yes_no(b.min_flag, lang)), yes_no(b.max_flag, lang))
            else:
                ends = ("", "")
            if ends[0]:
                same = b.min_level == b.max_level and b.min_scaled == b.max_scaled
                same = same and b.min_flag == b.max_flag
                span += f" ({ends[0]})" if same else f" ({ends[0]} {w['to']} {ends[1]})"
            lines.append(f"    {span}")
    return lines


def run_demo(library: Library, lang: str, out: TextIO) -> int:
    """Score every instrument's example cases and print a summary of each.

    Args:
        library: the instruments whose examples are scored.
        lang: ``es`` or ``en``.
        out: where the summaries go.

    Returns:
        The exit status (0).

    Raises:
        RnrError: an example case does not score (a bug in the shipped data).
    """
    w = words(lang)
    write_lines(out, [w["demo_title"], ""])
    first: tuple[str, Path] | None = None
    with_legal: list[tuple[Case, Path]] = []
    for ident in library.ids():
        files = example_files(library, ident)
        if not files:
            write_lines(out, [w["no_examples"].format(ref=ident), ""])
            continue
        for file in files:
            for case in read_cases(file):
                result = _score(case, library, ident)
                write_lines(out, [*result_lines(result, library, lang, file), ""])
                if first is None:
                    first = (str(result.instrument), file)
                if case.legal is not None:
                    with_legal.append((case, file))
    hint, decided = _decisions(with_legal, library, lang, out)
    if hint is not None:
        write_lines(out, [hint])
    if first is not None:
        ref, file = first
        write_lines(out, [w["trace"].format(ref=ref, file=shlex.quote(str(file)))])
    adults = [d for d in decided if d.decision.regime == "adult"]
    if decided:
        done = (adults or decided)[0]
        path = plan_draft(done, library, lang, Path(tempfile.gettempdir()) / "rnr-demo")
        written = catalogue(lang)("cli.demo.plan_written", case_id=done.case.case_id, path=path)
        write_lines(out, ["", written])
    shipped = Definitions.shipped()
    defs = Definitions(library, shipped.policies, shipped.catalogue, shipped.rules)
    history_demo(Path(tempfile.gettempdir()) / "rnr-demo", defs, lang, out)
    return 0


def plan_draft(done: Decided, library: Library, lang: str, folder: Path) -> Path:
    """Write the HTML plan draft of a decided example into ``folder``; return its path."""
    labels = load_labels(library.get(str(done.result.instrument)), lang)
    text = render_plan(plan_for(done), format="html", lang=lang, labels=labels)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(done.case, "html", set())
    path.write_text(text, encoding="utf-8")
    return path


def decision_lines(done: Decided, library: Library, lang: str) -> list[str]:
    """A short readable summary of one example's decision."""
    w = pwords(lang)
    decision = done.decision
    labels = load_labels(library.get(str(done.result.instrument)), lang)
    intensity = decision.intensity
    lines = [
        w["demo_decision"].format(case_id=decision.case_id, ref=done.policy.ref),
        w["demo_summary"].format(
            sanction=decision.sanction or w["none"],
            level=level_name(decision.risk_level, labels),
            eligible=", ".join(decision.eligible_sanctions) or w["none"],
        ),
        "  "
        + w["intensity_line"].format(
            contacts=intensity.contacts_per_month, hours=intensity.treatment_hours
        )
        + f" · {w['monitoring'].lower()}: {w['yes' if decision.telematic_monitoring else 'no']}",
    ]
    for deadline in decision.deadlines.values():
        name = w.get(f"d_{deadline.name}", deadline.name)
        lines.append(f"  {name}: {deadline.date.isoformat()}")
    lines.append(w["demo_fit"].format(fit=fit_words(decision.fit, lang)))
    for warning in decision.warnings:
        lines.append(w["demo_warnings"].format(codes=say(warning.message, lang) or warning.code))
    return lines


def _decisions(
    cases: list[tuple[Case, Path]], library: Library, lang: str, out: TextIO
) -> tuple[str | None, list[Decided]]:
    """Decide the examples with a legal section; return the hint line and the decisions."""
    if not cases:
        return None, []
    w = pwords(lang)
    policies = policy_library()
    write_lines(out, [w["demo_decisions"], ""])
    hint: str | None = None
    decided: list[Decided] = []
    for case, file in cases:
        if case.legal is None:
            continue
        instrument = library.get(case.instrument or "", on=case.assessed_on).id
        try:
            ident = policies.id_for(case.legal.regime, instrument)
        except UnknownPolicyError as exc:
            raise CaseError(case, exc) from exc
        done = decide_case(case, library, policies, ident)
        decided.append(done)
        write_lines(out, [*decision_lines(done, library, lang), ""])
        if hint is None:
            hint = w["demo_hint"].format(ref=ident, file=shlex.quote(str(file)))
    return hint, decided


def _score(case: Case, library: Library, ident: str) -> ScoreResult:
    try:
        return score_case(case, library, None if case.instrument else ident)
    except CaseFileError:
        raise
    except RnrError as exc:
        raise CaseError(case, exc) from exc


# -- the end of the demo: a simulated case's history ---------------------------------


def _pick(people: tuple[Person, ...]) -> Person:
    """The first person with three or more assessments and an event that is not attendance."""
    rich = [p for p in people if len(p.assessments) >= 3]
    for person in rich:
        if any(e.kind != "attendance" for e in person.events):
            return person
    return rich[0] if rich else people[0]


def history_demo(folder: Path, defs: Definitions, lang: str, out: TextIO) -> Path:
    """Simulate, store, and print one person's history and change; return the store's path."""
    path = folder / "demo.sqlite3"
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    cohort = simulate(DEMO_PEOPLE, DEMO_YEARS, seed=DEMO_SEED, library=defs.library)
    person = _pick(cohort.people)
    study = simulate(FIGURES_PEOPLE, 1.0, seed=DEMO_SEED, library=defs.library)
    figures = estimated_reliability(study, person.instrument)
    scale = defs.library.get(person.instrument).primary_scale
    on = cohort.end - dt.timedelta(days=90)
    with SQLiteStore(path) as store:
        store_cohort(store, cohort, defs=defs)
        history = read_history(store, person.case_id, defs=defs)
        due = due_list(store, on, defs=defs)
    report = case_change(history, defs=defs, reliability={scale: figures})
    w = catalogue(lang)
    lines = [
        "",
        "── " + w("cli.demo.history_title"),
        w(
            "cli.demo.cohort",
            people=len(cohort.people),
            seed=cohort.seed,
            years=cohort.years,
            path=path,
            due=len(due),
            on=on,
            late=sum(1 for d in due if d.due_on < on),
        ),
        "",
        *history_lines(history, defs.library, lang),
        "",
        w("cli.demo.figures", sd=figures.sd, r=figures.r, n=FIGURES_PEOPLE),
        *change_lines(report, defs.library, lang, assessments=len(history.assessments)),
        "",
        w("cli.demo.try", case_id=person.case_id, path=path, on=on),
    ]
    write_lines(out, lines)
    return path
