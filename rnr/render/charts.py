"""Small inline-SVG charts for self-contained HTML reports: no script, no network, no dependency.

Each function returns one ``<svg>`` element as text, to be placed inside an
HTML page. Every piece of text (titles, labels, series names) is escaped,
because labels come from data. Colours follow the Okabe-Ito palette, which
stays distinguishable for readers with colour-vision deficiencies; each bar
and series also carries a ``<title>`` (a tooltip, read by screen readers).

- :func:`line_chart`: named series of ``(x, y)`` points, e.g. ROC curves,
  with an optional diagonal.
- :func:`bar_chart`: one bar per label, with an optional target marker and
  an optional interval (error bar) per bar, e.g. programme indicators
  against their targets, or observed rates with their confidence intervals.

>>> svg = bar_chart(["A & B", "C"], [40.0, 75.5], targets=[50, None], title="Logro")
>>> svg.startswith("<svg") and "A &amp; B" in svg and "75.5 %" in svg
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import attrs

from rnr.errors import InvalidArgumentError

__all__ = ["PALETTE", "bar_chart", "line_chart"]

#: Series and bar colours (Okabe & Ito), in order of use.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float, decimals: int, decimal: str) -> str:
    return f"{value:.{decimals}f}".replace(".", decimal)


def _tick(value: float, decimal: str) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", decimal)


def _open(width: int, height: int, title: str) -> str:
    """The opening ``<svg>`` tag and its accessible title."""
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(title)}" {_FONT}><title>{_e(title)}</title>'
    )


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
    decimal: str = ".",
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
        decimal: the decimal separator of the tick labels.

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
    legend_rows = len(series)
    bottom = 44 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    if plot_w < 40 or plot_h < 40:
        raise InvalidArgumentError("width/height", (width, height), "room for the plot and legend")

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return top + plot_h - (y - y0) / (y1 - y0) * plot_h

    parts = [
        _open(width, height, title),
        (
            f'<text x="{width / 2:.1f}" y="18" text-anchor="middle" font-weight="bold">'
            f"{_e(title)}</text>"
        ),
        (
            f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
            'stroke="#999"/>'
        ),
    ]
    for tick in _ticks(x0, x1, 5):
        parts.append(
            f'<line x1="{px(tick):.1f}" y1="{top + plot_h}" x2="{px(tick):.1f}" '
            f'y2="{top + plot_h + 4}" stroke="#999"/>'
            f'<text x="{px(tick):.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
            f"{_tick(tick, decimal)}</text>"
        )
    for tick in _ticks(y0, y1, 5):
        parts.append(
            f'<line x1="{left - 4}" y1="{py(tick):.1f}" x2="{left}" y2="{py(tick):.1f}" '
            f'stroke="#999"/><text x="{left - 6}" y="{py(tick) + 4:.1f}" text-anchor="end">'
            f"{_tick(tick, decimal)}</text>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 32}" text-anchor="middle">'
        f"{_e(x_label)}</text>"
        f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{_e(y_label)}</text>'
    )
    if diagonal:
        low, high = max(x0, y0), min(x1, y1)
        parts.append(
            f'<line x1="{px(low):.1f}" y1="{py(low):.1f}" x2="{px(high):.1f}" '
            f'y2="{py(high):.1f}" stroke="#777" stroke-dasharray="4 4"/>'
        )
    for i, (name, points) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        coords = []
        for j, point in enumerate(points):
            if not isinstance(point, Sequence) or len(point) != 2:
                raise InvalidArgumentError(f"series[{name!r}][{j}]", point, "an (x, y) pair")
            x = _finite(point[0], f"series[{name!r}][{j}][0]")
            y = _finite(point[1], f"series[{name!r}][{j}][1]")
            coords.append(f"{px(x):.1f},{py(y):.1f}")
        parts.append(
            f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}" '
            f'stroke-width="2"><title>{_e(name)}</title></polyline>'
        )
        y_legend = top + plot_h + 50 + 18 * i
        parts.append(
            f'<line x1="{left}" y1="{y_legend - 4}" x2="{left + 22}" y2="{y_legend - 4}" '
            f'stroke="{colour}" stroke-width="3"/>'
            f'<text x="{left + 28}" y="{y_legend}">{_e(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


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
    decimal: str

    def text(self, i: int) -> str:
        value = self.values[i]
        return "—" if value is None else self.number(value) + self.suffix

    def number(self, value: float) -> str:
        return _num(value, self.decimals, self.decimal)

    def tip(self, i: int) -> str:
        extra = []
        span = self.intervals[i]
        if span is not None:
            extra.append(f"[{self.number(span[0])}, {self.number(span[1])}]{self.suffix}")
        target = self.targets[i]
        if target is not None:
            extra.append("→ " + self.number(target) + self.suffix)
        more = f" ({'; '.join(extra)})" if extra else ""
        return f"{self.labels[i]}: {self.text(i)}{more}"


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
    decimal: str = ".",
    width: int = 560,
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
        decimals: decimals of the value labels.
        decimal: the decimal separator of the value labels.
        width: width in pixels.

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
        decimal=decimal,
    )
    return _horizontal(data, width) if orientation == "horizontal" else _vertical(data, width)


def _horizontal(bars: _Bars, width: int) -> str:
    row, top = 24, 34
    label_w = min(220, 16 + 7 * max((len(label) for label in bars.labels), default=4))
    plot_w = max(width - label_w - 90, 60)
    height = top + row * len(bars.labels) + 12

    def px(v: float) -> float:
        return label_w + v / bars.axis * plot_w

    parts = [
        _open(width, height, bars.title),
        f'<text x="4" y="18" font-weight="bold">{_e(bars.title)}</text>',
        f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 8}" stroke="#999"/>',
    ]
    for i, label in enumerate(bars.labels):
        y = top + row * i
        parts.append(f"<g><title>{_e(bars.tip(i))}</title>")
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_e(label)}</text>')
        value, span, target = bars.values[i], bars.intervals[i], bars.targets[i]
        end = float(label_w)
        if value is not None:
            end = px(value)
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{end - label_w:.1f}" '
                f'height="{row - 8}" fill="{PALETTE[0]}" fill-opacity="0.75"/>'
            )
        if span is not None:
            a, b = px(span[0]), px(span[1])
            mid = y + row / 2 - 1
            parts.append(
                f'<path d="M{a:.1f} {mid - 5}v10M{a:.1f} {mid}H{b:.1f}M{b:.1f} {mid - 5}v10" '
                'stroke="#222" fill="none"/>'
            )
            end = max(end, b)
        if target is not None:
            t = px(target)
            parts.append(
                f'<line x1="{t:.1f}" y1="{y}" x2="{t:.1f}" y2="{y + row - 2}" '
                f'stroke="{PALETTE[1]}" stroke-width="3"/>'
            )
            end = max(end, t + 2)
        parts.append(f'<text x="{end + 6:.1f}" y="{y + 14}">{_e(bars.text(i))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _vertical(bars: _Bars, width: int) -> str:
    top, plot_h, bottom = 40, 200, 40
    height = top + plot_h + bottom
    column = (width - 20) / max(len(bars.labels), 1)

    def py(v: float) -> float:
        return top + plot_h - v / bars.axis * plot_h

    parts = [
        _open(width, height, bars.title),
        f'<text x="4" y="18" font-weight="bold">{_e(bars.title)}</text>',
        f'<line x1="10" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#999"/>',
    ]
    for i, label in enumerate(bars.labels):
        x = 10 + column * i
        centre = x + column / 2
        parts.append(f"<g><title>{_e(bars.tip(i))}</title>")
        value, span, target = bars.values[i], bars.intervals[i], bars.targets[i]
        label_y = float(top + plot_h)
        if value is not None:
            label_y = py(value)
            parts.append(
                f'<rect x="{x + column * 0.15:.1f}" y="{label_y:.1f}" '
                f'width="{column * 0.7:.1f}" height="{top + plot_h - label_y:.1f}" '
                f'fill="{PALETTE[0]}" fill-opacity="0.75"/>'
            )
        if span is not None:
            a, b = py(span[0]), py(span[1])
            parts.append(
                f'<path d="M{centre - 5:.1f} {a:.1f}h10M{centre:.1f} {a:.1f}V{b:.1f}'
                f'M{centre - 5:.1f} {b:.1f}h10" stroke="#222" fill="none"/>'
            )
            label_y = min(label_y, b)
        if target is not None:
            t = py(target)
            parts.append(
                f'<line x1="{x + column * 0.1:.1f}" y1="{t:.1f}" x2="{x + column * 0.9:.1f}" '
                f'y2="{t:.1f}" stroke="{PALETTE[1]}" stroke-width="3"/>'
            )
        parts.append(
            f'<text x="{centre:.1f}" y="{label_y - 4:.1f}" text-anchor="middle">'
            f"{_e(bars.text(i))}</text>"
            f'<text x="{centre:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
            f"{_e(label)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
