"""Speed of the individual report's parts: the radar chart (blitted onto a cached background, against
a full matplotlib draw), its PNG, and a whole PDF; optionally the same report through WeasyPrint.

    python bench/radar.py                  # 300 charts and 100 PDFs per questionnaire
    python bench/radar.py --charts 1000 --pdfs 200 --weasyprint 20

Not part of the test suite. Prints the median and the 90th percentile in milliseconds; results and
the machine they were taken on go in bench/README.md. ``--weasyprint`` needs WeasyPrint importable
(it is not a dependency of the platform; see bench/README.md for how it was measured).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from survey import create_app  # noqa: E402
from survey.reports import advice, individual, insights, model, pdf, radar  # noqa: E402

import table  # noqa: E402  (bench/table.py)

LANGUAGE = "kk"


def timed(function, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"{name:<52} median {statistics.median(ordered):7.2f} ms   p90 {p90:7.2f} ms   (n={len(ordered)})"


def full_draw(labels, others, own) -> bytes:
    """The naive way, for comparison: a new figure, everything drawn, saved by matplotlib."""
    n = len(labels)
    angles = [2 * math.pi * i / n for i in range(n)] + [0.0]
    figure = Figure(figsize=(radar.WIDTH_IN, radar.HEIGHT_IN), dpi=radar.DPI)
    axes = figure.add_subplot(projection="polar")
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, radar.SCALE_MAX)
    axes.set_xticks(angles[:-1])
    axes.set_xticklabels(labels, fontsize=9)
    axes.plot(angles, list(others) + [others[0]], "-")
    axes.plot(angles, list(own) + [own[0]], "--")
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def synthetic_report(instrument, rng: random.Random) -> model.Report:
    """A report as model.build makes it, from random figures: no database needed."""
    data = advice.load()
    lines = []
    for number, competency in enumerate(instrument.competencies, 1):
        average = round(rng.uniform(2.5, 4.8), 2)
        own = round(min(5.0, average + rng.uniform(-0.8, 1.4)), 2)
        lines.append(model.Line(number, competency.id, competency.name, average, own, "proper",
                                rng.choice(insights.AGREEMENT_LEVELS), round(average - rng.uniform(-0.5, 0.5), 2)))
    lowest = insights.least_developed([(line.competency_id, line.average) for line in lines])
    by_id = {line.competency_id: line for line in lines}
    overall = round(sum(line.average for line in lines) / len(lines), 2)
    return model.Report(
        campaign_id=1, campaign_name="Bench 2026", closes_on=dt.date(2026, 12, 20), assessment_id=rng.randint(1, 10**6),
        employee_id="E000001", full_name="Айгерім Нұрланқызы Әбілова", position="Бас сарапшы", unit="Қаржы басқармасы",
        language=LANGUAGE, instrument_id=instrument.id, respondents=6, threshold=3, withheld=False, overall=overall,
        self_overall=overall + 0.3, band="proper", lines=tuple(lines),
        blind_spots=tuple(x for x in lines if insights.is_blind_spot(x.self_average, x.average)),
        hidden_strengths=tuple(x for x in lines if insights.is_hidden_strength(x.self_average, x.average)),
        development=tuple(model.Development(by_id[c], data.get((c, instrument.id))) for c in lowest),
        previous=model.Previous("Bench 2025", dt.date(2025, 12, 20), round(overall - 0.1, 2), "proper", False),
        has_self=True, agreement_shown=True, scale=tuple((o.points, o.label) for o in instrument.scale))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--charts", type=int, default=300)
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--weasyprint", type=int, default=0, help="also time N reports through WeasyPrint")
    args = parser.parse_args()
    rng = random.Random(360)
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "bench"})
    with app.app_context():
        for instrument in app.extensions["survey.instruments"].values():
            labels = [c.name(LANGUAGE) for c in instrument.competencies]
            n = len(labels)
            print(f"== {instrument.id}: {n} competencies, labels in {LANGUAGE}")

            def values():
                return [round(rng.uniform(2, 5), 2) for _ in range(n)], [round(rng.uniform(2, 5), 2) for _ in range(n)]

            started = time.perf_counter()
            radar.draw(labels, *values(), others_label="Әріптестер (орташа)", self_label="Өзін-өзі бағалау")
            print(f"{'first chart (draws and caches the background)':<52} {(time.perf_counter() - started) * 1000:7.1f} ms")
            images = []
            print(summary("radar: blit the two lines (cached background)", timed(
                lambda: images.append(radar.draw(labels, *values(), others_label="Әріптестер (орташа)",
                                                 self_label="Өзін-өзі бағалау")), args.charts)))
            print(summary("radar: PNG of it (fixed 64-colour palette)", timed(lambda: radar.png(images.pop()),
                                                                             args.charts)))
            both = timed(lambda: radar.render(labels, *values(), others_label="Әріптестер (орташа)",
                                              self_label="Өзін-өзі бағалау"), args.charts)
            print(summary("radar: both, as a report uses it", both))
            table.row(f"radar chart, {instrument.id} ({n} axes), median", "<= 10 ms",
                      f"{statistics.median(both):.1f} ms", statistics.median(both) <= 10)
            print(summary("radar: full matplotlib draw, for comparison", timed(
                lambda: full_draw(labels, *values()), max(10, args.charts // 10))))
            size = len(radar.render(labels, *values(), others_label="a", self_label="b"))
            print(f"{'radar: PNG size':<52} {size / 1024:7.1f} KB")

            reports = [synthetic_report(instrument, rng) for _ in range(args.pdfs)]
            charts = [individual.chart_png(r, LANGUAGE) for r in reports[:1]]
            pdf.render(reports[0], LANGUAGE, chart=charts[0])  # fonts registered, caches warm
            queue = list(reports)
            pdfs = timed(lambda: pdf.render(queue.pop(), LANGUAGE), args.pdfs)
            print(summary("PDF with reportlab (chart included)", pdfs))
            table.row(f"one PDF report, {instrument.id}, median", "<= 60 ms", f"{statistics.median(pdfs):.1f} ms",
                      statistics.median(pdfs) <= 60)
            print(f"{'PDF size':<52} {len(pdf.render(reports[0], LANGUAGE)) / 1024:7.1f} KB")
            if args.weasyprint:
                try:
                    import weasyprint
                except ImportError:
                    print("WeasyPrint is not importable: skipped")
                    continue
                from flask_babel import force_locale

                def through_weasyprint():
                    report = reports[rng.randrange(len(reports))]
                    with force_locale(LANGUAGE):
                        png = individual.chart_png(report, LANGUAGE)
                        html = individual.render_file(report, LANGUAGE, chart_src=individual.data_uri(png))
                    return weasyprint.HTML(string=html).write_pdf()

                through_weasyprint()
                print(summary(f"PDF with WeasyPrint {weasyprint.__version__} (same HTML page)",
                              timed(through_weasyprint, args.weasyprint)))


if __name__ == "__main__":
    main()
