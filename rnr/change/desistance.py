"""Signals of desistance, and warnings, read from a history of change and events.

Desistance is a process, seen in sustained change (DESIGN.md). Each signal
carries its figures and says what was seen as a coded message
(``change.signal.<code>`` or ``change.warning.<code>``, put into words by
:mod:`rnr.render.messages`):

- ``sustained_improvement``: at least two comparisons; from the first to the
  last assessment the primary scale improved reliably (or, when the index
  cannot be computed, its level fell); and the last step shows neither a
  reliable deterioration nor a rise of level.
- ``no_new_offence``: no new offence in the last ``window_months`` before
  ``as_of``, and the person has been followed at least that long.
- ``attainment_met``: the PII attainment reached the policy's threshold.

Warnings: ``reliable_deterioration`` and ``level_up`` (in the last step),
``new_offence``, ``breach`` and ``revocation`` (events since the previous
assessment), ``static_data_error`` (static items whose points fell).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rnr._frozen import frozen_map
from rnr.change.delta import Change
from rnr.change.rci import category
from rnr.dates import add_months
from rnr.errors import InvalidArgumentError
from rnr.events import EVENT_KINDS
from rnr.text import Message, Words, words_to_dict

if TYPE_CHECKING:
    from rnr.plan.draft import Attainment

__all__ = ["Signal", "Signals", "signals"]

#: The events that warn when recorded since the previous assessment.
EVENT_WARNINGS = ("new_offence", "breach", "revocation")


@attrs.frozen
class Signal:
    """One signal: a code, its explanation (a coded message) and the figures behind it."""

    code: str
    message: Words
    evidence: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "message": words_to_dict(self.message),
            "evidence": dict(self.evidence),
        }


@attrs.frozen
class Signals:
    """Desistance signals and warnings as of one date."""

    as_of: dt.date
    desistance: tuple[Signal, ...] = ()
    warnings: tuple[Signal, ...] = ()

    def codes(self) -> tuple[str, ...]:
        """Every code, desistance first."""
        return tuple(s.code for s in (*self.desistance, *self.warnings))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "as_of": self.as_of.isoformat(),
            "desistance": [s.to_dict() for s in self.desistance],
            "warnings": [s.to_dict() for s in self.warnings],
        }


def _check(
    steps: Sequence[Change],
    events: Sequence[tuple[str, dt.date]],
    followed_since: dt.date,
    as_of: dt.date,
    window_months: int,
) -> None:
    if as_of < followed_since:
        expected = f"a date on or after followed_since ({followed_since})"
        raise InvalidArgumentError("as_of", as_of, expected)
    if isinstance(window_months, bool) or not isinstance(window_months, int) or window_months < 1:
        raise InvalidArgumentError("window_months", window_months, "a whole number of months >= 1")
    for n, event in enumerate(events):
        if not (isinstance(event, tuple) and len(event) == 2 and isinstance(event[1], dt.date)):
            raise InvalidArgumentError(f"events[{n}]", event, "a pair (kind, date)")
        if event[0] not in EVENT_KINDS:
            raise InvalidArgumentError(f"events[{n}]", event[0], "one of " + ", ".join(EVENT_KINDS))
    for n, (a, b) in enumerate(itertools.pairwise(steps)):
        if not b.previous_on >= a.current_on:
            raise InvalidArgumentError(
                f"steps[{n + 1}].previous_on",
                b.previous_on,
                f"a date on or after steps[{n}].current_on ({a.current_on}): steps in order",
            )


def signals(
    steps: Sequence[Change],
    *,
    events: Sequence[tuple[str, dt.date]],
    attainment: Attainment | None,
    followed_since: dt.date,
    as_of: dt.date,
    window_months: int,
) -> Signals:
    """Read desistance signals and warnings from the steps of a history.

    Args:
        steps: comparisons of consecutive assessments, oldest first
            (:attr:`HistoryChange.steps`).
        events: ``(kind, date)`` pairs, kinds from :data:`rnr.events.EVENT_KINDS`.
        attainment: the PII attainment, if measured.
        followed_since: when follow-up began (the entry date).
        as_of: the day the signals are read.
        window_months: months without a new offence that count (the
            policy's ``desistance_window_months``).

    Returns:
        The desistance signals and the warnings, each explained.

    Raises:
        InvalidArgumentError: an unknown event kind, dates out of order, or a
            window that is not a positive number of months.
    """
    _check(steps, events, followed_since, as_of, window_months)
    desistance: list[Signal] = []
    warnings: list[Signal] = []
    improvement = _sustained(steps)
    if improvement is not None:
        desistance.append(improvement)
    quiet = _no_new_offence(events, followed_since, as_of, window_months)
    if quiet is not None:
        desistance.append(quiet)
    if attainment is not None and attainment.met:
        figures = {
            "achieved": attainment.achieved,
            "counted": attainment.counted,
            "percent": attainment.percent,
            "threshold": attainment.threshold,
        }
        desistance.append(
            Signal("attainment_met", Message("change.signal.attainment_met", figures), figures)
        )
    if steps:
        warnings += _last_step(steps[-1])
    since = steps[-1].previous_on if steps else followed_since
    for kind in EVENT_WARNINGS:
        dates = sorted(d for k, d in events if k == kind and since < d <= as_of)
        if dates:
            shown = {"since": since.isoformat(), "dates": [d.isoformat() for d in dates]}
            warnings.append(Signal(kind, Message(f"change.warning.{kind}", shown), shown))
    errors = [e for s in steps for e in s.data_errors]
    if errors:
        warnings.append(
            Signal(
                "static_data_error",
                Message(
                    "change.warning.static_data_error",
                    {"count": len(errors), "errors": tuple(e.message for e in errors)},
                ),
                {"items": [e.item for e in errors]},
            )
        )
    return Signals(as_of, tuple(desistance), tuple(warnings))


def _rank(levels: tuple[str, ...], level: str | None) -> int | None:
    return levels.index(level) if level is not None and level in levels else None


def _sustained(steps: Sequence[Change]) -> Signal | None:
    """First to last: a reliable improvement, or a lower level when no index exists."""
    if len(steps) < 2 or len({s.primary_scale for s in steps}) != 1:
        return None
    scales = [s.primary for s in steps]
    last = scales[-1]
    if last.reliable == "deterioration" or last.transition == "up":
        return None
    delta = sum(s.delta for s in scales)
    first_on, last_on = steps[0].previous_on, steps[-1].current_on
    evidence: dict[str, Any] = {
        "scale": last.scale,
        "first": first_on.isoformat(),
        "last": last_on.isoformat(),
        "comparisons": len(steps),
        "delta": delta,
        "first_level": scales[0].previous_level,
        "last_level": last.current_level,
    }
    s_diffs = {s.s_diff for s in scales}
    if None not in s_diffs and len(s_diffs) == 1:
        s_diff = scales[0].s_diff
        assert s_diff is not None
        rci = delta / s_diff
        evidence |= {"rci": rci, "s_diff": s_diff}
        if category(rci) != "improvement":
            return None
        shown = {k: evidence[k] for k in ("comparisons", "first", "last", "scale", "rci")}
        message = Message("change.signal.sustained_improvement", shown | {"fall": -delta})
        return Signal("sustained_improvement", message, evidence)
    first_rank = _rank(last.levels, scales[0].previous_level)
    last_rank = _rank(last.levels, last.current_level)
    if first_rank is None or last_rank is None or last_rank >= first_rank:
        return None
    names = ("first_level", "last_level", "comparisons", "first", "last", "delta")
    message = Message("change.signal.sustained_level", {k: evidence[k] for k in names})
    return Signal("sustained_improvement", message, evidence)


def _no_new_offence(
    events: Sequence[tuple[str, dt.date]], followed_since: dt.date, as_of: dt.date, months: int
) -> Signal | None:
    start = add_months(as_of, -months)
    if followed_since > start:
        return None
    if any(k == "new_offence" and start < d <= as_of for k, d in events):
        return None
    since = followed_since.isoformat()
    shown = {"months": months, "start": start.isoformat(), "end": as_of.isoformat()}
    return Signal(
        "no_new_offence",
        Message("change.signal.no_new_offence", shown | {"followed_since": since}),
        {
            "window_months": months,
            "from": shown["start"],
            "to": shown["end"],
            "followed_since": since,
        },
    )


def _last_step(step: Change) -> list[Signal]:
    out = []
    last = step.primary
    dates = {"previous_on": step.previous_on.isoformat(), "current_on": step.current_on.isoformat()}
    if last.reliable == "deterioration":
        figures = {"scale": last.scale, "delta": last.delta, "rci": last.rci}
        message = Message("change.warning.reliable_deterioration", figures | dates)
        out.append(Signal("reliable_deterioration", message, figures))
    if last.transition == "up":
        figures = {
            "scale": last.scale,
            "previous_level": last.previous_level,
            "current_level": last.current_level,
            "delta": last.delta,
        }
        out.append(Signal("level_up", Message("change.warning.level_up", figures | dates), figures))
    return out
