"""The questionnaire on a phone: the scale explained once, compact options that keep their full
labels for screen readers, and the count of answers given beside the buttons."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey.campaigns import tokens
from survey.core.models import Assessment, Invitation

SECRET = "test-secret-key-not-for-production"


def _page(store, client, instrument="servant") -> str:
    with store.transaction() as session:
        key = session.scalars(select(Invitation.key).join(Assessment)
                              .where(Assessment.instrument == instrument)).first()
    return client.get(f"/r/{tokens.sign(SECRET, key)}?lang=ru").get_data(as_text=True)


def test_the_scale_is_explained_once_and_every_option_keeps_its_full_label(app, store, client, open_campaign):
    servant = app.extensions["survey.instruments"]["servant"]
    html = _page(store, client)
    scale = re.search(r'<div class="scale" aria-hidden="true">(.*?)</div>', html, re.S).group(1)
    assert [re.sub(r"<.*?>", "", li) for li in re.findall(r"<li>.*?</li>", scale)] == \
        [option.label("ru") for option in servant.scale]
    for option in servant.scale:
        # the scale once, and once more in each question as the radio's accessible name
        assert html.count(f'<span class="option-text">{option.label("ru")}</span>') == len(servant.questions)
    assert len(re.findall(r'<span class="pt" aria-hidden="true">\d</span>', html)) == 5 * len(servant.questions)


def test_the_count_of_answers_stands_with_the_buttons(app, store, client, open_campaign):
    for instrument in ("servant", "head"):
        html = _page(store, client, instrument)
        total = len(app.extensions["survey.instruments"][instrument].questions)
        bar = re.search(r'<div class="actions sticky">(.*?)</div>', html, re.S).group(1)
        assert f'<span class="answered"></span> / {total}</span>' in bar
        assert 'value="submit"' in bar and 'value="save"' in bar
