"""The values a simulation returns: a cohort of people with their histories.

Assessments, ``legal`` and ``responsivity`` are plain dicts in the case-file
format (``docs/case-format.md``), ready for :func:`rnr.parse_case` or
``json.dumps``; reviews and events are frozen values whose mappings are
read-only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import numpy as np

from rnr._frozen import frozen_map
from rnr.definitions.instrument import Instrument
from rnr.events import EVENT_KINDS
from rnr.scoring.batch import score_batch

__all__ = ["TIMELINE_KINDS", "Cohort", "Event", "Person", "Review"]

#: Kinds of timeline entries, in the order they are listed on the same day.
TIMELINE_KINDS = ("assessment", "review", "event")


@attrs.frozen
class Review:
    """One review of the intervention plan.

    Attributes:
        on: the review's date.
        progress: need domain → ``in_progress``, ``achieved`` or
            ``not_achieved``, for each criminogenic need domain of the latest
            assessment on or before ``on``.
        closing: the closing review before a discharge, which settles every
            domain (none is left ``in_progress``).
    """

    on: dt.date
    progress: Mapping[str, str] = attrs.field(converter=frozen_map)
    closing: bool = False


@attrs.frozen
class Event:
    """One event of a case (a kind of :data:`rnr.events.EVENT_KINDS`).

    Attributes:
        kind: ``new_offence``, ``breach``, ``revocation``, ``discharge``,
            ``reentry_harsher``, ``attendance``, ``coexistence_review`` or
            ``component_objectives``.
        on: the event's date.
        data: ``attendance``: ``component`` (an id of
            ``plans/indicators/programas.toml``), ``scheduled``, ``attended``;
            ``coexistence_review``: ``result`` (``complied`` or
            ``not_complied``); ``component_objectives``: ``component``,
            ``objectives``, ``met``; ``reentry_harsher``: ``sanction``
            (``IRC`` or ``custodia``); ``revocation``: ``reason``
            (``new_offence`` or ``breach``); empty for the others.
    """

    kind: str = attrs.field(validator=attrs.validators.in_(tuple(EVENT_KINDS)))
    on: dt.date
    data: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@attrs.frozen
class Person:
    """One synthetic person (no real person) and the history of the case.

    Attributes:
        case_id: ``sim-000001``, … (the same on every assessment document).
        regime: ``adult`` or ``juvenile``.
        instrument: ``lscmi`` for adults, ``ylscmi`` for young people.
        sex: ``male`` or ``female``.
        birth_date: the date of birth.
        legal: the case file's ``legal`` section.
        responsivity: the case file's ``responsivity`` section.
        assessments: case documents, baseline first, dates strictly ascending.
        reviews: the plan's reviews, in date order.
        events: the case's events, in date order (a closing event last on
            its day).
        double_scored: a second rater's documents for some assessments
            (``case_id`` suffixed ``-r2``), in date order.
    """

    case_id: str
    regime: str
    instrument: str
    sex: str
    birth_date: dt.date
    legal: dict[str, Any]
    responsivity: dict[str, Any]
    assessments: tuple[dict[str, Any], ...]
    reviews: tuple[Review, ...]
    events: tuple[Event, ...]
    double_scored: tuple[dict[str, Any], ...]

    @property
    def sanction(self) -> str:
        """The sanction the court imposed."""
        return str(self.legal["sanction"])

    @property
    def closed_on(self) -> dt.date | None:
        """The date of the closing event (discharge or revocation), if any."""
        for event in self.events:
            if event.kind in ("discharge", "revocation"):
                return event.on
        return None

    def timeline(self) -> Iterator[tuple[dt.date, str, Any]]:
        """Yield ``(date, kind, payload)`` for everything that happened, in date order.

        ``kind`` is ``assessment`` (the payload is the case document),
        ``review`` (a :class:`Review`) or ``event`` (an :class:`Event`); on the
        same day assessments come first, then reviews, then events.
        Second raters' documents are not part of the timeline.
        """
        entries: list[tuple[dt.date, int, int, Any]] = []
        entries.extend((_date(d["assessed_on"]), 0, n, d) for n, d in enumerate(self.assessments))
        entries.extend((r.on, 1, n, r) for n, r in enumerate(self.reviews))
        entries.extend((e.on, 2, n, e) for n, e in enumerate(self.events))
        entries.sort(key=lambda x: x[:3])
        for on, kind, _, payload in entries:
            yield on, TIMELINE_KINDS[kind], payload


@attrs.frozen
class Cohort:
    """A simulated cohort: people entering the programmes at ``start``.

    Attributes:
        people: the people, by case id.
        seed: the seed that reproduces the cohort.
        years: the simulated period, from ``start``.
        start: the first day of the period.
        juvenile_share: the expected share of young people.
        intake_years: entries spread over this many years (0: the first week).
        parameters: every parameter of the model, read-only (see
            :class:`rnr.simulate.parameters.Parameters`).
        instruments: the instrument versions assessed, by id.
    """

    people: tuple[Person, ...]
    seed: int
    years: float
    start: dt.date
    juvenile_share: float
    intake_years: float = 0.0
    parameters: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)
    instruments: Mapping[str, Instrument] = attrs.field(converter=frozen_map, factory=dict)

    @property
    def end(self) -> dt.date:
        """The last day of the period (``start`` plus ``years`` of 365.25 days)."""
        return self.start + dt.timedelta(days=int(self.years * 365.25))

    def summary(self) -> dict[str, Any]:
        """Counts of people, assessments, reviews and events, and baseline level shares.

        Returns:
            ``people``; ``regime`` (people by regime); ``sanction`` (by regime,
            people by sanction); ``assessments``; ``double_scored``;
            ``reviews``; ``events`` (by kind, every kind of
            :data:`rnr.events.EVENT_KINDS`); ``baseline_levels`` (by instrument,
            the share of each level at baseline). Baseline levels come from
            scoring the baseline documents again with :func:`rnr.score_batch`,
            never from a stored level.
        """
        regimes = Counter(p.regime for p in self.people)
        sanctions: dict[str, Counter[str]] = {}
        for p in self.people:
            sanctions.setdefault(p.regime, Counter())[p.sanction] += 1
        events = Counter(e.kind for p in self.people for e in p.events)
        return {
            "people": len(self.people),
            "regime": {r: regimes[r] for r in sorted(regimes)},
            "sanction": {r: dict(sorted(c.items())) for r, c in sorted(sanctions.items())},
            "assessments": sum(len(p.assessments) for p in self.people),
            "double_scored": sum(len(p.double_scored) for p in self.people),
            "reviews": sum(len(p.reviews) for p in self.people),
            "events": {kind: events[kind] for kind in EVENT_KINDS},
            "baseline_levels": self._baseline_levels(),
        }

    def _baseline_levels(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for ident, instrument in sorted(self.instruments.items()):
            docs = [
                p.assessments[0] for p in self.people if p.assessments and p.instrument == ident
            ]
            if not docs:
                continue
            ids = [i.id for i in instrument.items]
            rows = np.array([[d["responses"][i] for i in ids] for d in docs], dtype=np.int16)
            groups: list[str] | None = None
            if instrument.norm_groups:
                groups = [d["person"]["sex"] for d in docs]
            result = score_batch(instrument, rows, norm_group=groups)
            counts = Counter(result.level(instrument.primary_scale).tolist())
            levels = instrument.scales[instrument.primary_scale].levels
            out[ident] = {level: counts[level] / len(docs) for level in levels}
        return out
