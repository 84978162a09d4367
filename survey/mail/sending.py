"""E-mail to a campaign's raters: one invitation per rater listing all their questionnaires, and
reminders listing only those still open; the same batch whether HR starts it from the command
line or from the web page, where it runs as a job (``email-invitations``, ``email-reminders``).

Every attempt to hand a message to the mail server is recorded in
:class:`~survey.core.models.SentMessage`, so that HR can see who was reached and who was not. The
links are secrets, so they are never logged and never written to ``sent_messages``.
"""
from __future__ import annotations

import datetime as dt
import email.errors
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from survey.campaigns import lifecycle as campaigns
from survey.core.messages import N_
from survey.core.models import Campaign, Invitation, Job, Person, SentMessage
from survey.mail.compose import compose
from survey.mail.settings import SmtpSettings
from survey.mail.smtp import ERROR_LENGTH, Outgoing, deliver, describe
from survey.operations import jobs
from survey.staff.accounts import now

log = logging.getLogger(__name__)

JOB_KINDS = {"invitation": "email-invitations", "reminder": "email-reminders"}


@dataclass
class Outcome:
    kind: str
    sent: int = 0
    failed: int = 0
    without_email: list[str] = field(default_factory=list)  # full names of raters skipped
    failures: list[tuple[str, str]] = field(default_factory=list)  # (full name, reason)

    @property
    def skipped(self) -> int:
        return len(self.without_email)

    def describe(self) -> str:
        return f"{self.sent} sent, {self.failed} failed, {self.skipped} without e-mail"


def send_invitations(session: Session, campaign: Campaign, settings: SmtpSettings, *,
                     url_of: Callable[[str], str], threshold: int, today: dt.date | None = None,
                     progress=None) -> Outcome:
    """To every rater with an e-mail address: one message listing all their questionnaires."""
    require_answerable(campaign, today)
    return _send(session, campaign, settings, "invitation", campaigns.all_invitations_by_rater(session, campaign),
                 url_of=url_of, threshold=threshold, progress=progress)


def send_reminders(session: Session, campaign: Campaign, settings: SmtpSettings, *,
                   url_of: Callable[[str], str], threshold: int, today: dt.date | None = None,
                   progress=None) -> Outcome:
    """To every rater with questionnaires still open: one message listing only those."""
    require_answerable(campaign, today)
    return _send(session, campaign, settings, "reminder", campaigns.pending_raters(session, campaign),
                 url_of=url_of, threshold=threshold, progress=progress)


def require_answerable(campaign: Campaign, today: dt.date | None) -> None:
    campaigns.require_status(campaign, "open")
    if not campaigns.is_answerable(campaign.status, campaign.closes_on, today):
        raise campaigns.CampaignError(
            N_("the last day of answering of '%(name)s' (%(date)s) has passed: change the date first"),
            name=campaign.name, date=campaign.closes_on.isoformat())


def queue(session: Session, campaign: Campaign, kind: str, actor: str, config: Mapping) -> tuple[Job, bool]:
    """The job that sends ``kind`` ("invitation" or "reminder") to the campaign's raters, and
    whether it is new (else a colleague's batch already under way is joined, so nobody gets two).
    What would make every message fail (no mail server set up, answering over) is refused here
    with :class:`~survey.mail.settings.MailError` or ``CampaignError``, before anything is queued."""
    SmtpSettings.from_config(config)
    require_answerable(campaign, None)
    return jobs.start(session, JOB_KINDS[kind], campaign, actor)


def _job(operation):
    """A jobs.Kind runner: the settings and links come from the configuration."""

    def run(session: Session, campaign: Campaign, config: Mapping, progress) -> str:
        from survey.campaigns import tokens

        base, secret = config["BASE_URL"], config["SECRET_KEY"]
        outcome = operation(session, campaign, SmtpSettings.from_config(config),
                            url_of=lambda key: tokens.url(base, secret, key),
                            threshold=config["ANONYMITY_THRESHOLD"], progress=progress)
        text = f"{campaign.name}: {outcome.describe()}"
        if outcome.failures:
            text += "; " + "; ".join(f"{name}: {reason}" for name, reason in outcome.failures[:10])
        return text

    return run


def _send(session: Session, campaign: Campaign, settings: SmtpSettings, kind: str,
          by_rater: Mapping[Person, list[Invitation]], *, url_of: Callable[[str], str], threshold: int,
          progress=None) -> Outcome:
    outcome = Outcome(kind)
    batch: list[Outgoing] = []
    for rater, invitations in sorted(by_rater.items(), key=lambda pair: (pair[0].name_key, pair[0].id)):
        if not (rater.email or "").strip():
            outcome.without_email.append(rater.full_name)
            continue
        try:
            message = compose(kind, settings, campaign, rater, invitations, url_of=url_of, threshold=threshold)
        except (ValueError, LookupError, TypeError, email.errors.MessageError) as exc:  # an address the
            # e-mail library cannot write into a header, e.g. "<a@b.kz>" or one with non-Latin letters
            batch.append(Outgoing(rater, None, describe(exc)))
        else:
            batch.append(Outgoing(rater, message))
    deliver(settings, batch, progress)
    at = now()
    for outgoing in batch:
        ok = not outgoing.error
        session.add(SentMessage(campaign_id=campaign.id, rater_id=outgoing.rater.id, kind=kind, at=at, ok=ok,
                                error=outgoing.error[:ERROR_LENGTH]))
        if ok:
            outcome.sent += 1
        else:
            outcome.failed += 1
            outcome.failures.append((outgoing.rater.full_name, outgoing.error))
            log.warning("e-mail %s to rater %s failed: %s", kind, outgoing.rater.employee_id, outgoing.error)
    session.flush()
    log.info("e-mail %s for campaign %s: %s", kind, campaign.id, outcome.describe())
    return outcome


jobs.register(JOB_KINDS["invitation"], jobs.Kind(_job(send_invitations), JOB_KINDS["invitation"]))
jobs.register(JOB_KINDS["reminder"], jobs.Kind(_job(send_reminders), JOB_KINDS["reminder"]))
