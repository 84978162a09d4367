"""Paper: printable link sheets and the paper questionnaire (order No. 260, para 34: "if there is
no technical possibility, the assessment is done on paper").

A link sheet gives a rater their personal links as text and as QR codes. A paper questionnaire is
the same questionnaire printed blank; HR enters it afterwards through ``respond.submit``, so a
paper answer is stored exactly like a web answer, with the same anonymity. The only number on the
paper is the invitation's, which HR needs to enter it; it never reaches the stored response.

Nothing here tells HR who has answered: the sheets and the list hold every questionnaire of the
campaign, answered or not. HR learns that one questionnaire was answered only when entering a
paper for it that was already answered, on the web or on paper (docs/anonymity.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import segno
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from survey.campaigns.lifecycle import all_invitations_by_rater, require_status
from survey.core.alphabetical import key_contains
from survey.core.collation import collation_key
from survey.core.instruments import Instrument
from survey.core.listing import Listing
from survey.core.models import SELF, Assessment, Campaign, Invitation, Person

QR_ERROR = "m"  # medium error correction: a creased or smudged sheet still scans
QR_SCALE = 3  # 3 px a module: about 35 mm on paper for a link, easy for a phone camera


def qr_svg(url: str) -> str:
    """An inline ``<svg>`` QR code of the URL (no script, no style attribute: fits the CSP)."""
    return segno.make(url, error=QR_ERROR).svg_inline(scale=QR_SCALE)


@dataclass(frozen=True)
class SheetItem:
    invitation_id: int
    assessee_name: str
    assessee_position: str
    is_self: bool
    url: str
    qr: str


@dataclass(frozen=True)
class Sheet:
    rater: Person
    items: tuple[SheetItem, ...]


class UnknownRater(LookupError):
    """No invitation of this campaign is addressed to that employee id."""


def sheets(session: Session, campaign: Campaign, url_of: Callable[[str], str],
           rater_employee_id: str | None = None, unit: str | None = None) -> list[Sheet]:
    """One sheet per rater with every questionnaire they are asked to answer. Answered ones stay on
    (their links say so when opened): a sheet that left them out would tell HR who has answered."""
    by_rater = all_invitations_by_rater(session, campaign, rater_unit=unit)  # requires an open campaign
    if rater_employee_id is not None:
        by_rater = {r: i for r, i in by_rater.items() if r.employee_id == rater_employee_id}
        if not by_rater:
            raise UnknownRater(rater_employee_id)
    out = []
    for rater in sorted(by_rater, key=lambda p: (collation_key(p.unit), collation_key(p.full_name), p.employee_id)):
        invitations = sorted(by_rater[rater], key=lambda i: (i.relation != SELF, collation_key(i.assessment.full_name), i.id))
        items = []
        for invitation in invitations:
            url = url_of(invitation.key)
            assessee = invitation.assessment
            items.append(SheetItem(invitation.id, assessee.full_name, assessee.position,
                                   invitation.relation == SELF, url, qr_svg(url)))
        if items:
            out.append(Sheet(rater, tuple(items)))
    return out


@dataclass(frozen=True)
class PaperLine:
    """A questionnaire in HR's list: its number, who answers it about whom, and nothing of whether
    it was answered."""
    id: int
    relation: str
    rater_name: str
    rater_employee_id: str
    assessee_name: str
    assessee_position: str


def invitations(session: Session, campaign: Campaign, query: str = "") -> Listing:
    """The questionnaires of an open campaign, answered or not (those whose rater's or assessee's
    name contains ``query`` in any letter case), by the rater's name in the alphabet's order, read
    a page at a time: a body of 20,000 has 120,000 of them. The database sorts only the columns
    the list shows: whole invitations, saved drafts and all, took three times as long (0.63 s for
    the last page at 20,000 assessees on SQLite)."""
    require_status(campaign, "open")
    rater = aliased(Person)
    statement = (
        select(Invitation.id, Invitation.relation, rater.full_name, rater.employee_id, Assessment.full_name,
               Assessment.position)
        .join(Assessment, Assessment.id == Invitation.assessment_id)
        .join(rater, rater.id == Invitation.rater_id)
        .where(Assessment.campaign_id == campaign.id)
        .order_by(rater.name_key, rater.employee_id, Invitation.relation != SELF, Assessment.name_key, Invitation.id)
    )
    query = query.strip()
    if query:
        statement = statement.where(or_(key_contains(rater.name_key, query), key_contains(Assessment.name_key, query)))
    return Listing(session, statement, finish=lambda rows: [PaperLine(*row) for row in rows])


def invitation_in(session: Session, campaign: Campaign, invitation_id: int) -> Invitation | None:
    """The invitation if it belongs to this campaign, else None."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.assessment.campaign_id != campaign.id:
        return None
    return invitation


def question_numbers(instrument: Instrument) -> dict[str, str]:
    """Question id -> the number printed beside it ("3.2": competency 3, question 2)."""
    return {q.id: f"{c}.{n}" for c, competency in enumerate(instrument.competencies, 1)
            for n, q in enumerate(competency.questions, 1)}
