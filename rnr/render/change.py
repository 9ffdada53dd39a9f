"""The readable change report of a case (``rnr case change``, the end of ``rnr demo``).

Each step between assessments (and, with more than one step, the first to
the last) with every scale's delta, levels and reliable change, the domains
that moved, the items left out and data errors; the reliability figures'
sources, the trajectory, the plan's attainment, the desistance signals and
warnings, the answer of the policy's change table, and the decisions its
answers recorded: the warnings, the answer and the decisions name the one
window of events they read. The words are the ``change.report`` and
``change.answered`` tables of the message catalogue
(:mod:`rnr.render.messages`); scales, domains, items and levels are named
with the instrument's labels, instruments and policies by their names
(:mod:`rnr.render.names`), and what a rule of the policy decided by its
note and source, never by its id. :func:`answered_text` says what a
recorded answer did, for ``rnr case history`` too.

The coded messages of the change area (:mod:`rnr.change`) carry ids and ISO
dates as their parameters, as their JSON keeps them; :func:`named` gives
each parameter its name in the reader's words before the sentence is said.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from rnr.change.delta import Change
from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import Library
from rnr.render.messages import Catalogue, catalogue, day
from rnr.render.names import instrument_name, policy_name, policy_title, sanction_in_regime
from rnr.text import Message, Words

if TYPE_CHECKING:
    from rnr.history.entries import DecisionEntry
    from rnr.history.progress import CaseChange, Window

__all__ = ["answered_text", "change_lines", "decision_labels", "named"]

#: What each parameter of the change area's messages names, where it is an id or an
#: ISO date (the others are figures or words): ``date`` and ``dates`` are ISO dates,
#: ``ref`` an instrument at a version, ``scale``, ``item``, ``items`` and ``level``
#: ids of the instrument's labels, ``points`` the "<scale> <before>→<after>" of a
#: static item whose points fell.
_PARAMS: Mapping[str, Mapping[str, str]] = {
    "change.partial_scale": {"scale": "scale", "current": "ref", "previous": "ref"},
    "change.provisional_previous": {"scale": "scale", "omitted": "items"},
    "change.provisional_current": {"scale": "scale", "omitted": "items"},
    "change.reliability_missing": {"instrument": "ref", "scale": "scale"},
    "change.static_fell": {"item": "item", "points": "points"},
    "change.signal.sustained_improvement": {"scale": "scale", "first": "date", "last": "date"},
    "change.signal.sustained_level": {
        "first_level": "level",
        "last_level": "level",
        "first": "date",
        "last": "date",
    },
    "change.signal.no_new_offence": {"start": "date", "end": "date", "followed_since": "date"},
    "change.warning.reliable_deterioration": {
        "scale": "scale",
        "previous_on": "date",
        "current_on": "date",
    },
    "change.warning.level_up": {
        "previous_level": "level",
        "current_level": "level",
        "previous_on": "date",
        "current_on": "date",
    },
    "change.warning.new_offence": {"since": "date", "dates": "dates"},
    "change.warning.breach": {"since": "date", "dates": "dates"},
    "change.warning.revocation": {"since": "date", "dates": "dates"},
}


def _points(value: Any, labels: Labels) -> tuple[str, ...]:
    """``("total 2→0",)`` with the scale named: ``("Puntaje total 2→0",)``."""
    out = []
    for text in value:
        scale, _, figures = str(text).partition(" ")
        out.append(f"{labels.scale(scale)} {figures}")
    return tuple(out)


_NAMERS: Mapping[str, Callable[[Any, Labels | None, str], Any]] = {
    "date": lambda v, _, __: dt.date.fromisoformat(str(v)),
    "dates": lambda v, _, lang: tuple(day(dt.date.fromisoformat(str(d)), lang) for d in v),
    "ref": lambda v, _, lang: instrument_name(str(v), lang),
    "scale": lambda v, labels, _: labels.scale(str(v)) if labels else v,
    "item": lambda v, labels, _: labels.item(str(v)) if labels else v,
    "items": lambda v, labels, _: tuple(labels.item(str(i)) for i in v) if labels else v,
    "level": lambda v, labels, _: labels.level(str(v)) if labels and v else v,
    "points": lambda v, labels, _: _points(v, labels) if labels else v,
}


def named(words: Words, labels: Labels | None, lang: str) -> Words:
    """A message of the change area with each id and ISO date named for the reader.

    Args:
        words: a coded message (or a sentence, returned as it is).
        labels: the labels of the instrument the message speaks of (``None``:
            scales, items and levels keep their ids).
        lang: the reader's locale.
    """
    if not isinstance(words, Message):
        return words
    kinds = _PARAMS.get(words.code, {})
    params: dict[str, Any] = {}
    for key, given in words.params.items():
        value = given
        if isinstance(given, Message):
            value = named(given, labels, lang)
        elif isinstance(given, tuple) and all(isinstance(v, Message) for v in given):
            value = tuple(named(v, labels, lang) for v in given)
        if key in kinds and value is not None:
            value = _NAMERS[kinds[key]](value, labels, lang)
        params[key] = value
    return Message(words.code, params)


class _Why:
    """Why a scale has no reliable change index, said in full once and then referred to."""

    def __init__(self) -> None:
        self.said: dict[str, int] = {}

    def __call__(self, text: str, step: int, w: Catalogue) -> str:
        first = self.said.setdefault(text, step)
        if first == step:
            return w("change.report.why", why=text)
        return w("change.report.why_again", n=first)


def _step_lines(
    change: Change, labels: Labels, w: Catalogue, head: str, *, step: int, why: _Why
) -> list[str]:
    lines = [head]
    for scale in change.scales.values():
        levels = "—"
        if scale.previous_level or scale.current_level:
            before, after = scale.previous_level or "", scale.current_level or ""
            levels = f"{labels.level(before)} → {labels.level(after)}"
        line = "  " + w(
            "change.report.scale",
            scale=labels.scale(scale.scale),
            x=scale.previous,
            y=scale.current,
            delta=scale.delta,
            levels=levels,
            reliable=w(f"change.report.reliable.{scale.reliable}"),
        )
        if scale.rci is not None and scale.reliability is not None:
            sd, r = scale.reliability.sd, scale.reliability.r
            line += " " + w("change.report.rci", rci=scale.rci, sd=sd, r=r)
        elif scale.why is not None:
            line += " " + why(w.say(named(scale.why, labels, w.lang)), step, w)
        lines.append(line)
    moved = [
        f"{labels.domain(d.domain)} {d.previous} → {d.current}"
        for d in change.domains.values()
        if d.delta
    ]
    if moved:
        lines.append("  " + w("change.report.domains", items=", ".join(moved)))
    if change.items_left_out:
        left = [
            w("change.report.left_out_item", item=labels.item(item), why=_left_out(reason, w))
            for item, reason in change.items_left_out.items()
        ]
        lines.append("  " + w("change.report.left_out", items=", ".join(left)))
    lines += [
        "  " + w("change.report.data_error", text=w.say(named(e.message, labels, w.lang)))
        for e in change.data_errors
    ]
    return lines


def _left_out(reason: str, w: Catalogue) -> str:
    key = f"change.report.left_out_reason.{reason}"
    return w(key) if key in w else reason


def change_lines(report: CaseChange, library: Library, lang: str, *, assessments: int) -> list[str]:
    """The readable change report of one case, as lines.

    Args:
        report: the case's change (:func:`rnr.history.progress.case_change`).
        library: the instruments, for the labels of scales, domains and levels.
        lang: ``es`` or ``en``.
        assessments: how many assessments the case has (said in the title).

    Raises:
        RenderError: ``lang`` is not a locale of the message catalogue.
    """
    w = catalogue(lang)
    lines = [w("change.report.title", case_id=report.case_id, count=assessments, on=report.as_of)]
    history = report.history
    labels = None
    if history is None:
        lines.append("  " + w("change.report.one"))
    else:
        labels = _labels(history.overall, library, lang)
        why = _Why()
        for n, step in enumerate(history.steps, start=1):
            head = w(
                "change.report.step",
                n=n,
                a=step.previous_on,
                b=step.current_on,
                days=w("change.report.days", count=step.days),
                instrument=instrument_name(str(step.current), lang),
                basis=w(f"change.report.basis.{step.basis}"),
            )
            lines += _step_lines(step, labels, w, head, step=n, why=why)
        if len(history.steps) > 1:
            overall = history.overall
            head = w(
                "change.report.overall",
                a=overall.previous_on,
                b=overall.current_on,
                days=w("change.report.days", count=overall.days),
            )
            lines += _step_lines(overall, labels, w, head, step=0, why=why)
        sources = {
            s.reliability.source
            for step in (*history.steps, history.overall)
            for s in step.scales.values()
            if s.rci is not None and s.reliability is not None
        }
        if sources:
            lines.append(w("change.report.sources", sources="; ".join(sorted(sources))))
        if history.trajectory is not None:
            t = history.trajectory
            scale = labels.scale(t.scale)
            lines.append(w("change.report.trajectory", scale=scale, slope=t.slope_per_year, n=t.n))
    done = report.attainment
    if done is not None:
        line = w(
            "change.report.attainment",
            achieved=done.achieved,
            count=done.counted,
            percent=done.percent,
        )
        if done.threshold is not None:
            key = "change.report.threshold_met" if done.met else "change.report.threshold_not"
            line += " · " + w(key, t=done.threshold)
        lines.append(line)
    window = _window(report.window, w)
    warnings = w("change.report.warnings_in", window=window) if window else ""
    for title, found in (
        (w("change.report.desistance"), report.signals.desistance),
        (warnings or w("change.report.warnings"), report.signals.warnings),
    ):
        lines.append(title)
        lines += [f"  - {w.say(named(s.message, labels, lang))}" for s in found] or [
            "  " + w("change.report.none_found")
        ]
    lines += _answer_lines(report, window, w)
    if report.recorded:
        lines.append(w("change.report.recorded", window=window))
        for entry in report.recorded:
            text = answered_text(entry, decision_labels(entry, library, lang), w)
            lines.append(w("change.answered.decision", on=entry.on, text=text, record=entry.id))
    return lines


def _answer_lines(report: CaseChange, window: str, w: Catalogue) -> list[str]:
    """What the policy's change table answers: the action, the rule's note and source."""
    answer = report.answer
    if answer is None:
        return [w("change.report.no_answer")]
    action = w(f"change.report.action.{answer.action}")
    lines = [w("change.report.answer", window=window, action=action)]
    note = w.say(answer.note)
    if note:
        lines.append("  " + note)
    if answer.source:
        lines.append("  " + w("change.report.source", source=answer.source))
    lines.append("  " + w("change.report.policy", policy=policy_name(str(answer.policy), w.lang)))
    return lines


def _window(window: Window | None, w: Catalogue) -> str:
    if window is None:
        return ""
    return w(f"change.report.window.{window.basis}", after=window.after, until=window.until)


def decision_labels(entry: DecisionEntry, library: Library, lang: str) -> Labels:
    """The labels of the instrument a decision was made from."""
    return load_labels(library.get(str(entry.decision.instrument)), lang)


def answered_text(entry: DecisionEntry, labels: Labels, w: Catalogue) -> str:
    """What a recorded answer of the change policy did to a decision's intensity.

    Args:
        entry: a decision with a ``step`` (:mod:`rnr.history.steps`).
        labels: the instrument's labels, to name the levels.
        w: the catalogue of the reader's locale.
    """
    step = entry.step
    assert step is not None
    if step.cause == "event" and entry.event is not None:
        kind = entry.event.kind
        said = w(f"history.ev_{kind}") if f"history.ev_{kind}" in w else kind
        cause = w("change.answered.event", kind=said, on=entry.event.on)
    else:
        cause = w("change.answered.reassessment", on=entry.on)
    after = step.after
    words = {
        "cause": cause,
        "action": w(f"change.report.action.{step.action}"),
        "band": labels.level(step.band),
        "intensity": w(
            "history.intensity", count=after.contacts_per_month, hours=after.treatment_hours
        ),
    }
    if step.answer is None:
        return w("change.answered.withdrawn", **words)
    if step.status == "applied":
        before, after_band = labels.level(step.band_before), labels.level(step.band)
        return w("change.answered.applied", **words, before=before, after=after_band)
    if step.status == "refused" and step.reason is not None:
        params = dict(step.reason.params)
        decision = entry.decision
        params["band"] = labels.level(str(params.get("band", step.band)))
        params["policy"] = policy_title(str(params.get("policy", decision.policy)), w.lang)
        sanction = params.get("sanction") or decision.sanction
        params["sanction"] = sanction_in_regime(sanction, decision.regime, w.lang)
        reason = w(step.reason.code, **params)
        return w("change.answered.refused", **words, reason=reason)
    return w("change.answered.kept", **words)


def _labels(change: Change, library: Library, lang: str) -> Labels:
    return load_labels(library.get(str(change.current)), lang)
