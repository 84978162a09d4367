"""The individual report as plain data, shared by the HTML page, the PDF and the command line.

A report is built from ``results.campaign_results`` (the very figures of the results export) and,
for what the form of appendices 7-8 does not have, from the answers grouped by response: each
response is one respondent, and that is all the spread of opinions needs (responses store no rater
and no relation, so there is no breakdown by manager, subordinates and peers).

The figures are kept as shown: rounded to ``scoring.DECIMALS``. A withheld report (fewer
respondents than the anonymity threshold) carries no figure at all about the colleagues' answers:
no competency lines, no overall result, no comparison, so that no renderer can show one.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.results import export as results, scoring
from survey.core.collation import collation_key
from survey.core.instruments import Instrument, Text
from survey.core.models import Assessment, Campaign, Response
from survey.reports import advice as advice_data
from survey.reports import insights

# Appendix 7 is the form for unit heads, appendix 8 for corps-B servants.
APPENDIX = {"head": 7, "servant": 8}


@dataclass(frozen=True)
class Line:
    """One competency: the colleagues' average, the self-assessment beside it, and what follows."""

    number: int  # the row number of the form (questionnaire order)
    competency_id: str
    name: Text
    average: float
    self_average: float | None
    band: str
    agreement: str | None  # insights.AGREEMENT_LEVELS, or None: too few respondents to say
    previous: float | None  # the same competency in the previous campaign, when there is one

    @property
    def gap(self) -> float | None:
        return insights.gap(self.self_average, self.average)

    @property
    def change(self) -> float | None:
        return None if self.previous is None else round(self.average - self.previous, 2)


@dataclass(frozen=True)
class Development:
    line: Line
    advice: advice_data.Advice | None


@dataclass(frozen=True)
class Previous:
    """The assessee's previous closed campaign: its name, end, and overall result (if not withheld)."""

    campaign_name: str
    closes_on: dt.date
    overall: float | None
    band: str | None
    withheld: bool


@dataclass(frozen=True)
class Report:
    campaign_id: int
    campaign_name: str
    closes_on: dt.date
    assessment_id: int
    employee_id: str
    full_name: str
    position: str
    unit: str
    language: str  # the assessee's roster language: the report's language unless asked otherwise
    instrument_id: str
    respondents: int
    threshold: int
    withheld: bool
    overall: float | None = None
    self_overall: float | None = None
    band: str | None = None
    lines: tuple[Line, ...] = ()
    blind_spots: tuple[Line, ...] = ()
    hidden_strengths: tuple[Line, ...] = ()
    development: tuple[Development, ...] = ()
    previous: Previous | None = None
    has_self: bool = False
    agreement_shown: bool = False
    scale: tuple[tuple[int, Text], ...] = ()  # the questionnaire's answer options and their points

    @property
    def appendix(self) -> int:
        return APPENDIX.get(self.instrument_id, 8)

    @property
    def overall_change(self) -> float | None:
        if self.previous is None or self.previous.overall is None or self.overall is None:
            return None
        return round(self.overall - self.previous.overall, 2)

    def by_average(self) -> list[Line]:
        """Highest first: the order of the bar chart."""
        return sorted(self.lines, key=lambda line: (-line.average, line.number))


def _rounded(value: float | None) -> float | None:
    return scoring.rounded(value)


def build(item: results.AssesseeResult, campaign: Campaign, *, threshold: int,
          responses: Sequence[Mapping[str, int]] = (), previous: tuple[Campaign, results.AssesseeResult] | None = None,
          advice: Mapping[tuple[str, str], advice_data.Advice] | None = None) -> Report:
    """One report from its result. ``responses``: the non-self responses' answers (for the spread)."""
    person, instrument, result = item.person, item.instrument, item.result
    base = dict(campaign_id=campaign.id, campaign_name=campaign.name, closes_on=campaign.closes_on,
                assessment_id=item.assessment_id, employee_id=person.employee_id, full_name=person.full_name,
                position=person.position or "", unit=person.unit or "", language=person.language,
                instrument_id=instrument.id, respondents=result.respondents, threshold=threshold,
                scale=tuple((o.points, o.label) for o in instrument.scale))
    if result.withheld:
        return Report(**base, withheld=True)

    structure = {c.id: [q.id for q in c.questions] for c in instrument.competencies}
    means = insights.respondent_means(structure, responses)
    previous_result = previous[1].result if previous is not None else None
    previous_usable = previous_result is not None and not previous_result.withheld
    advice = advice_data.load() if advice is None else advice
    lines = []
    for number, (competency, figures) in enumerate(zip(instrument.competencies, result.competencies), 1):
        average = _rounded(figures.average)
        earlier = None
        if previous_usable:
            match = next((c for c in previous_result.competencies if c.competency_id == competency.id), None)
            earlier = _rounded(match.average) if match is not None else None
        lines.append(Line(number=number, competency_id=competency.id, name=competency.name, average=average,
                          self_average=_rounded(figures.self_average), band=scoring.band(average),
                          agreement=insights.agreement(means.get(competency.id, [])), previous=earlier))
    lowest = insights.least_developed([(line.competency_id, line.average) for line in lines])
    by_id = {line.competency_id: line for line in lines}
    return Report(
        **base, withheld=False,
        overall=_rounded(result.overall), self_overall=_rounded(result.self_overall), band=result.band,
        lines=tuple(lines),
        blind_spots=tuple(x for x in lines if insights.is_blind_spot(x.self_average, x.average)),
        hidden_strengths=tuple(x for x in lines if insights.is_hidden_strength(x.self_average, x.average)),
        development=tuple(Development(by_id[cid], advice.get((cid, instrument.id))) for cid in lowest),
        previous=None if previous is None else Previous(
            previous[0].name, previous[0].closes_on, None if not previous_usable else _rounded(previous_result.overall),
            None if not previous_usable else previous_result.band, not previous_usable),
        has_self=any(x.self_average is not None for x in lines),
        agreement_shown=any(x.agreement is not None for x in lines),
    )


def non_self_responses(session: Session, assessment_ids: Iterable[int]) -> dict[int, list[dict[str, int]]]:
    """The answers of each non-self response, per assessment. No rater, no order: just responses."""
    ids = list(assessment_ids)
    out: dict[int, list[dict[str, int]]] = defaultdict(list)
    for start in range(0, len(ids), 500):  # keep the IN list of one statement reasonable
        rows = session.execute(
            select(Response.assessment_id, Response.answers)
            .where(Response.assessment_id.in_(ids[start:start + 500]), Response.is_self.is_(False)))
        for assessment_id, answers in rows:
            out[assessment_id].append(answers)
    return out


def previous_campaigns(session: Session, campaign: Campaign, person_ids: Iterable[int]) -> dict[int, Campaign]:
    """Each person's latest closed campaign that ended before this one (by last day, then creation)."""
    ids = list(person_ids)
    out: dict[int, Campaign] = {}
    if not ids:
        return out
    rows = session.execute(
        select(Assessment.assessee_id, Campaign)
        .join(Campaign, Campaign.id == Assessment.campaign_id)
        .where(Campaign.status == "closed", Campaign.id != campaign.id, Assessment.assessee_id.in_(ids))
        .order_by(Campaign.closes_on, Campaign.id))
    for person_id, earlier in rows:
        if (earlier.closes_on, earlier.id) < (campaign.closes_on, campaign.id):
            out[person_id] = earlier  # ascending order: the last one kept is the latest
    return out


def build_reports(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *, threshold: int,
                  assessment_ids: Iterable[int] | None = None, unit: str | None = None) -> list[Report]:
    """The reports of a closed campaign (all, some assessments, or one unit), in employee-id order.

    Raises ``CampaignError`` for a campaign that is not closed, as the results export does.
    """
    items = results.campaign_results(session, campaign, instruments, threshold=threshold,
                                     assessment_ids=None if assessment_ids is None else list(assessment_ids), unit=unit)
    responses = non_self_responses(session, [i.assessment_id for i in items if not i.result.withheld])
    earlier = previous_campaigns(session, campaign, [i.person.id for i in items])
    earlier_results: dict[int, dict[int, results.AssesseeResult]] = {}
    for previous_campaign in {c.id: c for c in earlier.values()}.values():
        earlier_results[previous_campaign.id] = {
            r.person.id: r for r in results.campaign_results(
                session, previous_campaign, instruments, threshold=threshold,
                person_ids=[p for p, c in earlier.items() if c.id == previous_campaign.id])}
    out = []
    for item in items:
        previous = None
        previous_campaign = earlier.get(item.person.id)
        if previous_campaign is not None and item.person.id in earlier_results[previous_campaign.id]:
            previous = (previous_campaign, earlier_results[previous_campaign.id][item.person.id])
        out.append(build(item, campaign, threshold=threshold, responses=responses.get(item.assessment_id, ()),
                         previous=previous))
    return out


def units(reports: Iterable[Report]) -> list[str]:
    return sorted({r.unit for r in reports}, key=collation_key)


@dataclass(frozen=True)
class ReportSummary:
    """One line of a campaign's list of reports: who, and the overall result (or that it is withheld)."""

    campaign_id: int
    assessment_id: int
    employee_id: str
    full_name: str
    unit: str
    email: str
    language: str
    respondents: int
    withheld: bool
    overall: float | None
    band: str | None


def summaries(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *,
              threshold: int, assessment_ids: Iterable[int] | None = None) -> list[ReportSummary]:
    """The list of a closed campaign's reports (or some of them: a page), from the results alone."""
    return [ReportSummary(campaign.id, i.assessment_id, i.person.employee_id, i.person.full_name, i.person.unit or "",
                    i.person.email or "", i.person.language, i.result.respondents, i.result.withheld,
                    _rounded(i.result.overall), i.result.band)
            for i in results.campaign_results(session, campaign, instruments, threshold=threshold,
                                              assessment_ids=None if assessment_ids is None else list(assessment_ids))]
