"""Time and peak memory of turning a large campaign into the results export (issue target: 20,000
assessees, ~3.6 million answers, <= 3 s and < 500 MB, on SQLite and PostgreSQL), and, with
``--close``, of the closing job's work: the totals and the figures kept for the staff pages, then
the compaction (target: 20 s and 500 MB for all of it).

    python bench/aggregate.py --url sqlite:////tmp/bench.sqlite [--close]
Run bench/generate.py first. Peak memory is the process's maximum resident set size, so each
measurement runs in its own process.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from survey.core import instruments as instrument_files  # noqa: E402
from survey.results import export as results  # noqa: E402
from survey.core.config import Defaults  # noqa: E402
from survey.web.common.database import Database  # noqa: E402
from survey.core.models import Campaign  # noqa: E402

import table  # noqa: E402  (bench/table.py)


def measure(url: str) -> dict:
    database = Database(url)
    loaded = instrument_files.load_all(Defaults.INSTRUMENTS_DIR)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with database.transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.name == "Bench"))
        items = results.campaign_results(session, campaign, loaded, threshold=3)
        rows = results.export_rows(items)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"assessees": len(items), "rows": len(rows), "seconds": round(seconds, 2),
            "peak_mb": round(peak / 1024), "baseline_mb": round(before / 1024)}


def measure_close(url: str) -> dict:
    """The closing job's work on the generated (already closed) campaign, taken back to "closing":
    the totals and the figures kept for the staff pages in one transaction, then the compaction."""
    from survey.campaigns import figures

    database = Database(url)
    loaded = instrument_files.load_all(Defaults.INSTRUMENTS_DIR)
    started = time.perf_counter()
    with database.transaction() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.name == "Bench"))
        campaign.status = "closing"
        figures.close(session, campaign, loaded, threshold=3)
    work = time.perf_counter() - started
    database.reorder_responses()
    total = time.perf_counter() - started
    return {"seconds": round(total, 2), "totals_and_figures": round(work, 2), "compaction": round(total - work, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--close", action="store_true", help="time the closing job's work instead")
    args = parser.parse_args()
    engine = args.url.split(":", 1)[0].split("+")[0]
    if args.close:
        figures = measure_close(args.url)
        print(figures)
        table.row(f"closing that campaign: totals, kept figures, compaction ({engine})", "<= 20 s, <= 500 MB",
                  f"{figures['seconds']} s ({figures['totals_and_figures']} s + {figures['compaction']} s), "
                  f"{figures['peak_mb']} MB", figures["seconds"] <= 20 and figures["peak_mb"] <= 500)
    else:
        figures = measure(args.url)
        print(figures)
        table.row(f"results export of {figures['assessees']:,} assessees ({engine})", "<= 3 s, < 500 MB",
                  f"{figures['seconds']} s, {figures['peak_mb']} MB", figures["seconds"] <= 3 and figures["peak_mb"] < 500)
