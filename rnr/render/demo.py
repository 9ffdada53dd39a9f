"""The readable parts of ``rnr demo``: each example in a few lines, and a simulated case.

An example's score (instrument, risk level, every scale, need profile,
strengths, and what the omitted items leave open), an example's decision
(sanction, risk, available sanctions, intensity, monitoring, deadlines, fit,
warnings), and the end of the demo: one simulated person's history and
change. The words are the ``cli.demo`` table of the message catalogue
(:mod:`rnr.render.messages`) with those of the score and decision reports;
the commands it suggests are lines of their own (:func:`command_lines`).
"""

from __future__ import annotations

import datetime as dt
import shlex
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rnr.definitions.instrument import Reliability
from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import Library
from rnr.policy.decision import Decision
from rnr.render.change import change_lines
from rnr.render.decision import fit_words, legal_range
from rnr.render.history import history_lines, level_words
from rnr.render.messages import catalogue
from rnr.render.names import instrument_name, policy_name, sanction_in_regime
from rnr.render.score import scale_summary, yes_no
from rnr.scoring.result import ScoreResult

if TYPE_CHECKING:
    from rnr.history.entries import CaseHistory
    from rnr.history.progress import CaseChange

__all__ = ["command_lines", "decision_lines", "result_lines", "simulated_case_lines"]


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, width=100, subsequent_indent="      ", break_on_hyphens=False)


def result_lines(result: ScoreResult, library: Library, lang: str, file: Path) -> list[str]:
    """A short readable summary of one example's score, read from ``file``."""
    w = catalogue(lang)
    none = w("score.none")
    instrument = library.get(str(result.instrument))
    labels = load_labels(instrument, lang)
    title = w(
        "cli.demo.case",
        title=labels.title,
        version=instrument.version,
        case_id=result.case_id,
        on=result.assessed_on,
    )
    lines = [f"── {title}", f"  {w('cli.field.file')}: {file}"]
    primary = result.scales[result.primary_scale]
    if primary.level is not None:
        risk = f"{labels.level(primary.level)} · {labels.scale(primary.id)} {primary.raw}"
    else:
        risk = w("cli.demo.risk_none", instrument=instrument_name(instrument.id, lang))
    lines.append(f"  {w('cli.demo.risk')}: {risk}")
    lines.append(f"  {w('cli.demo.scores')}:")
    lines += [f"    {scale_summary(s, labels, lang)}" for s in result.scales.values()]
    profile = []
    for did in result.need_profile:
        domain = result.domains[did]
        marks = [labels.need(domain.need)] if domain.need is not None else [str(domain.total)]
        if domain.criminogenic:
            marks.append(w("cli.demo.criminogenic"))
        profile.append(f"{labels.domain(did)} ({', '.join(marks)})")
    lines += _wrap(f"  {w('cli.demo.profile')}: {', '.join(profile) or none}")
    strengths = ", ".join(labels.item(s) for s in result.strengths)
    lines += _wrap(f"  {w('cli.demo.strengths')}: {strengths or none}")
    provisional = w("cli.demo.provisional")
    if not result.provisional:
        lines.append(f"  {provisional}: {yes_no(False, lang)}")
        return lines
    omitted = w(
        "cli.demo.provisional_yes",
        count=len(result.omitted),
        items=", ".join(labels.item(i) for i in result.omitted),
    )
    lines += _wrap(f"  {provisional}: {omitted}")
    for scale in result.scales.values():
        b = scale.bounds
        if b is None or b.min == b.max:
            continue
        span = w("cli.demo.between", scale=labels.scale(scale.id), lo=b.min, hi=b.max)
        if b.min_level is not None and b.max_level is not None:
            ends = (labels.level(b.min_level), labels.level(b.max_level))
        elif b.min_scaled is not None and b.max_scaled is not None:
            ends = (w("score.scaled", n=b.min_scaled), str(b.max_scaled))
        elif b.min_flag is not None and b.max_flag is not None:
            ends = (w("score.flag", v=yes_no(b.min_flag, lang)), yes_no(b.max_flag, lang))
        else:
            ends = ("", "")
        if ends[0]:
            same = b.min_level == b.max_level and b.min_scaled == b.max_scaled
            same = same and b.min_flag == b.max_flag
            span += f" ({ends[0]})" if same else f" ({ends[0]} {w('cli.demo.to')} {ends[1]})"
        lines.append(f"    {span}")
    return lines


def decision_lines(decision: Decision, policy: str, labels: Labels, lang: str) -> list[str]:
    """A short readable summary of one example's decision under ``policy`` (its ref)."""
    w = catalogue(lang)
    none = w("policy.none")
    intensity = decision.intensity
    monitoring = w("policy.yes" if decision.telematic_monitoring else "policy.no")
    eligible = ", ".join(decision.eligible_sanctions) or none
    key = f"cli.demo.eligible_{decision.regime}"
    lines = [
        w("cli.demo.decision", case_id=decision.case_id, policy=policy_name(policy, lang)),
        w(
            "cli.demo.summary",
            sanction=sanction_in_regime(decision.sanction, decision.regime, lang),
            level=level_words(decision.risk_level, labels, w),
            eligible=w(key, sanctions=eligible) if key in w else eligible,
        )
        + (f" · {duration}" if (duration := legal_range(decision, lang)) else ""),
        "  "
        + w(
            "policy.intensity_line",
            contacts=intensity.contacts_per_month,
            hours=intensity.treatment_hours,
        )
        + f" · {w('policy.monitoring').lower()}: {monitoring}",
    ]
    for deadline in decision.deadlines.values():
        key = f"policy.d_{deadline.name}"
        name = w(key) if key in w else deadline.name
        lines.append(f"  {name}: {w.day(deadline.date)}")
    lines.append(w("cli.demo.fit", fit=fit_words(decision.fit, lang, regime=decision.regime)))
    for warning in decision.warnings:
        lines.append(w("cli.demo.warning", codes=w.say(warning.message) or warning.code))
    return lines


def command_lines(say: str, *commands: Sequence[str], lang: str) -> list[str]:
    """What to do next: a sentence, then each command to type on a line of its own.

    The words of a command are the command's own (``rnr case history``) and
    its arguments as the command reads them (dates ISO), whatever ``lang``.
    """
    w = catalogue(lang)
    return [say, *(w("cli.demo.command", command=shlex.join(c)) for c in commands)]


def simulated_case_lines(
    history: CaseHistory,
    change: CaseChange,
    library: Library,
    lang: str,
    *,
    cohort: tuple[int, int, float],
    path: Path,
    due: tuple[int, int],
    on: dt.date,
    figures: Reliability,
    figures_people: int,
) -> list[str]:
    """The end of the demo: a simulated cohort, one person's history and change.

    Args:
        history: the person's history, read back from the store.
        change: the person's change report.
        library: the instruments.
        lang: ``es`` or ``en``.
        cohort: the cohort's people, seed and years.
        path: the store the cohort was written to.
        due: how many open cases have a reassessment pending ``on``, and how
            many of them are overdue.
        on: the date the schedule was read on.
        figures: the reliability figures used for the reliable change index.
        figures_people: the size of the simulated cohort they were estimated in.
    """
    w = catalogue(lang)
    people, seed, years = cohort
    pending, late = due
    db = str(path)
    return [
        "",
        "── " + w("cli.demo.history_title"),
        w(
            "cli.demo.cohort",
            people=w("history.people", count=people),
            seed=seed,
            years=w("history.years", count=years),
            path=path,
            due=w("cli.demo.cohort_due", count=pending),
            on=on,
            late=w("cli.demo.cohort_late", count=late) if late else w("cli.demo.cohort_late_none"),
        ),
        "",
        *history_lines(history, library, lang),
        "",
        w("cli.demo.figures", sd=figures.sd, r=figures.r, n=figures_people),
        *change_lines(change, library, lang, assessments=len(history.assessments)),
        "",
        *command_lines(
            w("cli.demo.try"),
            ("rnr", "case", "history", history.case_id, "--db", db),
            ("rnr", "due", "--db", db, "--as-of", on.isoformat()),
            lang=lang,
        ),
    ]
