"""E-mail to the assessees after the report (order No. 260, para 12): each their personal link, in
their language, when HR publishes; a reminder to those who have not confirmed reading it. Sent as
jobs, so that a body of thousands does not hold a web worker; those without an address are named
in the outcome, for the printable sheet.
"""
from __future__ import annotations

import datetime as dt
import email.errors
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session

from survey.core.clock import now
from survey.core.followup import ReportRelease
from survey.core.models import Campaign
from survey.followup import release
from survey.mail import smtp
from survey.mail.compose import DEFAULT_LANGUAGE, LANGUAGES, TEMPLATES, envelope, format_date
from survey.mail.settings import SmtpSettings
from survey.operations import jobs

KINDS = {"report-published": "email-report-links", "report-reminder": "email-report-reminders"}

_ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def compose(settings: SmtpSettings, kind: str, row: release.LinkRow, *, campaign: Campaign,
            due_on: dt.date) -> EmailMessage:
    language = row.language if row.language in LANGUAGES else DEFAULT_LANGUAGE
    text = _ENV.get_template(f"{kind}.{language}.txt").render(
        name=row.full_name, campaign_name=campaign.name, url=row.url, due_on=format_date(due_on, language),
        valid_until=format_date(row.valid_until, language))
    subject, _, body = text.lstrip().partition("\n")
    return envelope(settings, subject.strip(), body.strip("\n") + "\n",
                    Address(display_name=row.full_name, addr_spec=row.email.strip()), language)


def send(session: Session, campaign: Campaign, kind: str, config: Mapping, progress=None) -> str:
    """Each released assessee (for a reminder: each who has not confirmed reading) their link."""
    from survey.reports import links

    settings = SmtpSettings.from_config(config)
    days = int(config.get("REPORT_LINK_DAYS") or links.DEFAULT_DAYS)
    rows = release.link_rows(session, campaign, secret=config["SECRET_KEY"], base_url=config["BASE_URL"], days=days)
    released = {r.assessment.assessee.employee_id: r for r in session.query(ReportRelease).join(ReportRelease.assessment)
                .filter_by(campaign_id=campaign.id)}
    if kind == "report-reminder":
        rows = [r for r in rows if released[r.employee_id].acknowledged_at is None]
    batch, without, failed = [], [], []
    for row in rows:
        if not row.email.strip():
            without.append(row.full_name)
            continue
        try:
            message = compose(settings, kind, row, campaign=campaign, due_on=released[row.employee_id].due_on)
        except (ValueError, LookupError, TypeError, email.errors.MessageError) as exc:
            failed.append((row.full_name, smtp.describe(exc)))
            continue
        batch.append((row, smtp.Outgoing(None, message, address=row.email)))
    smtp.deliver(settings, [o for _r, o in batch], progress)
    sent = 0
    for row, outgoing in batch:
        if outgoing.error:
            failed.append((row.full_name, outgoing.error))
        else:
            sent += 1
            if kind == "report-reminder":
                released[row.employee_id].reminded_at = now()
    session.flush()
    text = f"{campaign.name}: {sent} sent, {len(failed)} failed, {len(without)} without an e-mail address"
    if without:
        text += " (the printable sheet: " + ", ".join(without[:20]) + (" …" if len(without) > 20 else "") + ")"
    if failed:
        text += "; " + "; ".join(f"{name}: {reason}" for name, reason in failed[:10])
    return text


for _kind, _job_kind in KINDS.items():
    jobs.register(_job_kind, jobs.Kind(lambda s, c, cfg, p, kind=_kind: send(s, c, kind, cfg, p), _job_kind))
