"""The individual report follows the forms of appendices 7 and 8 word for word in Kazakh, the radar
beside the table, and what it adds after the form; Russian and English questionnaires, paper
blanks and reports say they are unofficial translations of the Kazakh text."""
from __future__ import annotations

import html
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from conftest import S1_RATERS, S1_SELF, answer_about, campaign_ids, close_campaign, csrf, first_token, points
from survey.core.models import Invitation, Person

# Appendices 7 and 8 of order No. 260 (seed 001), in the order the forms print them: the stamp, the
# title, the name field, the table's columns, the «Паутинка» beside the table, the note under it
# and, in appendix 7, «Бағалау нәтижесі». Copied from the seed; the quotes are the seed's.
STAMP = ("Қазақстан Республикасы ішкі істер органдары «Б» корпусы мемлекеттік әкімшілік қызметшілерінің "
         "қызметін бағалаудың үлгілік әдістемесіне {}-қосымша")
COLUMNS = ["№", "Құзырет", "Құзыреттер бойынша орташа қорытынды баға", "Паутинка"]
NOTE = ("Әрбір құзырет бойынша бағалаудың орташа қорытынды нәтижелерін есептеу автоматты режимде әрбір "
        "респонденттің баллдарын қосу және респонденттердің санына бөлу (өзін-өзі бағалаудан басқа) арқылы "
        "жүзеге асырылады.")
APPENDIX_7 = [STAMP.format(7), "Нысан", "Қызметшіні 360 әдісімен бағалау нәтижесі (құрылымдық бөлімшелердің басшылары үшін)",
              "Құрылымдық бөлімше басшысының Т. А.Ә.", *COLUMNS, NOTE, "Бағалау нәтижесі:"]
APPENDIX_8 = [STAMP.format(8), "Нысан", "Қызметшіні 360 градус әдісімен бағалау нәтижелері («Б» корпусының қызметшілері үшін)",
              "Бағаланатын қызметшінің Т. А.Ә.", *COLUMNS, NOTE]
ADDED = "Нысанға қосымша"  # the heading after which the report's own sections come
UNOFFICIAL = {"ru": "неофициальный перевод казахского текста приказа", "en": "unofficial translation of the Kazakh text"}
UNOFFICIAL_KK = "ресми емес аударма"


@pytest.fixture
def closed(app, store, open_campaign, runner):
    answer_about(app, store, "S1", [points(r) for r in S1_RATERS], self_points=points(S1_SELF))
    answer_about(app, store, "H1", [4, 4, 5, 3, 4], self_points=5)
    close_campaign(runner, open_campaign)
    return open_campaign


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def visible(page: str) -> str:
    """The words of a page, without its markup."""
    return flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def report_text(head_client, store, name, employee_id, lang, kind="html") -> str:
    campaign_id, assessment_id = campaign_ids(store, name)[employee_id]
    suffix = ".pdf" if kind == "pdf" else ""
    response = head_client.get(f"/hr/campaigns/{campaign_id}/reports/{assessment_id}{suffix}", query_string={"lang": lang})
    assert response.status_code == 200
    if kind == "pdf":
        return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages))
    return visible(response.get_data(as_text=True))


def positions(text: str, wanted: list[str]) -> list[int]:
    """Where each of ``wanted`` stands, each searched after the one before."""
    out, start = [], 0
    for item in wanted:
        found = text.find(flat(item), start)
        assert found >= 0, f"«{item}» not found (in this order) in: {text[start:start + 400]}"
        out.append(found)
        start = found + len(flat(item))
    return out


@pytest.mark.parametrize("kind", ["html", "pdf"])
@pytest.mark.parametrize("employee_id, form", [("H1", APPENDIX_7), ("S1", APPENDIX_8)])
def test_the_kazakh_report_has_the_forms_words_in_the_forms_order(head_client, store, closed, employee_id, form, kind):
    text = report_text(head_client, store, closed, employee_id, "kk", kind)
    places = positions(text, form)
    # the figures of the table stand between its columns' names and what the report adds
    assert places[-1] < text.index(ADDED)
    assert "Бағалау нәтижесі:" in text[places[-1]:text.index(ADDED)]


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_the_table_of_the_form_lists_every_competency_before_the_spider_chart(head_client, store, closed, kind):
    text = report_text(head_client, store, closed, "S1", "kk", kind)
    table = text[text.index("Құзыреттер бойынша орташа қорытынды баға"):text.index("Паутинка")]
    for name in ("Тиімді коммуникацияларды құру", "Ынтымақтастық", "Өзін-өзі дамыту"):
        assert name in table, name
    assert "Өзін-өзі бағалау" not in text[:text.index(ADDED)]  # the self-assessment column comes after the form


@pytest.mark.parametrize("kind", ["html", "pdf"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_russian_and_english_reports_say_they_are_unofficial_translations(head_client, store, closed, lang, kind):
    for employee_id in ("H1", "S1"):
        text = report_text(head_client, store, closed, employee_id, lang, kind)
        assert UNOFFICIAL[lang] in text, (employee_id, lang)


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_the_kazakh_report_carries_no_translation_note(head_client, store, closed, kind):
    text = report_text(head_client, store, closed, "S1", "kk", kind)
    assert UNOFFICIAL_KK not in text and not any(note in text for note in UNOFFICIAL.values())


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_russian_and_english_questionnaires_say_they_are_unofficial_translations(client, store, open_campaign, lang):
    page = visible(client.get(f"/r/{first_token(store, assessee='S1', relation='other')}?lang={lang}").get_data(as_text=True))
    assert UNOFFICIAL[lang] in page


def test_the_kazakh_questionnaire_carries_no_translation_note(client, store, open_campaign):
    page = visible(client.get(f"/r/{first_token(store, assessee='S1', relation='other')}?lang=kk").get_data(as_text=True))
    assert UNOFFICIAL_KK not in page and not any(note in page for note in UNOFFICIAL.values())


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_paper_blank_says_it_is_a_translation_unless_it_is_kazakh(head_client, store, open_campaign, lang):
    with store.transaction() as session:  # the blank speaks its rater's language
        invitation = session.scalars(select(Invitation).order_by(Invitation.id)).first()
        invitation_id, campaign_id = invitation.id, invitation.assessment.campaign_id
        session.execute(update(Person).where(Person.id == invitation.rater_id).values(language=lang))
    response = head_client.post(f"/hr/campaigns/{campaign_id}/paper/blank",
                              data={"csrf_token": csrf(head_client, "/hr/password"), "invitation": str(invitation_id)})
    assert response.status_code == 200
    blank = visible(response.get_data(as_text=True))
    if lang == "kk":
        assert UNOFFICIAL_KK not in blank and not any(note in blank for note in UNOFFICIAL.values())
    else:
        assert UNOFFICIAL[lang] in blank


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_each_advice_line_in_the_report_shows_its_source(head_client, store, closed, lang):
    campaign_id, assessment_id = campaign_ids(store, closed)["H1"]
    page = head_client.get(f"/hr/campaigns/{campaign_id}/reports/{assessment_id}", query_string={"lang": lang})
    sections = re.findall(r'<section class="advice">(.*?)</section>', page.get_data(as_text=True), re.S)
    assert len(sections) == 3
    document = {"kk": "Кентау қалалық мәслихатының", "ru": "Решение Кентауского городского маслихата"}[lang]
    for section in sections:
        sources = re.findall(r"<li>(.*?)</li>", section.split('<ol class="sources')[1], re.S)
        lines = re.findall(r"<li>(.*?)</li>", section.split('<ol class="sources')[0], re.S)
        assert lines and sources
        for line in lines:
            reference = re.search(r'<span class="source-ref">\[(\d+)\]</span>', line)
            assert reference and 1 <= int(reference.group(1)) <= len(sources), line
        for source in sources:  # the document, the category row and the seed's heading
            assert ("санаты:" if lang == "kk" else "категория:") in source
            assert "«" in source and "»" in source
        assert any(document in html.unescape(source) for source in sources)
