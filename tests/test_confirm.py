"""Opening and closing a campaign cannot be undone: the button leads to a page that says what will
happen, and only the button there does it."""
from __future__ import annotations

import datetime as dt

from conftest import small_body
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
