"""The report as PDF: A4, embedded fonts, text a reader can search and copy, in bulk as a ZIP."""
from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from conftest import S1_RATERS, S1_SELF, answer_about, built_reports, campaign_ids, close_campaign, points, read_csv
from survey.core.models import Assessment, Person
from survey.reports import bundle

KAZAKH_LETTERS = "әғқңөұүһі"
# The name has һ, which no competency name or indicator has.
S1_NAME = "Шаһмардан Әбілқайырұлы"


@pytest.fixture
def closed(app, store, open_campaign, runner):
    with store.transaction() as session:
        s1 = select(Person.id).where(Person.employee_id == "S1").scalar_subquery()
        session.execute(update(Assessment).where(Assessment.assessee_id == s1).values(full_name=S1_NAME))
    answer_about(app, store, "S1", [points(r) for r in S1_RATERS], self_points=points(S1_SELF))
    answer_about(app, store, "S2", [5, 1], self_points=4)
    close_campaign(runner, open_campaign)
    return open_campaign


def pdf_of(head_client, store, name, employee_id, **query):
    campaign_id, assessment_id = campaign_ids(store, name)[employee_id]
    response = head_client.get(f"/hr/campaigns/{campaign_id}/reports/{assessment_id}.pdf", query_string=query)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_text_has_the_name_the_exported_averages_and_every_kazakh_letter(head_client, store, closed, runner, tmp_path):
    out = tmp_path / "results.csv"
    runner.invoke("results", "export", closed, "--out", str(out))
    exported = read_csv(out)
    text = text_of(pdf_of(head_client, store, closed, "S1", lang="kk"))
    assert S1_NAME in text and closed in text

    def kazakh(average: str) -> str:  # the CSV is for programs and keeps the point; the report is for people
        return average.replace(".", ",")

    table = text[:text.index(kazakh(exported["S1", "overall"]["average"]))]  # the form's table, up to the overall result
    for competency in ("communication", "ethics", "change", "results", "decisions", "cooperation", "promptness",
                       "self_development"):
        assert kazakh(exported["S1", competency]["average"]) in table, competency
        assert exported["S1", competency]["average"] not in text, competency
    assert "Ынтымақтастық" in text and "Функционалдық міндеттерін тиісті түрде атқарады" in text
    assert set(KAZAKH_LETTERS) <= set(text.lower())


def test_pdf_is_in_the_assessees_language_by_default(head_client, store, closed):
    text = text_of(pdf_of(head_client, store, closed, "S1"))  # S1's roster language is Russian
    assert "Сотрудничество" in text and "Ынтымақтастық" not in text


def test_pdf_pages_are_a4(head_client, store, closed):
    reader = pdf_of(head_client, store, closed, "S1")
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_pdf_embeds_every_font_it_uses(head_client, store, closed):
    reader = pdf_of(head_client, store, closed, "S1", lang="kk")
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVuSans" in name for name in fonts)


def test_pdf_has_the_radar_chart_as_an_image(head_client, store, closed):
    reader = pdf_of(head_client, store, closed, "S1")
    assert sum(len(page.images) for page in reader.pages) == 1


def test_pdf_radar_chart_has_the_pixels_of_the_pages_png(app, store, closed):
    """The PNG goes into the PDF as it is (palette and compressed rows), not decoded and re-encoded."""
    from flask_babel import force_locale
    from PIL import Image, ImageChops

    from survey.reports import individual, pdf

    report = built_reports(app, store, closed)["S1"]
    with app.test_request_context(), force_locale("kk"):
        png = individual.chart_png(report, "kk")
        reader = PdfReader(io.BytesIO(pdf.render(report, "kk", chart=png)))
    image, = [image for page in reader.pages for image in page.images]
    xobject, = [x.get_object() for page in reader.pages for x in page["/Resources"].get("/XObject", {}).values()]
    assert xobject["/ColorSpace"][0] == "/Indexed"
    assert len(xobject["/DecodeParms"]) == len(xobject["/Filter"])  # one set for each filter, or some readers ignore it
    expected = Image.open(io.BytesIO(png)).convert("RGB")
    assert ImageChops.difference(image.image.convert("RGB"), expected).getbbox() is None


def test_a_pdf_drawn_again_after_others_is_the_same(app, store, closed, monkeypatch):
    """The parsed text of shared paragraphs is kept from one report to the next: drawing other
    reports in between must leave it as it was."""
    from reportlab import rl_config

    from survey.reports import pdf

    monkeypatch.setattr(rl_config, "invariant", 1)  # no creation time or random id in the file
    built = built_reports(app, store, closed)
    with app.test_request_context():
        first = pdf.render(built["S1"], "kk")
        for other in built.values():
            pdf.render(other, "kk")
            pdf.render(other, "ru")
        assert pdf.render(built["S1"], "kk") == first


def test_withheld_pdf_shows_no_averages(head_client, store, closed):
    reader = pdf_of(head_client, store, closed, "S2", lang="en")
    text = text_of(reader)
    assert "fewer than 3 colleagues answered" in text
    assert not re.search(r"\d\.\d\d", text)
    assert sum(len(page.images) for page in reader.pages) == 0


def test_zip_holds_one_pdf_per_assessee(app, head_client, store, closed):
    campaign_id = campaign_ids(store, closed)["S1"][0]
    response = head_client.get(f"/hr/campaigns/{campaign_id}/reports.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == len(built_reports(app, store, closed)) == 7
    assert sorted(name.split("_", 1)[0] for name in names) == ["D1", "H1", "S1", "S2", "S3", "S4", "S5"]
    for name in names:
        assert name.endswith(".pdf") and archive.read(name).startswith(b"%PDF")
    assert S1_NAME in text_of(PdfReader(io.BytesIO(archive.read(next(n for n in names if n.startswith("S1_"))))))


def zip_of(app, built, processes, **options):
    out, progress = io.BytesIO(), []
    with app.app_context():
        count = bundle.write(out, built, processes=processes, progress=lambda *done: progress.append(done), **options)
    archive = zipfile.ZipFile(out)
    assert count == len(archive.namelist())
    return archive, progress


def test_zip_drawn_by_worker_processes_equals_the_one_drawn_here(app, store, closed):
    built = list(built_reports(app, store, closed).values())[:6]
    assert any(r.withheld for r in built) and any(r.language == "ru" for r in built)
    here, here_progress = zip_of(app, built, 1)
    workers, workers_progress = zip_of(app, built, 2)
    assert workers.namelist() == here.namelist() == [bundle.pdf_name(r) for r in built]
    assert workers_progress == here_progress == [(6, 6)]
    for name in here.namelist():
        mine, theirs = (PdfReader(io.BytesIO(archive.read(name))) for archive in (here, workers))
        assert len(theirs.pages) == len(mine.pages)
        assert text_of(theirs) == text_of(mine), name  # the same words: translated here, drawn there
    s1 = next(name for name in workers.namelist() if name.startswith("S1_"))
    assert "Сотрудничество" in text_of(PdfReader(io.BytesIO(workers.read(s1))))  # S1's own language: Russian


def test_a_report_that_fails_in_a_worker_process_fails_the_zip(app, store, closed):
    built = list(built_reports(app, store, closed).values())
    built[2] = dataclasses.replace(built[2], closes_on=None)  # the worker drawing it cannot print the date
    with pytest.raises(AttributeError):
        zip_of(app, built, 2)


def test_a_small_zip_is_drawn_in_this_process():
    assert bundle.processes({"REPORT_PROCESSES": None}, bundle.MIN_PER_PROCESS - 1) == 1
    assert bundle.processes({"REPORT_PROCESSES": 1}, 10_000) == 1
    assert bundle.processes({"REPORT_PROCESSES": 4}, 10_000) == 4
    assert bundle.processes({"REPORT_PROCESSES": 4}, 2 * bundle.MIN_PER_PROCESS) == 2
