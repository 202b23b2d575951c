"""Charts drawn on the server as SVG: no script, no CDN, prints like the rest of the page."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from bot.admin.messages import message

PRIMARY = "#1f5f8b"
MUTED = "#c9d6e3"
WARN = "#c0392b"
TEXT = "#222"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    highlight: int = 0  # the part of `value` drawn in the warning colour (e.g. not understood)


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body) + "</svg>")


def bar_chart(bars: list[Bar], title: str, highlight_label: str = "", width: int = 720,
              height: int = 220) -> Markup:
    """Vertical bars (e.g. messages per day); a highlighted part is stacked at the bottom of each bar."""
    left, right, top, bottom = 44, 8, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((b.value for b in bars), default=0) or 1
    body = []
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{TEXT}">'
                    f'{_number(peak * fraction)}</text>')
    if bars:
        slot = plot_w / len(bars)
        bar_w = max(1.0, slot * 0.75)
        label_every = max(1, round(len(bars) / 10))
        for i, bar in enumerate(bars):
            x = left + i * slot + (slot - bar_w) / 2
            full = plot_h * bar.value / peak
            part = plot_h * min(bar.highlight, bar.value) / peak
            tip = f"{bar.label}: {_number(bar.value)}"
            if highlight_label:
                tip += f" ({highlight_label}: {_number(bar.highlight)})"
            body.append(f'<g><title>{escape(tip)}</title>'
                        f'<rect x="{x:.1f}" y="{top + plot_h - full:.1f}" width="{bar_w:.1f}" '
                        f'height="{full:.1f}" fill="{PRIMARY}"/>')
            if part > 0:
                body.append(f'<rect x="{x:.1f}" y="{top + plot_h - part:.1f}" width="{bar_w:.1f}" '
                            f'height="{part:.1f}" fill="{WARN}"/>')
            body.append("</g>")
            if i % label_every == 0 or i == len(bars) - 1:
                body.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                            f'font-size="11" fill="{TEXT}">{escape(bar.label)}</text>')
    else:
        body.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" font-size="13" '
                    f'fill="{TEXT}">{escape(message("charts.no_data"))}</text>')
    return _svg(width, height, title, body, "bar-chart")


def funnel_chart(steps: list[tuple[str, int]], title: str, width: int = 720) -> Markup:
    """Horizontal bars, one per step, with how many reached it and the drop from the step before."""
    row_h, label_w, right = 34, 200, 170
    height = max(1, len(steps)) * row_h + 12
    plot_w = width - label_w - right
    first = steps[0][1] if steps else 0
    body = []
    previous = None
    for i, (label, count) in enumerate(steps):
        y = 6 + i * row_h
        bar = plot_w * count / first if first else 0
        share = f"{100 * count / first:.0f}%" if first else "–"
        drop = ""
        if previous:
            lost = previous - count
            share_lost = f"{100 * lost / previous:.0f}"
            drop = f" · {message('charts.dropped', lost=_number(lost), share=share_lost)}" if lost > 0 else ""
        body.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" font-size="12" fill="{TEXT}">'
                    f'{escape(label)}</text>')
        body.append(f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="{row_h - 10}" fill="{MUTED}"/>')
        body.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 10}" fill="{PRIMARY}"/>')
        body.append(f'<text x="{label_w + plot_w + 6}" y="{y + 14}" font-size="12" fill="{TEXT}">'
                    f'{_number(count)} · {share}</text>')
        if drop:
            body.append(f'<text x="{label_w + plot_w + 6}" y="{y + 28}" font-size="10" fill="{WARN}">'
                        f'{escape(drop.lstrip(" ·"))}</text>')
        previous = count
    if not steps:
        body.append(f'<text x="{width / 2}" y="10" text-anchor="middle" font-size="13">'
                    f'{escape(message("charts.no_data"))}</text>')
    return _svg(width, height + 8, title, body, "funnel-chart")
