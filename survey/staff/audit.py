"""The staff audit log: who did what to which campaign or account, and when. Never what a rater answered."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Callable, NamedTuple

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
    "raters-export": N_("Raters downloaded"),
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
# anything else (an e-mail address, a campaign's name) as it was recorded. tests/test_audit_log.py
# reads every detail the code records and fails on words whose shape is missing here.
DETAILS = (
    N_("%(campaign)s: %(unit)s, %(num)s reports"),
    N_("%(campaign)s: %(num)s reports"),
    N_("%(campaign)s: %(num)s sheet(s), %(only)s"),
    N_("%(campaign)s: %(num)s sheet(s)"),
    N_("%(campaign)s: %(file)s, %(num)s raters"),
    N_("%(campaign)s: %(num)s raters"),
    N_("%(campaign)s: %(num)s personal links, valid %(days)s days"),
    N_("%(campaign)s: %(num)s assessees"),
    N_("%(campaign)s: %(num)s links"),
    N_("%(campaign)s: %(sent)s sent, %(failed)s failed, %(without)s without e-mail"),
    N_("%(campaign)s: %(sent)s sent, %(failed)s failed, %(without)s without an e-mail address"),
    N_("%(campaign)s: %(sent)s sent, %(failed)s failed, %(without)s without an e-mail address "
       "(the printable sheet: %(names)s)"),
    N_("%(campaign)s: %(person)s (%(language)s)"),
    N_("%(campaign)s (%(num)s responses)"),
    N_("%(file)s: %(added)s added, %(updated)s updated, %(left)s left"),
    N_("%(file)s: %(added)s added, %(updated)s updated"),
    "%(person)s: %(status)s %(since)s..%(until)s",  # shown as SHOWN says
    "%(person)s: %(status)s %(since)s",
    "%(person)s: %(status)s..%(until)s",
    N_("%(person)s: %(status)s"),
    N_("from %(client)s, %(num)s in a row"),
    N_("directory: in no mapped group (from %(client)s)"),
    N_("%(error)s (sign-in from %(client)s)"),
    N_("%(email)s (%(role)s, directory)"),
    N_("%(email)s (%(role)s)"),
    N_("%(email)s: %(before)s → %(role)s"),
    N_("%(email)s: %(num)s place(s) released"),
    N_("%(email)s: e-mailed"),
    N_("%(email)s: shown to the account manager (e-mail failed: %(error)s)"),
    N_("%(email)s: shown to the account manager"),
    N_("through a one-time link"),
    N_("with a one-time code"),
    N_("with a recovery code"),
    N_("second factor set up"),
    N_("%(reason)s (from %(client)s)"),
)
ALL_UNITS = N_("all units")
UNKNOWN = N_("unknown")
_WORDS = {ALL_UNITS: ALL_UNITS, UNKNOWN: UNKNOWN}
_ROLES = {"hr": N_("HR officer"), "hr-head": N_("Head of HR"), "trainer": N_("Trainer"), "admin": N_("Account manager")}
# Codes a detail holds, each shown by its name; a value of another kind holds only what its
# pattern allows, so that a detail is not read as a shape it merely resembles (a directory
# refusal's "(from 10.0.0.1)" is no language).
_CODES = {"language": {"kk": N_("Kazakh"), "ru": N_("Russian"), "en": N_("English")}, "role": _ROLES, "before": _ROLES,
          "status": {"active": N_("At work"), "leave": N_("On leave"), "sick": N_("On sick leave"),
                     "trip": N_("On a business trip"), "training": N_("In training or an internship"),
                     "dismissed": N_("Has left")}}
# Details of names, days and codes only, read by the action that records them: nothing to
# translate, but a day the reader writes their own way and a questionnaire they know by its name.
# The stored text keeps the ISO day and the questionnaire's code, which mean the same in every
# language and to whoever opens the database, so entries recorded before read alike.
# Recorded shapes that are a notation rather than words ("leave 2026-12-01..2026-12-04"), and the
# words the page shows them in, in English too.
SHOWN = {
    "%(person)s: %(status)s %(since)s..%(until)s": N_("%(person)s: %(status)s from %(since)s to %(until)s"),
    "%(person)s: %(status)s %(since)s": N_("%(person)s: %(status)s since %(since)s"),
    "%(person)s: %(status)s..%(until)s": N_("%(person)s: %(status)s until %(until)s"),
}
FORMS = {
    "campaign-extend": ("%(campaign)s: %(day)s",),
    "campaign-approve": ("%(campaign)s: %(by)s, %(day)s",),
    "training-cohorts-export": ("%(campaign)s, %(questionnaire)s, %(unit)s", "%(campaign)s, %(questionnaire)s"),
}
_DAYS = ("day", "since", "until")
_NUMBER, _DATE = r"\d+", r"\d{4}-\d{2}-\d{2}"
_VALUES = {**dict.fromkeys(("num", "days", "added", "updated", "left", "sent", "failed", "without"), _NUMBER),
           **dict.fromkeys(_DAYS, _DATE), "questionnaire": r"[^,]+",
           **{name: "|".join(map(re.escape, sorted(codes, key=len, reverse=True))) for name, codes in _CODES.items()}}


class Reader(NamedTuple):
    """The words, days and questionnaire names of whoever reads the page."""

    gettext: Callable[..., str]
    day: Callable[[dt.date], str]
    questionnaire: Callable[[str], str | None]


@lru_cache(maxsize=None)
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_VALUES.get(p, '.+?')})"
                              for i, p in enumerate(parts)))


def described(detail: str, gettext: Callable[..., str], *, action: str = "",
              day: Callable[[dt.date], str] = dt.date.isoformat,
              questionnaire: Callable[[str], str | None] = lambda code: None) -> str:
    """``detail`` in the reader's language where it has the shapes of ``DETAILS`` or the forms of
    its ``action``, its days written by ``day`` and questionnaires named by ``questionnaire``.
    Parts apart by "; " are read apart: a job's outcome and the failures after it, one purged
    campaign each."""
    reader = Reader(gettext, day, questionnaire)
    return "; ".join(_described(part, FORMS.get(action, ()), reader) for part in detail.split("; "))


def _described(part: str, forms: tuple[str, ...], reader: Reader) -> str:
    for template in forms:
        match = _pattern(template).fullmatch(part)
        if match:
            return template % {k: _word(k, v, reader) for k, v in match.groupdict().items()}
    for template in DETAILS:
        match = _pattern(template).fullmatch(part)
        if match:
            return reader.gettext(SHOWN.get(template, template),
                                  **{k: _word(k, v, reader) for k, v in match.groupdict().items()})
    return part


def _word(name: str, value: str, reader: Reader) -> str:
    if name in _DAYS:
        try:
            return reader.day(dt.date.fromisoformat(value))
        except ValueError:  # no such day (2026-02-30): shown as recorded
            return value
    if name == "questionnaire":
        return reader.questionnaire(value) or value
    if value in _CODES.get(name, {}):
        return reader.gettext(_CODES[name][value])
    if value in _WORDS:
        return reader.gettext(_WORDS[value])
    return _reason(value, reader.gettext)


def _reason(value: str, gettext: Callable[..., str]) -> str:
    """A refusal recorded in English is itself a catalogue message: the reader's words, if it has them."""
    return gettext(value) if value.endswith(".") else value


def record(session: Session, actor: str, action: str, detail: str = "") -> None:
    session.add(AuditEntry(at=now(), actor=actor, action=action, detail=detail[:1000]))
    session.flush()


def recent(session: Session, limit: int = 500) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
