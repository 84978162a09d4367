"""Every page of the staff site, as each role meets it, and every page of the public site, in Kazakh
and Russian, on a phone (360 px) and on a desktop (1280 px): the status and the language are right,
nothing scrolls sideways on the phone, axe-core finds no serious or critical violation, and a
screenshot goes to test-artifacts/screenshots/{page}-{lang}-{360|1280}.png. The list of screenshots,
written to test-artifacts/screenshots/index.md, is copied into docs/screenshots.md.

One browser context per role, width and language; the pages of a context are visited in a loop and
every failure is collected, so one run names all that is wrong."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from conftest import PASSWORD, followed_up
from survey.campaigns import respond, tokens
from survey.core.followup import ReportRelease
from survey.core.models import Assessment, Campaign, Invitation, Person, User
from survey.followup import readers
from survey.reports import links
from survey.staff import accounts
from survey.web.staff import paper

from .conftest import (DESKTOP, LOCALES, PHONE, SCREENSHOTS, add_campaign, check, follow, invitation_key,
                       no_sideways_scrolling, sign_in)

WIDTHS = {360: PHONE, 1280: DESKTOP}
ROLE_NAMES = {"anonymous": "not signed in", "hr": "HR officer", "hr-head": "head of HR", "trainer": "trainer",
              "admin": "account manager", "public": "rater, assessee, manager, calibration member"}

# (role, page, path, status): the path is filled with the ids of ``every_page``.
STAFF_PAGES = [
    ("anonymous", "login", "/hr/login", 200),
    ("hr", "hr-campaigns", "/hr/", 200),
    ("hr", "hr-campaign-draft", "/hr/campaigns/{draft}", 200),
    ("hr", "hr-campaign-open", "/hr/campaigns/{open}", 200),
    ("hr", "hr-campaign-open-missing", "/hr/campaigns/{open}?missing=1", 200),
    ("hr", "hr-campaign-closed", "/hr/campaigns/{closed}", 200),
    ("hr", "hr-raters-draft", "/hr/campaigns/{draft}/raters", 200),
    ("hr", "hr-raters-open", "/hr/campaigns/{open}/raters", 200),
    ("hr", "hr-assessment", "/hr/campaigns/{draft}/assessments/{director}", 200),
    ("hr", "hr-confirm-open", "/hr/campaigns/{draft}/open", 200),
    ("hr", "hr-confirm-close", "/hr/campaigns/{open}/close", 200),
    ("hr", "hr-delete", "/hr/campaigns/{draft}/delete", 200),
    ("hr", "hr-people", "/hr/people", 200),
    ("hr", "hr-person", "/hr/people/{person}", 200),
    ("hr", "hr-mail", "/hr/campaigns/{open}/email", 200),
    ("hr", "hr-paper", "/hr/campaigns/{open}/paper", 200),
    ("hr", "hr-paper-not-open", "/hr/campaigns/{closed}/paper", 409),
    ("hr", "hr-sheet-units", "/hr/campaigns/{open}/sheets", 200),
    ("hr", "hr-sheets", "/hr/campaigns/{open}/sheets?unit=Unit+A", 200),
    ("hr", "hr-reports", "/hr/campaigns/{closed}/reports", 200),
    ("hr", "hr-reports-not-closed", "/hr/campaigns/{open}/reports", 409),
    ("hr", "hr-report-sheets", "/hr/campaigns/{closed}/reports/sheets?all=1", 200),
    ("hr", "hr-trainer", "/trainer/", 200),
    ("hr", "hr-audit", "/hr/audit", 200),
    ("hr", "hr-password", "/hr/password", 200),
    ("hr", "hr-second-factor", "/hr/second-factor", 200),
    ("hr-head", "head-campaigns", "/hr/", 200),
    ("hr-head", "head-reports", "/hr/campaigns/{closed}/reports", 200),
    ("hr-head", "head-report", "/hr/campaigns/{closed}/reports/{report}?lang={lang}", 200),
    ("hr-head", "head-openings", "/hr/campaigns/{closed}/reports/openings", 200),
    ("hr-head", "head-calibrations", "/hr/campaigns/{closed}/calibrations", 200),
    ("hr-head", "head-quality", "/hr/quality/", 200),
    ("hr-head", "head-quality-compare", "/hr/quality/compare?a={earlier_closed}&b={closed}", 200),
    ("hr-head", "head-quality-compare-refused", "/hr/quality/compare?a={closed}&b={closed}", 409),
    ("trainer", "trainer-home", "/trainer/", 200),
    ("trainer", "trainer-password", "/hr/password", 200),
    ("trainer", "trainer-second-factor", "/hr/second-factor", 200),
    ("trainer", "trainer-forbidden", "/hr/", 403),
    ("admin", "admin-accounts", "/hr/accounts/", 200),
    ("admin", "admin-account", "/hr/accounts/{trainer_user}", 200),
    ("admin", "admin-password", "/hr/password", 200),
]

# (page, path, status, then): ``then`` "submit" sends the questionnaire unanswered.
PUBLIC_PAGES = [
    ("index", "/?lang={lang}", 200, None),
    ("page-not-found", "/no-such-page?lang={lang}", 404, None),
    ("link-not-found", "/r/not-a-link?lang={lang}", 404, None),
    ("form", "{form}?lang={lang}", 200, None),
    ("form-saved", "{form}?lang={lang}&saved=1", 200, None),
    ("form-incomplete", "{form}?lang={lang}", 422, "submit"),
    ("thanks", "/thanks?lang={lang}", 200, None),
    ("link-done", "{done}?lang={lang}", 410, None),
    ("campaign-closed", "{closed_form}?lang={lang}", 410, None),
    ("own-report", "/report/{own_unread}?lang={lang}", 200, None),
    ("own-report-read", "/report/{own_read}?lang={lang}", 200, None),
    ("report-link-not-found", "/report/not-a-link?lang={lang}", 404, None),
    ("assessor-home", "/assessor/{assessor}?lang={lang}", 200, None),
    ("assessor-report", "/assessor/{assessor}/{direct_report}?lang={lang}", 200, None),
    ("calibration-member", "/calibration/{member}?lang={lang}", 200, None),
]


def screenshot_names(page: str) -> dict[tuple[str, int], str]:
    return {(lang, width): f"{page}-{lang}-{width}.png" for lang in LOCALES for width in WIDTHS}


def index_markdown() -> str:
    """The table of docs/screenshots.md: every page with its role and its eight screenshots."""
    lines = ["| page | role | status | kk 360 | kk 1280 | ru 360 | ru 1280 |", "| --- | --- | --- | --- | --- | --- | --- |"]
    rows = [(name, ROLE_NAMES[role], status) for role, name, _path, status in STAFF_PAGES]
    rows += [(name, ROLE_NAMES["public"], status) for name, _path, status, _then in PUBLIC_PAGES]
    for name, role, status in rows:
        shots = screenshot_names(name)
        cells = [f"`{shots[lang, width]}`" for lang in LOCALES for width in WIDTHS]
        lines.append(f"| {name} | {role} | {status} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


@pytest.fixture
def every_page(app, store, staff, campaigns_in_every_state, monkeypatch):
    """The campaigns in every state, the closed one published, with another closed a year before it
    for the year-over-year comparison: the first assessee of the published one has read their
    report, has a plan and a calibration session with members; one rater of the open campaign has
    answered; an account manager; and sheets printed a unit at a time from two raters on."""
    ids = dict(campaigns_in_every_state)
    monkeypatch.setattr(paper, "SHEETS_AT_ONCE", 1)
    ids["earlier_closed"] = add_campaign(app, store, "Answered 2024", status="closed", answer=True)
    secret = app.secret_key
    instruments = app.extensions["survey.instruments"]
    done_key = invitation_key(store, assessee="S1", relation="self")[0]
    with store.transaction() as session:
        accounts.create(session, "admin@body.kz", PASSWORD, "admin")
        invitation = session.scalar(select(Invitation).where(Invitation.key == done_key))
        instrument = instruments[invitation.assessment.instrument]
        respond.submit(session, invitation, respond.read_answers(instrument, {q.id: "4" for q in instrument.questions}))
        closed = session.get(Campaign, ids["closed"])
        session.get(Campaign, ids["earlier_closed"]).closes_on = closed.closes_on - dt.timedelta(days=365)
        own, disagreement = followed_up(session, closed)
        first, second = sorted(closed.assessments, key=lambda a: a.id)[:2]
        assessor = next(a for a in readers.assessors(session, closed) if a.person.employee_id == "H1")
        direct_report = session.scalar(select(Assessment.id).join(Person, Person.id == Assessment.assessee_id)
                                       .where(Assessment.campaign_id == closed.id, Person.employee_id == "S1"))
        ids.update(
            report=first.id, direct_report=direct_report,
            person=session.scalar(select(Person.id).where(Person.employee_id == "H1")),
            trainer_user=session.scalar(select(User.id).where(User.email == "trainer@body.kz")),
            own_read=links.sign(secret, closed.id, first.id, own.key),
            own_unread=links.sign(secret, closed.id, second.id, session.get(ReportRelease, second.id).key),
            assessor=links.ASSESSOR.sign(secret, closed.id, assessor.id, assessor.key),
            member=links.CALIBRATION.sign(secret, disagreement.id, disagreement.members[0].id,
                                          disagreement.members[0].key))
    form_path = lambda key: tokens.url("", secret, key)  # noqa: E731
    ids.update(form=form_path(invitation_key(store, assessee="H1")[0]), done=form_path(done_key),
               closed_form=form_path(invitation_key(store, assessee="D1", relation="self", campaign="Answered 2025")[0]))
    return ids


class Visits:
    """Visits pages in one context and collects what is wrong with each."""

    def __init__(self, page, lang: str, width: int):
        self.page, self.lang, self.width = page, lang, width
        self.failures: list[str] = []

    def visit(self, name: str, path: str, status: int, then: str | None = None) -> None:
        label = f"{name}-{self.lang}-{self.width}"
        try:
            response = self.page.goto(path)
            if then == "submit":
                with self.page.expect_response(lambda r: r.request.method == "POST") as posted:
                    follow(self.page.locator("button[value=submit]"))
                response = posted.value
            assert response.status == status, f"status {response.status}, expected {status}"
            assert self.page.locator("html").get_attribute("lang") == self.lang, "wrong <html lang>"
            if self.width == 360:
                no_sideways_scrolling(self.page)
            check(self.page, label)
        except AssertionError as exc:
            self.failures.append(f"{label}: {exc}")


def _context(new_context, lang: str, width: int):
    return new_context(viewport=WIDTHS[width], is_mobile=width == 360, has_touch=width == 360, locale=LOCALES[lang])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_staff_page_of_every_role(every_page, new_context, lang):
    failures = []
    for role in dict.fromkeys(role for role, *_ in STAFF_PAGES):
        for width in WIDTHS:
            page = _context(new_context, lang, width).new_page()
            if role != "anonymous":
                sign_in(page, f"{role}@body.kz", PASSWORD)
            visits = Visits(page, lang, width)
            for page_role, name, path, status in STAFF_PAGES:
                if page_role == role:
                    visits.visit(name, path.format(lang=lang, **every_page), status)
            failures += visits.failures
            page.context.close()
    (SCREENSHOTS / "index.md").write_text(index_markdown(), encoding="utf-8")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_public_page(every_page, new_context, lang):
    failures = []
    for width in WIDTHS:
        page = _context(new_context, lang, width).new_page()
        visits = Visits(page, lang, width)
        for name, path, status, then in PUBLIC_PAGES:
            visits.visit(name, path.format(lang=lang, **every_page), status, then)
        failures += visits.failures
        page.context.close()
    assert not failures, "\n".join(failures)
