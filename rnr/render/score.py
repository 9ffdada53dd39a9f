"""Small formatters of a score's readable output (``rnr score``, the demo, ``rnr instruments``).

The words are the ``score`` area of the message catalogue
(:mod:`rnr.render.messages`). Spanish is the default (the language of the
clinicians who read it); English on request. Identifiers (item, scale and
level ids) are never translated. :func:`table` lays out the command line's
tables in columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rnr.definitions.labels import Labels
from rnr.render.messages import catalogue
from rnr.scoring.result import ScaleScore, ScoreResult

__all__ = ["case_header", "points_text", "scale_summary", "table", "yes_no"]


def yes_no(value: bool, lang: str) -> str:
    """``sí`` / ``no`` (or ``yes`` / ``no``)."""
    return catalogue(lang)("score.yes" if value else "score.no")


def points_text(points: Mapping[str, int], lang: str) -> str:
    """``nca +1, fta +2`` or ``sin puntos``."""
    shown = [f"{s} {p:+d}" for s, p in points.items() if p]
    return ", ".join(shown) if shown else catalogue(lang)("score.no_points")


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Align ``rows`` (the first is the header) in columns two spaces apart."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def scale_summary(scale: ScaleScore, labels: Labels, lang: str) -> str:
    """One scale in a few words: ``FTA: puntaje 2, escalado 3, nivel Alto``."""
    w = catalogue(lang)
    parts = [w("score.score", n=scale.raw)]
    if scale.level is not None:
        parts.append(w("score.level", v=labels.level(scale.level)))
    if scale.scaled is not None:
        parts.append(w("score.scaled", n=scale.scaled))
    if scale.flag is not None:
        parts.append(w("score.flag", v=yes_no(scale.flag, lang)))
    return f"{labels.scale(scale.id)}: " + ", ".join(parts)


def case_header(result: ScoreResult, lang: str) -> str:
    """``Caso c-001 · evaluado el 02-05-2024 · grupo normativo: hombres``.

    A norm group named after a sex (``male``, ``female``) is named as the
    people it holds; another keeps its id, the only name rnr has for it.
    """
    w = catalogue(lang)
    group = result.norm_group
    named = f"score.sexes.{group}"
    return w(
        "score.case",
        case_id=result.case_id or w("score.none"),
        on=result.assessed_on,
        group=w("score.none") if group is None else w(named) if named in w else group,
    )
