"""The staff audit log: who did what to which campaign or account, and when. Never what a rater answered."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.core.clock import now  # noqa: F401 - staff modules take it from here
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
    "campaign-approve": N_("Schedule approval recorded"),
    "campaign-exclude": N_("Person left out of a campaign"),
    "campaign-include": N_("Person taken into a campaign"),
    "campaign-delete": N_("Draft campaign deleted"),
    "assessor-links": N_("Managers' links made"),
    "calibration-decide": N_("Calibration decision recorded"),
    "calibration-convene": N_("Calibration session convened"),
    "calibration-conclude": N_("Calibration session concluded"),
    "plans-export": N_("Development plans downloaded"),
    "plan-record": N_("Development plan recorded"),
    "report-sheets": N_("Report link sheets printed"),
    "email-report-links": N_("Report links e-mailed"),
    "email-report-reminders": N_("Reminders to read the results e-mailed"),
    "person-standing": N_("Status or time in post changed"),
    "rater-rule-reason": N_("Reason recorded for raters"),
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


# What the details say, in the shapes the code records them. A detail is stored in English as it
# was written, so that the log reads the same to whoever opens the database and a later wording
# changes nothing recorded; the page shows a detail of a known shape in the reader's language, and
# anything else (an e-mail address, a campaign's name) as it was recorded.
DETAILS = (
    N_("%(campaign)s: %(unit)s, %(num)s reports"),
    N_("%(campaign)s: %(num)s reports"),
    N_("%(campaign)s: %(num)s sheet(s), %(only)s"),
    N_("%(campaign)s: %(num)s sheet(s)"),
    N_("%(campaign)s: %(file)s, %(num)s raters"),
    N_("%(campaign)s: %(num)s raters"),
    N_("%(campaign)s: %(num)s personal links, valid %(days)s days"),
    N_("%(campaign)s: %(person)s (%(language)s)"),
    N_("%(file)s: %(added)s added, %(updated)s updated"),
    N_("from %(client)s, %(num)s in a row"),
    N_("directory: in no mapped group (from %(client)s)"),
    N_("%(error)s (sign-in from %(client)s)"),
    N_("%(email)s: %(num)s place(s) released"),
    N_("%(email)s: e-mailed"),
    N_("%(email)s: shown to the account manager (e-mail failed: %(error)s)"),
    N_("%(email)s: shown to the account manager"),
    N_("through a one-time link"),
    N_("%(reason)s (from %(client)s)"),
)
ALL_UNITS = N_("all units")
UNKNOWN = N_("unknown")
# Values inside a detail that are words or codes rather than names.
_WORDS = {ALL_UNITS: ALL_UNITS, UNKNOWN: UNKNOWN, "kk": N_("Kazakh"), "ru": N_("Russian"), "en": N_("English")}


@lru_cache(maxsize=None)
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)))


def described(detail: str, gettext: Callable[..., str]) -> str:
    """``detail`` in the reader's language when it has one of the shapes of ``DETAILS``."""
    for template in DETAILS:
        match = _pattern(template).fullmatch(detail)
        if match:
            return gettext(template, **{k: gettext(_WORDS[v]) if v in _WORDS else _reason(v, gettext)
                                        for k, v in match.groupdict().items()})
    return detail


def _reason(value: str, gettext: Callable[..., str]) -> str:
    """A refusal recorded in English is itself a catalogue message: the reader's words, if it has them."""
    return gettext(value) if value.endswith(".") else value


def record(session: Session, actor: str, action: str, detail: str = "") -> None:
    session.add(AuditEntry(at=now(), actor=actor, action=action, detail=detail[:1000]))
    session.flush()


def recent(session: Session, limit: int = 500) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
