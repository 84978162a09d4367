"""The staff audit log: who did what to which campaign or account, and when. Never what a rater answered."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.core.messages import N_
from survey.core.models import AuditEntry

# What each recorded action is called on the audit page, in the reader's language; the code
# itself stays in the database, where a later wording cannot change what was recorded.
ACTIONS = {
    "account-create": N_("Account created"),
    "account-disable": N_("Account disabled"),
    "account-enable": N_("Account enabled"),
    "account-reset": N_("Password reset"),
    "account-role": N_("Role changed"),
    "account-unlock": N_("Sign-in released"),
    "campaign-create": N_("Campaign created"),
    "campaign-open": N_("Campaign opened"),
    "campaign-close": N_("Answering closed"),
    "campaign-extend": N_("Last day changed"),
    "directory": N_("Directory sign-in"),
    "directory-unreachable": N_("Directory unreachable"),
    "email-invitations": N_("Invitations e-mailed"),
    "email-reminders": N_("Reminders e-mailed"),
    "links-export": N_("Links downloaded"),
    "paper-entry": N_("Paper questionnaire entered"),
    "password-change": N_("Password changed"),
    "password-link": N_("Password link made"),
    "password-link-refused": N_("Password link refused"),
    "password-set": N_("Password set"),
    "quality-export": N_("Quality figures downloaded"),
    "rater-add": N_("Rater added"),
    "rater-remove": N_("Rater removed"),
    "raters-import": N_("Raters imported"),
    "raters-suggest": N_("Raters suggested"),
    "recovery-codes-renewed": N_("Recovery codes renewed"),
    "report-download": N_("Report downloaded"),
    "report-view": N_("Report opened"),
    "reports-publish": N_("Report links made"),
    "reports-zip": N_("Reports downloaded (ZIP)"),
    "reports-zip-download": N_("Prepared reports downloaded"),
    "results-export": N_("Results downloaded"),
    "retention-purge": N_("Old campaigns removed"),
    "roster-import": N_("Roster imported"),
    "second-factor-failed": N_("Wrong second-factor code"),
    "second-factor-off": N_("Second factor removed"),
    "second-factor-on": N_("Second factor set up"),
    "sheets-print": N_("Link sheets printed"),
    "sign-in": N_("Signed in"),
    "sign-in-failed": N_("Sign-in failed"),
    "sign-in-refused": N_("Sign-in refused"),
    "sign-out": N_("Signed out"),
    "training-cohorts-export": N_("Training cohorts downloaded"),
    "training-export": N_("Training needs downloaded"),
}


def now() -> dt.datetime:
    """UTC without a zone, as every time in the database is stored."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def record(session: Session, actor: str, action: str, detail: str = "") -> None:
    session.add(AuditEntry(at=now(), actor=actor, action=action, detail=detail[:1000]))
    session.flush()


def recent(session: Session, limit: int = 500) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
