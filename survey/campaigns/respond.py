"""The respondent's side: open a link, keep a draft, submit once.

The rule that makes answers anonymous lives here: submitting marks the invitation done and stores
a response that carries no reference to it, in one transaction. The conditional UPDATE is the
guard against a double submit: of fifty simultaneous submits of one link exactly one finds the
invitation not yet done.

A database also records things the schema does not show. PostgreSQL stamps every row with the
transaction that wrote it (``xmin``) and keeps rows in the order they were written, so a response
inserted beside its invitation's update could be joined back to it. Each submit therefore
rewrites all the responses about that assessee, in the order of their random keys: every one of
them then carries the same transaction and no position of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import Connection, bindparam, delete, exists, insert, null, select, true, union_all, update
from sqlalchemy.orm import Session, aliased

from survey.campaigns import drafts
from survey.campaigns.lifecycle import is_answerable
from survey.core.instruments import Instrument
from survey.core.models import SELF, Assessment, Campaign, Invitation, Person, Response, random_key


class NotFound(Exception):
    """No such link: forged, altered, or its invitation was removed."""


class Gone(Exception):
    """The link was real but can no longer be answered."""

    def __init__(self, reason: str, language: str | None = None):
        self.reason = reason  # "done" or "closed"
        self.language = language  # the rater's, so the explanation is in words they read
        super().__init__(reason)


@dataclass(frozen=True)
class RatedPerson:
    full_name: str
    position: str
    unit: str


@dataclass(frozen=True)
class OpenLink:
    """What the respondent's page needs about the invitation behind a link, read in one plain
    statement: the page is the busiest in the platform, and ORM objects cost more than the query."""

    id: int
    key: str
    assessment_id: int
    relation: str
    draft: bytes | None
    rater_language: str
    instrument: str
    assessee: RatedPerson
    locked: bool = False  # the assessment's row lock is already held (see submit)


_rater = aliased(Person)
_LINK = (
    select(Invitation.id, Invitation.key, Invitation.assessment_id, Invitation.relation, Invitation.draft,
           _rater.language, Assessment.instrument, Assessment.full_name, Assessment.position, Assessment.unit,
           Invitation.done, Campaign.status, Campaign.closes_on)
    .join(_rater, _rater.id == Invitation.rater_id)
    .join(Assessment, Assessment.id == Invitation.assessment_id)
    .join(Campaign, Campaign.id == Assessment.campaign_id)
    .where(Invitation.key == bindparam("key"))
)
_LINK_LOCKED = _LINK.with_for_update(of=Assessment)


def open_invitation(connection: Connection, key: str, *, lock: bool = False) -> OpenLink:
    """The invitation behind a link; reads only, so a GET leaves no trace in the database. A submit
    asks for ``lock``: the same statement then takes the lock that ``submit`` needs.

    ``key`` is what ``tokens.verify`` took out of the signed link, never a key from anywhere else:
    a database reader knows every key, only the signature keeps them from answering. The caller
    checks it (the page does so before it reads the request's body), and once is enough.
    A Core statement on a connection (a session's, for a POST): the ORM's machinery cost more
    than the statement on the busiest page."""
    row = connection.execute(_LINK_LOCKED if lock else _LINK, {"key": key}).first()
    if row is None:
        raise NotFound()
    *fields, name, position, unit, done, status, closes_on = row
    link = OpenLink(*fields, assessee=RatedPerson(name, position, unit), locked=lock)
    if done:
        raise Gone("done", link.rater_language)
    if not is_answerable(status, closes_on):
        raise Gone("closed", link.rater_language)
    return link


@dataclass(frozen=True)
class Answers:
    """What a form sent, checked against the questionnaire."""

    given: dict[str, int]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def read_answers(instrument: Instrument, form: Mapping[str, str]) -> Answers:
    """Only this questionnaire's questions, only its points; anything else is ignored, not stored."""
    allowed = {str(p): p for p in instrument.points}
    given, missing = {}, []
    for question in instrument.questions:
        value = form.get(question.id)
        if value in allowed:
            given[question.id] = allowed[value]
        else:
            missing.append(question.id)
    return Answers(given, tuple(missing))


def draft(secret: str, invitation: OpenLink | Invitation) -> dict[str, int]:
    return drafts.unseal(secret, invitation.key, invitation.draft)


def save_draft(session: Session, secret: str, invitation: OpenLink | Invitation, answers: Answers) -> None:
    session.execute(update(Invitation).where(Invitation.id == invitation.id)
                    .values(draft=drafts.seal(secret, invitation.key, answers.given))
                    .execution_options(synchronize_session=False))


# The submit's statements, built once: it is the busiest write in the platform.
# One submit at a time per assessee (a row lock on the assessment), so that the rewrite sees every
# response already stored. The lock is its own statement: under READ COMMITTED a statement that
# waited for a lock still reads from its own older snapshot, so the read of the stored responses
# must come after it.
_LOCK = select(Assessment.id).where(Assessment.id == bindparam("assessment")).with_for_update()
_STORED = select(Response.id, Response.is_self, Response.answers).where(Response.assessment_id == bindparam("assessment"))
_CLAIM = (update(Invitation).where(Invitation.id == bindparam("invitation"), Invitation.done.is_(False))
          .values(done=True, draft=None))
_DELETE_RESPONSES = delete(Response).where(Response.assessment_id == bindparam("assessment"))
# Without .values(), run for a list of rows: compiled once, where a multi-row VALUES of changing
# length would be compiled again on every submit.
_INSERT_RESPONSES = insert(Response)


def _rewrite_in_one_statement():
    """PostgreSQL: the claim, the removal of the assessee's stored responses and their writing
    back in key order with the new one, as one statement. Its parts share one snapshot, taken
    after the link's read took the assessment's lock, so it sees every response stored before;
    the stored answers go back as the server holds them, never through Python. It returns the
    claimed invitation: no row means another submit of this link won, and then nothing was
    removed or written."""
    claimed = (update(Invitation).where(Invitation.id == bindparam("invitation"), Invitation.done.is_(False))
               .values(done=true(), draft=null()).returning(Invitation.id).cte("claimed"))
    was_claimed = exists(select(claimed.c.id))
    removed = (delete(Response).where(Response.assessment_id == bindparam("assessment"), was_claimed)
               .returning(Response.id, Response.is_self, Response.answers).cte("removed"))
    # Named apart from the table's columns, which SQLAlchemy would otherwise take for the INSERT's values.
    given = select(bindparam("new_id", type_=Response.id.type), bindparam("new_is_self", type_=Response.is_self.type),
                   bindparam("new_answers", type_=Response.answers.type)).where(was_claimed)
    every = union_all(select(removed.c.id, removed.c.is_self, removed.c.answers), given).subquery("every")
    written = (insert(Response)
               .from_select(["id", "assessment_id", "is_self", "answers"],
                            select(every.c.id, bindparam("assessment"), every.c.is_self, every.c.answers)
                            .order_by(every.c.id))  # key order: storage says nothing of the order of submission
               .cte("written"))
    return select(claimed.c.id).add_cte(written)


_REWRITE = _rewrite_in_one_statement()


def submit(session: Session, invitation: OpenLink | Invitation, answers: Answers) -> None:
    """Store the response and mark the invitation done, or raise Gone if another submit won."""
    if not answers.complete:
        raise ValueError("every question must be answered before submitting")
    connection = session.connection()
    assessment = {"assessment": invitation.assessment_id}
    if not (isinstance(invitation, OpenLink) and invitation.locked):
        connection.execute(_LOCK, assessment)
    if connection.dialect.name == "postgresql":
        given = {"new_id": random_key(), "new_is_self": invitation.relation == SELF,
                 "new_answers": dict(sorted(answers.given.items()))}
        if connection.execute(_REWRITE, {"invitation": invitation.id, **assessment, **given}).first() is None:
            raise Gone("done", invitation.rater_language)
        return
    # SQLite: the claim comes before the read. FOR UPDATE means nothing there; this first write is
    # what takes the database's write lock, and the read must happen under it.
    if connection.execute(_CLAIM, {"invitation": invitation.id}).rowcount != 1:
        raise Gone("done", invitation.rater_language)
    stored = {key: (is_self, given) for key, is_self, given in connection.execute(_STORED, assessment)}
    stored[random_key()] = (invitation.relation == SELF, answers.given)
    if len(stored) > 1:
        connection.execute(_DELETE_RESPONSES, assessment)
    # Key order: the storage order says nothing about the order of submission.
    connection.execute(_INSERT_RESPONSES, [
        {"id": key, "assessment_id": invitation.assessment_id, "is_self": is_self,
         "answers": dict(sorted(given.items()))}
        for key, (is_self, given) in sorted(stored.items())
    ])
