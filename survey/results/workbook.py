"""A closed campaign's results as HR reads them: an .xlsx in the reader's language.

The first sheet says what the figures are. Then a sheet per questionnaire, one row per assessee
and a column per competency, each average followed by its band in para 8's words, both filled
with the band's colour: a colour alone says nothing on a black-and-white print or to a reader who
cannot tell red from green. The self-assessment has sheets of its own, so that nobody adds it into
an average (para 36). Other systems read the CSV of ``export`` instead, whose columns never change.
"""
from __future__ import annotations

import functools
from typing import Callable, Iterable, Sequence

from babel.dates import format_date
from babel.numbers import format_decimal

from survey.core.instruments import SCALE_SIZE, Instrument
from survey.core.messages import N_
from survey.core.models import Campaign
from survey.core.workbook import TWO_DECIMALS, Book, SheetWriter
from survey.results import scoring
from survey.results.export import AssesseeResult

Gettext = Callable[..., str]

# Excel's own palette for good, neutral and bad cells, and a grey for what is not shown.
FILLS = {"effective": "C6EFCE", "proper": "DDEBF7", "satisfactory": "FFEB9C", "unsatisfactory": "FFC7CE"}
WITHHELD_FILL = "EDEDED"
WITHHELD = N_("Not enough responses")
# Excel allows 31 characters in a sheet's name: the questionnaires' titles do not fit.
SHEETS = {"head": N_("Heads of units"), "servant": N_("Corps-B servants")}
SELF_SHEETS = {"head": N_("Self-assessment, heads"), "servant": N_("Self-assessment, servants")}
PERSON_WIDTHS = [14, 30, 26, 26]
FIGURE_WIDTH, BAND_WIDTH = 14, 28


def write_xlsx(target, campaign: Campaign, results: Iterable[AssesseeResult], *, threshold: int, gettext: Gettext,
               language: str, instruments: Sequence[Instrument] | None = None) -> None:
    """``target``: a path or a binary file. ``results`` as ``export.campaign_results`` gives them,
    or given a part at a time (``export.in_parts``) with the ``instruments`` they use: each sheet
    is written as its rows come, so the whole campaign is never held at once.
    The same few band words fill hundreds of thousands of cells: each is translated once."""
    gettext = functools.lru_cache(maxsize=None)(gettext)
    if instruments is None:
        results = list(results)
        instruments = list({item.instrument.id: item.instrument for item in results}.values())
    instruments = sorted(instruments, key=_order)
    book = Book()
    _about_sheet(book, campaign, instruments, threshold, gettext, language)
    sheets = {i.id: _result_sheet(book, i, gettext, language) for i in instruments}
    own = {i.id: _self_sheet(book, i, gettext, language) for i in instruments}
    for item in results:
        _result_row(sheets[item.instrument.id], item, gettext)
        _self_row(own[item.instrument.id], item)
    for sheet in (*sheets.values(), *own.values()):
        sheet.filter()
    book.save(target)


def _order(instrument: Instrument) -> tuple:
    """Unit heads first, as in the order; a body's own questionnaires after."""
    known = list(SHEETS)
    return (known.index(instrument.id) if instrument.id in known else len(known), instrument.id)


def _title(titles: dict[str, str], instrument: Instrument, gettext: Gettext, language: str) -> str:
    return gettext(titles[instrument.id]) if instrument.id in titles else instrument.title(language)


def _person_header(gettext: Gettext) -> list[str]:
    return [gettext("Employee id"), gettext("Full name"), gettext("Position"), gettext("Unit")]


def _person(item: AssesseeResult) -> list[object]:
    return [item.person.employee_id, item.person.full_name, item.person.position, item.person.unit]


def _figure(value: float | None, withheld: bool, gettext: Gettext) -> tuple[list[object], list[str | None]]:
    """An average and its band, with their fill: the band is named wherever it is coloured."""
    if withheld:
        return [None, gettext(WITHHELD)], [WITHHELD_FILL] * 2
    shown = scoring.rounded(value)
    band = scoring.band(shown)
    if band is None:
        return [None, None], [None, None]
    return [shown, gettext(scoring.BAND_LABELS[band])], [FILLS[band]] * 2


def _result_sheet(book: Book, instrument: Instrument, gettext: Gettext, language: str) -> SheetWriter:
    names = [c.name(language) for c in instrument.competencies] + [gettext("Overall result")]
    header = _person_header(gettext) + [gettext("Respondents (without the self-assessment)")]
    widths: list[float | None] = PERSON_WIDTHS + [FIGURE_WIDTH]
    for name in names:
        header += [name, gettext("%(name)s: band", name=name)]
        widths += [FIGURE_WIDTH, BAND_WIDTH]
    formats = [None] * 5 + [TWO_DECIMALS, None] * len(names)
    return book.sheet(_title(SHEETS, instrument, gettext, language), header, widths=widths, formats=formats,
                      frozen_columns=2)


def _result_row(sheet: SheetWriter, item: AssesseeResult, gettext: Gettext) -> None:
    values, fills = _person(item) + [item.result.respondents], [None] * 5
    for average in [c.average for c in item.result.competencies] + [item.result.overall]:
        cells, colours = _figure(average, item.result.withheld, gettext)
        values += cells
        fills += colours
    sheet.row(values, fills=fills)


def _self_sheet(book: Book, instrument: Instrument, gettext: Gettext, language: str) -> SheetWriter:
    names = [c.name(language) for c in instrument.competencies] + [gettext("Overall result")]
    return book.sheet(_title(SELF_SHEETS, instrument, gettext, language), _person_header(gettext) + names,
                      widths=PERSON_WIDTHS + [FIGURE_WIDTH] * len(names),
                      formats=[None] * 4 + [TWO_DECIMALS] * len(names), frozen_columns=2)


def _self_row(sheet: SheetWriter, item: AssesseeResult) -> None:
    own = [c.self_average for c in item.result.competencies] + [item.result.self_overall]
    sheet.row(_person(item) + [scoring.rounded(v) for v in own])


def _about_sheet(book: Book, campaign: Campaign, instruments: list[Instrument], threshold: int, gettext: Gettext,
                 language: str) -> None:
    sheet = book.sheet(gettext("About the figures"), [gettext("Item"), gettext("Explanation")], widths=[38, 90])
    rows: list[tuple[str, object, str | None]] = [
        (gettext("Campaign"), campaign.name, None),
        (gettext("Last day of answering"), format_date(campaign.closes_on, "medium", locale=language), None),
        (gettext("Confidential"), gettext("Confidential: the results of the assessment are strictly confidential "
                                          "(order No. 260, para 16)."), None),
        (gettext("Sheets"), gettext("One sheet per questionnaire, one row per assessee; then the self-assessment "
                                    "on sheets of its own."), None),
        (gettext("Average"), gettext("A competency's average is the sum of the points given to its questions divided "
                                     "by the number of those answers, over all respondents except the assessee."),
         None),
        (gettext("Overall result"), gettext("The mean of the competency averages."), None),
        (gettext("Self-assessment"), gettext("The assessee's own answers, averaged the same way. They are never "
                                             "counted in an average, the overall result or a band (order No. 260, "
                                             "para 36); an empty cell: no self-assessment was submitted."), None),
        (gettext("Respondents (without the self-assessment)"),
         gettext("How many colleagues answered about the assessee."), None),
    ]
    if instruments:
        rows.append((gettext("Scale"), gettext("Each question is answered with one of five options:"), None))
        rows += [(str(option.points), option.label(language), None) for option in instruments[0].scale]
    rows.append((gettext("Bands"), gettext("Each figure is followed by its band (order No. 260, para 8), and both "
                                           "are filled with the band's colour."), None))
    top = max(instruments[0].points) if instruments else SCALE_SIZE
    rows += [(gettext(scoring.BAND_LABELS[name]), _band_range(i, top, gettext, language), FILLS[name])
             for i, (_, name) in enumerate(scoring.BANDS)]
    rows.append((gettext(WITHHELD), gettext("Not enough responses: fewer than %(num)d colleagues answered, so no "
                                            "averages are shown. With so few answers an average would reveal what "
                                            "each colleague said.", num=threshold), WITHHELD_FILL))
    for item, text, fill in rows:
        sheet.row([item, text], fills=[fill, fill], wrap=True)


def _band_range(index: int, top: int, gettext: Gettext, language: str) -> str:
    """Para 8's range of a band, in the reader's decimals, from the table ``scoring.band`` reads."""
    def number(value: float) -> str:
        return format_decimal(value, "0.00", locale=language)

    floor = scoring.BANDS[index][0]
    if index == len(scoring.BANDS) - 1:
        return gettext("below %(high)s", high=number(scoring.BANDS[index - 1][0]))
    high = top if index == 0 else scoring.BANDS[index - 1][0] - 10 ** -scoring.DECIMALS
    return gettext("from %(low)s to %(high)s", low=number(floor), high=number(high))
