"""The schema of what follows a report (order No. 260, paras 12-13, 19-21, 37-43): its release to
the assessee, who opened it, the direct manager's link, disagreement and calibration, the feedback
meeting and the development plan. None of it touches the answers.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.core.models import Assessment, Base, Person, random_key


class ReportRelease(Base):
    """An assessee's report made known to them (para 12): their link's key, when it was published,
    first opened and acknowledged, and whether it was revoked.

    The key is part of the signed link: a new key (publishing again) or a revocation ends the old
    link at once, whatever its age.
    """

    __tablename__ = "report_releases"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), default=random_key)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime)
    due_on: Mapped[dt.date] = mapped_column(Date)  # two working days after publishing
    opened_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    acknowledged_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    reminded_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    assessment: Mapped[Assessment] = relationship()


READER_KINDS = ("assessee", "manager", "hr-head", "calibration")


class ReportOpening(Base):
    """Who opened which report and when (para 21 names who may know the results; this shows who did)."""

    __tablename__ = "report_openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    reader_kind: Mapped[str] = mapped_column(String(16))
    reader: Mapped[str] = mapped_column(String(254))
    at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (CheckConstraint(f"reader_kind IN {READER_KINDS!r}", name="reader_kind"),)


class AssessorLink(Base):
    """The direct manager's personal link to the reports of their direct reports in one campaign."""

    __tablename__ = "assessor_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    key: Mapped[str] = mapped_column(String(32), default=random_key)
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("campaign_id", "person_id"),)


CALIBRATION_DECISIONS = ("pending", "granted", "refused")
CALIBRATION_OUTCOMES = ("", "upheld", "changed")


class Calibration(Base):
    """An assessee's disagreement and the calibration session it leads to (para 13, chapter 5).

    Nothing here changes the stored answers: the outcome is recorded beside them.
    """

    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), unique=True)
    disagreement: Mapped[str] = mapped_column(String(4000))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime)
    decide_by: Mapped[dt.date] = mapped_column(Date)  # para 38: three working days
    decision: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    hold_by: Mapped[Optional[dt.date]] = mapped_column(Date)  # para 38: ten working days after the decision
    session_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    justification: Mapped[str] = mapped_column(String(4000), default="")  # the assessor's, para 41
    outcome: Mapped[str] = mapped_column(String(16), default="")
    outcome_text: Mapped[str] = mapped_column(String(4000), default="")
    followup_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # para 43: the assessor meets the assessee
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    assessment: Mapped[Assessment] = relationship()
    members: Mapped[list["CalibrationMember"]] = relationship(cascade="all, delete-orphan",
                                                              order_by="CalibrationMember.id")

    __table_args__ = (CheckConstraint(f"decision IN {CALIBRATION_DECISIONS!r}", name="decision"),
                      CheckConstraint(f"outcome IN {CALIBRATION_OUTCOMES!r}", name="outcome"))


class CalibrationMember(Base):
    """A member of a calibration session: their link opens that one report while the session runs."""

    __tablename__ = "calibration_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibrations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(32), default=random_key)


class DevelopmentPlan(Base):
    """The feedback meeting and the individual development plan (paras 19(3), 37, 43)."""

    __tablename__ = "development_plans"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    meeting_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(254))
    confirmed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    items: Mapped[list["PlanItem"]] = relationship(cascade="all, delete-orphan", order_by="PlanItem.id")


class PlanItem(Base):
    """One competency to develop: what to do, the training topic chosen from the catalogue, by when."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("development_plans.assessment_id", ondelete="CASCADE"),
                                               index=True)
    competency_id: Mapped[str] = mapped_column(String(64))
    actions: Mapped[str] = mapped_column(String(2000))
    topic_id: Mapped[str] = mapped_column(String(64), default="")
    due_on: Mapped[dt.date] = mapped_column(Date)
