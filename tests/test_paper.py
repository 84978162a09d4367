"""Printable link sheets and the paper fallback (order No. 260, para 34)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import segno
from sqlalchemy import select

from conftest import ROOT, campaign_ids, csrf, staff_and_open
from survey.campaigns import lifecycle as campaigns, tokens
from survey.core.models import Assessment, AuditEntry, Campaign, Invitation, Person, Response

SECRET = "test-secret-key-not-for-production"
BASE = "http://survey.test"
KK_SELF, RU_SELF = "Өзін-өзі бағалау", "Самооценка"  # "Self-assessment" in the catalogues


def invitations(store, *, rater=None, assessee=None, relation=None, done=None):
    """(id, url, rater employee id, assessee employee id, assessee name, relation) of campaign 1."""
    with store.transaction() as session:
        rater_p, assessee_p = Person.__table__.alias("r"), Person.__table__.alias("a")
        rows = session.execute(
            select(Invitation.id, Invitation.key, rater_p.c.employee_id, assessee_p.c.employee_id,
                   assessee_p.c.full_name, Invitation.relation, Invitation.done, Assessment.campaign_id)
            .join(Assessment, Assessment.id == Invitation.assessment_id)
            .join(rater_p, rater_p.c.id == Invitation.rater_id)
            .join(assessee_p, assessee_p.c.id == Assessment.assessee_id)
            .order_by(Invitation.id)).all()
    out = []
    for iid, key, r, a, name, rel, is_done, cid in rows:
        if cid != 1 or (rater and r != rater) or (assessee and a != assessee) or \
                (relation and rel != relation) or (done is not None and is_done != done):
            continue
        out.append((iid, tokens.url(BASE, SECRET, key), r, a, name, rel))
    return out


def one(store, **kw):
    found = invitations(store, **kw)
    assert found, kw
    return found[0]


def sheet_blocks(html: str) -> dict[str, str]:
    """Each rater's sheet, by the rater's employee id."""
    blocks = re.findall(r'(<article class="sheet"[^>]*id="rater-([^"]+)">.*?</article>)', html, re.S)
    return {rater: block for block, rater in blocks}


def radio_names(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'type="radio" name="([^"]+)"', html)))


def stored(store):
    with store.transaction() as session:
        return [(r.is_self, r.answers)
                for r in session.scalars(select(Response))]


def is_done(store, invitation_id):
    with store.transaction() as session:
        return session.get(Invitation, invitation_id).done


def post_paper(client, what, invitation_id, campaign_id=1, lang=None, token=None, **data):
    """A POST to a paper page (``blank``, ``enter``): which questionnaire travels in the body."""
    path = f"/hr/campaigns/{campaign_id}/paper/{what}" + (f"?lang={lang}" if lang else "")
    token = csrf(client, "/hr/password") if token is None else token
    return client.post(path, data={"csrf_token": token, "invitation": str(invitation_id), **data})


def blank(client, invitation_id, **kw):
    return post_paper(client, "blank", invitation_id, **kw)


def enter(client, invitation_id, answers=None, **kw):
    """The entry grid of a paper; with ``answers``, storing them."""
    return post_paper(client, "enter", invitation_id, **kw, **({"action": "store", **answers} if answers else {}))


def full_form(client, invitation_id, points=4, campaign_id=1):
    names = radio_names(enter(client, invitation_id, campaign_id=campaign_id).get_data(as_text=True))
    assert names
    return {q: str(points) for q in names}


# ---- link sheets ----

def test_sheets_give_one_block_per_rater_with_every_pending_link(hr_client, store, open_campaign):
    response = hr_client.get("/hr/campaigns/1/sheets?lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    blocks = sheet_blocks(html)
    everyone = invitations(store)
    assert sorted(blocks) == sorted({r for _, _, r, *_ in everyone})  # D1, H1, S1..S5
    assert html.count('<article class="sheet"') == len(blocks) == 7
    for _, url, rater, _, name, relation in everyone:
        assert url in blocks[rater]
        assert sum(url in b for b in blocks.values()) == 1  # on the rater's sheet only
        if relation != "self":
            assert name in blocks[rater]


def test_every_link_on_the_sheets_opens_its_questionnaire(hr_client, client, store, open_campaign):
    html = hr_client.get("/hr/campaigns/1/sheets").get_data(as_text=True)
    printed = re.findall(r"<code>(http://survey\.test/r/[^<]+)</code>", html)
    expected = {url: name for _, url, _, _, name, _ in invitations(store)}
    assert sorted(printed) == sorted(expected)
    for url in printed:
        page = client.get(url[len(BASE):])
        assert page.status_code == 200, url
        assert expected[url] in page.get_data(as_text=True)


def test_every_link_has_its_own_qr_code(hr_client, store, open_campaign):
    html = hr_client.get("/hr/campaigns/1/sheets").get_data(as_text=True)
    urls = [url for _, url, *_ in invitations(store)]
    assert html.count("<svg") == len(urls)
    for url in urls:
        qr = segno.make(url, error="m")
        assert qr.svg_inline(scale=3) in html
        assert qr.error == "M"
    # The code of one link is not that of another (it encodes the link itself).
    assert segno.make(urls[0], error="m").svg_inline(scale=3) != segno.make(urls[1], error="m").svg_inline(scale=3)


def test_each_sheet_is_in_the_raters_language(hr_client, store, open_campaign):
    blocks = sheet_blocks(hr_client.get("/hr/campaigns/1/sheets?lang=en").get_data(as_text=True))
    assert 'lang="ru"' in blocks["S1"] and RU_SELF in blocks["S1"] and KK_SELF not in blocks["S1"]
    assert 'lang="kk"' in blocks["S2"] and KK_SELF in blocks["S2"] and RU_SELF not in blocks["S2"]
    assert "Вы оцениваете:" in blocks["S1"] and "Сіз бағалайсыз:" in blocks["S2"]


def test_every_printed_page_of_a_sheet_names_its_rater(hr_client, store, open_campaign):
    """A sheet with many links runs over several pages. Its links are the rows of a table whose head
    holds the rater's name, and print shows that head as a table header group, which the browser
    repeats at the top of every page the table runs over."""
    with store.transaction() as session:
        names = dict(session.execute(select(Person.employee_id, Person.full_name)).all())
    for rater, block in sheet_blocks(hr_client.get("/hr/campaigns/1/sheets?lang=en").get_data(as_text=True)).items():
        table = re.search(r'<table class="sheet-pages"[^>]*>\s*<thead>(.*?)</thead>\s*<tbody>(.*?)</tbody>\s*</table>',
                          block, re.S)
        assert table, rater
        head, body = table.groups()
        assert f"<h2>{names[rater]}</h2>" in head and "/r/" not in head
        assert body.count('<td class="link-item">') == len(invitations(store, rater=rater))
        assert all(url in body for _, url, *_ in invitations(store, rater=rater))
    css = (ROOT / "survey" / "web" / "common" / "static" / "print.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print"):]
    assert ".sheet-pages > thead { display: table-header-group; }" in printed
    assert "tr.links" in printed.split("break-inside: avoid")[0].rsplit("}", 1)[-1]  # a row of links is never split


def one_sheet(client, rater):
    return client.post("/hr/campaigns/1/sheets", data={"csrf_token": csrf(client, "/hr/password"), "rater": rater})


def test_sheets_for_one_rater_and_the_audit_entry(hr_client, store, open_campaign):
    html = one_sheet(hr_client, "S3").get_data(as_text=True)
    assert list(sheet_blocks(html)) == ["S3"]
    assert all(url in html for _, url, *_ in invitations(store, rater="S3"))
    assert not any(url in html for _, url, *_ in invitations(store, rater="S4"))
    assert one_sheet(hr_client, "NOBODY").status_code == 404
    with store.transaction() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "sheets-print")).all()
        assert [e.actor for e in entries] == ["hr@body.kz"]
        assert "Test 2026" in entries[0].detail and "S3" in entries[0].detail


def _without_tokens(html: str) -> str:
    """A page with its CSRF tokens blanked out: they differ per render, the rest must not."""
    return re.sub(r'name="csrf_token"( type="hidden")? value="[^"]+"', "", html)


def test_sheets_and_lists_do_not_tell_who_has_answered(hr_client, store, open_campaign):
    """HR prints the same sheets and sees the same list before and after a rater answers."""
    iid, url, rater, *_ = one(store, rater="S3", relation="peer")
    pages = ("/hr/campaigns/1/sheets", "/hr/campaigns/1/paper", "/hr/campaigns/1/paper?q=servant 3")
    before = [_without_tokens(hr_client.get(p).get_data(as_text=True)) for p in pages]
    before_sheet, before_blank = (_without_tokens(one_sheet(hr_client, rater).get_data(as_text=True)),
                                  _without_tokens(blank(hr_client, iid).get_data(as_text=True)))
    assert enter(hr_client, iid, full_form(hr_client, iid)).status_code == 302
    assert is_done(store, iid)
    assert [_without_tokens(hr_client.get(p).get_data(as_text=True)) for p in pages] == before
    assert _without_tokens(one_sheet(hr_client, rater).get_data(as_text=True)) == before_sheet
    assert _without_tokens(blank(hr_client, iid).get_data(as_text=True)) == before_blank
    assert url in sheet_blocks(before[0])[rater]


def test_no_paper_address_names_a_questionnaire_or_a_rater(hr_client, store, open_campaign):
    """Ids that lead to raters stay out of URLs, where a proxy's access log would keep them with a time."""
    iid = one(store, rater="S3", relation="peer")[0]
    entered = enter(hr_client, iid, full_form(hr_client, iid))
    assert entered.status_code == 302 and entered.headers["Location"].endswith("/hr/campaigns/1/paper?entered=1")
    raters = {r for _, _, r, *_ in invitations(store)}
    numbers = {str(i) for i, *_ in invitations(store)}
    for page in (hr_client.get("/hr/campaigns/1/paper").get_data(as_text=True),
                 hr_client.get("/hr/campaigns/1/sheets").get_data(as_text=True),
                 blank(hr_client, iid).get_data(as_text=True), enter(hr_client, iid).get_data(as_text=True)):
        for address in re.findall(r'(?:href|action)="([^"]+)"', page):
            if "/r/" in address:
                continue  # a respondent's own link, printed for them
            parts = set(re.split(r"[/?=&]", address))
            assert not (parts & raters) and not (parts & numbers - {"1"}), address


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_sheets_and_paper_need_an_open_campaign(hr_client, store, open_campaign, status):
    iid = one(store, relation="peer")[0]
    form = full_form(hr_client, iid)
    with store.transaction() as session:
        session.get(Campaign, 1).status = status
    token = csrf(hr_client, "/hr/password")
    for response in (hr_client.get("/hr/campaigns/1/sheets?lang=en"), hr_client.get("/hr/campaigns/1/paper?lang=en"),
                     blank(hr_client, iid, lang="en", token=token), enter(hr_client, iid, lang="en", token=token)):
        assert response.status_code == 409, response.request.path
        assert "not open for answers" in response.get_data(as_text=True)
        assert "/r/" not in response.get_data(as_text=True)
    assert enter(hr_client, iid, form, token=token).status_code == 409
    assert stored(store) == [] and not is_done(store, iid)
    assert hr_client.get("/hr/campaigns/99/sheets").status_code == 404


# ---- the list of paper questionnaires ----

def test_paper_index_lists_every_questionnaire_and_searches(hr_client, store, open_campaign):
    html = hr_client.get("/hr/campaigns/1/paper").get_data(as_text=True)
    everyone = invitations(store)
    for iid, *_ in everyone:
        assert f'name="invitation" value="{iid}"' in html
    found = hr_client.get("/hr/campaigns/1/paper?q=servant 3").get_data(as_text=True)
    rows = re.findall(r"<tr><td class=\"num\"[^>]*>(\d+)</td>", found)
    expected = {str(iid) for iid, _, r, a, *_ in everyone if "S3" in (r, a)}
    assert set(rows) == expected and len(rows) < len(everyone)


# ---- the blank questionnaire ----

@pytest.mark.parametrize("assessee, competencies", [("S1", 8), ("H1", 12)])
def test_blank_questionnaire_has_every_question_and_no_link(hr_client, store, open_campaign, assessee, competencies):
    iid, url, *_ = one(store, assessee=assessee, relation="peer" if assessee == "S1" else "subordinate")
    response = blank(hr_client, iid)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<section class="competency">') == competencies
    assert html.count('<tr class="question">') == 3 * competencies
    assert html.count('<span class="box"') == 5 * 3 * competencies
    assert "/r/" not in html and url.split("/r/")[1] not in html
    assert re.search(rf'class="invitation-number">[^<]*<strong>{iid}</strong>', html)


def test_blank_is_in_the_raters_language_and_uses_self_texts(app, hr_client, store, open_campaign):
    servant = app.extensions["survey.instruments"]["servant"]
    first = servant.competencies[0].questions[0]
    iid = one(store, rater="S1", assessee="S3")[0]  # S1 reads Russian
    html = blank(hr_client, iid, lang="en").get_data(as_text=True)
    assert servant.title("ru") in html and servant.scale[0].label("ru") in html
    assert first.text("ru") in html and first.text("kk") not in html and servant.scale[0].label("kk") not in html
    assert "Servant 3" in html
    own = one(store, rater="S2", relation="self")[0]  # S2 reads Kazakh
    mine = blank(hr_client, own).get_data(as_text=True)
    assert first.self_text("kk") != first.text("kk")
    assert first.self_text("kk") in mine and first.text("kk") not in mine
    assert KK_SELF in mine


# ---- entering a completed paper ----

def test_entering_a_peers_paper_stores_one_response_like_the_web(hr_client, client, store, open_campaign):
    iid, url, *_ = one(store, rater="S3", assessee="S1", relation="peer")
    form = full_form(hr_client, iid, points=4)
    assert len(radio_names(enter(hr_client, iid).get_data(as_text=True))) == 24
    response = enter(hr_client, iid, form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/hr/campaigns/1/paper?entered=1")
    assert "is stored" in hr_client.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    rows = stored(store)
    assert len(rows) == 1 and rows[0][0] is False
    assert rows[0][1] == {q: 4 for q in form}
    assert is_done(store, iid)
    assert client.get(url[len(BASE):]).status_code == 410  # the web link now says "already submitted"


def test_entering_a_self_assessment_is_stored_as_self(hr_client, store, open_campaign):
    iid = one(store, assessee="H1", relation="self")[0]
    form = full_form(hr_client, iid, points=5)
    assert len(form) == 36
    assert enter(hr_client, iid, form).status_code == 302
    assert [s for s, _ in stored(store)] == [True]


def test_a_paper_is_entered_only_once(hr_client, store, open_campaign):
    iid = one(store, relation="manager")[0]
    form = full_form(hr_client, iid)
    assert enter(hr_client, iid, form).status_code == 302
    again = enter(hr_client, iid, {q: "1" for q in form}, lang="en")
    assert again.status_code == 410
    assert "already been submitted" in again.get_data(as_text=True)
    assert enter(hr_client, iid).status_code == 410
    assert blank(hr_client, iid).status_code == 200  # a blank says nothing of whether it was answered
    assert len(stored(store)) == 1 and set(stored(store)[0][1].values()) == {4}


def test_incomplete_paper_is_refused_with_the_missing_questions_and_answers_kept(hr_client, store, open_campaign):
    iid = one(store, assessee="S2", relation="peer")[0]
    form = full_form(hr_client, iid, points=2)
    del form["ethics.2"], form["change.3"]
    form["results.1"] = "9"  # not on the scale: counts as unanswered
    response = enter(hr_client, iid, form, lang="en")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "3 questions have no answer" in page
    for qid in ("ethics.2", "change.3", "results.1"):
        assert f'href="#q-{qid}"' in page and f'class="question invalid" id="q-{qid}"' in page
    assert len(re.findall(r'value="2" checked', page)) == 24 - 3
    assert stored(store) == [] and not is_done(store, iid)
    with store.transaction() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "paper-entry")).all() == []


def _second_campaign(app, store):
    with store.transaction() as session:
        campaign = campaigns.create(session, "Other 2026", dt.date.today() + dt.timedelta(days=5),
                                    app.extensions["survey.instruments"], repeat_reason="A second round")
        staff_and_open(session, campaign)
        return campaign.id, session.scalars(
            select(Invitation.id).join(Assessment).where(Assessment.campaign_id == campaign.id)).first()


def test_an_invitation_of_another_campaign_is_not_found(app, hr_client, store, open_campaign):
    other_campaign, foreign = _second_campaign(app, store)
    assert other_campaign != 1
    form = full_form(hr_client, foreign, campaign_id=other_campaign)  # it exists in its own campaign
    assert enter(hr_client, foreign).status_code == 404
    assert blank(hr_client, foreign).status_code == 404
    assert enter(hr_client, foreign, form).status_code == 404
    assert enter(hr_client, 10_000).status_code == 404
    assert enter(hr_client, "1; DROP").status_code == 404
    assert stored(store) == []
    with store.transaction() as session:
        assert session.get(Invitation, foreign).done is False


def test_entering_needs_the_csrf_token(hr_client, store, open_campaign):
    iid = one(store, relation="peer")[0]
    form = full_form(hr_client, iid)
    for bad in ({"invitation": str(iid), "action": "store", **form},
                {"invitation": str(iid), "action": "store", **form, "csrf_token": "forged"}):
        assert hr_client.post("/hr/campaigns/1/paper/enter", data=bad).status_code == 400
    assert stored(store) == [] and not is_done(store, iid)


def test_only_hr_may_use_the_paper_pages(staff, client, store, open_campaign):
    iid = one(store, relation="peer")[0]
    paths = ["/hr/campaigns/1/sheets", "/hr/campaigns/1/paper"]
    trainer = staff("trainer")
    for path in paths:
        assert trainer.get(path).status_code == 403, path
        response = client.get(path)
        assert response.status_code == 302 and "/hr/login" in response.headers["Location"], path
        assert "/r/" not in response.get_data(as_text=True)
    for what in ("blank", "enter"):
        assert post_paper(trainer, what, iid).status_code == 403
        assert client.post(f"/hr/campaigns/1/paper/{what}", data={"invitation": str(iid)}).status_code in (302, 400)
    head = staff("hr-head")
    assert all(head.get(path).status_code == 200 for path in paths)
    assert blank(head, iid).status_code == 200 and enter(head, iid).status_code == 200
    assert stored(store) == []


def test_the_audit_names_the_assessee_never_the_rater(hr_client, store, open_campaign):
    iid, _, rater, assessee, assessee_name, _ = one(store, rater="S3", assessee="S1", relation="peer")
    enter(hr_client, iid, full_form(hr_client, iid))
    with store.transaction() as session:
        rater_name = session.scalar(select(Person.full_name).where(Person.employee_id == rater))
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "paper-entry")).all()
    assert len(entries) == 1 and entries[0].actor == "hr@body.kz"
    detail = entries[0].detail
    assert "Test 2026" in detail and assessee_name in detail and assessee in detail
    assert rater_name not in detail and rater not in detail
    assert detail == f"Test 2026: {assessee} {assessee_name}"  # no relation, no invitation number, no answer
    audit_page = hr_client.get("/hr/audit").get_data(as_text=True)
    assert "Paper questionnaire entered" in audit_page and rater_name not in audit_page


def test_a_large_body_prints_its_link_sheets_a_unit_at_a_time(monkeypatch, hr_client, store, open_campaign):
    from survey.web.staff import paper as paper_pages

    campaign_id = campaign_ids(store, open_campaign)["S1"][0]
    monkeypatch.setattr(paper_pages, "SHEETS_AT_ONCE", 3)
    choice = hr_client.get(f"/hr/campaigns/{campaign_id}/sheets?lang=en").get_data(as_text=True)
    assert "print their sheets a unit at a time" in choice and "?unit=Unit+A" in choice
    assert "/r/" not in choice  # no link is on the page that only lists the units
    sheets = hr_client.get(f"/hr/campaigns/{campaign_id}/sheets?unit=Unit+A&lang=en").get_data(as_text=True)
    assert sheets.count('class="sheet"') == 7
    assert hr_client.get(f"/hr/campaigns/{campaign_id}/sheets?unit=Unit+Z&lang=en").get_data(as_text=True).count(
        'class="sheet"') == 0
