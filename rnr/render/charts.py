"""Small inline-SVG charts for self-contained HTML reports: no script, no network, no dependency.

Each function returns one ``<svg>`` element as text, to be placed inside an
HTML page. The arithmetic (scales, pixel coordinates, ticks) is done here;
the drawing is the macros of ``rnr/render/templates/charts.svg.j2``, rendered
in the autoescaped HTML environment (:mod:`rnr.render.environment`), so every
piece of text (titles, labels, series names) is escaped, because labels come
from data. Coordinates are rounded to a tenth of a pixel. Colours follow the
Okabe-Ito palette, which stays distinguishable for readers with
colour-vision deficiencies; each bar and series also carries a ``<title>``
(a tooltip, read by screen readers) in the words of the catalogue's
``charts`` area.

- :func:`line_chart`: named series of ``(x, y)`` points, e.g. ROC curves,
  with an optional diagonal.
- :func:`bar_chart`: one bar per label, with an optional target marker and
  an optional interval (error bar) per bar, e.g. programme indicators
  against their targets, or observed rates with their confidence intervals.

Figures are written as the chart's reader writes them (``lang``: a decimal
comma and a thousands point in Spanish), with the decimals each chart asks
for; a target and an axis tick show no decimal they do not need.

>>> svg = bar_chart(["A & B", "C"], [40.0, 75.5], targets=[50, None], title="Logro")
>>> svg.startswith("<svg") and "A &amp; B" in svg and "75,5 %" in svg and "(→ 50 %)" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

from rnr.errors import InvalidArgumentError
from rnr.render.environment import environment
from rnr.render.messages import LOCALES, Catalogue, catalogue

__all__ = ["PALETTE", "bar_chart", "line_chart"]

#: Series and bar colours (Okabe & Ito), in order of use.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

#: Four numbers: a line's ends ``(x1, y1, x2, y2)`` or a rectangle ``(x, y, width, height)``.
Box = tuple[float, float, float, float]


def _r(value: float) -> float:
    """A coordinate in pixels, to a tenth."""
    return round(float(value), 1)


@attrs.frozen
class Tick:
    """A tick of an axis: where its mark is, where its number is written, the number."""

    at: float
    text_at: float
    text: str


@attrs.frozen
class Series:
    """One line of a line chart: its name, colour, points in pixels and legend row."""

    name: str
    colour: str
    points: tuple[tuple[float, float], ...]
    legend: Box
    legend_text: tuple[int, int]


@attrs.frozen
class LineChart:
    """Everything the ``line_chart`` macro draws, in pixels."""

    width: int
    height: int
    title: str
    title_x: float
    frame: Box
    x_ticks: tuple[Tick, ...]
    x_tick_mark: tuple[int, int]
    x_tick_text: int
    y_ticks: tuple[Tick, ...]
    y_tick_mark: tuple[int, int]
    y_tick_text: int
    x_label: str
    x_label_at: tuple[float, int]
    y_label: str
    y_label_at: tuple[int, float]
    diagonal: Box | None
    series: tuple[Series, ...]


@attrs.frozen
class Bar:
    """One bar of a bar chart: its texts and shapes in pixels (``None``: not drawn).

    ``whisker`` is the interval ``(low, high, cap, centre)``: its ends along
    the value axis, where its caps start and its middle across it.
    """

    label: str
    label_at: tuple[float, float]
    text: str
    text_at: tuple[float, float]
    tip: str
    rect: Box | None
    whisker: Box | None
    target: Box | None


@attrs.frozen
class BarChart:
    """Everything the ``bar_chart`` macro draws, in pixels."""

    width: int
    height: int
    title: str
    horizontal: bool
    axis: Box
    bars: tuple[Bar, ...]
    fill: str = PALETTE[0]
    marker: str = PALETTE[1]


def _draw(macro: str, chart: LineChart | BarChart) -> str:
    """The SVG of ``chart``, drawn by a macro of ``charts.svg.j2``."""
    module = environment("html").get_template("charts.svg.j2").module
    return str(getattr(module, macro)(chart))


def _words(lang: str) -> Catalogue:
    """The chart's catalogue (Spanish for a language without its own)."""
    return catalogue(lang if lang in LOCALES else LOCALES[0])


def _needed(value: float, decimals: int) -> int:
    """The fewest decimals, up to ``decimals``, that write ``value`` as it rounds to them.

    >>> _needed(56.0, 1), _needed(0.25, 2), _needed(0.5, 2), _needed(12.34, 1)
    (0, 2, 1, 1)
    """
    rounded = round(value, decimals)
    return next(d for d in range(decimals + 1) if round(value, d) == rounded)


def _tick(value: float, lang: str) -> str:
    """An axis tick: up to two decimals, none it does not need (``0,25``, ``0,5``, ``1``)."""
    return _words(lang).number(value, _needed(value, 2))


def _finite(value: object, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidArgumentError(argument, value, "a finite number")
    return float(value)


def _ticks(low: float, high: float, count: int) -> list[float]:
    step = (high - low) / max(count - 1, 1)
    return [low + i * step for i in range(count)]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def line_chart(
    series: Mapping[str, Sequence[tuple[float, float]]],
    *,
    x_label: str,
    y_label: str,
    title: str,
    x_range: tuple[float, float] = (0.0, 1.0),
    y_range: tuple[float, float] = (0.0, 1.0),
    diagonal: bool = False,
    width: int = 420,
    height: int = 360,
    lang: str = "es",
) -> str:
    """An SVG line chart of several named series (e.g. ROC curves).

    Args:
        series: name → ``(x, y)`` points, drawn in order as one line each.
        x_label: the horizontal axis' label.
        y_label: the vertical axis' label.
        title: the chart's title (also its accessible name).
        x_range: the horizontal axis' ``(low, high)``.
        y_range: the vertical axis' ``(low, high)``.
        diagonal: draw the dashed line from ``(low, low)`` to ``(high, high)``
            (for ROC: a score no better than chance).
        width: width in pixels.
        height: height in pixels.
        lang: the language the tick labels are written in (``es``, the
            default, or ``en``).

    Returns:
        One ``<svg>`` element.

    Raises:
        InvalidArgumentError: no series, a point that is not two finite
            numbers, an empty range.
    """
    if not isinstance(series, Mapping) or not series:
        raise InvalidArgumentError("series", series, "a mapping name → (x, y) points")
    (x0, x1), (y0, y1) = x_range, y_range
    if not x0 < x1 or not y0 < y1:
        raise InvalidArgumentError("x_range/y_range", (x_range, y_range), "ranges with low < high")
    left, right, top = 56, 16, 34
    bottom = 44 + 18 * len(series)
    plot_w, plot_h = width - left - right, height - top - bottom
    if plot_w < 40 or plot_h < 40:
        raise InvalidArgumentError("width/height", (width, height), "room for the plot and legend")
    base = top + plot_h

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return top + plot_h - (y - y0) / (y1 - y0) * plot_h

    lines = []
    for i, (name, points) in enumerate(series.items()):
        coords = []
        for j, point in enumerate(points):
            if not isinstance(point, Sequence) or len(point) != 2:
                raise InvalidArgumentError(f"series[{name!r}][{j}]", point, "an (x, y) pair")
            x = _finite(point[0], f"series[{name!r}][{j}][0]")
            y = _finite(point[1], f"series[{name!r}][{j}][1]")
            coords.append((_r(px(x)), _r(py(y))))
        row = base + 50 + 18 * i
        legend = (left, row - 4, left + 22, row - 4)
        colour = PALETTE[i % len(PALETTE)]
        lines.append(Series(str(name), colour, tuple(coords), legend, (left + 28, row)))
    low, high = max(x0, y0), min(x1, y1)
    chart = LineChart(
        width=width,
        height=height,
        title=title,
        title_x=_r(width / 2),
        frame=(left, top, plot_w, plot_h),
        x_ticks=tuple(Tick(_r(px(t)), _r(px(t)), _tick(t, lang)) for t in _ticks(x0, x1, 5)),
        x_tick_mark=(base, base + 4),
        x_tick_text=base + 16,
        y_ticks=tuple(Tick(_r(py(t)), _r(py(t) + 4), _tick(t, lang)) for t in _ticks(y0, y1, 5)),
        y_tick_mark=(left - 4, left),
        y_tick_text=left - 6,
        x_label=x_label,
        x_label_at=(_r(left + plot_w / 2), base + 32),
        y_label=y_label,
        y_label_at=(14, _r(top + plot_h / 2)),
        diagonal=(_r(px(low)), _r(py(low)), _r(px(high)), _r(py(high))) if diagonal else None,
        series=tuple(lines),
    )
    return _draw("line_chart", chart)


@attrs.frozen
class _Bars:
    """Checked bar data: labels, values, targets and intervals, and how to write them."""

    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    targets: tuple[float | None, ...]
    intervals: tuple[tuple[float, float] | None, ...]
    title: str
    axis: float
    suffix: str
    decimals: int
    words: Catalogue

    def text(self, i: int) -> str:
        value = self.values[i]
        return self.words("charts.none") if value is None else self.number(value) + self.suffix

    def number(self, value: float, decimals: int | None = None) -> str:
        """A figure with the chart's decimals (or ``decimals``), the reader's way."""
        return self.words.number(value, self.decimals if decimals is None else decimals)

    def tip(self, i: int) -> str:
        label, value = self.labels[i], self.text(i)
        span, target = self.intervals[i], self.targets[i]
        interval = (
            None
            if span is None
            else self.words("charts.interval", low=self.number(span[0]), high=self.number(span[1]))
            + self.suffix
        )
        goal = (
            None
            if target is None
            else self.number(target, _needed(target, self.decimals)) + self.suffix
        )
        if interval is not None and goal is not None:
            return self.words(
                "charts.tip_both", label=label, value=value, interval=interval, target=goal
            )
        if interval is not None:
            return self.words("charts.tip_interval", label=label, value=value, interval=interval)
        if goal is not None:
            return self.words("charts.tip_target", label=label, value=value, target=goal)
        return self.words("charts.tip", label=label, value=value)


def _optional_numbers(
    values: Sequence[float | None] | None, n: int, argument: str
) -> tuple[float | None, ...]:
    if values is None:
        return (None,) * n
    if isinstance(values, str) or len(values) != n:
        raise InvalidArgumentError(argument, values, f"{n} entries, one per label (None for none)")
    return tuple(
        None if v is None else _finite(v, f"{argument}[{i}]") for i, v in enumerate(values)
    )


def _intervals(
    intervals: Sequence[tuple[float, float] | None] | None, n: int
) -> tuple[tuple[float, float] | None, ...]:
    if intervals is None:
        return (None,) * n
    if isinstance(intervals, str) or len(intervals) != n:
        raise InvalidArgumentError("intervals", intervals, f"{n} entries, one per label")
    out: list[tuple[float, float] | None] = []
    for i, span in enumerate(intervals):
        if span is None:
            out.append(None)
            continue
        if not isinstance(span, Sequence) or len(span) != 2:
            raise InvalidArgumentError(f"intervals[{i}]", span, "a (low, high) pair")
        low = _finite(span[0], f"intervals[{i}][0]")
        high = _finite(span[1], f"intervals[{i}][1]")
        if low > high:
            raise InvalidArgumentError(f"intervals[{i}]", span, "low <= high")
        out.append((low, high))
    return tuple(out)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    targets: Sequence[float | None] | None = None,
    intervals: Sequence[tuple[float, float] | None] | None = None,
    title: str,
    unit: str = "%",
    orientation: str = "horizontal",
    max_value: float | None = None,
    decimals: int = 1,
    width: int = 560,
    lang: str = "es",
) -> str:
    """An SVG bar chart: one bar per label, with optional targets and intervals.

    Args:
        labels: one label per bar (any text; escaped).
        values: one value per bar, in ``unit`` (0 or more); ``None`` draws
            no bar and writes "—" (no data).
        targets: one target per bar (``None`` for none), drawn as an orange
            marker across the bar.
        intervals: one ``(low, high)`` per bar (``None`` for none), drawn as
            an error bar, e.g. a 95 % confidence interval.
        title: the chart's title (also its accessible name).
        unit: written after each value (``"%"``: values are percentages and
            the axis runs to 100 by default; ``""``: no unit).
        orientation: ``"horizontal"`` bars (labels on the left; suits long
            labels and many bars) or ``"vertical"`` columns.
        max_value: the end of the value axis (default: 100 for ``"%"``, else
            a round number above every value, target and interval); never
            below the largest of them.
        decimals: decimals of the value labels (``0`` for counts); a target
            shows only the decimals it needs.
        width: width in pixels.
        lang: the language of the figures and the bars' tooltips (``es``,
            the default, or ``en``).

    Returns:
        One ``<svg>`` element.

    Raises:
        InvalidArgumentError: lengths differ, a negative or non-finite value,
            an interval with low > high, another orientation.
    """
    n = len(labels)
    if isinstance(values, str) or len(values) != n:
        raise InvalidArgumentError("values", values, f"{n} values, one per label")
    if orientation not in ("horizontal", "vertical"):
        raise InvalidArgumentError("orientation", orientation, "'horizontal' or 'vertical'")
    bars = _optional_numbers(values, n, "values")
    goal = _optional_numbers(targets, n, "targets")
    spans = _intervals(intervals, n)
    tops = [0.0, *(v for v in (*bars, *goal) if v is not None)]
    tops += [span[0] for span in spans if span is not None]
    tops += [span[1] for span in spans if span is not None]
    if min(tops) < 0:
        raise InvalidArgumentError(
            "values", min(tops), "values, targets and intervals of 0 or more"
        )
    if max_value is None:
        axis = 100.0 if unit == "%" else _nice_max(max(tops))
    else:
        axis = _finite(max_value, "max_value")
    data = _Bars(
        labels=tuple(str(label) for label in labels),
        values=bars,
        targets=goal,
        intervals=spans,
        title=title,
        axis=max(axis, *tops, 1e-12),
        suffix=f" {unit}" if unit else "",
        decimals=decimals,
        words=_words(lang),
    )
    layout = _horizontal if orientation == "horizontal" else _vertical
    return _draw("bar_chart", layout(data, width))


def _horizontal(bars: _Bars, width: int) -> BarChart:
    row, top = 24, 34
    label_w = min(220, 16 + 7 * max((len(label) for label in bars.labels), default=4))
    plot_w = max(width - label_w - 90, 60)
    height = top + row * len(bars.labels) + 12

    def px(v: float) -> float:
        return label_w + v / bars.axis * plot_w

    drawn = []
    for i, label in enumerate(bars.labels):
        y = top + row * i
        value, span, target = bars.values[i], bars.intervals[i], bars.targets[i]
        end = float(label_w)
        rect = whisker = marker = None
        if value is not None:
            end = px(value)
            rect = (label_w, y + 3, _r(end - label_w), row - 8)
        if span is not None:
            a, b = px(span[0]), px(span[1])
            mid = y + row / 2 - 1
            whisker = (_r(a), _r(b), mid - 5, mid)
            end = max(end, b)
        if target is not None:
            t = px(target)
            marker = (_r(t), y, _r(t), y + row - 2)
            end = max(end, t + 2)
        drawn.append(
            Bar(
                label=label,
                label_at=(label_w - 6, y + 14),
                text=bars.text(i),
                text_at=(_r(end + 6), y + 14),
                tip=bars.tip(i),
                rect=rect,
                whisker=whisker,
                target=marker,
            )
        )
    axis = (label_w, top - 4, label_w, height - 8)
    return BarChart(width, height, bars.title, horizontal=True, axis=axis, bars=tuple(drawn))


def _vertical(bars: _Bars, width: int) -> BarChart:
    top, plot_h, bottom = 40, 200, 40
    height = top + plot_h + bottom
    column = (width - 20) / max(len(bars.labels), 1)

    def py(v: float) -> float:
        return top + plot_h - v / bars.axis * plot_h

    drawn = []
    for i, label in enumerate(bars.labels):
        x = 10 + column * i
        centre = x + column / 2
        value, span, target = bars.values[i], bars.intervals[i], bars.targets[i]
        label_y = float(top + plot_h)
        rect = whisker = marker = None
        if value is not None:
            label_y = py(value)
            rect = (
                _r(x + column * 0.15),
                _r(label_y),
                _r(column * 0.7),
                _r(top + plot_h - label_y),
            )
        if span is not None:
            a, b = py(span[0]), py(span[1])
            whisker = (_r(a), _r(b), _r(centre - 5), _r(centre))
            label_y = min(label_y, b)
        if target is not None:
            t = py(target)
            marker = (_r(x + column * 0.1), _r(t), _r(x + column * 0.9), _r(t))
        drawn.append(
            Bar(
                label=label,
                label_at=(_r(centre), top + plot_h + 16),
                text=bars.text(i),
                text_at=(_r(centre), _r(label_y - 4)),
                tip=bars.tip(i),
                rect=rect,
                whisker=whisker,
                target=marker,
            )
        )
    axis = (10, top + plot_h, width - 10, top + plot_h)
    return BarChart(width, height, bars.title, horizontal=False, axis=axis, bars=tuple(drawn))
