"""The development plans of a campaign as a workbook (para 37: HR organises the feedback and the
training that follows): one row per competency of a plan, in the reader's language."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.core.followup import DevelopmentPlan, PlanItem
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign, Person
from survey.core.workbook import Book, Column

DATE = "yyyy-mm-dd"


def rows(session: Session, campaign: Campaign) -> list[tuple]:
    return session.execute(
        select(Person.employee_id, Assessment.full_name, Assessment.unit, Assessment.instrument, DevelopmentPlan,
               PlanItem)
        .join(Person, Person.id == Assessment.assessee_id)
        .join(DevelopmentPlan, DevelopmentPlan.assessment_id == Assessment.id)
        .join(PlanItem, PlanItem.assessment_id == DevelopmentPlan.assessment_id)
        .where(Assessment.campaign_id == campaign.id)
        .order_by(Assessment.unit_key, Assessment.name_key, Assessment.id, PlanItem.id)).all()


def write(session: Session, campaign: Campaign, instruments, catalogue, language: str,
          gettext: Callable[..., str]) -> bytes:
    names = {c.id: c.name(language) for i in instruments.values() for c in i.competencies}
    titles = {t.id: t.title(language) for t in catalogue.topics} if catalogue else {}
    columns = [Column(N_("Employee id"), lambda r: r[0], width=14), Column(N_("Full name"), lambda r: r[1], width=32),
               Column(N_("Unit"), lambda r: r[2], width=28),
               Column(N_("Feedback meeting"), lambda r: r[4].meeting_on, DATE, width=14),
               Column(N_("Confirmed by the assessee"), lambda r: r[4].confirmed_at.date() if r[4].confirmed_at else "",
                      DATE, width=14),
               Column(N_("Competency"), lambda r: names.get(r[5].competency_id, r[5].competency_id), width=36),
               Column(N_("What will be done"), lambda r: r[5].actions, width=48),
               Column(N_("Training topic"), lambda r: titles.get(r[5].topic_id, r[5].topic_id), width=40),
               Column(N_("Due date"), lambda r: r[5].due_on, DATE, width=12)]
    book = Book()
    sheet = book.table(gettext("Development plans"), columns, gettext)
    for row in rows(session, campaign):
        sheet.add(row)
    sheet.filter()
    return book.save()
