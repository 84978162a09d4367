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

from collections import defaultdict

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session, joinedload

from . import drafts, scoring, tokens
from .campaigns import is_answerable
from .instruments import Instrument
from .models import SELF, Answer, Assessment, CompetencyTotal, Invitation, Response, random_key


class NotFound(Exception):
    """No such link: forged, altered, or its invitation was removed."""


class Gone(Exception):
    """The link was real but can no longer be answered."""

    def __init__(self, reason: str, language: str | None = None):
        self.reason = reason  # "done" or "closed"
        self.language = language  # the rater's, so the explanation is in words they read
        super().__init__(reason)


def open_invitation(session: Session, secret: str, token: str) -> Invitation:
    """The invitation behind a link; reads only, so a GET leaves no trace in the database."""
    try:
        key = tokens.verify(secret, token)
    except tokens.InvalidToken:
        raise NotFound() from None
    invitation = session.scalar(
        select(Invitation).where(Invitation.key == key).options(
            joinedload(Invitation.assessment).joinedload(Assessment.assessee),
            joinedload(Invitation.assessment).joinedload(Assessment.campaign),
            joinedload(Invitation.rater),
        )
    )
    if invitation is None:
        raise NotFound()
    if invitation.done:
        raise Gone("done", invitation.rater.language)
    if not is_answerable(invitation.assessment.campaign):
        raise Gone("closed", invitation.rater.language)
    return invitation


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


def draft(secret: str, invitation: Invitation) -> dict[str, int]:
    return drafts.unseal(secret, invitation.key, invitation.draft)


def save_draft(session: Session, secret: str, invitation: Invitation, answers: Answers) -> None:
    invitation.draft = drafts.seal(secret, invitation.key, answers.given)
    session.flush()


def submit(session: Session, invitation: Invitation, answers: Answers) -> None:
    """Store the response and mark the invitation done, or raise Gone if another submit won."""
    if not answers.complete:
        raise ValueError("every question must be answered before submitting")
    # One submit at a time per assessee, so the rewrite below sees every response already stored.
    session.execute(select(Assessment.id).where(Assessment.id == invitation.assessment_id).with_for_update())
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.done.is_(False))
        .values(done=True, draft=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Gone("done", invitation.rater.language)
    _rewrite(session, invitation.assessment_id, (invitation.relation == SELF, answers.given))


# A plain statement run for many rows: compiled once, where a multi-row insert of ever-changing
# length would be compiled again on every submit.
_INSERT_ANSWER = text("INSERT INTO answers (response_id, question_id, points) VALUES (:response_id, :question_id, :points)")


def competency_of(question_id: str) -> str:
    """Question ids are '<competency>.<n>' (checked when the questionnaire is loaded)."""
    return question_id.split(".", 1)[0]


def _rewrite(session: Session, assessment_id: int, new: tuple[bool, dict[str, int]]) -> None:
    stored: dict[str, tuple[bool, dict[str, int]]] = defaultdict(lambda: (False, {}))
    rows = session.execute(
        select(Response.id, Response.is_self, Answer.question_id, Answer.points)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.assessment_id == assessment_id)
    )
    for response_id, is_self, question_id, points in rows:
        stored[response_id] = (is_self, stored[response_id][1])
        stored[response_id][1][question_id] = points
    if stored:
        session.execute(delete(Answer).where(Answer.response_id.in_(list(stored))), execution_options={"synchronize_session": False})
        session.execute(delete(Response).where(Response.assessment_id == assessment_id), execution_options={"synchronize_session": False})
    stored[random_key()] = new
    session.execute(delete(CompetencyTotal).where(CompetencyTotal.assessment_id == assessment_id),
                    execution_options={"synchronize_session": False})
    # One multi-row INSERT per table: a few round trips per submit, however many answers.
    session.execute(insert(CompetencyTotal).values([
        {"assessment_id": assessment_id, "is_self": t.is_self, "competency_id": t.competency_id,
         "points": t.points, "answers": t.answers, "responses": t.responses}
        for t in scoring.totals((scoring.Response(is_self, given) for is_self, given in stored.values()),
                                competency_of)
    ]))
    ordered = sorted(stored.items())  # key order: the storage order says nothing about submission order
    session.execute(insert(Response).values([{"id": key, "assessment_id": assessment_id, "is_self": is_self}
                                             for key, (is_self, _given) in ordered]))
    session.execute(_INSERT_ANSWER, [{"response_id": key, "question_id": q, "points": p}
                                     for key, (_is_self, given) in ordered for q, p in sorted(given.items())])
