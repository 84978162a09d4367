"""What the pages after the report share, in both applications: the working-day calendar, the
training topics a plan may name, and how long a personal link works."""
from __future__ import annotations

import datetime as dt

from flask import current_app

from survey.campaigns.errors import CampaignError
from survey.core.messages import N_
from survey.followup import plans, workdays
from survey.reports import links
from survey.training import topics
from survey.web.common import instruments


def calendar() -> workdays.Calendar:
    loaded = current_app.extensions.get("survey.calendar")
    if loaded is None:
        loaded = current_app.extensions["survey.calendar"] = workdays.load(current_app.config.get("HOLIDAYS_FILE"))
    return loaded


def topic_catalogue() -> topics.Catalogue | None:
    """The catalogue, or ``None`` when it is broken: a plan then names no topic (the trainers'
    page says what is wrong with the file)."""
    if "survey.plan_topics" not in current_app.extensions:
        try:
            found = topics.load(current_app.config.get("TOPICS_FILE") or topics.DEFAULT_FILE,
                                topics.competencies_of(instruments()))
        except topics.TopicErrors:
            found = None
        current_app.extensions["survey.plan_topics"] = found
    return current_app.extensions["survey.plan_topics"]


def link_days() -> int:
    return int(current_app.config.get("REPORT_LINK_DAYS") or links.DEFAULT_DAYS)


def day(form, name: str, *, required: bool = False) -> dt.date | None:
    """A date field of a form; an empty one is ``None`` unless ``required``, a wrong one refused."""
    text = (form.get(name) or "").strip()
    if not text and not required:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CampaignError(N_("'%(value)s' is not a date"), value=text) from None


def plan_items(form) -> tuple[list[plans.PlanLine], dt.date]:
    """The meeting date and up to three rows of a plan form."""
    if not (form.get("meeting_on") or "").strip():
        raise CampaignError(N_("give the date of the feedback meeting"))
    meeting_on = day(form, "meeting_on", required=True)
    items = [plans.PlanLine(form.get(f"competency_{n}", ""), form.get(f"actions_{n}", ""), form.get(f"topic_{n}", ""),
                            day(form, f"due_{n}")) for n in range(1, plans.MAX_ITEMS + 1)]
    return items, meeting_on


def record_plan(session, assessment, form, recorded_by: str) -> None:
    """The plan of a form, checked against the assessee's questionnaire and the catalogue."""
    items, meeting_on = plan_items(form)
    plans.record(session, assessment, meeting_on, items, recorded_by=recorded_by,
                 competencies={c.id for c in instruments()[assessment.instrument].competencies},
                 topics=topic_competencies())


def plan_context(session, report, assessment, form=None) -> dict:
    """What ``reports/_plan_form.html`` needs: the plan so far, the proposed competencies, the topics."""
    from survey.core.followup import DevelopmentPlan

    return dict(plan=session.get(DevelopmentPlan, assessment.id), assessment=assessment,
                proposed=plans.least_developed(report.lines) if not report.withheld else [],
                competencies=[(line.competency_id, line.name) for line in report.lines],
                topics=topic_catalogue(), form=form or {}, today=dt.date.today())


def topic_competencies() -> dict[str, str]:
    catalogue = topic_catalogue()
    return {t.id: t.competency_id for t in catalogue.topics} if catalogue else {}
