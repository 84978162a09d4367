"""The respondent's side: open a link, keep a draft, submit once.

The rule that makes answers anonymous lives here: submitting marks the invitation done and stores
a response that carries no reference to it, in one transaction. The conditional UPDATE is the
guard against a double submit: of fifty simultaneous submits of one link exactly one finds the
invitation not yet done.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from . import drafts, tokens
from .campaigns import is_answerable
from .instruments import Instrument
from .models import SELF, Answer, Assessment, Invitation, Response


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
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.done.is_(False))
        .values(done=True, draft=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Gone("done", invitation.rater.language)
    session.add(Response(
        assessment_id=invitation.assessment_id,
        is_self=invitation.relation == SELF,
        answers=[Answer(question_id=q, points=p) for q, p in answers.given.items()],
    ))
    session.flush()
