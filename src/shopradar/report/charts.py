"""Charts drawn as inline SVG on the server: no JavaScript, nothing to download, tiny files.

Plotly's bundle is 4.8 MB; a whole report with these charts is a few hundred KB and opens offline,
prints, and cannot run anything (the report's Content-Security-Policy forbids scripts). Every text
that reaches a chart goes through :func:`markupsafe.escape`. Bar-type charts are HTML (see the
templates) so their labels wrap on a phone; only the time series is SVG, drawn twice (wide and
narrow) so its text stays readable at both widths.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Point:
    label: str        # x label (short)
    tip: str          # tooltip text
    value: float
    lower: float
    upper: float


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 up to at least ``top``."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def time_chart(points: Sequence[Point], *, fmt: Callable[[float], str], peak_label: str, band_label: str,
               value_label: str, title: str) -> Markup:
    """GMV over time: a line with its bounds as a shaded band and the peak marked; wide + narrow SVG."""
    wide = _time_svg(points, fmt=fmt, peak_label=peak_label, band_label=band_label, value_label=value_label,
                     title=title, width=760, height=280, max_labels=8, css="chart-wide")
    narrow = _time_svg(points, fmt=fmt, peak_label=peak_label, band_label=band_label, value_label=value_label,
                       title=title, width=380, height=260, max_labels=4, css="chart-narrow")
    return Markup(wide + narrow)


def _time_svg(points: Sequence[Point], *, fmt: Callable[[float], str], peak_label: str, band_label: str,
              value_label: str, title: str, width: int, height: int, max_labels: int, css: str) -> str:
    left, right, top, bottom = (64 if width > 500 else 54), 14, 22, 30
    pw, ph = width - left - right, height - top - bottom
    n = len(points)
    ymax = max([p.upper for p in points] + [p.value for p in points] + [0.0])
    ticks = nice_ticks(ymax)
    ytop = ticks[-1] or 1.0

    def x(i: int) -> float:
        return left + (pw * (i / (n - 1)) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph - ph * max(0.0, v) / ytop

    out = [f'<svg class="chart chart-time {css}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}" data-points="{n}" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{escape(title)}</title>"]
    for tv in ticks:
        yy = y(tv)
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}"/>')
        out.append(f'<text class="ytick" x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{escape(fmt(tv))}</text>')
    if n:
        step = max(1, math.ceil(n / max_labels))
        for i in range(0, n, step):
            xi = x(i)
            anchor = "start" if xi < left + 20 else ("end" if xi > left + pw - 20 else "middle")
            out.append(f'<text class="xtick" x="{xi:.1f}" y="{height - 10}" text-anchor="{anchor}">'
                       f"{escape(points[i].label)}</text>")
        upper = " ".join(f"{x(i):.1f},{y(p.upper):.1f}" for i, p in enumerate(points))
        lower = " ".join(f"{x(i):.1f},{y(p.lower):.1f}" for i, p in reversed(list(enumerate(points))))
        out.append(f'<polygon class="band" points="{upper} {lower}"><title>{escape(band_label)}</title></polygon>')
        line = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
        out.append(f'<path class="line" d="{line}"/>')
        r = 3.2 if n <= 60 else 1.6
        for i, p in enumerate(points):
            out.append(f'<circle class="dot" cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="{r}">'
                       f"<title>{escape(p.tip)}</title></circle>")
        peak = max(range(n), key=lambda i: points[i].value)
        px, py = x(peak), y(points[peak].value)
        anchor = "end" if px > left + pw * 0.7 else ("start" if px < left + pw * 0.3 else "middle")
        out.append(f'<circle class="peak" cx="{px:.1f}" cy="{py:.1f}" r="5.5"/>')
        out.append(f'<text class="peak-label" x="{px:.1f}" y="{max(py - 10, 12):.1f}" text-anchor="{anchor}">'
                   f"{escape(peak_label)}</text>")
    out.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + ph}" y2="{top + ph}"/>')
    out.append(f'<desc>{escape(value_label)}</desc></svg>')
    return "".join(out)
