"""A person's trajectory as an inline SVG chart: a scale's total at each assessment, over levels.

:func:`trajectory_chart` draws the totals of one scale against the dates of
the assessments, over horizontal bands for the scale's levels (each named at
the right), with a point per assessment carrying a ``<title>`` (its tooltip,
read by screen readers). Like :mod:`rnr.render.charts` it computes every
pixel here and draws with a template (``trajectory.svg.j2``) in the
autoescaped HTML environment, so every text is escaped; it has no ``style``
attribute and no script, so a page with a strict Content-Security-Policy can
hold it inline. Its accessible name and description are its ``<title>`` and
``<desc>`` (``aria-labelledby``); a page shows the same figures as a table
beside it.

>>> import datetime as dt
>>> svg = trajectory_chart(
...     [(dt.date(2024, 1, 10), 20), (dt.date(2024, 7, 10), 14)],
...     y_range=(0, 43), bands=[(0, 10, "Bajo"), (11, 19, "Medio"), (20, 43, "Alto & más")],
...     tips=["10-01-2024: 20", "10-07-2024: 14"], title="Trayectoria", desc="Baja 6 puntos.",
...     ident="t1")
>>> svg.startswith("<svg") and "Alto &amp; más" in svg and "style=" not in svg
True
>>> svg.count("<circle")
2
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import attrs

from rnr.errors import InvalidArgumentError
from rnr.render.charts import PALETTE
from rnr.render.environment import environment
from rnr.render.messages import day

__all__ = ["trajectory_chart"]

#: The fills of the level bands, alternating from the lowest.
BAND_FILLS = ("#f3f3f3", "#e2e2e2")
#: The most dates written under the axis (others are still points with a tooltip).
MOST_TICKS = 6


def _r(value: float) -> float:
    return round(float(value), 1)


@attrs.frozen
class _Band:
    label: str
    rect: tuple[float, float, float, float]
    label_at: tuple[float, float]
    fill: str


@attrs.frozen
class _Point:
    at: tuple[float, float]
    tip: str


@attrs.frozen
class _Tick:
    at: float
    text: str


@attrs.frozen
class _Chart:
    ident: str
    width: int
    height: int
    title: str
    desc: str
    frame: tuple[float, float, float, float]
    bands: tuple[_Band, ...]
    x_ticks: tuple[_Tick, ...]
    x_tick_y: float
    y_ticks: tuple[_Tick, ...]
    y_tick_x: float
    points: tuple[_Point, ...]
    colour: str = PALETTE[0]


def trajectory_chart(
    points: Sequence[tuple[dt.date, int]],
    *,
    y_range: tuple[int, int],
    bands: Sequence[tuple[int, int, str]],
    tips: Sequence[str],
    title: str,
    desc: str,
    ident: str,
    width: int = 600,
    height: int = 280,
    lang: str = "es",
) -> str:
    """An SVG chart of a scale's totals over time, over the bands of its levels.

    Args:
        points: ``(date, total)`` of each assessment, in date order.
        y_range: the scale's lowest and highest total.
        bands: ``(min, max, label)`` of each level band of the scale.
        tips: one tooltip per point (e.g. its date, total and level).
        title: the chart's accessible name.
        desc: its accessible description (what the chart shows, in a sentence).
        ident: a prefix for the ids of the title and description, unique in the page.
        width: width in pixels.
        height: height in pixels.
        lang: the language the dates under the axis are written in.

    Returns:
        One ``<svg>`` element.

    Raises:
        InvalidArgumentError: no point, dates out of order, a tooltip count
            that is not the points', an empty range.
    """
    if not points:
        raise InvalidArgumentError("points", points, "one (date, total) or more")
    if len(tips) != len(points):
        raise InvalidArgumentError("tips", len(tips), f"{len(points)} tooltips, one per point")
    dates = [on for on, _ in points]
    if any(b <= a for a, b in itertools.pairwise(dates)):
        raise InvalidArgumentError("points", dates, "dates in ascending order")
    low, high = y_range
    if not low < high:
        raise InvalidArgumentError("y_range", y_range, "(low, high) with low < high")
    left, right, top, bottom = 44, 120, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    if plot_w < 80 or plot_h < 60:
        raise InvalidArgumentError("width/height", (width, height), "room for the plot")
    span = max((dates[-1] - dates[0]).days, 1)
    inset = 16.0  # the first and last points stay off the frame

    def px(on: dt.date) -> float:
        if len(dates) == 1:
            return left + plot_w / 2
        return left + inset + (on - dates[0]).days / span * (plot_w - 2 * inset)

    def py(total: float) -> float:
        clipped = min(max(total, low), high)
        return top + plot_h - (clipped - low) / (high - low) * plot_h

    drawn_bands = []
    for i, (b_min, b_max, label) in enumerate(sorted(bands)):
        y_top, y_bottom = py(min(b_max + 0.5, high)), py(max(b_min - 0.5, low))
        drawn_bands.append(
            _Band(
                label=label,
                rect=(left, _r(y_top), plot_w, _r(y_bottom - y_top)),
                label_at=(left + plot_w + 6, _r((y_top + y_bottom) / 2 + 4)),
                fill=BAND_FILLS[i % len(BAND_FILLS)],
            )
        )
    marks = sorted({low, high, *(b_min for b_min, _, _ in bands if low < b_min < high)})
    step = max(1, -(-len(dates) // MOST_TICKS))
    shown = dates[::step] if dates[-1] in dates[::step] else [*dates[::step][:-1], dates[-1]]
    chart = _Chart(
        ident=ident,
        width=width,
        height=height,
        title=title,
        desc=desc,
        frame=(left, top, plot_w, plot_h),
        bands=tuple(drawn_bands),
        x_ticks=tuple(_Tick(_r(px(on)), day(on, lang)) for on in shown),
        x_tick_y=top + plot_h + 18,
        y_ticks=tuple(_Tick(_r(py(m)), str(m)) for m in marks),
        y_tick_x=left - 6,
        points=tuple(
            _Point((_r(px(on)), _r(py(total))), tip)
            for (on, total), tip in zip(points, tips, strict=True)
        ),
    )
    template = environment("html").get_template("trajectory.svg.j2")
    return template.render(c=chart).strip()
