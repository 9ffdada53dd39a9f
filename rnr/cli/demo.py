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
import tempfile
from pathlib import Path
from typing import TextIO

from rnr.cases.parse import Case, read_cases, score_case
from rnr.cases.path import Decided, decide_case, plan_for
from rnr.cli.errors import CaseError
from rnr.cli.options import add_common, library_for, write_file, write_lines
from rnr.cli.plan import file_name
from rnr.definitions.labels import load_labels
from rnr.definitions.library import Library, data_dir, policy_library
from rnr.errors import CaseFileError, RnrError, UnknownPolicyError
from rnr.history.definitions import Definitions
from rnr.history.due import due_list
from rnr.history.progress import case_change
from rnr.history.read import read_history
from rnr.render.demo import command_lines, decision_lines, result_lines, simulated_case_lines
from rnr.render.messages import catalogue
from rnr.render.names import instrument_name
from rnr.render.plan import render_plan
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
    "example_files",
    "history_demo",
    "plan_draft",
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
    say = catalogue(lang)
    write_lines(out, [say("cli.demo.title"), ""])
    first: tuple[str, Path] | None = None
    with_legal: list[tuple[Case, Path]] = []
    for ident in library.ids():
        files = example_files(library, ident)
        if not files:
            name = instrument_name(ident, lang)
            write_lines(out, [say("cli.demo.no_examples", instrument=name), ""])
            continue
        for file in files:
            for case in read_cases(file):
                result = _score(case, library, ident)
                write_lines(out, [*result_lines(result, library, lang, file), ""])
                if first is None:
                    first = (result.instrument.id, file)
                if case.legal is not None:
                    with_legal.append((case, file))
    hint, decided = _decisions(with_legal, library, lang, out)
    if hint is not None:
        write_lines(out, hint)
    if first is not None:
        ident, file = first
        command = ("rnr", "score", "--instrument", ident, str(file))
        write_lines(out, command_lines(say("cli.demo.trace"), command, lang=lang))
    adults = [d for d in decided if d.decision.regime == "adult"]
    if decided:
        done = (adults or decided)[0]
        path = plan_draft(done, library, lang, Path(tempfile.gettempdir()) / "rnr-demo")
        written = say("cli.demo.plan_written", case_id=done.case.case_id, path=path)
        write_lines(out, ["", written])
    shipped = Definitions.shipped()
    defs = Definitions(library, shipped.policies, shipped.catalogue, shipped.rules)
    history_demo(Path(tempfile.gettempdir()) / "rnr-demo", defs, lang, out)
    return 0


def plan_draft(done: Decided, library: Library, lang: str, folder: Path) -> Path:
    """Write the HTML plan draft of a decided example into ``folder``; return its path."""
    labels = load_labels(library.get(str(done.result.instrument)), lang)
    text = render_plan(plan_for(done), format="html", lang=lang, labels=labels)
    path = folder / file_name(done.case, "html", set())
    write_file(path, text)
    return path


def _decisions(
    cases: list[tuple[Case, Path]], library: Library, lang: str, out: TextIO
) -> tuple[list[str] | None, list[Decided]]:
    """Decide the examples with a legal section; return the hint's lines and the decisions."""
    if not cases:
        return None, []
    say = catalogue(lang)
    policies = policy_library()
    write_lines(out, [say("cli.demo.decisions"), ""])
    hint: list[str] | None = None
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
        labels = load_labels(library.get(str(done.result.instrument)), lang)
        lines = decision_lines(done.decision, done.policy.ref, labels, lang)
        write_lines(out, [*lines, ""])
        if hint is None:
            command = ("rnr", "decide", "--policy", ident, str(file))
            hint = command_lines(say("cli.demo.hint"), command, lang=lang)
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
    figures = estimated_reliability(study, person.instrument, lang=lang)
    scale = defs.library.get(person.instrument).primary_scale
    on = cohort.end - dt.timedelta(days=90)
    with SQLiteStore(path) as store:
        store_cohort(store, cohort, defs=defs)
        history = read_history(store, person.case_id, defs=defs)
        due = due_list(store, on, defs=defs)
    report = case_change(history, defs=defs, reliability={scale: figures})
    late = sum(1 for d in due if d.due_on < on)
    lines = simulated_case_lines(
        history,
        report,
        defs.library,
        lang,
        cohort=(len(cohort.people), cohort.seed, cohort.years),
        path=path,
        due=(len(due), late),
        on=on,
        figures=figures,
        figures_people=FIGURES_PEOPLE,
    )
    write_lines(out, lines)
    return path
