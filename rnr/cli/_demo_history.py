"""The end of ``rnr demo``: a small simulated cohort in a store, and one person's history.

The cohort (synthetic, no real person) is written afresh to
``<temp dir>/rnr-demo/demo.sqlite3``; the demo shows the history of the
first person with three or more assessments and an event other than
attendance, and the change between their assessments, with reliability
figures estimated from the simulated cohort itself (labelled as such).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO

from rnr.cli._case_change import change_lines
from rnr.cli._common import write_lines
from rnr.history.definitions import Definitions
from rnr.history.due import due_list
from rnr.history.progress import case_change
from rnr.history.read import read_history
from rnr.render.history import history_lines
from rnr.simulate.engine import simulate
from rnr.simulate.figures import estimated_reliability
from rnr.simulate.load import store_cohort
from rnr.simulate.people import Person
from rnr.store.sqlite import SQLiteStore

__all__ = ["DEMO_PEOPLE", "DEMO_SEED", "history_demo"]

#: The demo cohort: small enough to write in a second or two.
DEMO_PEOPLE = 60
DEMO_SEED = 7
DEMO_YEARS = 2.0
#: The simulated "validation study" the demo's reliability figures come from.
FIGURES_PEOPLE = 1000

WORDS = {
    "es": {
        "title": "── Historia de un caso simulado (cohorte sintética: ninguna persona real)",
        "cohort": (
            "Cohorte de {people} personas (semilla {seed}, {years} años) escrita en {path};"
            " {due} caso(s) abiertos con reevaluación pendiente al {on}, {late} vencida(s)."
        ),
        "figures": (
            "Confiabilidad usada para el índice de cambio confiable: DE {sd}, r {r}"
            " (estimadas en otra cohorte simulada de {n} personas; no son cifras publicadas)."
        ),
        "try": (
            "Pruebe: rnr case history {case_id} --db {path}   ·   rnr due --db {path} --as-of {on}"
        ),
    },
    "en": {
        "title": "── History of a simulated case (synthetic cohort: no real person)",
        "cohort": (
            "A cohort of {people} people (seed {seed}, {years} years) written to {path};"
            " {due} open case(s) with a reassessment pending on {on}, {late} overdue."
        ),
        "figures": (
            "Reliability used for the reliable change index: SD {sd}, r {r}"
            " (estimated in another simulated cohort of {n} people; not published figures)."
        ),
        "try": (
            "Try: rnr case history {case_id} --db {path}   ·   rnr due --db {path} --as-of {on}"
        ),
    },
}


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
    w = WORDS[lang]
    lines = [
        "",
        w["title"],
        w["cohort"].format(
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
        w["figures"].format(sd=figures.sd, r=figures.r, n=FIGURES_PEOPLE),
        *change_lines(report, defs.library, lang, assessments=len(history.assessments)),
        "",
        w["try"].format(case_id=person.case_id, path=path, on=on),
    ]
    write_lines(out, lines)
    return path
