"""An incomplete submit is refused, and the page says the other answers are saved: they must be,
so that reopening the link shows them (nothing a rater gave is lost)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.campaigns import tokens
from survey.core.models import Invitation, Response

SECRET = "test-secret-key-not-for-production"


def test_the_answers_of_an_incomplete_submit_are_there_when_the_link_is_opened_again(client, store, open_campaign):
    with store.transaction() as session:
        invitation = session.scalars(select(Invitation).where(Invitation.relation != "self")).first()
        key, invitation_id = invitation.key, invitation.id
    token = tokens.sign(SECRET, key)
    html = client.get(f"/r/{token}?lang=en").get_data(as_text=True)
    questions = list(dict.fromkeys(re.findall(r'type="radio" name="([^"]+)"', html)))
    given = {q: "2" for q in questions[:-3]}
    refused = client.post(f"/r/{token}?lang=en", data={"action": "submit", **given})
    assert refused.status_code == 422
    assert "Your other answers are saved" in refused.get_data(as_text=True)
    reopened = client.get(f"/r/{token}").get_data(as_text=True)
    assert len(re.findall(r'value="2" checked', reopened)) == len(given)
    with store.transaction() as session:
        assert session.get(Invitation, invitation_id).done is False
        assert session.scalar(select(Response.id)) is None  # a draft, nothing counted


@pytest.mark.parametrize("language, said", [
    ("kk", "Жіберер алдында әр сұраққа жауап беру керек. Басқа жауаптарыңыз сақталды: сілтемені қайта ашқанда олар осында болады."),
    ("ru", "Перед отправкой нужно ответить на каждый вопрос. Остальные Ваши ответы сохранены: они будут здесь, когда Вы "
           "снова откроете ссылку."),
])
def test_the_refusal_says_so_in_the_raters_language(client, store, open_campaign, language, said):
    with store.transaction() as session:
        key = session.scalars(select(Invitation.key).where(Invitation.relation != "self")).first()
    token = tokens.sign(SECRET, key)
    html = client.get(f"/r/{token}?lang={language}").get_data(as_text=True)
    first = re.search(r'type="radio" name="([^"]+)"', html).group(1)
    refused = client.post(f"/r/{token}?lang={language}", data={"action": "submit", first: "3"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f'<html lang="{language}">' in page and said in page
    assert "Your other answers" not in page


def test_an_incomplete_submit_with_nothing_given_writes_nothing(client, store, open_campaign):
    with store.transaction() as session:
        invitation = session.scalars(select(Invitation).where(Invitation.relation != "self")).first()
        key, invitation_id = invitation.key, invitation.id
    assert client.post(f"/r/{tokens.sign(SECRET, key)}", data={"action": "submit"}).status_code == 422
    with store.transaction() as session:
        assert session.get(Invitation, invitation_id).draft is None
