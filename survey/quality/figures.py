"""How well the questionnaire measures: the methodologist's view of a closed campaign.

For each group (instrument: unit heads, corps-B servants) and competency: the mean and spread of
the non-self answers, the share of each answer option, Cronbach's alpha of its questions, the
agreement among raters of the same assessee (ICC from a one-way ANOVA), and per question its
correlation with the rest of its competency; then the self-assessment against the others. The
statistics are in ``psychometrics``; the formulas, sources and thresholds are in
docs/methodology.md, "Measurement quality".

Anonymity (order No. 260, para 34) holds the same way as in the results: only closed campaigns;
only assessees with at least ``threshold`` non-self respondents contribute (the others' averages
are withheld anyway); a group is shown only when at least ``threshold`` assessees contribute; the
self-assessment figures only over at least ``threshold`` self-assessments. Nothing is per person,
and this module never reads a name: it reads assessments, responses and answers only.
"""
from __future__ import annotations

import io
import textwrap
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.quality import psychometrics
from survey.results import scoring
from survey.campaigns.lifecycle import CampaignError
from survey.core.instruments import Instrument
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign, Response

# Thresholds of the flags (docs/methodology.md, "Measurement quality"). A figure is compared as it
# is shown, rounded to 2 decimals, so that a shown 0.70 is never called "under 0.70".
LENIENCY_SHARE = 0.5  # more than half of all answers at the top option
MIN_SPREAD = 0.25  # SD of the assessees' averages, in points
MIN_ICC1 = 0.10  # LeBreton & Senter (2008): .10 a "medium" effect of the assessee
MIN_ALPHA = 0.70  # Nunnally (1978)
MIN_ITEM_REST = 0.30  # corrected item-total correlation, customary rule of thumb
GAP = 0.50  # self minus others, in points: half an answer option
DECIMALS = 2

GROUP_LABELS = {"head": N_("Unit heads"), "servant": N_("Corps-B servants")}

Gettext = Callable[..., str]


@dataclass(frozen=True)
class Flag:
    """A finding in plain words: a catalogue message and its (already formatted) parameters."""

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def translated(self, gettext: Gettext) -> str:
        return gettext(self.message, **self.params)

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.code]


FLAG_LABELS = {
    "leniency": N_("leniency"),
    "no_discrimination": N_("no discrimination"),
    "low_agreement": N_("low agreement"),
    "low_consistency": N_("low consistency"),
    "weak_question": N_("weak question"),
    "over_rating": N_("over-rating"),
    "under_rating": N_("under-rating"),
}


@dataclass(frozen=True)
class QuestionQuality:
    question_id: str
    answers: int
    mean: float | None
    sd: float | None
    top_share: float | None
    item_rest: float | None  # corrected item-total correlation
    alpha_if_deleted: float | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class CompetencyQuality:
    competency_id: str
    assessees: int
    responses: int
    answers: int
    mean: float | None
    sd: float | None
    shares: tuple[float | None, ...]  # in the order of the instrument's scale
    alpha: float | None
    complete_responses: int  # responses with every question of the competency: alpha is over these
    agreement: psychometrics.OneWay
    self_assessees: int
    self_mean: float | None  # None: fewer than ``threshold`` self-assessments
    others_mean: float | None  # over the same assessees as self_mean
    gap: float | None
    questions: tuple[QuestionQuality, ...]
    flags: tuple[Flag, ...]

    @property
    def top_share(self) -> float | None:
        return self.shares[-1] if self.shares else None

    def question(self, question_id: str) -> QuestionQuality | None:
        return next((q for q in self.questions if q.question_id == question_id), None)


@dataclass(frozen=True)
class GroupQuality:
    instrument: Instrument
    assessees: int  # assessed with this instrument in the campaign
    included: int  # with at least ``threshold`` non-self respondents
    withheld: bool  # fewer than ``threshold`` included: no figure at all
    responses: int
    competencies: tuple[CompetencyQuality, ...]
    self_assessees: int
    self_overall: float | None
    others_overall: float | None
    gap: float | None
    flags: tuple[Flag, ...]

    @property
    def excluded(self) -> int:
        return self.assessees - self.included

    def competency(self, competency_id: str) -> CompetencyQuality | None:
        return next((c for c in self.competencies if c.competency_id == competency_id), None)

    def all_flags(self) -> list[tuple[str | None, str | None, Flag]]:
        """(competency id, question id, flag) of the group, its competencies and questions."""
        out: list[tuple[str | None, str | None, Flag]] = [(None, None, f) for f in self.flags]
        for c in self.competencies:
            out += [(c.competency_id, None, f) for f in c.flags]
            for q in c.questions:
                out += [(c.competency_id, q.question_id, f) for f in q.flags]
        return out


@dataclass(frozen=True)
class CampaignQuality:
    campaign_id: int
    campaign_name: str
    threshold: int
    groups: tuple[GroupQuality, ...]

    def group(self, instrument_id: str) -> GroupQuality | None:
        return next((g for g in self.groups if g.instrument.id == instrument_id), None)

    def largest_gap(self) -> GroupQuality | None:
        """The group that rates itself highest against its raters, when two or more can be compared."""
        shown = [g for g in self.groups if g.gap is not None]
        if len(shown) < 2:
            return None
        return max(shown, key=lambda g: g.gap)


def shown(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def _percent(value: float) -> str:
    return f"{value:.0%}"


# --- the analysis: plain values in, figures out ---------------------------------------------------

def analyse_group(instrument: Instrument, assessees: Sequence[Sequence[scoring.ScoredResponse]], *,
                  threshold: int) -> GroupQuality:
    """The figures of one instrument over its assessees; each item of ``assessees`` is every
    response about one assessee (self-assessment included, marked ``is_self``)."""
    threshold = max(1, threshold)
    structure = {c.id: [q.id for q in c.questions] for c in instrument.competencies}
    scored = [(list(responses), scoring.assess(structure, responses, threshold=threshold)) for responses in assessees]
    included = [(responses, result) for responses, result in scored if not result.withheld]
    if len(included) < threshold:
        return GroupQuality(instrument, len(scored), len(included), True, 0, (), 0, None, None, None, ())

    competencies = tuple(_competency(instrument, c.id, structure[c.id], included, threshold)
                         for c in instrument.competencies)
    pairs = [(result.self_overall, result.overall) for _, result in included
             if result.self_overall is not None and result.overall is not None]
    self_overall, others_overall, gap = _self_and_others(pairs, threshold)
    flags = _gap_flags(gap, len(pairs))
    responses = sum(result.respondents for _, result in included)
    return GroupQuality(instrument, len(scored), len(included), False, responses, competencies, len(pairs),
                        self_overall, others_overall, gap, flags)


def _self_and_others(pairs: list[tuple[float, float]], threshold: int):
    """Mean self, mean others over the same assessees, and their difference (paired)."""
    if len(pairs) < threshold:
        return None, None, None
    own = psychometrics.mean([p[0] for p in pairs])
    others = psychometrics.mean([p[1] for p in pairs])
    return own, others, own - others


def _competency(instrument: Instrument, competency_id: str, questions: list[str],
                included: list[tuple[list[scoring.ScoredResponse], scoring.Result]], threshold: int) -> CompetencyQuality:
    options = instrument.points
    top = max(options)
    answers: list[int] = []
    by_question: dict[str, list[int]] = defaultdict(list)
    complete: list[list[int]] = []
    groups: list[list[float]] = []
    pairs: list[tuple[float, float]] = []
    assessees = responses = 0
    for assessee_responses, result in included:
        means = []
        for response in assessee_responses:
            if response.is_self:
                continue
            given = [response.answers[q] for q in questions if q in response.answers]
            if not given:
                continue
            answers += given
            for q in questions:
                if q in response.answers:
                    by_question[q].append(response.answers[q])
            if len(given) == len(questions):
                complete.append(given)
            means.append(sum(given) / len(given))
        if means:
            groups.append(means)
            assessees += 1
            responses += len(means)
        c = result.competency(competency_id)
        if c.self_average is not None and c.average is not None:
            pairs.append((c.self_average, c.average))

    agreement = psychometrics.one_way(groups)
    alpha = psychometrics.cronbach_alpha(complete)
    item_rest = psychometrics.item_rest_correlations(complete) or tuple(None for _ in questions)
    deleted = psychometrics.alpha_if_deleted(complete) or tuple(None for _ in questions)
    question_figures = []
    for q, r, a in zip(questions, item_rest, deleted):
        values = by_question[q]
        flags = ()
        if r is not None and shown(r) < MIN_ITEM_REST:
            flags = (Flag("weak_question", N_("Question %(question)s agrees little with the other questions of its "
                                              "competency (r = %(r)s, under %(limit)s): it may measure something else."),
                          {"question": q, "r": _fmt(r), "limit": _fmt(MIN_ITEM_REST)}),)
        question_figures.append(QuestionQuality(q, len(values), psychometrics.mean(values), psychometrics.sd(values),
                                                psychometrics.shares(values, [top])[0], r, a, flags))

    self_mean, others_mean, gap = _self_and_others(pairs, threshold)
    shares = psychometrics.shares(answers, options)
    flags = []
    if shares and shares[-1] is not None and shares[-1] > LENIENCY_SHARE:
        flags.append(Flag("leniency", N_("Leniency: %(share)s of the answers are the top option, so a high average "
                                         "says little."), {"share": _percent(shares[-1])}))
    if agreement.between_sd is not None and shown(agreement.between_sd) < MIN_SPREAD:
        flags.append(Flag("no_discrimination", N_("No discrimination: the assessees' averages differ little (SD %(sd)s "
                                                  "points, under %(limit)s), so this competency hardly tells people apart."),
                          {"sd": _fmt(agreement.between_sd), "limit": _fmt(MIN_SPREAD)}))
    if agreement.icc1 is not None and shown(agreement.icc1) < MIN_ICC1:
        flags.append(Flag("low_agreement", N_("Low agreement: raters of the same person differ among themselves about as "
                                              "much as the assessees differ from one another (ICC(1) = %(icc)s, under "
                                              "%(limit)s)."), {"icc": _fmt(agreement.icc1), "limit": _fmt(MIN_ICC1)}))
    if alpha is not None and shown(alpha) < MIN_ALPHA:
        flags.append(Flag("low_consistency", N_("Low consistency: the questions of this competency do not hang together "
                                                "(Cronbach's alpha %(alpha)s, under %(limit)s)."),
                          {"alpha": _fmt(alpha), "limit": _fmt(MIN_ALPHA)}))
    flags += _gap_flags(gap, len(pairs))
    if assessees < threshold:  # only when questions are missing from the stored answers
        return CompetencyQuality(competency_id, assessees, responses, len(answers), None, None,
                                 tuple(None for _ in options), None, 0, psychometrics.one_way([]), 0, None, None, None,
                                 (), ())
    return CompetencyQuality(competency_id, assessees, responses, len(answers), psychometrics.mean(answers),
                             psychometrics.sd(answers), shares, alpha, len(complete), agreement, len(pairs),
                             self_mean, others_mean, gap, tuple(question_figures), tuple(flags))


def _gap_flags(gap: float | None, n: int) -> tuple[Flag, ...]:
    if gap is None:
        return ()
    if shown(gap) >= GAP:
        return (Flag("over_rating", N_("Over-rating: assessees rate themselves %(gap)s points higher than their raters "
                                       "do, on average over %(n)s assessees."), {"gap": _fmt(gap), "n": n}),)
    if shown(gap) <= -GAP:
        return (Flag("under_rating", N_("Under-rating: assessees rate themselves %(gap)s points lower than their raters "
                                        "do, on average over %(n)s assessees."), {"gap": _fmt(-gap), "n": n}),)
    return ()


# --- reading a campaign ------------------------------------------------------------------------

def campaign_quality(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *,
                     threshold: int) -> CampaignQuality:
    """The figures of a closed campaign, per instrument. Reads no person: no name can leak."""
    if campaign.status != "closed":
        raise CampaignError(N_("the measurement quality of '%(name)s' is available once it is closed (it is "
                               "%(status)s): figures taken while answers still arrive would reveal individual answers"),
                            name=campaign.name, status=campaign.status)
    instrument_of = dict(session.execute(
        select(Assessment.id, Assessment.instrument).where(Assessment.campaign_id == campaign.id)).all())
    rows = session.execute(
        select(Response.assessment_id, Response.is_self, Response.answers)
        .join(Assessment, Assessment.id == Response.assessment_id)
        .where(Assessment.campaign_id == campaign.id)
        .order_by(Response.id))  # key order: random, says nothing of who or when
    per_assessment: dict[int, list[scoring.ScoredResponse]] = {a: [] for a in instrument_of}
    for assessment_id, is_self, answers in rows:
        per_assessment[assessment_id].append(scoring.ScoredResponse(is_self, answers))
    groups = []
    for instrument_id, instrument in instruments.items():
        assessees = [per_assessment[a] for a, i in sorted(instrument_of.items()) if i == instrument_id]
        if assessees:
            groups.append(analyse_group(instrument, assessees, threshold=threshold))
    return CampaignQuality(campaign.id, campaign.name, threshold, tuple(groups))


# --- two campaigns side by side ----------------------------------------------------------------

@dataclass(frozen=True)
class PairedGroup:
    instrument: Instrument
    a: GroupQuality | None
    b: GroupQuality | None

    def competencies(self):
        for c in self.instrument.competencies:
            yield c, _get(self.a, c.id), _get(self.b, c.id)

    def questions(self):
        for c, ca, cb in self.competencies():
            for q in c.questions:
                yield c, q, ca.question(q.id) if ca else None, cb.question(q.id) if cb else None


def _get(group: GroupQuality | None, competency_id: str) -> CompetencyQuality | None:
    if group is None or group.withheld:
        return None
    return group.competency(competency_id)


def paired(a: CampaignQuality, b: CampaignQuality, instruments: Mapping[str, Instrument]) -> list[PairedGroup]:
    """The groups of two campaigns matched by instrument, competencies matched by id."""
    return [PairedGroup(instrument, a.group(iid), b.group(iid)) for iid, instrument in instruments.items()
            if a.group(iid) is not None or b.group(iid) is not None]


# --- labels ---------------------------------------------------------------------------------------

def group_label(instrument: Instrument, gettext: Gettext, language: str) -> str:
    message = GROUP_LABELS.get(instrument.id)
    return gettext(message) if message else instrument.title(language)


def competency_name(instrument: Instrument, competency_id: str, language: str) -> str:
    return next((c.name(language) for c in instrument.competencies if c.id == competency_id), competency_id)


# --- the XLSX export ----------------------------------------------------------------------------

NOT_COMPUTABLE = N_("not computable")
WITHHELD = N_("withheld")


@dataclass(frozen=True)
class Column:
    header: str  # catalogue message
    get: Callable[[object], object]
    number_format: str = "0.00"
    params: Mapping[str, object] = field(default_factory=dict)


def _self_figure(get):
    """Self-assessment figures are withheld, not "not computable", under the threshold."""
    return lambda c: get(c) if c.gap is not None else _Withheld()


class _Withheld:
    pass


def competency_columns(instrument: Instrument) -> list[Column]:
    columns = [
        Column(N_("Assessees"), lambda c: c.assessees, "0"),
        Column(N_("Responses"), lambda c: c.responses, "0"),
        Column(N_("Answers"), lambda c: c.answers, "0"),
        Column(N_("Mean"), lambda c: c.mean),
        Column(N_("SD"), lambda c: c.sd),
    ]
    for i, points in enumerate(instrument.points):
        columns.append(Column(N_("Share of %(points)s"), lambda c, i=i: c.shares[i], "0%", {"points": points}))
    columns += [
        Column(N_("Cronbach's alpha"), lambda c: c.alpha),
        Column(N_("SD across assessees"), lambda c: c.agreement.between_sd),
        Column(N_("SD within assessees"), lambda c: c.agreement.within_sd),
        Column(N_("ICC(1)"), lambda c: c.agreement.icc1),
        Column(N_("ICC(2)"), lambda c: c.agreement.icc2),
        Column(N_("Self-assessments"), lambda c: c.self_assessees, "0"),
        Column(N_("Mean self"), _self_figure(lambda c: c.self_mean)),
        Column(N_("Mean others"), _self_figure(lambda c: c.others_mean)),
        Column(N_("Self minus others"), _self_figure(lambda c: c.gap), "+0.00;-0.00;0.00"),
    ]
    return columns


QUESTION_COLUMNS = [
    Column(N_("Answers"), lambda q: q.answers, "0"),
    Column(N_("Mean"), lambda q: q.mean),
    Column(N_("SD"), lambda q: q.sd),
    Column(N_("Share of the top option"), lambda q: q.top_share, "0%"),
    Column(N_("Correlation with the rest of its competency"), lambda q: q.item_rest),
    Column(N_("Alpha without this question"), lambda q: q.alpha_if_deleted),
]

GROUP_COLUMNS = [
    Column(N_("Assessees"), lambda g: g.assessees, "0"),
    Column(N_("Assessees included"), lambda g: g.included, "0"),
    Column(N_("Assessees excluded (fewer respondents than the threshold)"), lambda g: g.excluded, "0"),
    Column(N_("Responses"), lambda g: g.responses, "0"),
    Column(N_("Self-assessments"), lambda g: g.self_assessees, "0"),
    Column(N_("Mean self"), _self_figure(lambda g: g.self_overall)),
    Column(N_("Mean others"), _self_figure(lambda g: g.others_overall)),
    Column(N_("Self minus others"), _self_figure(lambda g: g.gap), "+0.00;-0.00;0.00"),
]


def _cell(value, gettext: Gettext):
    if isinstance(value, _Withheld):
        return gettext(WITHHELD)
    if value is None:
        return gettext(NOT_COMPUTABLE)
    if isinstance(value, float):
        return round(value, 4)
    return value


def _flag_text(flags: Iterable[Flag], gettext: Gettext) -> str:
    return " ".join(f.translated(gettext) for f in flags)


class _Book:
    """An openpyxl workbook with bold headers, sensible widths and number formats."""

    def __init__(self, gettext: Gettext):
        import openpyxl

        self.gettext = gettext
        self.book = openpyxl.Workbook()
        self.book.remove(self.book.active)

    def sheet(self, title: str, header: list[str], widths: list[int] | None = None):
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(title[:31])
        sheet.append(header)
        for i, cell in enumerate(sheet[1], 1):
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(i)].width = (widths[i - 1] if widths and i <= len(widths) else 12)
        sheet.freeze_panes = "A2"
        return sheet

    def row(self, sheet, values: list, formats: list[str | None]):
        sheet.append([_cell(v, self.gettext) for v in values])
        for cell, number_format in zip(sheet[sheet.max_row], formats):
            if number_format and isinstance(cell.value, (int, float)):
                cell.number_format = number_format

    def save(self, target) -> None:
        self.book.save(target)


def write_xlsx(target, quality: CampaignQuality, *, gettext: Gettext, language: str, charts: bool = True) -> None:
    """One campaign: about, groups, competencies, questions, flags and (optionally) the charts."""
    book = _Book(gettext)
    _about_sheet(book, [quality], gettext)
    _group_sheet(book, [quality], gettext, language)
    _competency_sheet(book, [quality], gettext, language)
    _question_sheet(book, [quality], gettext, language)
    _flag_sheet(book, [quality], gettext, language)
    if charts:
        _chart_sheet(book, [(group_label(g.instrument, gettext, language), kind, chart(kind, g, gettext=gettext,
                                                                                  language=language))
                            for g in quality.groups if not g.withheld for kind in available_charts(g)], gettext)
    book.save(target)


def write_comparison_xlsx(target, a: CampaignQuality, b: CampaignQuality, instruments: Mapping[str, Instrument], *,
                          gettext: Gettext, language: str, charts: bool = True) -> None:
    """Two campaigns: the same sheets with each figure for A and B in adjacent columns."""
    book = _Book(gettext)
    _about_sheet(book, [a, b], gettext)
    _group_sheet(book, [a, b], gettext, language)
    _competency_sheet(book, [a, b], gettext, language, instruments=instruments)
    _question_sheet(book, [a, b], gettext, language, instruments=instruments)
    _flag_sheet(book, [a, b], gettext, language)
    if charts:
        images = []
        for pair in paired(a, b, instruments):
            data = comparison_chart(pair, a.campaign_name, b.campaign_name, gettext=gettext, language=language)
            if data:
                images.append((group_label(pair.instrument, gettext, language), "compare", data))
        _chart_sheet(book, images, gettext)
    book.save(target)


def _headers(columns: list[Column], campaigns: list[CampaignQuality], gettext: Gettext) -> list[str]:
    out = []
    for column in columns:
        text = gettext(column.header, **column.params)
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


def _about_sheet(book: _Book, campaigns: list[CampaignQuality], gettext: Gettext) -> None:
    sheet = book.sheet(gettext("About"), [gettext("Item"), gettext("Value")], [60, 60])
    rows = [(gettext("Campaign"), c.campaign_name) for c in campaigns]
    threshold = campaigns[0].threshold
    rows += [
        (gettext("Anonymity threshold"), threshold),
        (gettext("Who is counted"), gettext("Non-self answers of closed campaigns; only assessees with at least "
                                            "%(num)d respondents; a group only with at least %(num)d such assessees; "
                                            "self-assessment figures only over at least %(num)d self-assessments. "
                                            "No figure is about one person.", num=threshold)),
        (gettext("Flag: leniency"), gettext("more than %(share)s of the answers at the top option",
                                            share=_percent(LENIENCY_SHARE))),
        (gettext("Flag: no discrimination"), gettext("SD of the assessees' averages under %(limit)s",
                                                     limit=_fmt(MIN_SPREAD))),
        (gettext("Flag: low agreement"), gettext("ICC(1) under %(limit)s", limit=_fmt(MIN_ICC1))),
        (gettext("Flag: low consistency"), gettext("Cronbach's alpha under %(limit)s", limit=_fmt(MIN_ALPHA))),
        (gettext("Flag: weak question"), gettext("correlation with the rest of its competency under %(limit)s",
                                                 limit=_fmt(MIN_ITEM_REST))),
        (gettext("Flag: over-rating or under-rating"), gettext("self minus others at least %(limit)s points either way",
                                                               limit=_fmt(GAP))),
        (gettext("Formulas and sources"), gettext("docs/methodology.md, section \"Measurement quality\"")),
    ]
    for item, value in rows:
        book.row(sheet, [item, value], [None, None])


def _group_sheet(book: _Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str) -> None:
    sheet = book.sheet(gettext("Groups"), [gettext("Group")] + _headers(GROUP_COLUMNS, campaigns, gettext)
                       + [gettext("Flags")], [24])
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
                    if g is not None and g.withheld else _flag_text(g.flags, gettext) if g else "")
            notes.append(f"{c.campaign_name}: {text}" if len(campaigns) > 1 and text else text)
        book.row(sheet, [group_label(instrument, gettext, language)] + values + [" ".join(n for n in notes if n)],
                 [None] + formats + [None])


def _competency_sheet(book: _Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str,
                      instruments: Mapping[str, Instrument] | None = None) -> None:
    groups = _instruments(campaigns, instruments)
    widest = max(groups, key=lambda i: len(i.points))
    columns = competency_columns(widest)
    sheet = book.sheet(gettext("Competencies"), [gettext("Group"), gettext("Competency id"), gettext("Competency")]
                       + _headers(columns, campaigns, gettext) + [gettext("Flags")], [20, 16, 36])
    for instrument in groups:
        columns = competency_columns(instrument)
        for competency in instrument.competencies:
            items = [_get(c.group(instrument.id), competency.id) for c in campaigns]
            if all(i is None for i in items):
                continue
            values, formats = _values(columns, items, campaigns)
            flags = [(c.campaign_name if len(campaigns) > 1 else "", _flag_text(i.flags, gettext))
                     for c, i in zip(campaigns, items) if i is not None and i.flags]
            book.row(sheet, [group_label(instrument, gettext, language), competency.id, competency.name(language)]
                     + values + [" ".join(f"{n}: {t}" if n else t for n, t in flags)], [None] * 3 + formats + [None])


def _question_sheet(book: _Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str,
                    instruments: Mapping[str, Instrument] | None = None) -> None:
    sheet = book.sheet(gettext("Questions"), [gettext("Group"), gettext("Competency"), gettext("Question id"),
                                              gettext("Question")] + _headers(QUESTION_COLUMNS, campaigns, gettext)
                       + [gettext("Flags")], [20, 28, 18, 60])
    for instrument in _instruments(campaigns, instruments):
        for competency in instrument.competencies:
            competencies = [_get(c.group(instrument.id), competency.id) for c in campaigns]
            if all(i is None for i in competencies):
                continue
            for question in competency.questions:
                items = [c.question(question.id) if c else None for c in competencies]
                values, formats = _values(QUESTION_COLUMNS, items, campaigns)
                flags = [(c.campaign_name if len(campaigns) > 1 else "", _flag_text(i.flags, gettext))
                         for c, i in zip(campaigns, items) if i is not None and i.flags]
                book.row(sheet, [group_label(instrument, gettext, language), competency.name(language), question.id,
                                 question.text(language)] + values
                         + [" ".join(f"{n}: {t}" if n else t for n, t in flags)], [None] * 4 + formats + [None])


def _flag_sheet(book: _Book, campaigns: list[CampaignQuality], gettext: Gettext, language: str) -> None:
    header = ([gettext("Campaign")] if len(campaigns) > 1 else []) + [gettext("Group"), gettext("Competency"),
                                                                      gettext("Question id"), gettext("Flag"),
                                                                      gettext("In plain words")]
    sheet = book.sheet(gettext("Flags"), header, ([20] if len(campaigns) > 1 else []) + [20, 30, 16, 18, 90])
    for campaign in campaigns:
        for group in campaign.groups:
            for competency_id, question_id, flag in group.all_flags():
                row = [group_label(group.instrument, gettext, language),
                       competency_name(group.instrument, competency_id, language) if competency_id else "",
                       question_id or "", gettext(flag.label), flag.translated(gettext)]
                book.row(sheet, ([campaign.campaign_name] if len(campaigns) > 1 else []) + row, [None] * 6)


def _chart_sheet(book: _Book, images: list[tuple[str, str, bytes]], gettext: Gettext) -> None:
    from openpyxl.drawing.image import Image

    if not images:
        return
    sheet = book.sheet(gettext("Charts"), [gettext("Charts (also as PNG and SVG from the web page)")], [40])
    row = 3
    for label, _kind, data in images:
        sheet.cell(row=row, column=1, value=label)
        image = Image(io.BytesIO(data))
        image.anchor = f"A{row + 1}"
        sheet.add_image(image)
        row += int(image.height / 20) + 4


def _instruments(campaigns: list[CampaignQuality], instruments: Mapping[str, Instrument] | None) -> list[Instrument]:
    """The instruments of the shown groups, in a stable order."""
    found: dict[str, Instrument] = {}
    for c in campaigns:
        for g in c.groups:
            found.setdefault(g.instrument.id, g.instrument)
    if instruments:
        return [instruments.get(i, found[i]) for i in found]
    return list(found.values())


# --- charts (matplotlib Agg, no display) -----------------------------------------------------

CHARTS = ("distribution", "reliability", "self")
_chart_lock = threading.Lock()  # matplotlib's font and text caches are not thread-safe
_OPTION_COLOURS = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")
_A, _B = "#9aa5b1", "#0b5394"


def available_charts(group: GroupQuality) -> list[str]:
    if group.withheld:
        return []
    return [k for k in CHARTS if k != "self" or any(c.gap is not None for c in group.competencies)]


def _figure(rows: int, width: float = 8.0):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, 1.2 + 0.42 * rows), dpi=110)


def _legend_below(ax, fig, *, ncol: int, xlabel: bool = False) -> None:
    """A legend under the axes, clear of the tick labels (and the x label), whatever the height."""
    axes_height = fig.get_figheight() * (fig.subplotpars.top - fig.subplotpars.bottom)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -(0.5 if xlabel else 0.3) / axes_height), ncol=ncol,
              fontsize=7, frameon=False)


def _wrap(text: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _save(fig, fmt: str) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format=fmt, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def chart(kind: str, group: GroupQuality, *, gettext: Gettext, language: str, fmt: str = "png") -> bytes:
    """A chart of one group; ``kind`` is one of ``CHARTS``."""
    if kind not in CHARTS or group.withheld:
        raise ValueError(kind)
    draw = {"distribution": _distribution, "reliability": _reliability, "self": _self_chart}[kind]
    with _chart_lock:
        return draw(group, gettext, language, fmt)


def _labels(group: GroupQuality, language: str) -> list[str]:
    return [_wrap(competency_name(group.instrument, c.competency_id, language)) for c in group.competencies]


def _distribution(group: GroupQuality, gettext: Gettext, language: str, fmt: str) -> bytes:
    competencies = group.competencies
    fig = _figure(len(competencies))
    ax = fig.add_subplot()
    y = list(range(len(competencies)))[::-1]
    left = [0.0] * len(competencies)
    scale = group.instrument.scale
    colours = _OPTION_COLOURS if len(scale) == len(_OPTION_COLOURS) else [None] * len(scale)
    for i, option in enumerate(scale):
        widths = [(c.shares[i] or 0.0) * 100 for c in competencies]
        ax.barh(y, widths, left=left, color=colours[i], edgecolor="white", height=0.7,
                label=f"{option.points}: {_wrap(option.label(language), 28)}")
        for yy, l, w in zip(y, left, widths):
            if w >= 7:
                ax.text(l + w / 2, yy, f"{w:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if i in (0, len(scale) - 1) else "#1b1f24")
        left = [l + w for l, w in zip(left, widths)]
    ax.axvline(LENIENCY_SHARE * 100, color="#1b1f24", linestyle=":", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels(_labels(group, language), fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(gettext("Share of the answers, %"), fontsize=8)
    ax.set_title(f"{group_label(group.instrument, gettext, language)}: {gettext('answer options')}", fontsize=10)
    _legend_below(ax, fig, ncol=len(scale), xlabel=True)
    ax.tick_params(axis="x", labelsize=8)
    return _save(fig, fmt)


def _reliability(group: GroupQuality, gettext: Gettext, language: str, fmt: str) -> bytes:
    competencies = group.competencies
    fig = _figure(len(competencies))
    ax = fig.add_subplot()
    y = [float(v) for v in range(len(competencies))][::-1]
    series = [(gettext("Cronbach's alpha"), [c.alpha for c in competencies], "#0b5394", 0.2, MIN_ALPHA),
              (gettext("ICC(1)"), [c.agreement.icc1 for c in competencies], "#e08214", -0.2, MIN_ICC1)]
    low = 0.0
    for label, values, colour, offset, limit in series:
        positions = [yy + offset for yy in y]
        ax.barh(positions, [v or 0.0 for v in values], height=0.38, color=colour, label=label)
        for pos, v in zip(positions, values):
            if v is None:
                ax.text(0.01, pos, gettext("not computable"), va="center", fontsize=7, color="#555d66")
            else:
                ax.text(max(v, 0) + 0.01, pos, f"{v:.2f}", va="center", fontsize=7)
                low = min(low, v)
        ax.axvline(limit, color=colour, linestyle=":", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels(_labels(group, language), fontsize=8)
    ax.set_xlim(min(low - 0.05, 0), 1.08)
    ax.set_title(f"{group_label(group.instrument, gettext, language)}: {gettext('consistency and agreement')}",
                 fontsize=10)
    ax.tick_params(axis="x", labelsize=8)
    _legend_below(ax, fig, ncol=2)
    return _save(fig, fmt)


def _self_chart(group: GroupQuality, gettext: Gettext, language: str, fmt: str) -> bytes:
    competencies = group.competencies
    fig = _figure(len(competencies))
    ax = fig.add_subplot()
    y = list(range(len(competencies)))[::-1]
    points = group.instrument.points
    for yy, c in zip(y, competencies):
        if c.gap is None:
            ax.text(min(points), yy, gettext("withheld"), va="center", fontsize=7, color="#555d66")
            continue
        ax.plot([c.others_mean, c.self_mean], [yy, yy], color="#9aa5b1", linewidth=2, zorder=1)
    others = [(yy, c.others_mean) for yy, c in zip(y, competencies) if c.gap is not None]
    own = [(yy, c.self_mean) for yy, c in zip(y, competencies) if c.gap is not None]
    ax.scatter([v for _, v in others], [yy for yy, _ in others], color="#0b5394", zorder=2,
               label=gettext("Colleagues (average)"))
    ax.scatter([v for _, v in own], [yy for yy, _ in own], color="#c0392b", marker="D", zorder=2,
               label=gettext("Self-assessment"))
    ax.set_yticks(y)
    ax.set_yticklabels(_labels(group, language), fontsize=8)
    ax.set_xlim(min(points) - 0.1, max(points) + 0.1)
    ax.set_xticks(list(points))
    ax.grid(axis="x", color="#e5e7ea")
    ax.set_title(f"{group_label(group.instrument, gettext, language)}: {gettext('self-assessment and others')}",
                 fontsize=10)
    ax.tick_params(axis="x", labelsize=8)
    _legend_below(ax, fig, ncol=2)
    return _save(fig, fmt)


def comparison_chart(pair: PairedGroup, name_a: str, name_b: str, *, gettext: Gettext, language: str,
                     fmt: str = "png") -> bytes | None:
    """Mean of the answers and Cronbach's alpha per competency, campaign A beside campaign B."""
    rows = [(c, ca, cb) for c, ca, cb in pair.competencies() if ca is not None or cb is not None]
    if not rows:
        return None
    with _chart_lock:
        fig = _figure(len(rows), width=10.0)
        y = list(range(len(rows)))[::-1]
        panels = [(gettext("Mean"), lambda c: c.mean, pair.instrument.points),
                  (gettext("Cronbach's alpha"), lambda c: c.alpha, None)]
        for n, (title, get, points) in enumerate(panels, 1):
            ax = fig.add_subplot(1, 2, n)
            for name, column, colour, marker, offset in ((name_a, 1, _A, "o", 0.12), (name_b, 2, _B, "s", -0.12)):
                values = [(yy + offset, get(r[column])) for yy, r in zip(y, rows)
                          if r[column] is not None and get(r[column]) is not None]
                ax.scatter([v for _, v in values], [yy for yy, _ in values], color=colour, marker=marker, label=name,
                           zorder=2)
            ax.set_yticks(y)
            ax.set_yticklabels([_wrap(c.name(language), 28) for c, _, _ in rows] if n == 1 else [], fontsize=8)
            if points:
                ax.set_xlim(min(points) - 0.1, max(points) + 0.1)
            else:
                ax.axvline(MIN_ALPHA, color="#555d66", linestyle=":", linewidth=1)
                ax.set_xlim(min([0.0] + [r[k].alpha for r in rows for k in (1, 2)
                                         if r[k] is not None and r[k].alpha is not None]) - 0.05, 1.02)
            ax.grid(axis="x", color="#e5e7ea")
            ax.set_title(title, fontsize=9)
            ax.tick_params(axis="x", labelsize=8)
            if n == 2:
                _legend_below(ax, fig, ncol=2)
        fig.suptitle(group_label(pair.instrument, gettext, language), fontsize=10)
        return _save(fig, fmt)
