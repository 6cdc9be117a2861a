"""The report's charts as inline SVG, built by hand from the Design's figures.

Hand-built rather than matplotlib: the same figures give the same bytes on every machine
(no font metrics, no ids, no dates), and the text is real SVG text at a fixed pixel size,
drawn at the chart's natural size so it stays legible. Every string from the spec goes
through ``html.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 900
_LEFT, _RIGHT, _TOP = 70, 20, 40
_FONT = 'font-family="sans-serif" font-size="13"'


@dataclass(frozen=True)
class Line:
    """One series of a line chart: its legend label, colour and stroke."""

    label: str
    values: Sequence[float]
    colour: str
    width: float = 2.0
    dash: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_top(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover  (the loop always returns)


def line_chart(
    title: str, x: Sequence[int], lines: Sequence[Line], x_label: str, y_label: str
) -> str:
    """Lines over ``x``, with the axes labelled and a legend under the plot."""
    height = 300
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, height - _TOP - 50
    top = _nice_top(max([v for line in lines for v in line.values] or [1.0]))
    x_end = max(x[-1], 1) if x else 1
    legend_rows = len(lines)
    total = height + 22 * legend_rows + 10

    def px(second: float) -> float:
        return _LEFT + plot_w * second / x_end

    def py(value: float) -> float:
        return _TOP + plot_h * (1 - value / top)

    parts = [
        (
            f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
            f'height="{total}" role="img" aria-label="{escape(title)}">'
        ),
        f'<text x="{_LEFT}" y="22" {_FONT} font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(5):
        value = top * tick / 4
        y = py(value)
        parts.append(
            f'<line x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" {_FONT} text-anchor="end">{_n(value)}</text>'
        )
    for tick in range(6):
        second = x_end * tick / 5
        parts.append(
            f'<text x="{px(second):.1f}" y="{_TOP + plot_h + 18}" {_FONT} '
            f'text-anchor="middle">{_n(second)}</text>'
        )
    parts.append(
        f'<text x="{_LEFT + plot_w / 2:.1f}" y="{_TOP + plot_h + 38}" {_FONT} '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text x="16" y="{_TOP + plot_h / 2:.1f}" {_FONT} text-anchor="middle" '
        f'transform="rotate(-90 16 {_TOP + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    parts.append(
        f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#888"/>'
    )
    for line in lines:
        points = " ".join(f"{px(s):.1f},{py(v):.1f}" for s, v in zip(x, line.values, strict=True))
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(
            f'<polyline fill="none" stroke="{line.colour}" stroke-width="{line.width:g}"'
            f'{dash} points="{points}"/>'
        )
    parts.append('<g class="legend">')
    for row, line in enumerate(lines):
        y = height + 22 * row
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(
            f'<line x1="{_LEFT}" x2="{_LEFT + 36}" y1="{y}" y2="{y}" stroke="{line.colour}" '
            f'stroke-width="{max(line.width, 3):g}"{dash}/>'
        )
        parts.append(f'<text x="{_LEFT + 44}" y="{y + 4}" {_FONT}>{escape(line.label)}</text>')
    parts.append("</g></svg>")
    return "\n".join(parts)


def bar_chart(title: str, bars: Sequence[Bar], unit: str, colour: str = "#1f77b4") -> str:
    """Horizontal bars, one row per label, the value printed at the end of each."""
    row, label_w = 26, 260
    plot_w = WIDTH - label_w - 160
    height = _TOP + row * len(bars) + 10
    top = max([b.value for b in bars] or [1.0]) or 1.0
    parts = [
        (
            f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
            f'height="{height}" role="img" aria-label="{escape(title)}">'
        ),
        f'<text x="10" y="22" {_FONT} font-weight="bold">{escape(title)}</text>',
    ]
    for index, bar in enumerate(bars):
        y = _TOP + row * index
        width = plot_w * bar.value / top
        note = f" {bar.note}" if bar.note else ""
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" {_FONT} text-anchor="end">'
            f"{escape(bar.label)}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row - 8}" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{label_w + width + 6:.1f}" y="{y + 16}" {_FONT}>'
            f"{escape(_n(bar.value))} {escape(unit)}{escape(note)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
