"""What the pages after the report share, in both applications: the working-day calendar, the
training topics a plan may name, and how long a personal link works."""
from __future__ import annotations

from flask import current_app

from survey.followup import workdays
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
