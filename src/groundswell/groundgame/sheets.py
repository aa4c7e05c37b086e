"""Walk sheets: a printable PDF (WeasyPrint) with the route sketched as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from groundswell.core.turf import project
from groundswell.groundgame.selectors import SHEET_CODES


def walk_sheet_svg(payload: dict, width: int = 520, height: int = 320) -> SafeString | str:
    """The route: a line through the doors in walking order, numbered, start in green."""
    points = [(d["lat"], d["lon"]) for d in payload["doors"] if d["lat"] is not None]
    if len(points) < 2:
        return ""
    xy = project(points)
    xs, ys = xy[:, 0], xy[:, 1]
    span = max(xs.max() - xs.min(), ys.max() - ys.min(), 1.0)
    pad = 16

    def at(i):
        return (
            pad + (xs[i] - xs.min()) / span * (width - 2 * pad),
            height - pad - (ys[i] - ys.min()) / span * (height - 2 * pad),
        )

    coords = [at(i) for i in range(len(points))]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" fill="{}"/>',
        ((f"{x:.1f}", f"{y:.1f}", "#2e8b57" if i == 0 else "#c8102e") for i, (x, y) in enumerate(coords)),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="Route of the walk list"><polyline points="{}" fill="none" stroke="#1f5fa8" '
        'stroke-width="1.5"/>{}</svg>',
        width,
        height,
        width,
        height,
        path,
        dots,
    )


def walk_sheet_pdf(walk_list, payload: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "groundgame/walk_sheet.html",
        {
            "wl": walk_list,
            "payload": payload,
            "codes": SHEET_CODES,
            "route": walk_sheet_svg(payload),
        },
    )
    return HTML(string=html).write_pdf()
