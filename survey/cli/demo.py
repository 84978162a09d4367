"""A demo body that shows the whole loop: roster, raters, an open campaign, answers, reports.

Answers are made plausible rather than uniform: each assessee has a true level per competency,
each rater a mild leniency, and self-assessments run a little high, as they do in real 360s.
Two assessees get too few answers, so the demo also shows a withheld report.
"""
from __future__ import annotations

import datetime as dt
import random
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from survey.staff import accounts
from survey.campaigns import figures, lifecycle as campaigns, raters, respond, roster, tokens
from survey.web.common import database as db
from survey.core.models import Assessment, Invitation, Person
from survey.campaigns.people import apply_rows
from survey.operations import prepared
from survey.operations import every_job  # noqa: F401 - every kind of prepared file, for the sweep
from survey.reports import individual
from survey.core.tables import Row

CLOSED = "Demo 2025"  # answered and closed: results and reports
OPEN = "Demo 2026"  # still answering: the printed links work

_KK = ["Айгерим Нурланова", "Ержан Серикбаев", "Динара Ахметова", "Нурлан Жумабеков", "Гульнар Касымова",
       "Асхат Толеуов", "Сауле Бекенова", "Данияр Оспанов", "Жанар Мусина", "Бауыржан Ибраев",
       "Алия Сарсенова", "Марат Кенжебаев", "Айнур Абдрахманова", "Ерлан Тулегенов", "Меруерт Жакупова",
       "Канат Исмаилов", "Ботагоз Смагулова", "Талгат Нургалиев", "Асель Калиева", "Руслан Байжанов"]
_RU = ["Елена Петрова", "Андрей Ким", "Ольга Соколова", "Дмитрий Иванов", "Наталья Цой", "Сергей Павлов",
       "Ирина Волкова", "Виктор Ли", "Татьяна Морозова", "Алексей Федоров", "Марина Новикова",
       "Павел Ткаченко", "Юлия Смирнова", "Игорь Васильев", "Анна Кузнецова", "Максим Белов",
       "Светлана Попова", "Роман Гончаренко", "Евгения Шевченко"]
_UNITS = [("Кадр қызметі", 8), ("Қаржы басқармасы", 8), ("Құқықтық қамтамасыз ету бөлімі", 9),
          ("Цифрландыру бөлімі", 9)]


@dataclass
class DemoSummary:
    people: int
    invitations: int
    done: int
    reports: Path
    results: Path
    open_links: list[tuple[str, str, str]] = field(default_factory=list)  # rater, about, token
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # e-mail, role, password

    def describe(self, base_url: str) -> str:
        lines = [
            f"Demo body: {self.people} people.",
            f"Campaign '{CLOSED}' is closed. Individual reports: {self.reports / 'index.html'}",
            f"  Results export: {self.results}",
            f"Campaign '{OPEN}' is open. Invitations answered: {self.done} of {self.invitations}.",
            "A few questionnaires still open (each link is personal):",
        ]
        lines += [f"  {rater}, {'self-assessment' if rater == about else 'about ' + about}: {base_url}/r/{token}"
                  for rater, about, token in self.open_links]
        lines.append(f"Staff sign-in at {base_url}/hr/login (demo passwords, made for this run):")
        lines += [f"  {email} ({role}): {password}" for email, role, password in self.accounts]
        return "\n".join(lines)


def roster_rows(rng: random.Random) -> list[Row]:
    names = [(n, "kk") for n in _KK] + [(n, "ru") for n in _RU]
    rng.shuffle(names)
    rows, number = [], 2

    today = dt.date.today()
    # Paras 6-7 at work: someone appointed a month ago (not assessed), someone on leave (assessed
    # without their participation).
    standing = {"S-409": {"in_post_since": (today - dt.timedelta(days=30)).isoformat()},
                "S-308": {"status": "leave", "status_since": (today - dt.timedelta(days=20)).isoformat(),
                          "status_until": (today + dt.timedelta(days=60)).isoformat()}}

    def add(eid, name_lang, position, unit, role, manager, category):
        nonlocal number
        name, language = name_lang
        login = "".join(ch for ch in eid.lower() if ch.isalnum())
        values = {"employee_id": eid, "full_name": name, "position": position, "unit": unit, "role": role,
                  "manager_id": manager, "email": f"{login}@demo.gov.kz", "language": language, "category": category,
                  "in_post_since": "2019-09-02", "status": "", "status_since": "", "status_until": ""}
        values.update(standing.get(eid, {}))
        rows.append(Row(number, values))
        number += 1

    add("D-001", names.pop(), "Департамент басшысы", "Басшылық", "head", "", "C-1")
    for u, (unit, size) in enumerate(_UNITS, 1):
        head = f"H-{u:03d}"
        add(head, names.pop(), "Бөлім басшысы", unit, "head", "D-001", "C-3")
        for s in range(1, size + 1):
            add(f"S-{u}{s:02d}", names.pop() if names else (f"Қызметкер {u}-{s}", "kk"),
                "Бас сарапшы" if s % 3 else "Жетекші сарапшы", unit, "servant", head, "C-4" if s % 3 else "C-5")
    return rows


def build(app: Flask, out: Path, *, seed: int = 360) -> DemoSummary:
    """Recreate the demo database content and reports (the database is emptied first)."""
    rng = random.Random(seed)
    database = db.get_db(app)
    database.drop_all()
    database.create_all()
    summary = DemoSummary(0, 0, 0, out / "reports", out / "results.xlsx")
    # Nothing of an earlier demo may pass for this one: its reports, results and prepared ZIPs go.
    shutil.rmtree(summary.reports, ignore_errors=True)
    summary.results.unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    with database.transaction() as session:
        prepared.sweep(session, app.config)
    instruments = app.extensions["survey.instruments"]
    with database.transaction() as session:
        apply_rows(session, roster.validate(roster_rows(rng), "demo", {}))
        # hr runs the campaigns; hr-head reads the reports (order No. 260, para 21).
        for email, role in (("hr@demo.local", "hr"), ("head@demo.local", "hr-head"), ("trainer@demo.local", "trainer"),
                            ("admin@demo.local", "admin")):
            password = secrets.token_urlsafe(9)
            accounts.create(session, email, password, role)
            summary.accounts.append((email, role, password))
    today = dt.date.today()
    levels: dict[str, dict[str, float]] = {}
    _campaign(app, CLOSED, today - dt.timedelta(days=330), rng, levels, skip_share=0.05)
    with database.transaction() as session:
        figures.close(session, campaigns.get(session, CLOSED), instruments, threshold=app.config["ANONYMITY_THRESHOLD"])
    database.reorder_responses()
    _campaign(app, OPEN, today + dt.timedelta(days=30), rng, levels, skip_share=0.3, summary=summary, growth=0.2)

    from survey.cli.results import write_workbook
    from survey.results import export as results

    with database.transaction() as session:
        summary.people = session.query(Person).count()
        campaign = campaigns.get(session, CLOSED)
        threshold = app.config["ANONYMITY_THRESHOLD"]
        individual.build_all(session, campaign, instruments, summary.reports, threshold=threshold,
                             processes=app.config["REPORT_PROCESSES"])
        write_workbook(summary.results, campaign, results.campaign_results(session, campaign, instruments,
                                                                           threshold=threshold),
                       threshold=threshold, language=app.config["BABEL_DEFAULT_LOCALE"])
    return summary


def _campaign(app: Flask, name: str, closes_on: dt.date, rng: random.Random, levels: dict, *, skip_share: float,
              summary: DemoSummary | None = None, growth: float = 0.0) -> None:
    """Create, staff and open a campaign, then answer most of it with plausible answers."""
    database = db.get_db(app)
    instruments = app.extensions["survey.instruments"]
    created = min(dt.date.today(), closes_on - dt.timedelta(days=30))  # the earlier one as of a year ago
    with database.transaction() as session:
        campaign = campaigns.create(session, name, closes_on, instruments, today=created)
        suggestion = raters.suggest_for(session, campaign, app.config["MAX_RATERS"])
        rows = [Row(i, {"assessee_id": s.assessee_id, "rater_id": s.rater_id, "relation": s.relation})
                for i, s in enumerate(suggestion, 2)]
        raters.apply(session, campaign, rows, "demo")
        campaigns.approve(session, campaign, "Аппарат басшысы", created, today=created)
        campaigns.open_(session, campaign, minimum=app.config["MIN_RATERS"], maximum=app.config["MAX_RATERS"],
                        today=created)

    with database.transaction() as session:
        campaign = campaigns.get(session, name)
        invitations = session.scalars(select(Invitation).join(Assessment).where(Assessment.campaign_id == campaign.id)
                                      .order_by(Invitation.id)).all()
        if summary is not None:
            summary.invitations = len(invitations)
        ordered = sorted({i.assessment_id for i in invitations})
        sparse = set(ordered[-2:])  # two assessees with too few answers: withheld reports
        for invitation in invitations:
            assessment = invitation.assessment
            instrument = instruments[assessment.instrument]
            eid = assessment.assessee.employee_id
            if eid not in levels:
                base = rng.uniform(2.6, 4.2)
                levels[eid] = {c.id: min(5.0, max(1.0, base + rng.gauss(0, 0.45))) for c in instruments["head"].competencies}
            others = [i for i in invitations if i.assessment_id == assessment.id and i.relation != "self"]
            skip = (assessment.id in sparse and invitation.relation != "self" and others.index(invitation) >= 2) \
                or rng.random() < skip_share
            if skip:
                shown = {about for _, about, _ in summary.open_links} if summary is not None else set()
                if summary is not None and len(summary.open_links) < 5 and assessment.full_name not in shown:
                    summary.open_links.append((invitation.rater.full_name, assessment.full_name,
                                               tokens.sign(app.secret_key, invitation.key)))
                continue
            lift = 0.5 if invitation.relation == "self" else rng.gauss(0.1, 0.3)
            form = {}
            for competency in instrument.competencies:
                for question in competency.questions:
                    value = round(levels[eid][competency.id] + growth + lift + rng.gauss(0, 0.6))
                    form[question.id] = str(min(5, max(1, value)))
            respond.submit(session, invitation, respond.read_answers(instrument, form))
            if summary is not None:
                summary.done += 1


_host = click.option("--host", default="127.0.0.1", show_default=True)
_port = click.option("--port", default=5000, show_default=True, type=int)


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="build the demo and stop, without serving the site")
@click.option("--out", default="demo-output", show_default=True, type=click.Path(file_okay=False))
@_host
@_port
@with_appcontext
def demo_command(no_serve, out, host, port):
    """Build a demo body (about 40 people), run a campaign, write reports, serve the site."""
    summary = build(current_app, Path(out))
    click.echo(summary.describe(current_app.config["BASE_URL"] if no_serve else f"http://{host}:{port}"))
    if not no_serve:
        _serve(host, port)


@click.command("serve")
@_host
@_port
@with_appcontext
def serve_command(host, port):
    """Serve locally for a small trial (production: gunicorn, see the README)."""
    _serve(host, port)


def _serve(host: str, port: int) -> None:
    from survey.web.common.serving import serve

    serve(current_app._get_current_object(), host, port)


COMMANDS = [demo_command, serve_command]
