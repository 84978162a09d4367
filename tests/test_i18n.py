"""Kazakh and Russian are complete: every string in the code and templates is translated."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from conftest import ROOT

TRANSLATIONS = ROOT / "survey" / "translations"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_l", "-o", str(pot), "--no-location", str(ROOT)], check=True, capture_output=True)
    with open(pot, "rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_is_translated(extracted, language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    missing = []
    for message in extracted:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        strings = translated.string if translated else None
        if not strings or (isinstance(strings, tuple) and not all(strings)) or translated.fuzzy:
            missing.append(message.id)
    assert not missing, f"{language}: {len(missing)} untranslated: {missing[:5]}"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_compiled_catalogue_matches_the_po_file(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as fh:
        po = {_key(m.id): _key(m.string) for m in read_po(fh) if m.id and not m.fuzzy}
    with open(folder / "messages.mo", "rb") as fh:
        mo = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    assert mo == po, "run: pybabel compile -d survey/translations"


# Words the Russian text writes with «ё»: one spelling throughout, so that «приём» on one page and
# «прием» on the next does not read as two things. The beginnings of words, and whole words (their
# beginnings begin other words too: «учтено», «истекли» have no «ё»).
WITH_YO = {"отчет": "отчёт", "прием": "приём", "учет": "учёт", "трех": "трёх", "прошел": "прошёл", "учтенн": "учтённ",
           "деленн": "делённ", "включенн": "включённ"}
WHOLE_WORDS_WITH_YO = {"еще": "ещё", "ее": "её", "нее": "неё", "учтен": "учтён", "истек": "истёк", "идет": "идёт",
                       "берет": "берёт", "трем": "трём", "вернется": "вернётся"}
# The Russian texts outside the catalogue: the questionnaires, the development advice, the training topics.
RUSSIAN_DATA = [ROOT / "survey" / "questionnaires" / "head.yaml", ROOT / "survey" / "questionnaires" / "servant.yaml",
                ROOT / "survey" / "reports" / "data" / "indicators.yaml",
                ROOT / "survey" / "training" / "topics" / "catalogue.yaml"]


def _without_yo(word: str) -> bool:
    if word in WHOLE_WORDS_WITH_YO:
        return True
    return any(word.startswith(plain) for plain in WITH_YO) and not word.startswith("приемл")


def _missing_yo(texts) -> list[str]:
    return sorted({word for text in texts for word in re.findall(r"[а-яё]+", text.lower()) if _without_yo(word)})


def test_russian_writes_yo_the_same_way_everywhere():
    with open(TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        texts = [s for m in read_po(fh) if m.id for s in ((m.string,) if isinstance(m.string, str) else m.string)]
    found = _missing_yo(texts)
    assert not found, f"write these with «ё»: {found}"
    assert _without_yo("отчеты") and _without_yo("еще") and not _without_yo("приемлемый") and not _without_yo("отчёт")
    assert _without_yo("учтенные") and _without_yo("учтен") and not _without_yo("учтено") and not _without_yo("истекли")


def _russian(node, language="ru"):
    """Every text of a YAML file in one language: the values under its keys (``ru`` unless told)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from ([value] if key == language and isinstance(value, str) else _russian(value, language))
    elif isinstance(node, list):
        for value in node:
            yield from _russian(value, language)


@pytest.mark.parametrize("path", RUSSIAN_DATA, ids=lambda path: path.name)
def test_the_russian_of_the_questionnaires_advice_and_topics_writes_yo_too(path):
    texts = list(_russian(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert len(texts) > 50
    found = _missing_yo(texts)
    assert not found, f"{path.name}: write these with «ё»: {found}"


# Kazakh and Russian quote with «ёлочки» („лапки“ only inside them): a pair of straight quotes around a
# name or a value reads as code pasted into the sentence. An apostrophe inside a word (O'Brien) opens no pair.
STRAIGHT_QUOTED = re.compile(r"""(?<![\w=])(['"])(?=\S)[^'"\n]*?(?<=\S)\1(?!\w)""")


def _straight_quoted(texts) -> list[str]:
    return [text for text in texts if STRAIGHT_QUOTED.search(text)]


def test_the_straight_quote_check_tells_a_quotation_from_an_apostrophe():
    assert _straight_quoted(["в кампании '%(campaign)s'", '"Б" корпусы', "('Сохранить как')"])
    assert not _straight_quoted(["в кампании «%(campaign)s»", "O'Brien's", "корпуса «Б»", "„внутри“"])


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_kazakh_and_russian_messages_quote_with_guillemets(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        texts = [s for m in read_po(fh) if m.id for s in ((m.string,) if isinstance(m.string, str) else m.string)]
    found = _straight_quoted(texts)
    assert not found, f"{language}: quote with «…»: {found[:5]}"


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("path", RUSSIAN_DATA, ids=lambda path: path.name)
def test_the_questionnaires_advice_and_topics_quote_with_guillemets(path, language):
    texts = list(_russian(yaml.safe_load(path.read_text(encoding="utf-8")), language))
    assert len(texts) > 50
    found = _straight_quoted(texts)
    assert not found, f"{path.name} ({language}): quote with «…»: {[text[:80] for text in found]}"


# English quotes a title or a name with “…”; a value the user typed or must type is quoted the way
# English error messages and commands do ('Save As', '%(email)s'), so only straight double quotes count.
DOUBLE_QUOTED = re.compile(r"""(?<![\w=])"(?=\S)[^"\n]*?(?<=\S)"(?!\w)""")


def test_english_quotes_titles_and_names_with_curly_quotes():
    with open(TRANSLATIONS / "messages.pot", "rb") as fh:
        texts = [s for m in read_po(fh) if m.id for s in ((m.id,) if isinstance(m.id, str) else m.id)]
    for path in RUSSIAN_DATA:
        texts += list(_russian(yaml.safe_load(path.read_text(encoding="utf-8")), "en"))
    assert len(texts) > 1000
    assert DOUBLE_QUOTED.search('competency "%(heading)s"') and not DOUBLE_QUOTED.search('<a href="%(url)s">')
    found = [text[:80] for text in texts if DOUBLE_QUOTED.search(text)]
    assert not found, f"quote with “…”: {found}"


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


@pytest.mark.parametrize("language, expected", [("kk", "Бағалау 360"), ("ru", "Анонимная"), ("en", "Anonymous 360")])
def test_pages_speak_the_chosen_language(client, language, expected):
    assert expected in client.get(f"/?lang={language}").get_data(as_text=True)


def test_the_language_switch_keeps_the_other_query_arguments(client):
    page = client.get("/?q=Қаржы&unit=2&lang=ru").get_data(as_text=True)
    assert 'href="?q=%D2%9A%D0%B0%D1%80%D0%B6%D1%8B&amp;unit=2&amp;lang=kk"' in page


def test_staff_keep_their_language_from_page_to_page(hr_client):
    hr_client.get("/hr/?lang=ru")
    assert '<html lang="ru">' in hr_client.get("/hr/people").get_data(as_text=True)


def test_the_language_chosen_on_the_sign_in_page_survives_signing_in(app, staff):
    from conftest import PASSWORD

    client = app.test_client()
    page = client.get("/hr/login?lang=kk").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/hr/login", data={"csrf_token": token, "email": "hr@body.kz", "password": PASSWORD})
    assert '<html lang="kk">' in client.get("/hr/").get_data(as_text=True)
