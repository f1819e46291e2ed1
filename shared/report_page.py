"""Self-contained HTML report pages: inline CSS and SVG charts, nothing fetched from anywhere.

Drift reports and training jobs are rendered with these pieces. Every chart is an `<svg>`
with `data-chart` naming it, and its marks carry a class (`bar`, `point`, `line`), so a
reader (or a browser test) can tell a drawn chart from an empty one. Figures shown in tables
carry `data-field` with the raw value, so a page can be checked against its JSON.
"""

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.errors import ERROR_RESPONSES

_ERROR_BODY = "#/components/schemas/ErrorBody"
WIDTH, HEIGHT = 560, 220
_MARGIN = {"left": 52, "right": 12, "top": 14, "bottom": 34}
COLOURS = ("#3b6ea8", "#e07b39", "#4c9a5b", "#a0449b")

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2430;
max-width:1200px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
.meta{color:#5a6475}.grid{display:flex;flex-wrap:wrap;gap:18px}.card{border:1px solid #d8dde6;
border-radius:6px;padding:10px 12px;background:#fbfcfe}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d8dde6;padding:3px 8px;
text-align:right}th{background:#eef1f6}td:first-child,th:first-child{text-align:left}
.verdict{display:inline-block;padding:2px 8px;border-radius:10px;font-weight:600;color:#fff}
.bad{background:#b3412f}.good{background:#3c7d4a}.neutral{background:#6b7280}
.legend span{margin-right:14px}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}
svg text{font:11px system-ui,sans-serif;fill:#39414f}
"""


@dataclass(frozen=True)
class Series:
    """One named line of points (x, y); y may be None where there is no value."""

    name: str
    points: Sequence[tuple[float, float | None]]


def esc(value: object) -> str:
    """Text escaped for HTML."""
    return html.escape(str(value), quote=True)


def number(value: float | None, digits: int = 4) -> str:
    """A figure for a table: `-` when missing, scientific notation when tiny."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if value != 0 and abs(value) < 10 ** (-digits):
        return f"{value:.3g}"
    return f"{value:.{digits}f}"


def cell(value: float | None, field: str, digits: int = 4) -> str:
    """A table cell carrying the raw value for checks."""
    raw = "" if value is None else repr(float(value))
    return f'<td data-field="{esc(field)}" data-value="{raw}">{number(value, digits)}</td>'


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table; cells are HTML already (use `cell` or `esc`)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def verdict_badge(text: str, *, bad: bool, good: bool = False) -> str:
    """A coloured label for a verdict or an action."""
    tone = "bad" if bad else "good" if good else "neutral"
    return f'<span class="verdict {tone}">{esc(text)}</span>'


def legend(names: Sequence[str]) -> str:
    """Colour keys for the series of a chart."""
    keys = "".join(
        f'<span><i class="swatch" style="background:{COLOURS[i % len(COLOURS)]}"></i>'
        f"{esc(name)}</span>"
        for i, name in enumerate(names)
    )
    return f'<div class="legend">{keys}</div>'


class _Frame:
    """Maps data coordinates into the plotting area of one chart."""

    def __init__(self, x: tuple[float, float], y: tuple[float, float]) -> None:
        self.x0, self.x1 = x if x[1] > x[0] else (x[0] - 0.5, x[0] + 0.5)
        self.y0, self.y1 = y if y[1] > y[0] else (y[0] - 0.5, y[0] + 0.5)
        self.left, self.top = _MARGIN["left"], _MARGIN["top"]
        self.width = WIDTH - _MARGIN["left"] - _MARGIN["right"]
        self.height = HEIGHT - _MARGIN["top"] - _MARGIN["bottom"]

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * self.width

    def py(self, y: float) -> float:
        return self.top + (1 - (y - self.y0) / (self.y1 - self.y0)) * self.height

    def axes(self, x_labels: Sequence[tuple[float, str]], y_ticks: int = 4) -> str:
        bottom = self.top + self.height
        parts = [
            f'<line x1="{self.left}" y1="{bottom}" x2="{self.left + self.width}" y2="{bottom}" '
            'stroke="#8a93a3"/>',
            f'<line x1="{self.left}" y1="{self.top}" x2="{self.left}" y2="{bottom}" '
            'stroke="#8a93a3"/>',
        ]
        for step in range(y_ticks + 1 if y_ticks else 0):
            value = self.y0 + (self.y1 - self.y0) * step / y_ticks
            y = self.py(value)
            parts.append(
                f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:.3g}</text>'
                f'<line x1="{self.left}" y1="{y:.1f}" x2="{self.left + self.width}" y2="{y:.1f}" '
                'stroke="#eceff4"/>'
            )
        for x, label in x_labels:
            parts.append(
                f'<text x="{self.px(x):.1f}" y="{bottom + 16}" text-anchor="middle">'
                f"{esc(label)}</text>"
            )
        return "".join(parts)


def _svg(name: str, body: str, title: str) -> str:
    return (
        f'<svg data-chart="{esc(name)}" role="img" aria-label="{esc(title)}" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{esc(title)}</title>{body}</svg>"
    )


def overlaid_histogram(
    name: str, *, edges: Sequence[float], shares: dict[str, Sequence[float]], title: str
) -> str:
    """Distributions over the same bins, drawn over each other (translucent bars)."""
    top = max((max(values) for values in shares.values() if len(values)), default=1.0)
    frame = _Frame((edges[0], edges[-1]), (0.0, top * 1.1 or 1.0))
    ticks = [(edges[i], f"{edges[i]:.3g}") for i in range(0, len(edges), max(len(edges) // 5, 1))]
    bars = []
    for index, (series, values) in enumerate(shares.items()):
        colour = COLOURS[index % len(COLOURS)]
        for low, high, share in zip(edges[:-1], edges[1:], values, strict=True):
            y = frame.py(share)
            bars.append(
                f'<rect class="bar {esc(series)}" data-share="{share:.6g}" x="{frame.px(low):.1f}" '
                f'y="{y:.1f}" width="{max(frame.px(high) - frame.px(low) - 0.5, 0.5):.1f}" '
                f'height="{frame.py(0) - y:.1f}" fill="{colour}" fill-opacity="0.45"/>'
            )
    return _svg(name, frame.axes(ticks) + "".join(bars), title) + legend(list(shares))


def line_chart(
    name: str,
    *,
    series: Sequence[Series],
    x_labels: Sequence[tuple[float, str]],
    title: str,
    reference_line: tuple[float, str] | None = None,
) -> str:
    """Lines with a dot per point; an optional horizontal line (a floor or a threshold)."""
    xs = [x for line in series for x, _ in line.points]
    ys = [y for line in series for _, y in line.points if y is not None]
    if reference_line:
        ys.append(reference_line[0])
    low, high = (min(ys), max(ys)) if ys else (0.0, 1.0)
    pad = (high - low) * 0.1 or 0.05
    frame = _Frame((min(xs, default=0.0), max(xs, default=1.0)), (low - pad, high + pad))
    parts = [frame.axes(x_labels)]
    if reference_line:
        y = frame.py(reference_line[0])
        parts.append(
            f'<line class="threshold" x1="{frame.left}" y1="{y:.1f}" '
            f'x2="{frame.left + frame.width}" y2="{y:.1f}" '
            'stroke="#b3412f" stroke-dasharray="5 4"/>'
            f'<text x="{frame.left + frame.width - 4}" y="{y - 4:.1f}" text-anchor="end">'
            f"{esc(reference_line[1])}</text>"
        )
    for index, line in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        drawn = [(frame.px(x), frame.py(y)) for x, y in line.points if y is not None]
        if len(drawn) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in drawn)
            parts.append(
                f'<polyline class="line {esc(line.name)}" points="{path}" fill="none" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        for (x, y), (_, value) in zip(
            drawn, [p for p in line.points if p[1] is not None], strict=True
        ):
            parts.append(
                f'<circle class="point {esc(line.name)}" data-value="{value}" cx="{x:.1f}" '
                f'cy="{y:.1f}" r="3.5" fill="{colour}"/>'
            )
    return _svg(name, "".join(parts), title) + legend([line.name for line in series])


def bar_chart(
    name: str,
    *,
    groups: Sequence[str],
    series: dict[str, Sequence[float | None]],
    title: str,
    errors: dict[str, Sequence[float]] | None = None,
    y_range: tuple[float, float] | None = None,
) -> str:
    """Grouped vertical bars, one group per category, optional ± error whiskers."""
    values = [v for column in series.values() for v in column if v is not None]
    low, high = y_range or (min(0.0, *values) if values else 0.0, max(values, default=1.0) * 1.1)
    frame = _Frame((0.0, float(len(groups))), (low, high))
    slot = frame.width / max(len(groups), 1)
    width = slot * 0.8 / max(len(series), 1)
    parts = [frame.axes([(i + 0.5, group) for i, group in enumerate(groups)])]
    for index, (label, column) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        for position, value in enumerate(column):
            if value is None:
                continue
            x = frame.left + slot * position + slot * 0.1 + width * index
            y = frame.py(value)
            parts.append(
                f'<rect class="bar {esc(label)}" data-value="{value}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{width:.1f}" height="{max(frame.py(low) - y, 0.5):.1f}" fill="{colour}"/>'
            )
            spread = (errors or {}).get(label)
            if spread is not None:
                centre = x + width / 2
                parts.append(
                    f'<line class="error" x1="{centre:.1f}" x2="{centre:.1f}" '
                    f'y1="{frame.py(value - spread[position]):.1f}" '
                    f'y2="{frame.py(value + spread[position]):.1f}" stroke="#1d2430"/>'
                )
    return _svg(name, "".join(parts), title) + legend(list(series))


def interval_chart(
    name: str, *, estimate: float, lower: float, upper: float, margin: float, title: str
) -> str:
    """An interval with its point estimate, against zero and the margin it must clear."""
    span = [lower, upper, estimate, 0.0, margin]
    pad = (max(span) - min(span)) * 0.15 or 0.01
    frame = _Frame((min(span) - pad, max(span) + pad), (0.0, 1.0))
    mid = frame.py(0.5)
    ticks = [(v, f"{v:+.4f}") for v in (min(span) - pad * 0.5, 0.0, max(span) + pad * 0.5)]
    parts = [frame.axes(ticks, y_ticks=0)]
    marks = [(0.0, "no change", "#8a93a3"), (margin, "minimum", "#b3412f")]
    if margin == 0:
        marks = [(0.0, "no change = minimum", "#b3412f")]
    for value, label, colour in marks:
        x = frame.px(value)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{frame.top}" y2="{frame.py(0):.1f}" '
            f'stroke="{colour}" stroke-dasharray="4 3"/>'
            f'<text x="{x + 3:.1f}" y="{frame.top + 10}">{label}</text>'
        )
    parts.append(
        f'<line class="line interval" x1="{frame.px(lower):.1f}" x2="{frame.px(upper):.1f}" '
        f'y1="{mid:.1f}" y2="{mid:.1f}" stroke="{COLOURS[0]}" stroke-width="5"/>'
        f'<circle class="point estimate" data-value="{estimate}" cx="{frame.px(estimate):.1f}" '
        f'cy="{mid:.1f}" r="6" fill="{COLOURS[1]}"/>'
    )
    return _svg(name, "".join(parts), title)


def reliability_chart(name: str, *, table_rows: Sequence[dict[str, object]], title: str) -> str:
    """Observed rate against mean predicted probability per bin, with the diagonal."""
    frame = _Frame((0.0, 1.0), (0.0, 1.0))
    ticks = [(v / 5, f"{v / 5:.1f}") for v in range(6)]
    parts = [
        frame.axes(ticks),
        f'<line class="diagonal" x1="{frame.px(0)}" y1="{frame.py(0)}" x2="{frame.px(1)}" '
        f'y2="{frame.py(1)}" stroke="#8a93a3" stroke-dasharray="4 3"/>',
    ]
    filled = [r for r in table_rows if r.get("count")]
    path = " ".join(
        f"{frame.px(float(r['mean_predicted'])):.1f},{frame.py(float(r['observed_rate'])):.1f}"  # type: ignore[arg-type]
        for r in filled
    )
    if len(filled) > 1:
        parts.append(
            f'<polyline class="line reliability" points="{path}" fill="none" '
            f'stroke="{COLOURS[0]}" stroke-width="2"/>'
        )
    for row in filled:
        x, y = float(row["mean_predicted"]), float(row["observed_rate"])  # type: ignore[arg-type]
        parts.append(
            f'<circle class="point reliability" data-count="{row["count"]}" data-value="{y}" '
            f'cx="{frame.px(x):.1f}" cy="{frame.py(y):.1f}" r="4" fill="{COLOURS[0]}"/>'
        )
    return _svg(name, "".join(parts), title)


def page(*, title: str, subtitle: str, sections: Sequence[str]) -> str:
    """The whole document: one file, no scripts, no external references."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{esc(title)}</h1><div class="meta">{subtitle}</div>'
        + "".join(sections)
        + "</body></html>"
    )


def html_response_doc(what: str, *error_codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route answering with one of these pages, and its errors.

    Errors keep the JSON error body: they are declared with explicit JSON content, since a
    `model` entry would take the route's HTML media type.
    """
    errors: dict[int | str, dict[str, Any]] = {
        code: {
            "description": ERROR_RESPONSES[code]["description"],
            "content": {"application/json": {"schema": {"$ref": _ERROR_BODY}}},
        }
        for code in error_codes
    }
    return errors | {
        200: {
            "description": f"{what}: one self-contained HTML page (inline CSS and SVG, no scripts)",
            "content": {
                "text/html": {
                    "schema": {"type": "string"},
                    "example": '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                    f"<title>{esc(what)}</title></head><body><svg data-chart=…></svg>"
                    "</body></html>",
                }
            },
        }
    }
