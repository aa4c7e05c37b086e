"""Server-rendered SVG charts: no JavaScript, readable by screen readers, printable."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

PALETTE = ("#c8102e", "#1f5fa8", "#f2a900", "#2e8b57", "#6a3d9a", "#ff7f00", "#666666")


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 640,
    bar_height: int = 22,
    value_format: str = "{:,.0f}",
) -> SafeString:
    """A horizontal bar chart with labels and values, scaled to the largest value."""
    label_w = int(width * 0.32)
    value_w = 70
    gap = 6
    top = 28
    height = top + len(items) * (bar_height + gap) + 4
    biggest = max((v for _, v in items), default=0) or 1
    span = width - label_w - value_w
    bars = []
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + gap)
        w = max(1.0, span * value / biggest) if value else 0
        bars.append(
            (
                y + bar_height * 0.7,
                label_w - 8,
                label,
                label_w,
                y,
                f"{w:.1f}",
                bar_height,
                PALETTE[i % len(PALETTE)],
                label,
                value_format.format(value),
                label_w + w + 6,
                y + bar_height * 0.7,
                value_format.format(value),
            )
        )
    body = format_html_join(
        "",
        '<text x="{1}" y="{0}" text-anchor="end" class="chart-label">{2}</text>'
        '<rect x="{3}" y="{4}" width="{5}" height="{6}" fill="{7}"><title>{8}: {9}</title></rect>'
        '<text x="{10}" y="{11}" class="chart-value">{12}</text>',
        bars,
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg"><text x="0" y="18" class="chart-title">{}</text>{}</svg>',
        title,
        width,
        height,
        title,
        body,
    )
