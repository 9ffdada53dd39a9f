"""Explain a score in words: every point, every band, the nearest change.

Spanish by default (the language of the clinicians who read it), English on
request; the words are the ``score.explain`` entries of the message catalogue
(:mod:`rnr.render.messages`). The explanation is built from the result's
structured trace, so it never disagrees with the numbers.

>>> import datetime as dt
>>> from rnr import default_library, score, explain
>>> lscmi = default_library().get("lscmi")
>>> answers = {item.id: False for item in lscmi.items}
>>> lines = explain(score(lscmi, answers, assessed_on=dt.date(2025, 1, 1), norm_group="male"))
>>> lines[1]
'Puntaje total: 0; nivel Muy bajo (tramo 0-4); 5 puntos más darían nivel Bajo'
"""

from __future__ import annotations

from collections.abc import Mapping

from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import default_library
from rnr.errors import UnknownInstrumentError
from rnr.render.messages import Catalogue, catalogue
from rnr.scoring.result import ScaleScore, ScoreResult, Step

__all__ = ["explain"]


def explain(result: ScoreResult, *, lang: str = "es", labels: Labels | None = None) -> list[str]:
    """Lines explaining ``result``: header, every item's points, scales, domains.

    ``labels`` defaults to the shipped labels of the result's instrument in
    ``lang``.

    Raises:
        RenderError: ``lang`` is not a locale of the message catalogue.
    """
    w = catalogue(lang)
    if labels is None:
        labels = _shipped_labels(result, lang)
    instrument = result.instrument
    lines = [
        w(
            "score.explain.instrument",
            title=labels.title,
            version=instrument.version,
            fingerprint=instrument.sha256[:12],
        )
    ]
    lines += [w("score.warning", text=w.say(warning)) for warning in result.warnings]
    if result.provisional:
        omitted = ", ".join(labels.item(i) for i in result.omitted)
        lines.append(w("score.explain.provisional", count=len(result.omitted), items=omitted))
    for sid, scale in result.scales.items():
        lines.append(_scale_line(scale, labels.scale(sid), labels, w))
    for item in result.items:
        if item.strength:
            continue
        label = labels.item(item.id)
        if item.omitted:
            lines.append(f"  {label}: {w('score.explain.omitted')}")
            continue
        shown = _answer(item.answer, w)
        if isinstance(item.answer, str):
            shown = labels.categories.get(f"{item.id}.{item.answer}", shown)
        hidden = (None, shown, str(item.answer), "true", "false")
        outcome = "" if item.outcome in hidden else f" [{item.outcome}]"
        lines.append(f"  {label} = {shown}{outcome}: {_points(item.points, labels, w)}")
    for term in result.terms:
        truth = w("score.explain.open") if term.holds is None else _answer(term.holds, w)
        lines.append(f"  {labels.item(term.id)} = {truth}: {_points(term.points, labels, w)}")
    for domain in result.domains.values():
        figures = {"domain": labels.domain(domain.id), "total": domain.total, "max": domain.max}
        if domain.need is None:
            lines.append(w("score.explain.domain", **figures))
            continue
        crim = w("score.explain.criminogenic") if domain.criminogenic else ""
        need = labels.need(domain.need)
        lines.append(w("score.explain.domain_need", **figures, need=need, crim=crim))
    if result.need_profile:
        lines.append(
            w(
                "score.explain.profile",
                items=", ".join(labels.domain(d) for d in result.need_profile),
            )
        )
    if result.strengths:
        areas = [labels.domain(result.item(s).domain) for s in result.strengths]
        lines.append(w("score.explain.strengths", items=", ".join(areas)))
    return lines


def _points(points: Mapping[str, int], labels: Labels, w: Catalogue) -> str:
    """The points an answer gave, per scale named (``Puntaje total +1``), or ``sin puntos``."""
    given = [f"{labels.scale(s)} {p:+d}" for s, p in points.items() if p]
    return ", ".join(given) or w("score.explain.none")


def _shipped_labels(result: ScoreResult, lang: str) -> Labels:
    """The shipped labels of the result's instrument, or ids when it is not shipped."""
    ref = str(result.instrument)
    try:
        instrument = default_library().get(ref)
    except UnknownInstrumentError:
        return Labels(result.instrument.id, lang, result.instrument.id)
    return load_labels(instrument, lang)


def _answer(value: object, w: Catalogue) -> str:
    if value is True:
        return w("score.explain.yes")
    if value is False:
        return w("score.explain.no")
    return str(value)


def _scale_line(scale: ScaleScore, name: str, labels: Labels, w: Catalogue) -> str:
    parts = [w("score.explain.scale", scale=name, raw=scale.raw)]
    if scale.level is not None:
        parts.append(w("score.explain.level", level=labels.level(scale.level), band=scale.band))
    if scale.scaled is not None:
        parts.append(w("score.explain.scaled", scaled=scale.scaled))
    if scale.flag is not None:
        parts.append(w("score.explain.flag", flag=_answer(scale.flag, w)))
    if scale.bounds is not None and scale.bounds.min != scale.bounds.max:
        b = scale.bounds
        parts.append(
            w(
                "score.explain.range",
                lo=b.min,
                hi=b.max,
                lo_level=_state(b.min_level, b.min_scaled, b.min_flag, labels, w),
                hi_level=_state(b.max_level, b.max_scaled, b.max_flag, labels, w),
            )
        )
    for key, step in (("up", scale.up), ("down", scale.down)):
        if step is not None:
            what = _what(scale, step, labels, w)
            parts.append(w(f"score.explain.{key}", count=step.points, what=what))
    return "; ".join(parts)


def _state(
    level: str | None, scaled: int | None, flag: bool | None, labels: Labels, w: Catalogue
) -> str:
    if level is not None:
        return labels.level(level)
    if scaled is not None:
        return w("score.explain.scaled", scaled=scaled)
    return w("score.explain.flag", flag=_answer(flag, w))


def _what(scale: ScaleScore, step: Step, labels: Labels, w: Catalogue) -> str:
    """Name what the step changes: the level, else the scaled score, else the flag."""
    changes = []
    if step.level != scale.level:
        changes.append(w("score.explain.level_name", level=labels.level(step.level)))
    if step.scaled != scale.scaled:
        changes.append(w("score.explain.scaled", scaled=step.scaled))
    if step.flag != scale.flag:
        changes.append(w("score.explain.flag", flag=_answer(step.flag, w)))
    return ", ".join(changes)
