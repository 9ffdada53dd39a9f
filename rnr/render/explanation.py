"""Explain a score in words: every point, every band, the nearest change.

Spanish by default (the language of the clinicians who read it), English on
request. The explanation is built from the result's structured trace, so it
never disagrees with the numbers.

>>> import datetime as dt
>>> from rnr import default_library, score, explain
>>> lscmi = default_library().get("lscmi")
>>> answers = {item.id: False for item in lscmi.items}
>>> lines = explain(score(lscmi, answers, assessed_on=dt.date(2025, 1, 1), norm_group="male"))
>>> lines[1]
'Puntaje total: puntaje 0; nivel Muy bajo (tramo 0-4); 5 punto(s) más daría(n) Bajo'
"""

from __future__ import annotations

from collections.abc import Mapping

from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import default_library
from rnr.errors import UnknownInstrumentError
from rnr.scoring.result import ScaleScore, ScoreResult, Step

__all__ = ["explain"]

WORDS: Mapping[str, Mapping[str, str]] = {
    "es": {
        "omitted": "omitido",
        "points": "puntos",
        "none": "sin puntos",
        "provisional": "RESULTADO PROVISORIO: {n} ítem(s) omitido(s): {items}",
        "range": "entre {lo} y {hi} ({lo_level} a {hi_level})",
        "scale": "{scale}: puntaje {raw}",
        "level": "nivel {level} (tramo {band})",
        "scaled": "puntaje escalado {scaled}",
        "flag": "alerta {flag}",
        "up": "{n} punto(s) más daría(n) {what}",
        "down": "{n} punto(s) menos daría(n) {what}",
        "domain": "{domain}: {total}/{max}, necesidad {need}{crim}",
        "criminogenic": " (criminógena)",
        "yes": "sí",
        "no": "no",
        "term": "{term}: {cond} → {truth}",
        "open": "indeterminado",
        "strengths": "Fortalezas: {items}",
        "profile": "Perfil de necesidades: {items}",
    },
    "en": {
        "omitted": "omitted",
        "points": "points",
        "none": "no points",
        "provisional": "PROVISIONAL RESULT: {n} item(s) omitted: {items}",
        "range": "between {lo} and {hi} ({lo_level} to {hi_level})",
        "scale": "{scale}: score {raw}",
        "level": "level {level} (band {band})",
        "scaled": "scaled score {scaled}",
        "flag": "flag {flag}",
        "up": "{n} more point(s) would give {what}",
        "down": "{n} fewer point(s) would give {what}",
        "domain": "{domain}: {total}/{max}, need {need}{crim}",
        "criminogenic": " (criminogenic)",
        "yes": "yes",
        "no": "no",
        "term": "{term}: {cond} → {truth}",
        "open": "undetermined",
        "strengths": "Strengths: {items}",
        "profile": "Need profile: {items}",
    },
}


def explain(result: ScoreResult, *, lang: str = "es", labels: Labels | None = None) -> list[str]:
    """Lines explaining ``result``: header, every item's points, scales, domains.

    ``labels`` defaults to the shipped labels of the result's instrument in
    ``lang``.
    """
    w = WORDS.get(lang, WORDS["es"])
    if labels is None:
        labels = _shipped_labels(result, lang)
    lines = [f"{labels.title} {result.instrument.version} (sha256 {result.instrument.sha256[:12]})"]
    if result.provisional:
        lines.append(
            w["provisional"].format(n=len(result.omitted), items=", ".join(result.omitted))
        )
    for sid, scale in result.scales.items():
        lines.append(_scale_line(scale, labels.scale(sid), labels, w))
    for item in result.items:
        if item.strength:
            continue
        shown = _answer(item.answer, w)
        pts = ", ".join(f"{s} {p:+d}" for s, p in item.points.items() if p) or w["none"]
        hidden = (None, shown, "true", "false")
        outcome = "" if item.outcome in hidden else f" [{item.outcome}]"
        if item.omitted:
            lines.append(f"  {labels.item(item.id)} ({item.id}): {w['omitted']}")
        else:
            lines.append(f"  {labels.item(item.id)} ({item.id}) = {shown}{outcome}: {pts}")
    for term in result.terms:
        truth = w["open"] if term.holds is None else _answer(term.holds, w)
        pts = ", ".join(f"{s} {p:+d}" for s, p in term.points.items() if p) or w["none"]
        lines.append(
            "  "
            + w["term"].format(term=labels.item(term.id), cond=term.condition, truth=truth)
            + f": {pts}"
        )
    for domain in result.domains.values():
        lines.append(
            w["domain"].format(
                domain=labels.domain(domain.id),
                total=domain.total,
                max=domain.max,
                need=labels.need(domain.need),
                crim=w["criminogenic"] if domain.criminogenic else "",
            )
        )
    if result.need_profile:
        lines.append(
            w["profile"].format(items=", ".join(labels.domain(d) for d in result.need_profile))
        )
    if result.strengths:
        lines.append(
            w["strengths"].format(items=", ".join(labels.item(s) for s in result.strengths))
        )
    return lines


def _shipped_labels(result: ScoreResult, lang: str) -> Labels:
    """The shipped labels of the result's instrument, or ids when it is not shipped."""
    ref = str(result.instrument)
    try:
        instrument = default_library().get(ref)
    except UnknownInstrumentError:
        return Labels(result.instrument.id, lang, result.instrument.id)
    return load_labels(instrument, lang)


def _answer(value: object, w: Mapping[str, str]) -> str:
    if value is True:
        return w["yes"]
    if value is False:
        return w["no"]
    return str(value)


def _scale_line(scale: ScaleScore, name: str, labels: Labels, w: Mapping[str, str]) -> str:
    parts = [w["scale"].format(scale=name, raw=scale.raw)]
    if scale.level is not None:
        parts.append(w["level"].format(level=labels.level(scale.level), band=scale.band))
    if scale.scaled is not None:
        parts.append(w["scaled"].format(scaled=scale.scaled))
    if scale.flag is not None:
        parts.append(w["flag"].format(flag=_answer(scale.flag, w)))
    if scale.bounds is not None and scale.bounds.min != scale.bounds.max:
        b = scale.bounds
        parts.append(
            w["range"].format(
                lo=b.min,
                hi=b.max,
                lo_level=_state(b.min_level, b.min_scaled, b.min_flag, labels, w),
                hi_level=_state(b.max_level, b.max_scaled, b.max_flag, labels, w),
            )
        )
    for key, step in (("up", scale.up), ("down", scale.down)):
        if step is not None:
            parts.append(w[key].format(n=step.points, what=_what(scale, step, labels, w)))
    return "; ".join(parts)


def _state(
    level: str | None, scaled: int | None, flag: bool | None, labels: Labels, w: Mapping[str, str]
) -> str:
    if level is not None:
        return labels.level(level)
    if scaled is not None:
        return w["scaled"].format(scaled=scaled)
    return w["flag"].format(flag=_answer(flag, w))


def _what(scale: ScaleScore, step: Step, labels: Labels, w: Mapping[str, str]) -> str:
    """Name what the step changes: the level, else the scaled score, else the flag."""
    changes = []
    if step.level != scale.level:
        changes.append(labels.level(step.level))
    if step.scaled != scale.scaled:
        changes.append(w["scaled"].format(scaled=step.scaled))
    if step.flag != scale.flag:
        changes.append(w["flag"].format(flag=_answer(step.flag, w)))
    return ", ".join(changes)
