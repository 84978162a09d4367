"""The measurement quality of one campaign, or two side by side, as an .xlsx for the methodologist.

The sheets say what the page says: about (who is counted, what each flag means), groups,
competencies, questions, flags and the charts. A figure that cannot be computed or is withheld
is written as those words, never as an empty cell or a zero that could be taken for a figure.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from survey.core.instruments import Instrument
from survey.core.messages import N_
from survey.core.workbook import PERCENT, TWO_DECIMALS, Book, Column, SheetWriter
from survey.quality.charts import available_charts, chart, comparison_chart
from survey.quality.figures import (GAP, LENIENCY_SHARE, MIN_ALPHA, MIN_ICC1, MIN_ITEM_REST, MIN_SPREAD,
                                    CampaignQuality, Flag, Gettext, competency_name, competency_of, group_label,
                                    paired, percent, fmt)

NOT_COMPUTABLE = N_("not computable")
WITHHELD = N_("withheld")
COUNT = "0"
DIFFERENCE = "+0.00;-0.00;0.00"


def _self_figure(get):
    """Self-assessment figures are withheld, not "not computable", under the threshold."""
    return lambda c: get(c) if c.gap is not None else _Withheld()


class _Withheld:
    pass


def competency_columns(instrument: Instrument) -> list[Column]:
    columns = [
        Column(N_("Assessees"), lambda c: c.assessees, COUNT),
        Column(N_("Responses"), lambda c: c.responses, COUNT),
        Column(N_("Answers"), lambda c: c.answers, COUNT),
        Column(N_("Mean"), lambda c: c.mean, TWO_DECIMALS),
        Column(N_("SD"), lambda c: c.sd, TWO_DECIMALS),
    ]
    for i, points in enumerate(instrument.points):
        columns.append(Column(N_("Share of %(points)s"), lambda c, i=i: c.shares[i], PERCENT,
                              params={"points": points}))
    columns += [
        Column(N_("Cronbach's alpha"), lambda c: c.alpha, TWO_DECIMALS),
        Column(N_("SD across assessees"), lambda c: c.agreement.between_sd, TWO_DECIMALS),
        Column(N_("SD within assessees"), lambda c: c.agreement.within_sd, TWO_DECIMALS),
        Column(N_("ICC(1)"), lambda c: c.agreement.icc1, TWO_DECIMALS),
        Column(N_("ICC(2)"), lambda c: c.agreement.icc2, TWO_DECIMALS),
        Column(N_("Self-assessments"), lambda c: c.self_assessees, COUNT),
        Column(N_("Mean self"), _self_figure(lambda c: c.self_mean), TWO_DECIMALS),
        Column(N_("Mean others"), _self_figure(lambda c: c.others_mean), TWO_DECIMALS),
        Column(N_("Self minus others"), _self_figure(lambda c: c.gap), DIFFERENCE),
    ]
    return columns


QUESTION_COLUMNS = [
    Column(N_("Answers"), lambda q: q.answers, COUNT),
    Column(N_("Mean"), lambda q: q.mean, TWO_DECIMALS),
    Column(N_("SD"), lambda q: q.sd, TWO_DECIMALS),
    Column(N_("Share of the top option"), lambda q: q.top_share, PERCENT),
    Column(N_("Correlation with the rest of its competency"), lambda q: q.item_rest, TWO_DECIMALS),
    Column(N_("Alpha without this question"), lambda q: q.alpha_if_deleted, TWO_DECIMALS),
]

GROUP_COLUMNS = [
    Column(N_("Assessees"), lambda g: g.assessees, COUNT),
    Column(N_("Assessees included"), lambda g: g.included, COUNT),
    Column(N_("Assessees excluded (fewer respondents than the threshold)"), lambda g: g.excluded, COUNT),
    Column(N_("Responses"), lambda g: g.responses, COUNT),
    Column(N_("Self-assessments"), lambda g: g.self_assessees, COUNT),
    Column(N_("Mean self"), _self_figure(lambda g: g.self_overall), TWO_DECIMALS),
    Column(N_("Mean others"), _self_figure(lambda g: g.others_overall), TWO_DECIMALS),
    Column(N_("Self minus others"), _self_figure(lambda g: g.gap), DIFFERENCE),
]


def _cell(value, gettext: Gettext):
    if isinstance(value, _Withheld):
        return gettext(WITHHELD)
    if value is None:
        return gettext(NOT_COMPUTABLE)
    if isinstance(value, float):
        return round(value, 4)
    return value


def _flag_text(flags: Iterable[Flag], gettext: Gettext, language: str) -> str:
    return " ".join(f.translated(gettext, language) for f in flags)


def _row(sheet: SheetWriter, values: list, formats: list[str | None], gettext: Gettext) -> None:
    sheet.row([_cell(v, gettext) for v in values], formats)


def write_xlsx(target, quality: CampaignQuality, *, gettext: Gettext, language: str, charts: bool = True) -> None:
    """One campaign: about, groups, competencies, questions, flags and (optionally) the charts."""
    book = Book()
    _about_sheet(book, [quality], gettext, language)
    _group_sheet(book, [quality], gettext, language)
    _competency_sheet(book, [quality], gettext, language)
    _question_sheet(book, [quality], gettext, language)
    _flag_sheet(book, [quality], gettext, language)
    if charts:
        _chart_sheet(book, [(group_label(g.instrument, gettext, language), chart(kind, g, gettext=gettext,
                                                                            language=language))
                            for g in quality.groups if not g.withheld for kind in available_charts(g)], gettext)
    book.save(target)


def write_comparison_xlsx(target, a: CampaignQuality, b: CampaignQuality, instruments: Mapping[str, Instrument], *,
                          gettext: Gettext, language: str, charts: bool = True) -> None:
    """Two campaigns: the same sheets with each figure for A and B in adjacent columns."""
    book = Book()
    _about_sheet(book, [a, b], gettext, language)
    _group_sheet(book, [a, b], gettext, language)
    _competency_sheet(book, [a, b], gettext, language, instruments=instruments)
    _question_sheet(book, [a, b], gettext, language, instruments=instruments)
    _flag_sheet(book, [a, b], gettext, language)
    if charts:
        images = []
        for pair in paired(a, b, instruments):
            data = comparison_chart(pair, a.campaign_name, b.campaign_name, gettext=gettext, language=language)
            if data:
                images.append((group_label(pair.instrument, gettext, language), data))
        _chart_sheet(book, images, gettext)
    book.save(target)


def _headers(columns: list[Column], campaigns: list[CampaignQuality], gettext: Gettext) -> list[str]:
    out = []
    for column in columns:
        text = column.title(gettext)
        out += [text] if len(campaigns) == 1 else [f"{text} — {c.campaign_name}" for c in campaigns]
    return out


def _values(columns: list[Column], items: list, campaigns: list[CampaignQuality]):
    values, formats = [], []
    for column in columns:
        for item in items:
            values.append(_Absent() if item is None else column.get(item))
            formats.append(column.number_format)
    return values, formats


class _Absent(_Withheld):
    """No such group or competency in that campaign: shown as withheld."""


def _about_sheet(book: Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str) -> None:
    sheet = book.sheet(gettext("About"), [gettext("Item"), gettext("Value")], widths=[60, 60])
    rows = [(gettext("Campaign"), c.campaign_name) for c in campaigns]
    threshold = campaigns[0].threshold
    rows += [
        (gettext("Anonymity threshold"), threshold),
        (gettext("Who is counted"), gettext("Non-self answers of closed campaigns; only assessees with at least "
                                            "%(num)d respondents; a group only with at least %(num)d such assessees; "
                                            "self-assessment figures only over at least %(num)d self-assessments. "
                                            "No figure is about one person.", num=threshold)),
        (gettext("Flag: leniency"), gettext("more than %(share)s of the answers at the top option",
                                            share=percent(LENIENCY_SHARE))),
        (gettext("Flag: no discrimination"), gettext("SD of the assessees' averages under %(limit)s",
                                                     limit=fmt(MIN_SPREAD, language))),
        (gettext("Flag: low agreement"), gettext("ICC(1) under %(limit)s", limit=fmt(MIN_ICC1, language))),
        (gettext("Flag: low consistency"), gettext("Cronbach's alpha under %(limit)s", limit=fmt(MIN_ALPHA, language))),
        (gettext("Flag: weak question"), gettext("correlation with the rest of its competency under %(limit)s",
                                                 limit=fmt(MIN_ITEM_REST, language))),
        (gettext("Flag: over-rating or under-rating"), gettext("self minus others at least %(limit)s points either way",
                                                               limit=fmt(GAP, language))),
        (gettext("Formulas and sources"), gettext("docs/methodology.md, the section on measurement quality")),
    ]
    for item, value in rows:
        _row(sheet, [item, value], [None, None], gettext)


def _group_sheet(book: Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str) -> None:
    sheet = book.sheet(gettext("Groups"), [gettext("Group")] + _headers(GROUP_COLUMNS, campaigns, gettext)
                       + [gettext("Flags")], widths=[24], default_width=12)
    ids = list(dict.fromkeys(g.instrument.id for c in campaigns for g in c.groups))
    for instrument_id in ids:
        groups = [c.group(instrument_id) for c in campaigns]
        instrument = next(g.instrument for g in groups if g is not None)
        shown_groups = [None if g is None or g.withheld else g for g in groups]
        values, formats = _values(GROUP_COLUMNS, shown_groups, campaigns)
        # Counts of a withheld group are still shown: they say only how many were left out.
        for i, g in enumerate(groups):
            if g is not None and g.withheld:
                for j in range(3):
                    values[j * len(campaigns) + i] = [g.assessees, g.included, g.excluded][j]
        notes = []
        for c, g in zip(campaigns, groups):
            text = (gettext("withheld: fewer than %(num)d assessees with enough respondents", num=c.threshold)
                    if g is not None and g.withheld else _flag_text(g.flags, gettext, language) if g else "")
            notes.append(f"{c.campaign_name}: {text}" if len(campaigns) > 1 and text else text)
        _row(sheet, [group_label(instrument, gettext, language)] + values + [" ".join(n for n in notes if n)],
             [None] + formats + [None], gettext)


def _competency_sheet(book: Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str,
                      instruments: Mapping[str, Instrument] | None = None) -> None:
    groups = _instruments(campaigns, instruments)
    widest = max(groups, key=lambda i: len(i.points))
    columns = competency_columns(widest)
    sheet = book.sheet(gettext("Competencies"), [gettext("Group"), gettext("Competency id"), gettext("Competency")]
                       + _headers(columns, campaigns, gettext) + [gettext("Flags")], widths=[20, 16, 36], default_width=12)
    for instrument in groups:
        columns = competency_columns(instrument)
        for competency in instrument.competencies:
            items = [competency_of(c.group(instrument.id), competency.id) for c in campaigns]
            if all(i is None for i in items):
                continue
            values, formats = _values(columns, items, campaigns)
            flags = [(c.campaign_name if len(campaigns) > 1 else "", _flag_text(i.flags, gettext, language))
                     for c, i in zip(campaigns, items) if i is not None and i.flags]
            _row(sheet, [group_label(instrument, gettext, language), competency.id, competency.name(language)]
                 + values + [" ".join(f"{n}: {t}" if n else t for n, t in flags)], [None] * 3 + formats + [None],
                 gettext)


def _question_sheet(book: Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str,
                    instruments: Mapping[str, Instrument] | None = None) -> None:
    sheet = book.sheet(gettext("Questions"), [gettext("Group"), gettext("Competency"), gettext("Question id"),
                                              gettext("Question")] + _headers(QUESTION_COLUMNS, campaigns, gettext)
                       + [gettext("Flags")], widths=[20, 28, 18, 60], default_width=12)
    for instrument in _instruments(campaigns, instruments):
        for competency in instrument.competencies:
            competencies = [competency_of(c.group(instrument.id), competency.id) for c in campaigns]
            if all(i is None for i in competencies):
                continue
            for question in competency.questions:
                items = [c.question(question.id) if c else None for c in competencies]
                values, formats = _values(QUESTION_COLUMNS, items, campaigns)
                flags = [(c.campaign_name if len(campaigns) > 1 else "", _flag_text(i.flags, gettext, language))
                         for c, i in zip(campaigns, items) if i is not None and i.flags]
                _row(sheet, [group_label(instrument, gettext, language), competency.name(language), question.id,
                             question.text(language)] + values
                     + [" ".join(f"{n}: {t}" if n else t for n, t in flags)], [None] * 4 + formats + [None], gettext)


def _flag_sheet(book: Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str) -> None:
    header = ([gettext("Campaign")] if len(campaigns) > 1 else []) + [gettext("Group"), gettext("Competency"),
                                                                      gettext("Question id"), gettext("Flag"),
                                                                      gettext("In plain words")]
    sheet = book.sheet(gettext("Flags"), header, widths=([20] if len(campaigns) > 1 else []) + [20, 30, 16, 18, 90])
    for campaign in campaigns:
        for group in campaign.groups:
            for competency_id, question_id, flag in group.all_flags():
                row = [group_label(group.instrument, gettext, language),
                       competency_name(group.instrument, competency_id, language) if competency_id else "",
                       question_id or "", gettext(flag.label), flag.translated(gettext, language)]
                _row(sheet, ([campaign.campaign_name] if len(campaigns) > 1 else []) + row, [None] * 6, gettext)


def _chart_sheet(book: Book, images: list[tuple[str, bytes]], gettext: Gettext) -> None:
    if not images:
        return
    sheet = book.sheet(gettext("Charts"), [gettext("Charts (also as PNG and SVG from the web page)")], widths=[40])
    sheet.blank()
    for label, data in images:
        sheet.row([label])
        sheet.image(data)


def _instruments(campaigns: list[CampaignQuality], instruments: Mapping[str, Instrument] | None) -> list[Instrument]:
    """The instruments of the shown groups, in a stable order."""
    found: dict[str, Instrument] = {}
    for c in campaigns:
        for g in c.groups:
            found.setdefault(g.instrument.id, g.instrument)
    if instruments:
        return [instruments.get(i, found[i]) for i in found]
    return list(found.values())
