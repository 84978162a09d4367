"""The individual report as a PDF on A4: the same sections and words as the HTML page.

reportlab, chosen by measurement (bench/README.md): a report takes tens of milliseconds, where an
HTML-to-PDF engine (WeasyPrint) takes ten times as long, and it needs no system libraries. The
text is real text in an embedded subset of DejaVu Sans, which has every Kazakh letter (ә ғ қ ң ө
ұ ү һ і), so a reader can search and copy it. The font files are the ones matplotlib ships, so the
platform needs no font package. Charts: the radar chart as the same PNG as the page (about 200 dpi
at its printed size), placed in the PDF as it is (``pdfimage``), the bar chart as vector graphics.
"""
from __future__ import annotations

import functools
import io
import os
from typing import Sequence

import matplotlib
from flask_babel import force_locale
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (Flowable, HRFlowable, KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate,
                                Spacer, Table, TableStyle)
from xml.sax.saxutils import escape

from survey.reports import bars as bar_chart
from survey.reports import pdfimage, text
from survey.reports.individual import chart_png
from survey.reports.model import Report

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#555d66")
LINE = colors.HexColor("#c9ced4")
BLUE = colors.HexColor("#1f5fa8")
RED = colors.HexColor("#c0392b")
AMBER = colors.HexColor("#b26a00")
GRID = colors.HexColor("#d5d9de")
AXIS = colors.HexColor("#888888")


@functools.cache
def fonts() -> tuple[str, str]:
    """Register DejaVu Sans from matplotlib's own font folder (once per process)."""
    # Binary streams, not ASCII85: a tenth smaller, and nothing on the way needs 7-bit text.
    rl_config.useA85 = 0
    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(folder, "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    return FONT, BOLD


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, spaceAfter=3)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=14.5, leading=18, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=11.5, leading=14, spaceBefore=10,
                             spaceAfter=2, textColor=INK, keepWithNext=True),
        "h3": ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2,
                             keepWithNext=True),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=BOLD, fontSize=9, leading=11.5, spaceAfter=0),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0),
        "label": ParagraphStyle("label", parent=body, fontName=BOLD, fontSize=8, leading=10, spaceAfter=0,
                                textColor=MUTED),
        "head_num": ParagraphStyle("head_num", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0,
                                   alignment=2),
        "stamp": ParagraphStyle("stamp", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED, alignment=2,
                                leftIndent=WIDTH * 0.45),
        "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=11, borderColor=AMBER, borderWidth=0,
                               leftIndent=6, spaceBefore=2, spaceAfter=4),
        "caption": ParagraphStyle("caption", parent=body, fontSize=8, leading=10, textColor=MUTED, alignment=TA_CENTER),
        "withheld": ParagraphStyle("withheld", parent=body, borderColor=AMBER, borderWidth=1.5, borderPadding=6,
                                   backColor=colors.HexColor("#fff6e5"), spaceBefore=8, spaceAfter=10),
    }


def _p(value: str, style: str = "body") -> Paragraph:
    """A paragraph of wording that many reports share: headings, notes, competency names, advice."""
    return Paragraph(escape(value), styles()[style], frags=_parsed(value, style))


def _own(value: str, style: str = "body") -> Paragraph:
    """A paragraph of this report's own: the assessee's name, a line with their figures."""
    return Paragraph(escape(value), styles()[style])


@functools.lru_cache(maxsize=4096)
def _parsed(value: str, style: str) -> list:
    """The parsed text of a shared paragraph. Parsing the markup was more than half of the time to
    build a report's flowables, for words that are the same in every report of a questionnaire and
    language; reportlab only reads the parsed fragments when it lays a paragraph out, so one
    parse serves every report (and thread). Nothing personal is kept: see :func:`_own`."""
    return Paragraph(escape(value), styles()[style]).frags


def _heading(value: str) -> list:
    rule = HRFlowable(width="100%", thickness=1.5, color=BLUE, spaceBefore=1, spaceAfter=5)
    rule.keepWithNext = True  # a heading never ends a page without what it heads
    return [_p(value, "h2"), rule]


def _table(rows: list[list], widths: Sequence[float], *, header: bool = True, overall: bool = False,
           figures: Sequence[int] = ()) -> Table:
    """A table of paragraphs (text that may wrap) and plain strings: dates, counts and figures,
    which never wrap. The table draws a string itself, at the place a one-line paragraph of the
    cell style would take, for a fraction of a paragraph's cost (parsing, wrapping, drawing);
    ``figures``: the columns whose strings are right-aligned; the overall row's are bold."""
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [("FONT", (0, 0), (-1, -1), FONT, 9, 11.5), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    commands += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in figures]
    if header:
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 1, INK))
    if overall:
        commands += [("LINEABOVE", (0, -1), (-1, -1), 1.2, INK), ("FONT", (0, -1), (-1, -1), BOLD, 9, 11.5)]
    table.setStyle(TableStyle(commands))
    return table


class _Bars(Flowable):
    """The bar chart (``bars.layout``) drawn straight onto the page. As a reportlab Drawing the
    same seventy-odd lines, bars and words took 2 ms a report: each attribute of each shape is
    validated when it is set, and the renderer walks the shapes one by one, state and all."""

    def __init__(self, chart: bar_chart.Chart, others_label: str, self_label: str):
        super().__init__()
        self.chart, self.others_label, self.self_label = chart, others_label, self_label
        self.scale = min(1.0, WIDTH / chart.width)
        self.width, self.height = chart.width * self.scale, chart.height * self.scale

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        chart, canvas = self.chart, self.canv

        def y(value: float) -> float:  # layout y runs downwards, PDF y upwards
            return chart.height - value

        def line(x1, y1, x2, y2, colour, width):
            canvas.setStrokeColor(colour)
            canvas.setLineWidth(width)
            canvas.line(x1, y1, x2, y2)

        def words(x, y_, value, colour, align=canvas.drawString):
            canvas.setFillColor(colour)
            align(x, y_, value)

        def bar(x, y_, width, height):
            canvas.saveState()
            canvas.setFillColor(BLUE)
            canvas.setFillAlpha(0.85)
            canvas.rect(x, y_, width, height, stroke=0, fill=1)
            canvas.restoreState()

        canvas.saveState()
        canvas.scale(self.scale, self.scale)
        canvas.setFont(FONT, chart.font_size)
        for x, label in chart.ticks:
            line(x, y(0), x, y(chart.axis_y), GRID, 0.6)
            words(x, y(chart.axis_y + 11), label, MUTED, canvas.drawCentredString)
        for row in chart.rows:
            for index, part in enumerate(row.label):
                words(chart.left - 8, y(row.label_y(index)), part, INK, canvas.drawRightString)
            bar(chart.left, y(row.bar_y + chart.bar_height), row.bar_width, chart.bar_height)
            words(chart.value_x, y(row.centre + 3), row.value, INK, canvas.drawRightString)
            if row.self_x is not None:
                line(row.self_x, y(row.bar_y - 3), row.self_x, y(row.bar_y + chart.bar_height + 3), RED, 2.4)
        line(chart.left, y(chart.axis_y), chart.right, y(chart.axis_y), AXIS, 0.8)
        bar(chart.left, y(chart.legend_y + 8), 14, 8)
        words(chart.left + 18, y(chart.legend_y + 7), self.others_label, INK)
        line(chart.left + 190, y(chart.legend_y - 2), chart.left + 190, y(chart.legend_y + 10), RED, 2.4)
        words(chart.left + 196, y(chart.legend_y + 7), self.self_label, INK)
        canvas.restoreState()


def _bullets(items: Sequence[str], paragraph=_p) -> ListFlowable:
    return ListFlowable([ListItem(paragraph(item, "cell"), leftIndent=12, value="•") for item in items],
                        bulletType="bullet", start="•", leftIndent=12, bulletFontName=FONT, bulletFontSize=8,
                        spaceBefore=1, spaceAfter=4)


def _form(r: Report, language: str, t, chart: bytes | None) -> Table:
    """The table of the form and, beside it as on the form, the «Паутинка» (the radar chart)."""
    number = functools.partial(text.number, language=language)
    left = 96 * mm
    rows = [[_p(t.number_sign, "head"), _p(t.competency, "head"), _p(t.form_average, "head_num")]]
    rows += [[str(line.number), _p(line.name(language), "cell"), number(line.average)] for line in r.lines]
    table = _table(rows, [8 * mm, left - 42 * mm, 34 * mm], figures=(2,))
    spider = [_p(t.spider, "cell_bold")]
    if chart is not None:
        spider.append(pdfimage.image(chart, WIDTH - left - 4 * mm))
    spider.append(_p(t.radar_caption, "caption"))
    outer = Table([[table, spider]], colWidths=[left, WIDTH - left], hAlign="LEFT")
    outer.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
    return outer


def story(report: Report, language: str, words: text.Wording, chart: bytes | None) -> list:
    """The flowables of the report, in the order of templates/reports/_report.html."""
    t = words.t
    number = functools.partial(text.number, language=language)
    signed = functools.partial(text.signed, language=language)
    r = report
    head = r.instrument_id == "head"
    # The form of appendix 7 or 8 first, in its order; what the report adds comes after it.
    out: list = [_p(t.appendix_head if head else t.appendix_servant, "stamp"), _p(t.form, "stamp"), Spacer(1, 4),
                 _p(t.title_head if head else t.title_servant, "title")]
    if t.unofficial:
        out.append(_p(t.unofficial, "note"))
    out.append(Paragraph(f"<font color='#555d66'>{escape(t.name_head if head else t.name_servant)}</font> "
                         f"<b>{escape(r.full_name)}</b>", styles()["body"]))
    if r.withheld:
        out.append(_p(t.withheld, "withheld"))
    else:
        out += [Spacer(1, 4), _form(r, language, t, chart), _p(t.form_method, "small"),
                Paragraph(f"<b>{escape(t.result_of_assessment)}</b> {number(r.overall)} — {escape(t.bands[r.band])}",
                          styles()["body"])]

    out += _heading(t.added) + [_p(t.added_note, "small")]
    identity = [[_p(t.position, "label"), _own(r.position, "cell"), _p(t.campaign, "label"),
                 _p(r.campaign_name, "cell")],
                [_p(t.unit, "label"), _own(r.unit, "cell"), _p(t.closes_on, "label"), r.closes_on.isoformat()],
                ["", "", _p(t.respondents, "label"), str(r.respondents)]]
    out.append(_table(identity, [31 * mm, WIDTH / 2 - 31 * mm, 34 * mm, WIDTH / 2 - 34 * mm], header=False))

    if r.withheld:
        out.append(_p(t.withheld_more))
    else:
        out += _heading(t.comparison)
        head_row = [_p(t.number_sign, "head"), _p(t.competency, "head"), _p(t.average, "head_num"),
                    _p(t.self_assessment, "head_num")]
        widths = [9 * mm, None, 26 * mm, 26 * mm]
        if r.agreement_shown:
            head_row.append(_p(t.agreement, "head"))
            widths.append(36 * mm)
        widths[1] = WIDTH - sum(w for w in widths if w)
        rows = [head_row]
        for line in r.lines:
            row = [str(line.number), _p(line.name(language), "cell"), number(line.average), number(line.self_average)]
            if r.agreement_shown:
                row.append(_p(t.agreement_words[line.agreement], "cell") if line.agreement else "—")
            rows.append(row)
        overall = ["", _p(t.overall, "cell_bold"), number(r.overall), number(r.self_overall)]
        overall += [""] if r.agreement_shown else []
        rows.append(overall)
        out.append(_table(rows, widths, overall=True, figures=(2, 3)))
        if not r.has_self:
            out.append(_p(t.no_self, "small"))
        out.append(KeepTogether([Spacer(1, 8), _p(t.bars_title, "h3"),
                                 _Bars(bar_chart.layout(report, language), t.others_label, t.self_label),
                                 _p(t.bars_caption, "caption")]))

        if not r.has_self:
            out.append(_p(t.no_self_comparison))
        elif not r.blind_spots and not r.hidden_strengths:
            out.append(_p(t.no_gaps))
        else:
            for lines, title, note in ((r.blind_spots, t.blind_spots, t.blind_spots_note),
                                       (r.hidden_strengths, t.hidden_strengths, t.hidden_strengths_note)):
                if lines:
                    out += [_p(title, "h3"), _p(note, "small"), _bullets([
                        f"{line.name(language)}: {t.self_assessment} {number(line.self_average)}, "
                        f"{t.average} {number(line.average)} ({signed(line.gap)})" for line in lines], _own)]
        out.append(_p(t.agreement_note if r.agreement_shown else t.agreement_not_shown, "small"))

        out += _heading(t.development)
        out.append(_p(t.development_note, "small"))
        for item in r.development:
            block = [_own(f"{item.line.name(language)} — {number(item.line.average)}", "h3")]
            if item.advice is not None:
                for title, indicators in ((t.effective, item.advice.effective), (t.ineffective, item.advice.ineffective)):
                    block += [_p(title, "cell_bold"), _bullets([f"{x.text(language)} [{item.advice.reference(x)}]"
                                                                for x in indicators])]
                block += [_p(f"{t.sources_title}:", "small")]
                block += [_p(f"{n}. {source}", "small") for n, source in enumerate(words.sources[item.line.competency_id], 1)]
                block.append(_p(t.indicators_note, "small"))
            else:
                block.append(_p(t.no_advice, "small"))
            out.append(KeepTogether(block))

        out += _heading(t.previous)
        if r.previous is None:
            out.append(_p(t.previous_first))
        elif r.previous.withheld:
            out.append(_p(f"{words.previous_heading}. {t.previous_withheld}"))
        else:
            rows = [[_p(t.competency, "head"), _p(r.previous.campaign_name, "head_num"), _p(t.now, "head_num"),
                     _p(t.change, "head_num")]]
            rows += [[_p(line.name(language), "cell"), number(line.previous), number(line.average), signed(line.change)]
                     for line in r.lines]
            rows.append([_p(t.overall, "cell_bold"), number(r.previous.overall), number(r.overall),
                         signed(r.overall_change)])
            out += [_table(rows, [WIDTH - 3 * 28 * mm, 28 * mm, 28 * mm, 28 * mm], overall=True, figures=(1, 2, 3)),
                    _p(f"{words.previous_heading} ({r.previous.closes_on.isoformat()}). {t.previous_note}", "small")]

    scale_text = "; ".join(f"{points} — {label(language)}" for points, label in r.scale)
    out.append(KeepTogether(_heading(t.notes) + [
        _p(t.method, "small"), _p(f"{t.scale} {scale_text}.", "small"), _p(t.no_relations, "small"),
        Spacer(1, 6), _p(t.confidential, "small")]))
    return out


def render(report: Report, language: str, *, chart: bytes | None = None) -> bytes:
    """The PDF bytes of one report in ``language``. ``chart``: the radar PNG if already drawn.
    Translates the words, so it runs in the app; other processes :func:`draw` words made here."""
    with force_locale(language):
        words = text.wording(report, language)
    return draw(report, language, words, chart=chart)


def draw(report: Report, language: str, words: text.Wording, *, chart: bytes | None = None) -> bytes:
    """The PDF bytes from words translated beforehand: no locale and no Flask needed."""
    fonts()
    t = words.t
    if chart is None:
        chart = chart_png(report, language, t)
    title = f"{t.title_head if report.instrument_id == 'head' else t.title_servant} · {report.full_name}"
    footer = f"{report.full_name} · {report.campaign_name} · {t.page} "
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
                                 bottomMargin=18 * mm, title=title, author="Bagalau 360",
                                 subject=report.campaign_name, lang=language, creator="Bagalau 360",
                                 initialFontName=FONT, initialFontSize=9.5)

    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, footer + str(doc.page))
        canvas.restoreState()

    document.build(story(report, language, words, chart), onFirstPage=page, onLaterPages=page)
    return out.getvalue()
