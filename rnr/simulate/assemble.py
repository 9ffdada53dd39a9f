"""From a group's arrays to :class:`~rnr.simulate.people.Person` values.

Everything before this step is numpy across people; here each person's case
documents, reviews and events become Python objects, once. Second raters'
documents are drawn here too: a copy of the assessment with a few dynamic
items answered the other way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from rnr._frozen import frozen_map
from rnr.simulate.items import ItemModel
from rnr.simulate.parameters import Parameters
from rnr.simulate.people import Event, Person, Review
from rnr.simulate.population import Group
from rnr.simulate.responsivity import Responsivities
from rnr.simulate.reviews import STATUSES, Reviews
from rnr.simulate.tables import KINDS, REASONS, SANCTIONS, Course, Events

__all__ = ["Days", "build_people", "case_id"]

IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]


def case_id(index: int) -> str:
    """The case id of the person at ``index`` (0-based): ``sim-000001``, …"""
    return f"sim-{index + 1:06d}"


class Days:
    """Day numbers to dates and ISO strings, through a lookup table."""

    def __init__(self, start: dt.date, lo: int, hi: int) -> None:
        self.lo = lo
        self.dates = [start + dt.timedelta(days=d) for d in range(lo, hi + 1)]
        self.texts = [d.isoformat() for d in self.dates]

    def date(self, day: int) -> dt.date:
        """The date of a day number."""
        return self.dates[day - self.lo]

    def text(self, day: int) -> str:
        """The ``YYYY-MM-DD`` of a day number."""
        return self.texts[day - self.lo]


def _bounds(person: IntArray, n: int) -> list[int]:
    """Row boundaries of each person in rows sorted by person."""
    out: list[int] = np.searchsorted(person, np.arange(n + 1)).tolist()
    return out


class _Answers:
    """Answer rows as JSON values (booleans; ages as integers), one row at a time.

    Rows are converted when a document is built, never all at once: a list of
    hundreds of thousands of lists would keep the garbage collector busy.
    """

    def __init__(self, model: ItemModel, answers: Int8Array) -> None:
        self.ids = model.ids
        self.yes_no = answers.astype(bool)
        self.ages = np.flatnonzero(model.age).tolist()
        self.values = answers

    def responses(self, row: int) -> dict[str, Any]:
        out = dict(zip(self.ids, self.yes_no[row].tolist(), strict=False))
        for col in self.ages:
            out[self.ids[col]] = int(self.values[row, col])
        return out


def _second_raters(
    rng: np.random.Generator, model: ItemModel, answers: Int8Array, params: Parameters
) -> tuple[IntArray, Int8Array]:
    """Rows scored twice, and the second rater's answers for them."""
    rows = np.flatnonzero(rng.random(answers.shape[0]) < params.double_scored_share)
    candidates = np.flatnonzero(model.redraw & ~model.strength)
    second = answers[rows].copy()
    if not rows.size or not candidates.size:
        return rows, second
    lo, hi = params.rater_disagreements
    count = rng.integers(lo, hi + 1, size=rows.size)
    pick = np.argsort(rng.random((rows.size, candidates.size)), axis=1)
    for j in range(min(hi, candidates.size)):
        flip = count > j
        cols = candidates[pick[flip, j]]
        second[flip, cols] = 1 - second[flip, cols]
    return rows, second


def _event_data(kind: int, a: int, b: int, c: int, components: tuple[str, ...]) -> dict[str, Any]:
    name = KINDS[kind]
    if name == "attendance":
        return {"component": components[c], "scheduled": a, "attended": b}
    if name == "coexistence_review":
        return {"result": "complied" if a else "not_complied"}
    if name == "component_objectives":
        return {"component": components[c], "objectives": a, "met": b}
    if name == "reentry_harsher":
        return {"sanction": SANCTIONS[a]}
    if name == "revocation":
        return {"reason": REASONS[a]}
    return {}


def _legal_sections(group: Group, days: Days) -> list[dict[str, Any]]:
    """Each person's ``legal`` section (case-file format)."""
    adult = group.regime == "adult"
    out: list[dict[str, Any]] = []
    for sanction, offence, sentence, age, sentenced, entered in zip(
        group.sanction.tolist(),
        group.offence.tolist(),
        group.sentence_days.tolist(),
        group.age_at_offence.tolist(),
        group.sentence_day.tolist(),
        group.entry.tolist(),
        strict=True,
    ):
        legal: dict[str, Any] = {
            "regime": group.regime,
            "sanction": sanction,
            "sanction_status": "imposed",
            "sentence_days": sentence,
            "offences": [] if offence == "none" else [offence],
        }
        if adult:
            legal["prior_convictions"] = 0
        else:
            legal["age_at_offence"] = age
        legal["sentence_date"] = days.text(sentenced)
        legal["entry_date"] = days.text(entered)
        out.append(legal)
    return out


def build_people(
    rng: np.random.Generator,
    *,
    group: Group,
    model: ItemModel,
    responsivity: Responsivities,
    course: Course,
    reviews: Reviews,
    days: Days,
    params: Parameters,
) -> list[Person]:
    """Build one :class:`Person` per member of ``group``, in group order."""
    n = len(group)
    table = course.assessments
    order = np.lexsort((table.day, table.person))
    a_person, a_day = table.person[order], table.day[order]
    answers = table.answers[order]
    twice, second = _second_raters(rng, model, answers, params)
    rows, second_rows = _Answers(model, answers), _Answers(model, second)
    a_bounds, t_bounds = _bounds(a_person, n), _bounds(a_person[twice], n)
    a_days = [days.text(d) for d in a_day.tolist()]
    t_days = [a_days[t] for t in twice.tolist()]
    events, e_bounds = _events(course.events, days, params, n)
    revs, r_bounds = _reviews(reviews, model, days, n)
    ref = model.instrument.ref
    sexes = np.where(group.male, "male", "female").tolist()
    births = group.birth.tolist()
    responsivities = responsivity.rows()
    legals = _legal_sections(group, days)
    index = group.index.tolist()
    people: list[Person] = []
    for i in range(n):
        cid = case_id(index[i])
        legal = legals[i]
        person = {"birth_date": days.text(births[i]), "sex": sexes[i]}
        resp = responsivities[i]
        sections = _Sections(ref, person, legal, resp)
        docs = [
            sections.document(cid, a_days[r], rows.responses(r))
            for r in range(a_bounds[i], a_bounds[i + 1])
        ]
        doubles = [
            sections.document(cid + "-r2", t_days[t], second_rows.responses(t))
            for t in range(t_bounds[i], t_bounds[i + 1])
        ]
        people.append(
            Person(
                case_id=cid,
                regime=group.regime,
                instrument=model.instrument.id,
                sex=sexes[i],
                birth_date=days.date(births[i]),
                legal=legal,
                responsivity=resp,
                assessments=tuple(docs),
                reviews=tuple(revs[r_bounds[i] : r_bounds[i + 1]]),
                events=tuple(events[e_bounds[i] : e_bounds[i + 1]]),
                double_scored=tuple(doubles),
            )
        )
    return people


class _Sections(NamedTuple):
    """What every case document of one person repeats."""

    ref: str
    person: dict[str, str]
    legal: dict[str, Any]
    responsivity: dict[str, Any]

    def document(self, case: str, assessed_on: str, responses: dict[str, Any]) -> dict[str, Any]:
        """One case document; every section is a fresh copy."""
        legal = self.legal.copy()
        legal["offences"] = list(self.legal["offences"])
        return {
            "case_id": case,
            "instrument": self.ref,
            "assessed_on": assessed_on,
            "person": self.person.copy(),
            "responses": responses,
            "legal": legal,
            "responsivity": self.responsivity.copy(),
        }


def _events(
    events: Events, days: Days, params: Parameters, n: int
) -> tuple[list[Event], list[int]]:
    """Every event as a value (equal events share one frozen object), and row bounds."""
    order = np.lexsort((events.kind, events.day, events.person))
    components = params.components()
    cache: dict[tuple[int, int, int, int, int], Event] = {}
    maps: dict[tuple[int, int, int, int], Mapping[str, Any]] = {}
    out: list[Event] = []
    for key in zip(
        events.kind[order].tolist(),
        events.day[order].tolist(),
        events.a[order].tolist(),
        events.b[order].tolist(),
        events.c[order].tolist(),
        strict=True,
    ):
        event = cache.get(key)
        if event is None:
            kind, day, a, b, c = key
            data = maps.get((kind, a, b, c))
            if data is None:
                data = maps[kind, a, b, c] = frozen_map(_event_data(kind, a, b, c, components))
            event = cache[key] = Event(kind=KINDS[kind], on=days.date(day), data=data)
        out.append(event)
    return out, _bounds(events.person[order], n)


def _reviews(
    reviews: Reviews, model: ItemModel, days: Days, n: int
) -> tuple[list[Review], list[int]]:
    """Every review as a value (equal reviews share one frozen object), and row bounds."""
    order = np.lexsort((reviews.day, reviews.person))
    domains = [model.instrument.domains[d].id for d in model.dynamic_domains.tolist()]
    cache: dict[tuple[int, bool, tuple[int, ...]], Review] = {}
    maps: dict[tuple[int, ...], Mapping[str, str]] = {}
    out: list[Review] = []
    for day, closing, status in zip(
        reviews.day[order].tolist(),
        reviews.closing[order].tolist(),
        map(tuple, reviews.status[order].tolist()),
        strict=True,
    ):
        key = (day, closing, status)
        review = cache.get(key)
        if review is None:
            progress = maps.get(status)
            if progress is None:
                shown = {d: str(STATUSES[s]) for d, s in zip(domains, status, strict=True) if s}
                progress = maps[status] = frozen_map(shown)
            review = cache[key] = Review(on=days.date(day), progress=progress, closing=closing)
        out.append(review)
    return out, _bounds(reviews.person[order], n)
