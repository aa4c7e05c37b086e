"""Walk sheets: a printable PDF (WeasyPrint) with the route sketched as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from groundswell.core.geo import codepoint
from groundswell.core.turf import project
from groundswell.groundgame.selectors import SHEET_CODES


def _stops(payload: dict) -> list[dict]:
    """Doors at one point (a block of flats, a house of several households) are one stop."""
    stops: list[dict] = []
    for i, d in enumerate(payload["doors"], 1):
        if d["lat"] is None:
            continue
        if stops and (stops[-1]["lat"], stops[-1]["lon"]) == (d["lat"], d["lon"]):
            stops[-1]["last"] = i
            continue
        stops.append({"lat": d["lat"], "lon": d["lon"], "first": i, "last": i, "street": d.get("street", "")})
    return stops


def walk_sheet_svg(payload: dict, width: int = 680, height: int = 400) -> SafeString | str:
    """The route as a sketch: a line through the stops in walking order, each stop numbered
    as on the sheet (start in green, finish in red), each street named once where the walk
    enters it, and a scale bar."""
    stops = _stops(payload)
    if len(stops) < 2:
        return ""
    xy = project([(s["lat"], s["lon"]) for s in stops])
    xs, ys = xy[:, 0], xy[:, 1]
    span = max(xs.max() - xs.min(), ys.max() - ys.min(), 1.0)
    pad = 28

    def at(i):
        return (
            pad + (xs[i] - xs.min()) / span * (width - 2 * pad),
            height - pad - (ys[i] - ys.min()) / span * (height - 2 * pad),
        )

    coords = [at(i) for i in range(len(stops))]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    # label every stop when there is room, else every few, always the first and last
    every = max(1, len(stops) // 30)
    marks = []
    named: set[str] = set()
    for k, ((x, y), s) in enumerate(zip(coords, stops, strict=True)):
        colour = "#2e8b57" if k == 0 else "#c8102e" if k == len(stops) - 1 else "#1f5fa8"
        marks.append(
            format_html('<circle cx="{}" cy="{}" r="3.2" fill="{}"/>', f"{x:.1f}", f"{y:.1f}", colour)
        )
        if k % every == 0 or k == len(stops) - 1:
            label = str(s["first"]) if s["first"] == s["last"] else f"{s['first']}-{s['last']}"
            marks.append(
                format_html(
                    '<text x="{}" y="{}" font-size="9" font-weight="bold" fill="#111">{}</text>',
                    f"{x + 4:.1f}",
                    f"{y - 3:.1f}",
                    label,
                )
            )
        street = s["street"]
        if street and street not in named:
            named.add(street)
            marks.append(
                format_html(
                    '<text x="{}" y="{}" font-size="8" font-style="italic" fill="#555">{}</text>',
                    f"{x + 4:.1f}",
                    f"{y + 10:.1f}",
                    street,
                )
            )
    metres = 100 if span < 600 else 250 if span < 1500 else 500
    bar = metres / span * (width - 2 * pad)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="Route of the walk list, stops numbered in walking order">'
        '<rect x="0" y="0" width="{w}" height="{h}" fill="#fafafa" stroke="#999" stroke-width="0.5"/>'
        '<polyline points="{path}" fill="none" stroke="#1f5fa8" stroke-width="1.4" stroke-opacity="0.7"/>'
        "{marks}"
        '<line x1="{x0}" y1="{yb}" x2="{x1}" y2="{yb}" stroke="#111" stroke-width="2"/>'
        '<text x="{x0}" y="{yt}" font-size="8">{metres} m</text>'
        '<text x="{w2}" y="12" font-size="8" fill="#555">N ↑ · green: start · red: finish</text></svg>',
        w=width,
        h=height,
        path=path,
        marks=format_html_join("", "{}", ((m,) for m in marks)),
        x0=f"{pad:.1f}",
        x1=f"{pad + bar:.1f}",
        yb=f"{height - 8:.1f}",
        yt=f"{height - 11:.1f}",
        metres=metres,
        w2=width - 150,
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
            "postcode_attribution": codepoint.ATTRIBUTION,
        },
    )
    return HTML(string=html).write_pdf()
