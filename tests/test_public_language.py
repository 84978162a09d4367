"""A public page that cannot tell whose it is speaks Kazakh, the platform's default language.

A forged or mistyped link, an expired report link and the thank-you page reached without its
``?lang=`` know nothing of their reader. The browser's language says nothing either: respondents
often open their link on an office computer set up in Russian or English. Only the language
switch (``?lang=``) changes such a page.
"""
from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from survey.reports import links

KAZAKH = {"/r/not-a-link": "Бұл сілтеме жұмыс істемейді",
          "/report/not-a-link": "Бұл сілтеме есепті ашпайды",
          "/assessor/not-a-link": "Бұл сілтеме есепті ашпайды",
          "/calibration/not-a-link": "Бұл сілтеме есепті ашпайды",
          "/thanks": "Рахмет, жауаптарыңыз сақталды"}
RUSSIAN = {"/r/not-a-link": "Эта ссылка не работает",
           "/report/not-a-link": "Эта ссылка не открывает отчёт",
           "/assessor/not-a-link": "Эта ссылка не открывает отчёт",
           "/calibration/not-a-link": "Эта ссылка не открывает отчёт",
           "/thanks": "Спасибо, Ваши ответы сохранены"}


@pytest.mark.parametrize("browser", ["en-US", "ru", "en-US,en;q=0.9,ru;q=0.8", ""])
@pytest.mark.parametrize("path", list(KAZAKH))
def test_a_page_that_does_not_know_its_reader_is_kazakh_whatever_the_browser_asks(client, path, browser):
    page = client.get(path, headers={"Accept-Language": browser})
    html = page.get_data(as_text=True)
    assert '<html lang="kk">' in html and KAZAKH[path] in html, (path, browser)


@pytest.mark.parametrize("path", list(RUSSIAN))
def test_the_language_switch_still_changes_it(client, path):
    for browser in ("en-US", "kk"):
        html = client.get(f"{path}?lang=ru", headers={"Accept-Language": browser}).get_data(as_text=True)
        assert '<html lang="ru">' in html and RUSSIAN[path] in html, (path, browser)
    html = client.get(f"{path}?lang=en", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_a_language_the_site_does_not_have_falls_back_to_kazakh(client):
    html = client.get("/r/not-a-link?lang=de", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="kk">' in html and KAZAKH["/r/not-a-link"] in html


def test_an_expired_report_link_is_gone_in_kazakh(app, client):
    class MonthAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 31 * 86400

    old = URLSafeTimedSerializer(app.secret_key, salt=links.REPORT.salt, signer=MonthAgo).dumps([1, 1, "key"])
    page = client.get(f"/report/{old}", headers={"Accept-Language": "en-US"})
    assert page.status_code == 410
    assert '<html lang="kk">' in page.get_data(as_text=True)
    assert "Бұл есеп сілтемесінің мерзімі өтіп кетті" in page.get_data(as_text=True)
    russian = client.get(f"/report/{old}?lang=ru", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert '<html lang="ru">' in russian and "Срок действия этой ссылки на отчёт" in russian


def test_the_landing_page_is_kazakh_unless_switched(client):
    assert '<html lang="kk">' in client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="ru">' in client.get("/?lang=ru", headers={"Accept-Language": "en"}).get_data(as_text=True)
