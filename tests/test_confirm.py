"""Opening and closing a campaign cannot be undone: the button leads to a page that says what will
happen, and only the button there does it. Each step then says what it did, once, in the reader's
language."""
from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from babel.dates import format_date

from conftest import csrf, small_body, staffed, translate
from survey.campaigns import lifecycle, people, raters, roster
from survey.core.models import Campaign


def _draft(app, store) -> int:
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(small_body(), "body", {}))
        campaign = lifecycle.create(session, "Draft 2026", dt.date.today() + dt.timedelta(days=9),
                                    app.extensions["survey.instruments"])
        raters.apply_suggestion(session, campaign)
        return campaign.id


def _status(store, campaign_id) -> str:
    with store.transaction() as session:
        return session.get(Campaign, campaign_id).status


def test_opening_asks_first_and_says_what_freezes(app, store, hr_client):
    campaign_id = _draft(app, store)
    page = hr_client.get(f"/hr/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert f'href="/hr/campaigns/{campaign_id}/open"' in page
    assert f'action="/hr/campaigns/{campaign_id}/open"' not in page  # one click does nothing irreversible
    confirm = hr_client.get(f"/hr/campaigns/{campaign_id}/open?lang=en")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and _status(store, campaign_id) == "draft"  # looking changes nothing
    assert "freezes the list of raters" in text and "cannot be returned to preparation" in text
    assert f'action="/hr/campaigns/{campaign_id}/open"' in text and "7 assessees." in text


def test_closing_asks_first_and_says_links_stop_and_results_open(hr_client, store, open_campaign):
    page = hr_client.get("/hr/campaigns/1?lang=en").get_data(as_text=True)
    assert 'href="/hr/campaigns/1/close"' in page and 'action="/hr/campaigns/1/close"' not in page
    text = hr_client.get("/hr/campaigns/1/close?lang=ru").get_data(as_text=True)
    assert "перестают работать" in text and "Заполнено анкет: 0 из" in text
    assert ("Становятся доступны результаты: индивидуальные отчёты, книга результатов и потребности в обучении."
            in text)
    kazakh = hr_client.get("/hr/campaigns/1/close?lang=kk").get_data(as_text=True)
    assert "Нәтижелер қолжетімді болады: жеке есептер, нәтижелер кітабы және оқыту қажеттіліктері." in kazakh
    assert _status(store, 1) == "open"


def test_a_confirmation_for_the_wrong_state_leads_back_to_the_campaign(hr_client, store, open_campaign):
    for step in ("open", "close"):
        response = hr_client.get(f"/hr/campaigns/1/{step}")
        assert response.status_code == (302 if step == "open" else 200)
    assert hr_client.get("/hr/campaigns/99/close").status_code == 404


def test_each_step_says_what_it_did(app, store, hr_client):
    from conftest import csrf

    token = csrf(hr_client, "/hr/")
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(small_body(), "body", {}))
    created = hr_client.post("/hr/campaigns?lang=en", data={"csrf_token": token, "name": "Notice 2026",
                                                            "closes": (dt.date.today() + dt.timedelta(days=9)).isoformat()},
                             follow_redirects=True)
    assert f"Campaign “Notice 2026” is created for {dt.date.today().year}. Check who is assessed" in created.get_data(as_text=True)
    suggested = hr_client.post("/hr/campaigns/1/raters/suggest?lang=en", data={"csrf_token": token},
                               follow_redirects=True).get_data(as_text=True)
    assert "raters suggested from the structure." in suggested
    again = hr_client.get("/hr/campaigns/1/raters?lang=en").get_data(as_text=True)
    assert "suggested from the structure" not in again  # said once, not on every visit


def notices(response) -> list[str]:
    """The success notices on the page a step led to (role=status, said once after the step)."""
    found = re.findall(r'<p class="notice" role="status">(.*?)</p>', response.get_data(as_text=True), re.S)
    return [html.unescape(re.sub(r"\s*\n\s*", " ", notice).strip()) for notice in found]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_roster_import_rater_removal_opening_extending_and_closing_each_end_with_a_notice(app, store, hr_client, lang):
    hr_client.get(f"/hr/?lang={lang}")  # the language chosen once is kept for the session
    columns = ["employee_id", "full_name", "position", "unit", "role", "manager_id", "email", "language"]
    roster_file = "\n".join([",".join(columns)] + [",".join(r.values[c] for c in columns) for r in small_body()])
    imported = hr_client.post("/hr/people", data={"csrf_token": csrf(hr_client, "/hr/people"),
                                                 "file": (io.BytesIO(roster_file.encode()), "roster.csv")},
                              content_type="multipart/form-data", follow_redirects=True)
    assert notices(imported) == [translate(app, lang, "Roster imported: %(added)s added, %(updated)s updated.",
                                           added="7", updated="0")]

    with store.transaction() as session:
        campaign = lifecycle.create(session, "Notice 2026", dt.date.today() + dt.timedelta(days=9),
                                    app.extensions["survey.instruments"])
        staffed(session, campaign)
        lifecycle.approve(session, campaign, "Аппарат басшысы", dt.date.today())
        peer = next(r for a in campaign.assessments if a.assessee.employee_id == "S1" for r in a.raters
                    if r.relation == "peer")
        campaign_id, rater_id, assessment_id = campaign.id, peer.id, peer.assessment_id
    page = f"/hr/campaigns/{campaign_id}"
    token = csrf(hr_client, f"{page}/assessments/{assessment_id}")
    removed = hr_client.post(f"{page}/raters/{rater_id}/remove", data={"csrf_token": token}, follow_redirects=True)
    assert notices(removed) == [translate(app, lang, "The rater is removed.")]

    opened = hr_client.post(f"{page}/open", data={"csrf_token": token}, follow_redirects=True)
    assert notices(opened) == [translate(app, lang, "The campaign is open: every rater's link works now.")]
    assert _status(store, campaign_id) == "open"

    later = dt.date.today() + dt.timedelta(days=30)
    extended = hr_client.post(f"{page}/extend", data={"csrf_token": token, "closes": later.isoformat()},
                              follow_redirects=True)
    assert notices(extended) == [translate(app, lang, "The last day of answering is now %(date)s.",
                                           date=format_date(later, "medium", locale=lang))]

    closed = hr_client.post(f"{page}/close", data={"csrf_token": token}, follow_redirects=True)
    assert notices(closed) == [translate(app, lang, "Answering is closed: the links no longer work. The results can be "
                                                    "read as soon as the answers are tallied, which this page shows.")]
    assert notices(hr_client.get(page)) == []  # said once, not on every visit
