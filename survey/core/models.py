"""The schema. Data only; the rules live in the domain modules.

Anonymity is a property of this file (order No. 260, para 34). ``responses`` hold
what a rater said and nothing that leads back to the rater: no reference to ``invitations``, no
sequential id (keys are random), no date or time, no relation. ``invitations`` know who was asked
and whether they are done, and nothing of what they said. ``docs/anonymity.md`` explains the rest.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    JSON,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session, relationship

from survey.core.alphabetical import SortedByName

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("head", "servant")
RELATIONS = ("manager", "subordinate", "peer")
SELF = "self"
# "closing": answering has ended and the totals are being written by a job; results wait for "closed".
CAMPAIGN_STATUSES = ("draft", "open", "closing", "closed")
# Where a person stands on the roster (order No. 260, paras 6-7): at work, away (leave of any kind,
# sick leave, a business trip, training) or gone.
PERSON_STATUSES = ("active", "leave", "sick", "trip", "training", "dismissed")
# Assessed with their own answers and invitations, or "without their participation" (paras 6-7).
PARTICIPATION = ("full", "without")
# Why someone in a campaign's scope is not assessed: less than three months in post (para 6), or HR's reason.
EXCLUSION_RULES = ("short-tenure", "by-hand")


def random_key() -> str:
    """A primary key that says nothing about when or in which order a row was written."""
    return secrets.token_hex(16)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Person(SortedByName, Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    manager_id: Mapped[Optional[int]] = mapped_column(ForeignKey("people.id"))
    email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(2), default="kk")
    # The para 2 category (e.g. C-4, D-3), where the roster gives it; it decides head or servant.
    category: Mapped[str] = mapped_column(String(16), default="")
    in_post_since: Mapped[Optional[dt.date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # When the status began (for ``dismissed``, the day the person left) and, for an absence, ends.
    status_since: Mapped[Optional[dt.date]] = mapped_column(Date)
    status_until: Mapped[Optional[dt.date]] = mapped_column(Date)
    # How many times the row has changed (``_count_revision``): a file made from the roster, such
    # as a prepared raters' CSV with its names, tells by it that a person changed after it was made.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    manager: Mapped[Optional["Person"]] = relationship(remote_side=[id])

    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),
                      CheckConstraint(f"status IN {PERSON_STATUSES!r}", name="status"),
                      Index("ix_people_alphabetical", "unit_key", "name_key", "employee_id"))


@event.listens_for(Person, "before_update")
def _count_revision(_mapper, _connection, person: Person) -> None:
    """Every stored change of a person counts, whichever service made it (a roster import renames,
    moves, gives a new manager or status); a row that was only touched does not."""
    if object_session(person).is_modified(person, include_collections=False):
        person.revision = (person.revision or 0) + 1


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    closes_on: Mapped[dt.date] = mapped_column(Date)
    period: Mapped[int] = mapped_column(Integer)  # the reporting year assessed (para 5)
    units: Mapped[Optional[list[str]]] = mapped_column(JSON)  # the scope; None is the whole body
    # Para 11: the schedule approved by the official who appoints and dismisses, before opening.
    approved_by: Mapped[str] = mapped_column(String(200), default="")
    approved_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    # Para 34: why people assessed in another campaign of the same period are assessed again.
    repeat_reason: Mapped[str] = mapped_column(String(1000), default="")

    assessments: Mapped[list["Assessment"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )
    exclusions: Mapped[list["Exclusion"]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint(f"status IN {CAMPAIGN_STATUSES!r}", name="status"),)


class Assessment(SortedByName, Base):
    """One person assessed in one campaign, as they were when the campaign was created.

    Name, position, unit, category, manager and questionnaire are copied from the roster then and
    never follow it: a move or a promotion afterwards must change none of the campaign's figures
    (and comparing a unit's figures before and after a move would otherwise give one person's).
    """

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    assessee_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(32))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(16), default="")
    manager_id: Mapped[Optional[int]] = mapped_column(ForeignKey("people.id"))
    participation: Mapped[str] = mapped_column(String(16), default="full")
    absence: Mapped[str] = mapped_column(String(16), default="")  # the roster status behind "without"
    # HR's reasons: for assessing someone a rule would leave out, and for raters that depart from
    # para 36 (the manager's post is vacant, a head's subordinates are all away).
    inclusion_reason: Mapped[str] = mapped_column(String(1000), default="")
    rater_rule_reason: Mapped[str] = mapped_column(String(1000), default="")

    campaign: Mapped[Campaign] = relationship(back_populates="assessments")
    assessee: Mapped[Person] = relationship(foreign_keys=[assessee_id])
    manager: Mapped[Optional[Person]] = relationship(foreign_keys=[manager_id])
    raters: Mapped[list["Rater"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("campaign_id", "assessee_id"),
                      CheckConstraint(f"participation IN {PARTICIPATION!r}", name="participation"),
                      Index("ix_assessments_alphabetical", "campaign_id", "unit_key", "name_key", "id"))


class Exclusion(Base):
    """Someone in a campaign's scope who is not assessed in it, and why (para 6, or HR's reason)."""

    __tablename__ = "campaign_exclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    rule: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(1000), default="")

    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("campaign_id", "person_id"),
                      CheckConstraint(f"rule IN {EXCLUSION_RULES!r}", name="rule"))


class Rater(Base):
    """HR's choice of who rates an assessee (para 36), before and after the campaign opens."""

    __tablename__ = "raters"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    relation: Mapped[str] = mapped_column(String(16))

    assessment: Mapped[Assessment] = relationship(back_populates="raters")
    rater: Mapped[Person] = relationship()

    __table_args__ = (
        UniqueConstraint("assessment_id", "rater_id"),
        CheckConstraint(f"relation IN {RELATIONS!r}", name="relation"),
    )


class Invitation(Base):
    """Who is asked to answer about whom, and whether they are done — never what they answered.

    ``key`` is the random part of the signed link; a link needs the server's secret as well, so a
    database reader cannot open one. ``draft`` is encrypted with a key derived from the secret and
    the link (see ``drafts``) and deleted when the response is written.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True, default=random_key)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    draft: Mapped[Optional[bytes]] = mapped_column(LargeBinary)

    assessment: Mapped[Assessment] = relationship()
    rater: Mapped[Person] = relationship()

    @property
    def rater_language(self) -> str:
        return self.rater.language

    __table_args__ = (
        UniqueConstraint("assessment_id", "rater_id"),
        CheckConstraint(f"relation IN {RELATIONS + (SELF,)!r}", name="relation"),
    )


class Response(Base):
    """A submitted questionnaire: the assessee, whether it is the self-assessment, the answers.

    The answers are one JSON object per response, ``{question id: points}`` with the keys sorted,
    rather than a row per answer: a submit rewrites every response about its assessee (see
    ``respond``), and eight rows rewrite far faster than three hundred. Nothing here may tie a
    response to a rater: see the module docstring and docs/anonymity.md.
    """

    __tablename__ = "responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    is_self: Mapped[bool] = mapped_column(Boolean)
    answers: Mapped[dict[str, int]] = mapped_column(JSON)

    # SQLite: no hidden rowid, whose order would be the order of submission.
    __table_args__ = {"sqlite_with_rowid": False}


# ``admin`` manages staff accounts and nothing else: whoever grants access reads no results.
STAFF_ROLES = ("hr", "hr-head", "trainer", "admin")


class User(Base):
    """A staff account. Respondents never have one: they answer through their link."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))  # "" until the owner sets one through a link
    role: Mapped[str] = mapped_column(String(16))
    disabled_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # "directory": made at the first sign-in through the body's directory, which checks the
    # password and gives the role (``staff.directory``); such an account has no password here.
    source: Mapped[str] = mapped_column(String(16), default="local")
    # The second factor (``staff.second_factor``): the TOTP secret, encrypted; in force from
    # ``totp_enabled_at``; the last time step a code was accepted for, so that none works twice.
    totp_secret: Mapped[Optional[str]] = mapped_column(String(255))
    totp_enabled_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    totp_last_step: Mapped[Optional[int]] = mapped_column(Integer)
    # The hash of the secret in the one set-password link that is valid now, if any: a new link
    # replaces it, using it clears it (``staff.password_links``).
    link_secret: Mapped[Optional[str]] = mapped_column(String(64))
    # A session carries the version it was opened under and is refused once the account's moves on:
    # raising it ends every session of the account on every server at once (``staff.sessions``).
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    last_sign_in: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (CheckConstraint(f"role IN {STAFF_ROLES!r}", name="role"),
                      CheckConstraint("source IN ('local', 'directory')", name="source"))


class RecoveryCode(Base):
    """A one-time code that stands in for the second factor once, kept as a hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)


class SignInThrottle(Base):
    """Failed sign-ins in a row for one typed address from one client address (``staff.signin``).

    The address is kept as a keyed hash: rows are made for addresses that have no account too (so
    that the answer does not tell which have one), and what someone typed into the e-mail field
    — sometimes a password — must not be stored readable.
    """

    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure: Mapped[dt.datetime] = mapped_column(DateTime)
    wait_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("account_key", "client"),)


class AuditEntry(Base):
    """What staff did and when (opened, closed, exported, sent) — never anything a rater answered."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(1000), default="")


class SentMessage(Base):
    """A record of each e-mail sent to a rater: what kind, for which campaign, when, and whether
    the mail server took it. It concerns the asking, not the answering."""

    __tablename__ = "sent_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(16))  # invitation | reminder
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    error: Mapped[str] = mapped_column(String(500), default="")


JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(Base):
    """Bulk work HR starts (e-mail to every rater, all reports as a ZIP), done outside the request.

    At most one active job of a kind per campaign and parameters: the partial unique index makes a
    second HR officer's click join the running job instead of starting it again. ``params`` is the
    canonical JSON of what the job is asked for beyond its campaign (a workbook's language and
    filters), empty for most kinds.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    params: Mapped[str] = mapped_column(String(500), default="", server_default="")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(2000), default="")
    requested_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint(f"status IN {JOB_STATUSES!r}", name="status"),
        Index("uq_jobs_active", "kind", "campaign_id", "params", unique=True,
              postgresql_where=text("status IN ('queued', 'running')"),
              sqlite_where=text("status IN ('queued', 'running')")),
    )


class CompetencyTotal(Base):
    """Per assessee, the sum and count of points per competency, apart for the self-assessment.

    Written from the responses when the campaign closes (``tally``), the only time results can be
    read, and holding nothing the responses do not: a campaign's results read these few rows per
    assessee instead of every answer.
    """

    __tablename__ = "competency_totals"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    is_self: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    competency_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    answers: Mapped[int] = mapped_column(Integer)
    responses: Mapped[int] = mapped_column(Integer)

    __table_args__ = {"sqlite_with_rowid": False}


class CampaignFigures(Base):
    """Figures of a closed campaign, computed once from its responses and kept for the staff pages.

    Only what the pages show: aggregates over at least the anonymity threshold, with the
    threshold they were computed for; nothing per assessee or per response (``campaigns.figures``).
    """

    __tablename__ = "campaign_figures"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    threshold: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict] = mapped_column(JSON)


# The tables of what follows a report live in their own module; importing it here puts them in the
# one metadata that the migrations and the tests compare.
from survey.core import followup as _followup  # noqa: E402,F401
