"""Make a large closed campaign for benchmarks: N assessees, each with 5 raters and a self-assessment.

Rows are written in bulk (executemany; COPY on PostgreSQL), not through the respondent pages:
this measures aggregation, not submission.

    python bench/generate.py --url sqlite:////tmp/bench.sqlite --assessees 20000
"""
from __future__ import annotations

import argparse
import json
import datetime as dt
import random
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey.core import instruments as instrument_files  # noqa: E402
from survey.results import scoring  # noqa: E402
from survey.core.config import Defaults  # noqa: E402
from survey.web.common.database import Database  # noqa: E402

RATERS = 5
PEOPLE_COLUMNS = "id, employee_id, full_name, position, unit, role, manager_id, email, language"
# The assessee as the campaign keeps them (``campaigns.snapshot``).
ASSESSMENT_COLUMNS = "id, campaign_id, assessee_id, instrument, full_name, position, unit"


def generate(url: str, assessees: int, *, seed: int = 1) -> dict:
    rng = random.Random(seed)
    database = Database(url)
    database.drop_all()
    database.create_all()
    loaded = instrument_files.load_all(Defaults.INSTRUMENTS_DIR)
    questions = {k: [q.id for q in v.questions] for k, v in loaded.items()}
    people, assessments, responses, totals = [], [], [], []
    answers = 0
    for i in range(1, assessees + 1):
        role = "head" if i % 2 == 0 else "servant"  # half heads (36 questions), half servants (24): ~3.6 M answers
        people.append((i, f"E{i:06d}", f"Person {i}", "Expert", f"Unit {i % 200}", role, None, "", "kk"))
        assessments.append((i, 1, i, role, f"Person {i}", "Expert", f"Unit {i % 200}"))
        level = rng.uniform(2.5, 4.5)
        given = []
        for r in range(RATERS + 1):
            rid = secrets.token_hex(16)
            points = {q: max(1, min(5, round(level + rng.gauss(0, 0.8)))) for q in sorted(questions[role])}
            responses.append((rid, i, r == RATERS, json.dumps(points)))
            answers += len(points)
            given.append(scoring.ScoredResponse(r == RATERS, points))
        totals.extend((i, t.is_self, t.competency_id, t.points, t.answers, t.responses)
                      for t in scoring.totals(given, scoring.competency_of))
    raw = database.engine.raw_connection()
    started = time.perf_counter()
    try:
        cur = raw.cursor()
        mark = "%s" if database.engine.dialect.name == "postgresql" else "?"
        cur.execute(f"INSERT INTO campaigns (id, name, status, closes_on, period) VALUES (1, 'Bench', 'closed', {mark}, {mark})",
                    (dt.date.today(), dt.date.today().year))
        if database.engine.dialect.name == "postgresql":
            for table, columns, rows in (
                ("people", PEOPLE_COLUMNS, people),
                ("assessments", ASSESSMENT_COLUMNS, assessments),
                ("responses", "id, assessment_id, is_self, answers", sorted(responses)),
                ("competency_totals", "assessment_id, is_self, competency_id, points, answers, responses", sorted(totals)),
            ):
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO people ({PEOPLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", people)
            cur.executemany(f"INSERT INTO assessments ({ASSESSMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?)", assessments)
            cur.executemany("INSERT INTO responses (id, assessment_id, is_self, answers) VALUES (?,?,?,?)",
                            sorted(responses))
            cur.executemany("INSERT INTO competency_totals VALUES (?,?,?,?,?,?)", sorted(totals))
        raw.commit()
    finally:
        raw.close()
    with database.engine.connect() as conn:
        if database.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    return {"assessees": assessees, "responses": len(responses), "answers": answers,
            "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--assessees", type=int, default=20000)
    args = parser.parse_args()
    print(generate(args.url, args.assessees))
