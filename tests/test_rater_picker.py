"""HR picks raters on an assessee's page: a search over the whole body by name in any letter case,
the relation proposed from the structure, an eighth rater refused at once, and a page that says
what to do next."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from conftest import csrf, person_row
from survey.campaigns import lifecycle as campaigns, people, raters, roster
from survey.core.models import Assessment, Person, Rater


def text(response):
    return response.get_data(as_text=True)


def body() -> list:
    """The director D1, the head H1 of «Қаржы» with servants S1..S8, and «Әсем» in another unit."""
    rows = [person_row(2, "D1", "Директор", "head", unit="Басшылық", language="ru"),
            person_row(3, "H1", "Бөлім басшысы", "head", "D1", unit="Қаржы")]
    rows += [person_row(4 + i, f"S{i}", f"Қызметкер {i}", "servant", "H1", unit="Қаржы") for i in range(1, 9)]
    rows.append(person_row(20, "X1", "Әсем Нұрланқызы", "servant", "D1", unit="Басшылық"))
    return rows


def draft(app, store) -> tuple[int, int]:
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(body(), "body", {}))
        campaign = campaigns.create(session, "Picker", dt.date.today() + dt.timedelta(days=10),
                                    app.extensions["survey.instruments"])
        s1 = session.scalar(select(Assessment.id).join(Person, Person.id == Assessment.assessee_id)
                            .where(Assessment.campaign_id == campaign.id, Person.employee_id == "S1"))
        return campaign.id, s1


def test_the_search_covers_the_whole_body_in_any_letter_case_and_proposes_the_relation(hr_client, app, store):
    campaign_id, s1 = draft(app, store)
    path = f"/hr/campaigns/{campaign_id}/assessments/{s1}"
    found = text(hr_client.get(path + "?who=әсем"))  # lower case; the roster writes «Әсем»
    assert "Әсем Нұрланқызы" in found and "(X1)" in found  # another unit: the search is not the unit's list
    head = text(hr_client.get(path + "?who=БАСШЫСЫ"))
    row = re.search(r"Бөлім басшысы <span class=\"muted\">\(H1\)</span>.*?</tr>", head, re.S).group(0)
    assert re.search(r'<option value="manager" selected>', row)  # H1 is S1's direct manager
    peer = re.search(r"\(S2\)</span>.*?</tr>", text(hr_client.get(path + "?who=Қызметкер 2")), re.S).group(0)
    assert '<option value="peer" selected>' in peer
    nobody = text(hr_client.get(path + "?who=Жоқ адам"))
    assert "Nobody who can rate matches" in nobody


def test_a_colleague_found_is_added_with_one_click_and_then_shown_as_a_rater(hr_client, app, store):
    campaign_id, s1 = draft(app, store)
    path = f"/hr/campaigns/{campaign_id}/assessments/{s1}"
    added = hr_client.post(path, data={"csrf_token": csrf(hr_client, path), "employee_id": "X1", "relation": "peer"})
    assert added.status_code == 302
    page = text(hr_client.get(added.headers["Location"]))
    assert "Әсем Нұрланқызы is added as a rater." in page
    assert "already a rater" in text(hr_client.get(path + "?who=Әсем"))


def test_an_eighth_rater_is_refused_at_once_and_nothing_is_stored(hr_client, app, store):
    campaign_id, s1 = draft(app, store)
    path = f"/hr/campaigns/{campaign_id}/assessments/{s1}"
    for eid, relation in [("H1", "manager")] + [(f"S{i}", "peer") for i in range(2, 8)]:
        response = hr_client.post(path, data={"csrf_token": csrf(hr_client, path), "employee_id": eid,
                                              "relation": relation})
        assert response.status_code == 302, (eid, text(response))
    page = text(hr_client.get(path))
    assert "has 7 raters, the most order No. 260, para 36 allows" in page and 'name="who"' not in page
    refused = hr_client.post(path, data={"csrf_token": csrf(hr_client, path), "employee_id": "S8", "relation": "peer"})
    assert refused.status_code == 422
    assert "already has 7 raters" in text(refused)
    with store.transaction() as session:
        assert session.scalar(select(Rater.id).join(Person, Person.id == Rater.rater_id)
                              .where(Person.employee_id == "S8")) is None


def test_the_domain_refuses_the_eighth_rater_whoever_calls_it(app, store):
    campaign_id, s1 = draft(app, store)
    with store.transaction() as session:
        campaign = campaigns.get(session, "Picker")
        assessment = session.get(Assessment, s1)
        for i in range(2, 9):
            raters.add_by_employee_id(session, campaign, assessment, f"S{i}", "peer", maximum=8)
        try:
            raters.add_by_employee_id(session, campaign, assessment, "X1", "peer", maximum=7)
        except campaigns.CampaignError as exc:
            assert exc.params["count"] == 7
        else:
            raise AssertionError("an assessee with seven raters took an eighth")


def test_the_campaign_page_says_the_next_step(hr_client, app, store):
    campaign_id, _ = draft(app, store)
    page = text(hr_client.get(f"/hr/campaigns/{campaign_id}"))
    step = page.split('id="next-step"')[1].split("</section>")[0]
    assert "have too few or too many raters" in step and f"/hr/campaigns/{campaign_id}/raters" in step
    assert "days left" in page
    home = text(hr_client.get("/hr/"))
    assert "<progress" not in home.split("Picker")[1].split("</tr>")[0]  # a draft counts nothing yet
    assert "not open yet" in home


def test_a_refused_opening_names_each_assessee_once_with_a_link_to_their_page(hr_client, app, store):
    campaign_id, s1 = draft(app, store)
    page = f"/hr/campaigns/{campaign_id}"
    refused = hr_client.post(f"{page}/open", data={"csrf_token": csrf(hr_client, page)})
    assert refused.status_code == 422
    html = text(refused)
    assert html.count("Қызметкер 1: 0 rater(s)") == 1  # in the list that links, not again in the notice
    assert re.search(rf'<a href="{page}/assessments/{s1}">S1 Қызметкер 1: 0 rater\(s\)</a>', html)
