"""A campaign's results: answers read from the database, scored by ``scoring``, exported for other
systems as CSV whose column codes and decimal points never change (HR reads ``results.workbook``)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterator, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.results import scoring
from survey.core import tables
from survey.campaigns.lifecycle import CampaignError
from survey.core.instruments import Instrument
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign, CompetencyTotal, Person

EXPORT_COLUMNS = ["assessee_id", "assessee_name", "instrument", "competency", "average", "band",
                  "answers", "respondents", "self_average"]


@dataclass(frozen=True)
class AssesseeRow:
    """Who a result belongs to, as the campaign keeps them (``campaigns.snapshot``); language and
    e-mail are the current ones, for reaching the person. Plain values, so that thousands load quickly."""

    id: int
    employee_id: str
    full_name: str
    position: str
    unit: str
    role: str
    language: str
    email: str


@dataclass(frozen=True)
class AssesseeResult:
    assessment_id: int
    person: AssesseeRow
    instrument: Instrument
    result: scoring.Result


def require_closed(campaign: Campaign) -> None:
    if campaign.status != "closed":
        raise CampaignError(N_("results of '%(name)s' are available once it is closed (it is %(status)s): "
                               "comparing results taken while answers still arrive would reveal individual answers"),
                            name=campaign.name, status=campaign.status)


def campaign_results(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument],
                     *, threshold: int = 3, assessment_ids: Collection[int] | None = None, unit: str | None = None,
                     person_ids: Collection[int] | None = None, employee_ids: tuple[str, str] | None = None,
                     known: Mapping[int, scoring.Result] | None = None) -> list[AssesseeResult]:
    """Every assessee's result, or those of some assessments, one unit (as the campaign recorded
    it) or some people, chosen in the query: one report must not read a whole body's totals.
    Answers are grouped by response, never by rater: there is no rater. ``known``: the results
    by assessment, when the closing job has just computed them from the totals it wrote; the
    totals are then not read back.

    Only for a closed campaign: two exports taken before and after one more rater submits would
    differ by exactly that rater's answers.
    """
    require_closed(campaign)
    chosen = [Assessment.campaign_id == campaign.id]
    if assessment_ids is not None:
        chosen.append(Assessment.id.in_(list(assessment_ids)))
    if unit is not None:
        chosen.append(Assessment.unit == unit)
    if person_ids is not None:
        chosen.append(Assessment.assessee_id.in_(list(person_ids)))
    if employee_ids is not None:  # a range in the database's own order of ids, as ``in_parts`` cuts it
        chosen.append(Person.employee_id.between(*employee_ids))
    per_assessment: dict[int, list[scoring.Total]] = defaultdict(list)
    rows = () if known is not None else session.execute(
        select(CompetencyTotal.assessment_id, CompetencyTotal.is_self, CompetencyTotal.competency_id,
               CompetencyTotal.points, CompetencyTotal.answers, CompetencyTotal.responses)
        .join(Assessment, Assessment.id == CompetencyTotal.assessment_id)
        .join(Person, Person.id == Assessment.assessee_id)
        .where(*chosen)
    )
    for assessment_id, is_self, competency_id, points, answers, responses in rows:
        per_assessment[assessment_id].append(scoring.Total(is_self, competency_id, points, answers, responses))

    order = {i.id: [c.id for c in i.competencies] for i in instruments.values()}
    out = []
    assessments = session.execute(
        select(Assessment.id, Assessment.instrument, Person.id, Person.employee_id, Assessment.full_name,
               Assessment.position, Assessment.unit, Assessment.instrument, Person.language, Person.email)
        .join(Person, Person.id == Assessment.assessee_id)
        .where(*chosen).order_by(Person.employee_id)
    )
    for assessment_id, instrument_id, *person in assessments:
        instrument = instruments[instrument_id]
        result = (known[assessment_id] if known is not None and assessment_id in known else
                  scoring.from_totals(order[instrument.id], per_assessment.get(assessment_id, ()), threshold=threshold))
        out.append(AssesseeResult(assessment_id, AssesseeRow(*person), instrument, result))
    return out


def in_parts(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *, threshold: int = 3,
             size: int = 5000) -> Iterator[list[AssesseeResult]]:
    """Every assessee's result, in the order of :func:`campaign_results`, ``size`` assessees at a
    time: a file of 100,000 assessees is written in the memory of 5,000. A part is the range of
    employee ids from its first to its last, not a list of 5,000 ids: PostgreSQL's driver parsed
    such a list's query afresh for each part and each of its two statements."""
    require_closed(campaign)
    ids = session.scalars(select(Person.employee_id).join(Assessment, Person.id == Assessment.assessee_id)
                          .where(Assessment.campaign_id == campaign.id).order_by(Person.employee_id)).all()
    for start in range(0, len(ids), size):
        part = ids[start:start + size]
        yield campaign_results(session, campaign, instruments, threshold=threshold, employee_ids=(part[0], part[-1]))


def instruments_in(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument]) -> list[Instrument]:
    """The questionnaires the campaign's assessees were assessed with."""
    used = session.scalars(select(Assessment.instrument).where(Assessment.campaign_id == campaign.id).distinct())
    return [instruments[i] for i in sorted(used)]


def export_rows(results: list[AssesseeResult]) -> list[list[object]]:
    rows: list[list[object]] = []
    r = scoring.rounded
    for item in results:
        base = [item.person.employee_id, item.person.full_name, item.instrument.id]
        for c in item.result.competencies:
            rows.append(base + [c.competency_id, _blank(r(c.average)), scoring.band(c.average) or "",
                                c.answers, c.respondents, _blank(r(c.self_average))])
        rows.append(base + ["overall", _blank(r(item.result.overall)), item.result.band or "",
                            sum(c.answers for c in item.result.competencies), item.result.respondents,
                            _blank(r(item.result.self_overall))])
    return rows


def _blank(value):
    return "" if value is None else value


def csv_rows(results: list[AssesseeResult]) -> list[list[object]]:
    """The rows of :func:`export_rows` with two decimals after a point, whatever the reader's language."""
    return [[f"{v:.2f}" if isinstance(v, float) else v for v in row] for row in export_rows(results)]


def write_csv(path: str | Path, results: list[AssesseeResult]) -> None:
    tables.write_csv(path, EXPORT_COLUMNS, csv_rows(results))
