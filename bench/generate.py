"""Make a large closed campaign for benchmarks: N assessees, each with 5 raters and a self-assessment.

Rows are written in bulk (executemany; COPY on PostgreSQL), not through the respondent pages:
this measures aggregation, not submission.

    python bench/generate.py --url sqlite:////tmp/bench.sqlite --assessees 20000

With ``--invitations`` the body is what the staff pages see during a round (bench/staff.py): the
closed campaign keeps its raters and its invitations (all done), and a second, open campaign
(id 2) asks the same five raters and the self-assessment about every assessee, with ``--done`` of
the invitations answered (their responses stored) and, given the server's ``--secret``, a saved
draft on a tenth of the others.

With ``--earlier`` the same body was assessed a year before, in a closed campaign of the same size
(id 3, assessments 2N+1..3N, its answers, totals and kept figures): the year-over-year comparison
of id 3 with id 1 then runs on two full campaigns. Without it the output is as it always was.
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

from survey.campaigns import drafts  # noqa: E402
from survey.core import instruments as instrument_files  # noqa: E402
from survey.core.collation import sort_key  # noqa: E402
from survey.results import scoring  # noqa: E402
from survey.core.config import Defaults  # noqa: E402
from survey.web.common.database import Database  # noqa: E402

RATERS = 5
# The sort keys beside each name and unit, as the ORM would set them (``alphabetical.SortedByName``).
PEOPLE_COLUMNS = "id, employee_id, full_name, position, unit, role, manager_id, email, language, name_key, unit_key"
# The assessee as the campaign keeps them (``campaigns.snapshot``).
ASSESSMENT_COLUMNS = "id, campaign_id, assessee_id, instrument, full_name, position, unit, name_key, unit_key"
RATER_COLUMNS = "id, assessment_id, rater_id, relation"
INVITATION_COLUMNS = "id, key, assessment_id, rater_id, relation, done, draft"
OPEN_CAMPAIGN = 2
EARLIER_CAMPAIGN = 3  # with ``earlier``: the same body a year before, closed


def _raters(i: int, assessees: int, role: str) -> list[tuple[int, str]]:
    """Five colleagues of assessee ``i`` (the next five on the roster) with a relation each."""
    relations = ("manager", "subordinate", "subordinate", "peer", "peer") if role == "head" else \
        ("manager", "peer", "peer", "peer", "peer")
    return [((i + k - 1) % assessees + 1, relations[k - 1]) for k in range(1, RATERS + 1)]


def _round(rng: random.Random, assessees: int, questions: dict, *, done: float, secret: str | None):
    """Raters, invitations and responses of both campaigns: the closed one (assessments 1..N, every
    invitation done) and the open one (assessments N+1..2N, ``done`` of them answered)."""
    raters, invitations, responses = [], [], []
    for i in range(1, assessees + 1):
        role = "head" if i % 2 == 0 else "servant"
        chosen = _raters(i, assessees, role) + [(i, "self")]
        for campaign, assessment in ((1, i), (OPEN_CAMPAIGN, assessees + i)):
            level = rng.uniform(2.5, 4.5)
            for rater, relation in chosen:
                if relation != "self":
                    raters.append((len(raters) + 1, assessment, rater, relation))
                key = secrets.token_hex(16)
                answered = campaign == 1 or rng.random() < done
                draft = None
                if not answered and secret and rng.random() < 0.1:
                    partial = {q: rng.randint(1, 5) for q in sorted(questions[role])[:len(questions[role]) // 2]}
                    draft = drafts.seal(secret, key, partial)
                invitations.append((len(invitations) + 1, key, assessment, rater, relation, answered, draft))
                if answered and campaign == OPEN_CAMPAIGN:
                    points = {q: max(1, min(5, round(level + rng.gauss(0, 0.8)))) for q in sorted(questions[role])}
                    responses.append((secrets.token_hex(16), assessment, relation == "self", json.dumps(points)))
    return raters, invitations, responses


def _closed_answers(rng: random.Random, assessees: int, questions: dict, offset: int, responses: list,
                    totals: list) -> int:
    """Every answer of a closed campaign whose assessments are ``offset`` + 1..N, as closing leaves
    them: five raters' and the self-assessment's responses and their totals; how many answers."""
    answers = 0
    for i in range(1, assessees + 1):
        role = "head" if i % 2 == 0 else "servant"
        level = rng.uniform(2.5, 4.5)
        given = []
        for r in range(RATERS + 1):
            rid = secrets.token_hex(16)
            points = {q: max(1, min(5, round(level + rng.gauss(0, 0.8)))) for q in sorted(questions[role])}
            responses.append((rid, offset + i, r == RATERS, json.dumps(points)))
            answers += len(points)
            given.append(scoring.ScoredResponse(r == RATERS, points))
        totals.extend((offset + i, t.is_self, t.competency_id, t.points, t.answers, t.responses)
                      for t in scoring.totals(given, scoring.competency_of))
    return answers


def generate(url: str, assessees: int, *, seed: int = 1, invitations: bool = False, done: float = 0.6,
             secret: str | None = None, earlier: bool = False) -> dict:
    rng = random.Random(seed)
    database = Database(url)
    database.drop_all()
    database.create_all()
    loaded = instrument_files.load_all(Defaults.INSTRUMENTS_DIR)
    questions = {k: [q.id for q in v.questions] for k, v in loaded.items()}
    people, assessments, responses, totals = [], [], [], []
    for i in range(1, assessees + 1):
        role = "head" if i % 2 == 0 else "servant"  # half heads (36 questions), half servants (24): ~3.6 M answers
        name, unit = f"Person {i}", f"Unit {i % 200}"
        keys = (sort_key(name), sort_key(unit))
        people.append((i, f"E{i:06d}", name, "Expert", unit, role, None, "", "kk", *keys))
        assessments.append((i, 1, i, role, name, "Expert", unit, *keys))
    answers = _closed_answers(rng, assessees, questions, 0, responses, totals)
    round_rows = ([], [], [])
    if invitations:
        round_rows = _round(rng, assessees, questions, done=done, secret=secret)
        assessments.extend((assessees + i, OPEN_CAMPAIGN, *rest) for i, _campaign, *rest in assessments[:assessees])
        responses.extend(round_rows[2])
    earlier_answers = 0
    if earlier:  # after everything else: the rows above come from the same random numbers as without
        assessments.extend((2 * assessees + i, EARLIER_CAMPAIGN, *rest) for i, _campaign, *rest in assessments[:assessees])
        earlier_answers = _closed_answers(rng, assessees, questions, 2 * assessees, responses, totals)
    raters, invited, _ = round_rows
    raw = database.engine.raw_connection()
    started = time.perf_counter()
    try:
        cur = raw.cursor()
        mark = "%s" if database.engine.dialect.name == "postgresql" else "?"
        cur.execute(f"INSERT INTO campaigns (id, name, status, closes_on, period) VALUES (1, 'Bench', 'closed', {mark}, {mark})",
                    (dt.date.today(), dt.date.today().year))
        if invitations:
            cur.execute(f"INSERT INTO campaigns (id, name, status, closes_on, period) VALUES ({OPEN_CAMPAIGN}, 'Bench open', "
                        f"'open', {mark}, {mark})", (dt.date.today() + dt.timedelta(days=30), dt.date.today().year + 1))
        if earlier:
            cur.execute(f"INSERT INTO campaigns (id, name, status, closes_on, period) VALUES ({EARLIER_CAMPAIGN}, "
                        f"'Bench earlier', 'closed', {mark}, {mark})",
                        (dt.date.today() - dt.timedelta(days=365), dt.date.today().year - 1))
        if database.engine.dialect.name == "postgresql":
            for table, columns, rows in (
                ("people", PEOPLE_COLUMNS, people),
                ("assessments", ASSESSMENT_COLUMNS, assessments),
                ("responses", "id, assessment_id, is_self, answers", sorted(responses)),
                ("competency_totals", "assessment_id, is_self, competency_id, points, answers, responses", sorted(totals)),
                ("raters", RATER_COLUMNS, raters),
                ("invitations", INVITATION_COLUMNS, invited),
            ):
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO people ({PEOPLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", people)
            cur.executemany(f"INSERT INTO assessments ({ASSESSMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", assessments)
            cur.executemany("INSERT INTO responses (id, assessment_id, is_self, answers) VALUES (?,?,?,?)",
                            sorted(responses))
            cur.executemany("INSERT INTO competency_totals VALUES (?,?,?,?,?,?)", sorted(totals))
            cur.executemany(f"INSERT INTO raters ({RATER_COLUMNS}) VALUES (?,?,?,?)", raters)
            cur.executemany(f"INSERT INTO invitations ({INVITATION_COLUMNS}) VALUES (?,?,?,?,?,?,?)", invited)
        raw.commit()
    finally:
        raw.close()
    with database.engine.connect() as conn:
        if database.engine.dialect.name == "postgresql":
            if invitations or earlier:  # the ids were given, so the sequences still stand at 1
                for table in ("campaigns", "assessments", "raters", "invitations", "people"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
                conn.commit()
            conn.exec_driver_sql("ANALYZE")
    result = {"assessees": assessees, "responses": len(responses), "answers": answers,
              "seconds": time.perf_counter() - started}
    result["figures_seconds"] = keep_figures(database, loaded)
    if earlier:
        result.update(earlier_answers=earlier_answers,
                      earlier_figures_seconds=keep_figures(database, loaded, EARLIER_CAMPAIGN))
    database.engine.dispose()
    if invitations:
        result.update(invitations=len(invited), open_done=sum(1 for row in invited if row[2] > assessees and row[5]),
                      drafts=sum(1 for row in invited if row[6]))
    return result


def keep_figures(database: Database, instruments, campaign_id: int = 1) -> float:
    """A closed campaign's quality and training figures, as closing keeps them (the rows above
    were written as closing leaves them, without running it): the staff pages are then timed as
    they are every day, not on the first view that computes figures a campaign never kept."""
    from survey.campaigns import figures
    from survey.core.models import Campaign

    started = time.perf_counter()
    with database.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        figures.campaign_quality(session, campaign, instruments, threshold=Defaults.ANONYMITY_THRESHOLD)
        figures.training_figures(session, campaign, instruments, threshold=Defaults.ANONYMITY_THRESHOLD)
    return time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--assessees", type=int, default=20000)
    parser.add_argument("--invitations", action="store_true",
                        help="raters and invitations for the closed campaign, and an open campaign (id 2) in progress")
    parser.add_argument("--done", type=float, default=0.6, help="share of the open campaign's invitations answered")
    parser.add_argument("--secret", help="the server's SURVEY_SECRET_KEY: saved drafts on some open invitations")
    parser.add_argument("--earlier", action="store_true",
                        help=f"the same body assessed a year before: a closed campaign (id {EARLIER_CAMPAIGN}) to compare with")
    args = parser.parse_args()
    print(generate(args.url, args.assessees, invitations=args.invitations, done=args.done, secret=args.secret,
                   earlier=args.earlier))
