"""The readable change report of a case (``rnr case change``, the end of ``rnr demo``).

Each step between assessments (and, with more than one step, the first to
the last) with every scale's delta, levels and reliable change, the domains
that moved, the items left out and data errors; the reliability figures'
sources, the trajectory, the plan's attainment, the desistance signals and
warnings, the answer of the policy's change table, and the decisions its
answers recorded: the warnings, the answer and the decisions name the one
window of events they read. The words are the ``change.report`` and
``change.answered`` tables of the message catalogue
(:mod:`rnr.render.messages`); scales, domains and levels are named with the
instrument's labels. :func:`answered_text` says what a recorded answer did,
for ``rnr case history`` too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnr.change.delta import Change
from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import Library
from rnr.render.messages import Catalogue, catalogue

if TYPE_CHECKING:
    from rnr.history.entries import DecisionEntry
    from rnr.history.progress import CaseChange, Window

__all__ = ["answered_text", "change_lines", "decision_labels"]


def _step_lines(change: Change, labels: Labels, w: Catalogue, head: str) -> list[str]:
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
            line += " " + w("change.report.why", why=w.say(scale.why))
        lines.append(line)
    moved = [
        f"{labels.domain(d.domain)} {d.previous} → {d.current}"
        for d in change.domains.values()
        if d.delta
    ]
    if moved:
        lines.append("  " + w("change.report.domains", items=", ".join(moved)))
    if change.items_left_out:
        lines.append("  " + w("change.report.left_out", items=", ".join(change.items_left_out)))
    lines += [
        "  " + w("change.report.data_error", text=w.say(e.message)) for e in change.data_errors
    ]
    return lines


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
    lines = [w("change.report.title", case_id=report.case_id, n=assessments, on=report.as_of)]
    history = report.history
    if history is None:
        lines.append("  " + w("change.report.one"))
    else:
        labels = _labels(history.overall, library, lang)
        for n, step in enumerate(history.steps, start=1):
            head = w(
                "change.report.step",
                n=n,
                a=step.previous_on,
                b=step.current_on,
                days=step.days,
                ref=step.current,
                basis=w(f"change.report.basis.{step.basis}"),
            )
            lines += _step_lines(step, labels, w, head)
        if len(history.steps) > 1:
            overall = history.overall
            head = w(
                "change.report.overall",
                a=overall.previous_on,
                b=overall.current_on,
                days=overall.days,
            )
            lines += _step_lines(overall, labels, w, head)
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
            counted=done.counted,
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
        lines += [f"  - {w.say(s.message)}" for s in found] or [
            "  " + w("change.report.none_found")
        ]
    answer = report.answer
    if answer is None:
        lines.append(w("change.report.no_answer"))
    else:
        action = w(f"change.report.action.{answer.action}")
        lines.append(
            w(
                "change.report.answer",
                policy=answer.policy,
                window=window,
                action=action,
                rule=answer.rule,
            )
        )
        lines.append(f"  {w.say(answer.note)} ({answer.source})")
    if report.recorded:
        lines.append(w("change.report.recorded", window=window))
        for entry in report.recorded:
            text = answered_text(entry, decision_labels(entry, library, lang), w)
            lines.append(w("change.answered.decision", on=entry.on, text=text, record=entry.id))
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
    words = {
        "cause": cause,
        "action": w(f"change.report.action.{step.action}"),
        "rule": step.rule or w("history.none"),
        "band": labels.level(step.band),
        "contacts": step.after.contacts_per_month,
        "hours": step.after.treatment_hours,
    }
    if step.answer is None:
        return w("change.answered.withdrawn", **words)
    if step.status == "applied":
        before, after = labels.level(step.band_before), labels.level(step.band)
        return w("change.answered.applied", **words, before=before, after=after)
    if step.status == "refused" and step.reason is not None:
        params = dict(step.reason.params)
        params["band"] = labels.level(str(params.get("band", step.band)))
        reason = w(step.reason.code, **params)
        return w("change.answered.refused", **words, reason=reason)
    return w("change.answered.kept", **words)


def _labels(change: Change, library: Library, lang: str) -> Labels:
    return load_labels(library.get(str(change.current)), lang)
