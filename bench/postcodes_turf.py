"""Postcodes, nearest marginal, walk sheets and turf cutting on the demo database.

Run against a database where `groundswell demo` has loaded (all of GB's postcodes):
    DATABASE_URL=sqlite:///var/demo.sqlite3 .venv/bin/python bench/postcodes_turf.py
Import time and peak RSS of Code-Point Open are measured with /usr/bin/time -v around
`groundswell import-postcodes` (see RESULTS.md).
"""

import os
import random
import statistics
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
django.setup()

from groundswell.groundgame import selectors, services  # noqa: E402
from groundswell.groundgame.models import Constituency, Postcode, WalkList  # noqa: E402
from groundswell.groundgame.sheets import walk_sheet_pdf  # noqa: E402


def main() -> None:
    rng = random.Random(1)
    n = Postcode.objects.count()
    codes = [Postcode.objects.values_list("postcode", flat=True)[rng.randrange(n)] for _ in range(300)]
    election = selectors.election_for()
    selectors.nearest_marginals(latitude=52.9, longitude=-1.5, election=election)
    times = []
    for code in codes:
        t = time.perf_counter()
        place = selectors.postcode_location(code)
        selectors.nearest_marginals(
            latitude=place.latitude, longitude=place.longitude, election=election, nation=place.country
        )
        times.append(time.perf_counter() - t)
    times.sort()
    print(
        f"nearest from a real postcode ({n:,} loaded): p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p99 {times[int(len(times) * 0.99) - 1] * 1000:.1f} ms"
    )
    lists = list(WalkList.objects.filter(constituency__ons_code="E14000662").order_by("-doors")[:10])
    typical = list(WalkList.objects.filter(constituency__ons_code="E14000662", doors__range=(55, 65))[:10])
    # baseline: the sheet as main had it (one table row per person, ten tick-box cells a row)
    from django.template import engines
    from weasyprint import HTML

    from groundswell.groundgame.sheets import walk_sheet_svg

    old = engines["django"].from_string((Path(__file__).parent / "baseline_walk_sheet.html").read_text())
    walk_sheet_pdf(typical[0], selectors.walk_list_payload(typical[0]))  # warm fonts
    ours, base = [], []
    for wl in typical:
        payload = selectors.walk_list_payload(wl)
        c = time.process_time()
        walk_sheet_pdf(wl, payload)
        ours.append(time.process_time() - c)
        c = time.process_time()
        html = old.render(
            {"wl": wl, "payload": payload, "codes": selectors.SHEET_CODES, "route": walk_sheet_svg(payload)}
        )
        HTML(string=html).write_pdf()
        base.append(time.process_time() - c)
    print(
        f"60-door sheets, CPU: ours median {statistics.median(ours):.2f} s (max {max(ours):.2f}); "
        f"main's template median {statistics.median(base):.2f} s (max {max(base):.2f})"
    )
    sheet, cpu = [], []
    for wl in lists:
        t, c = time.perf_counter(), time.process_time()
        walk_sheet_pdf(wl, selectors.walk_list_payload(wl))
        sheet.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(
        f"walk sheet PDF ({lists[0].doors} doors max): "
        f"median {statistics.median(sheet):.2f} s, max {max(sheet):.2f} s wall; "
        f"CPU median {statistics.median(cpu):.2f} s, max {max(cpu):.2f} s"
    )
    derby = Constituency.objects.get(ons_code="E14000662")
    t = time.perf_counter()
    result = services.turfs_cut(constituency=derby, doors=60)
    print(f"turfs_cut Derby North demo register: {time.perf_counter() - t:.2f} s, {result}")


if __name__ == "__main__":
    main()
