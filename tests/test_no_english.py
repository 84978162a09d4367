"""No English and no raw codes in Kazakh or Russian: every page every role reaches, the charts on
them and the workbooks people download, crawled in kk and in ru (tests/crawling.py).

The body has Kazakh and Russian names, so any Latin word left in what a reader sees is either on
the short allow-list below (formats, e-mail addresses, employee ids) or a leftover: an English
word, a message nobody translated, or a code (``rater-add``, ``head``, ``management.1``) shown as
text. Averages must be written with the reader's decimal comma (3,70), not a point.
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

import crawling
from survey.core import charts
from survey.core.models import AuditEntry

LANGUAGES = ("kk", "ru")

# Latin a Kazakh or Russian reader is meant to see: the product's name, file formats, the names of
# programs, statistical notation (n, r, ICC, Cronbach's alpha), the language switch's «English».
ALLOWED = {"Bagalau", "PDF", "XLSX", "CSV", "ZIP", "QR", "TOTP", "SVG", "PNG", "English", "ICC", "Cronbach", "n", "r",
           "Excel", "FreeOTP", "Aegis", "Microsoft", "Google", "Authenticator", "SMART", "Ctrl", "P", "README"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(r"\b(https?://|/)[^\s\"'<>]*[/?][^\s\"'<>]*|\b[\w-]+/[\w./-]+\.md\b|\.(csv|xlsx|zip|pdf)\b")
EMPLOYEE_ID = re.compile(r"\b[A-Z]\d+\b")
SETTING = re.compile(r"\bSURVEY_[A-Z_]+\b")  # what the administrator sets, named for them
CATEGORY = re.compile(r"\b[A-EАВСЕ]-([ORОР]-)?\d{1,2}\b")  # the para 2 categories: C-4, D-O-1 (codes of the order)
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
# Averages are written with two decimals; question numbers («3.2») have one and are no decimals.
POINT_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d\d(?![\d.])")
# Downloads whose words are being rewritten elsewhere (issue 20, "exports people read"): the results
# workbook is the export of survey/results/export.py, English column names and codes still.
NOT_YET = ()


@pytest.fixture
def world(app, store, staff):
    return crawling.world(app, store)


# --- what a reader sees ---------------------------------------------------------------------------

class Visible(HTMLParser):
    """The text of a page a person reads or hears: text outside scripts and styles, and the
    attributes shown or spoken (titles, labels, placeholders, alternative text, button values).
    Text marked as code (a file's column names, a key to type) and question numbers are left out:
    they are meant to be read as they are."""

    SPOKEN = ("title", "aria-label", "placeholder", "alt", "aria-description")
    LITERAL = ("code", "kbd", "samp")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template") or tag in self.LITERAL or "qid" in (attrs.get("class") or "").split():
            self.hidden += 1
            self.open.append(tag)
        self.parts += [attrs[a] for a in self.SPOKEN if attrs.get(a)]
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def svg_text(svg: str) -> str:
    return "\n".join(re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S))


def workbook_text(data: bytes, literal: set[str]) -> str:
    """Every sheet's name and text cell but those that are an id of ``literal`` (the quality
    workbook's id columns, there to find a question in the questionnaire's file)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    out = []
    for sheet in book.worksheets:
        out.append(sheet.title)
        out += [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str) and v not in literal]
    return "\n".join(out)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def leftovers(text: str) -> list[str]:
    """English words, codes and point decimals in ``text``."""
    text = CATEGORY.sub(" ", SETTING.sub(" ", URL.sub(" ", EMAIL.sub(" ", text))))
    found = [w for w in LATIN.findall(EMPLOYEE_ID.sub(" ", text)) if w not in ALLOWED]
    found += [f"decimal point: {n}" for n in POINT_DECIMAL.findall(text)]
    return found


def context(text: str, word: str) -> str:
    at = text.find(word.removeprefix("decimal point: "))
    return " ".join(text[max(0, at - 50):at + len(word) + 30].split())


# --- the pages ------------------------------------------------------------------------------------

def readable(response, literal: set[str]) -> str | None:
    """The words of a response a person reads, or None for what nobody reads as text."""
    kind = response.mimetype
    data = response.get_data()
    if kind == "text/html":
        return data.decode()
    if kind == "image/svg+xml":
        return svg_text(data.decode())
    if kind == "application/pdf":
        return pdf_text(data)
    if kind.endswith("spreadsheetml.sheet"):
        return workbook_text(data, literal)
    return None


@pytest.fixture
def readable_charts(monkeypatch):
    """Charts with their words as SVG text instead of outlines, so the test can read them."""
    monkeypatch.setitem(charts.STYLE, "svg.fonttype", "none")


def test_kazakh_and_russian_pages_hold_no_english(app, store, world, staff, readable_charts):
    with store.transaction() as session:  # the audit log the crawl reads holds these entries
        entries = {(e.action, e.detail) for e in session.scalars(select(AuditEntry))}
    assert {("rater-add", "Бағалау 2027: D1 <- S1"), ("reports-publish", "Бағалау 2025: 7 personal links, valid 30 days"),
            ("account-create", "new@body.kz (trainer)"), ("account-role", "new@body.kz: trainer → hr")} <= entries
    assert any(action == "person-standing" and detail.startswith("S5: trip ") for action, detail in entries)
    found, pages = {}, 0
    literal = {item.id for instrument in app.extensions["survey.instruments"].values()
               for item in (*instrument.competencies, *instrument.questions)}
    for lang in LANGUAGES:
        for _who, path, response in crawling.every_page(app, world, lang):
            words = readable(response, literal)
            if words is None or path.endswith(NOT_YET):
                continue
            pages += 1
            if response.mimetype == "text/html":
                words = page_text(words)
            for word in leftovers(words):
                found[(lang, path, word)] = context(words, word)
    assert pages > 100
    by_word = defaultdict(list)
    for (lang, path, word), text in sorted(found.items()):
        by_word[word].append(f"{lang} {path}: «{text}»")
    assert not by_word, f"{len(by_word)} leftovers:\n" + "\n".join(
        f"{word!r} on {len(where)} pages, first {where[0]}" for word, where in sorted(by_word.items()))
