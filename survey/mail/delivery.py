"""E-mail to raters: one invitation per rater listing all their questionnaires, and reminders
listing only those still open. Plain Python: no Flask, so the command line and tests use it as is.

What a message holds: the rater's name, for each questionnaire the assessee's name and position
(or "your self-assessment") and the personal link, the last day of answering and a note on
anonymity. Never anything that was answered: this module does not read responses, answers or drafts.
The links are secrets, so they are never logged and never written to ``sent_messages``.

Settings come from the app configuration (``SURVEY_SMTP_HOST`` and friends, see the README); every
attempt to hand a message to the mail server is recorded in :class:`~survey.models.SentMessage`.
"""
from __future__ import annotations

import base64
import datetime as dt
import email.errors
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from survey.campaigns import lifecycle as campaigns
from survey.operations import jobs
from survey.staff.accounts import now
from survey.core.messages import N_, DomainError
from survey.core.models import SELF, Assessment, Campaign, Invitation, Person, SentMessage

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"
KINDS = ("invitation", "reminder")
SECURITY = ("starttls", "ssl", "none")
ERROR_LENGTH = 500  # SentMessage.error


class MailError(DomainError):
    """E-mail cannot be sent at all (not set up, or set up wrongly); the message says what to fix."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    security: str = "none"  # starttls | ssl | none
    sender: str = ""  # the From header, e.g. "HR service <hr@body.kz>"
    timeout: float = 30.0

    def __repr__(self) -> str:  # never show the password in a traceback or a log
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, username={self.username!r}, "
                f"security={self.security!r}, sender={self.sender!r}, timeout={self.timeout})")

    @property
    def envelope_sender(self) -> str:
        return parseaddr(self.sender)[1]

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSettings:
        """The settings in ``config`` (``SMTP_*`` and ``MAIL_FROM``); :class:`MailError` if incomplete."""
        host = _text(config.get("SMTP_HOST"))
        if not host:
            raise MailError(N_("e-mail is not set up: the administrator has to set SURVEY_SMTP_HOST and "
                               "SURVEY_MAIL_FROM and restart the platform"))
        username = _text(config.get("SMTP_USERNAME"))
        security = (_text(config.get("SMTP_SECURITY")) or ("starttls" if username else "none")).lower()
        if security not in SECURITY:
            raise MailError(N_("SURVEY_SMTP_SECURITY is '%(value)s'; it must be one of: %(allowed)s"),
                            value=security, allowed=", ".join(SECURITY))
        try:
            port = int(config.get("SMTP_PORT") or 25)
            timeout = float(config.get("SMTP_TIMEOUT") or 30)
        except (TypeError, ValueError):
            raise MailError(N_("SURVEY_SMTP_PORT and SURVEY_SMTP_TIMEOUT must be numbers")) from None
        sender = _text(config.get("MAIL_FROM"))
        if "@" not in parseaddr(sender)[1]:
            raise MailError(N_("SURVEY_MAIL_FROM must be the sender's address, e.g. "
                               "'HR service <hr@example.kz>'"))
        return cls(host=host, port=port, username=username, password=_text(config.get("SMTP_PASSWORD")),
                   security=security, sender=sender, timeout=timeout)


def configured(config: Mapping) -> bool:
    return bool(_text(config.get("SMTP_HOST")))


def _text(value) -> str:
    # from_prefixed_env reads values as JSON where it can, so a numeric password arrives as an int.
    return "" if value is None else str(value).strip()


# --- Composing ---------------------------------------------------------------------------------

_ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


@dataclass(frozen=True)
class Item:
    """One questionnaire in a message: about whom, and the link that opens it."""

    is_self: bool
    name: str
    position: str
    url: str


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def language_of(person: Person) -> str:
    return person.language if person.language in LANGUAGES else DEFAULT_LANGUAGE


def format_date(day: dt.date, language: str) -> str:
    if language == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")


def items_for(invitations: Iterable[Invitation], url_of: Callable[[str], str]) -> list[Item]:
    """The self-assessment first, then colleagues by name."""
    items = [Item(i.relation == SELF, i.assessment.assessee.full_name, i.assessment.assessee.position or "",
                  url_of(i.key)) for i in invitations]
    return sorted(items, key=lambda item: (not item.is_self, item.name))


def render(kind: str, language: str, *, rater_name: str, campaign_name: str, closes_on: dt.date,
           items: Sequence[Item], threshold: int) -> Letter:
    """The subject (the template's first line) and body of a message, in ``language``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of message: {kind}")
    text = _ENV.get_template(f"{kind}.{language}.txt").render(
        rater_name=rater_name, campaign_name=campaign_name, closes_on=format_date(closes_on, language),
        items=list(items), threshold=threshold)
    subject, _, body = text.lstrip().partition("\n")
    return Letter(subject.strip(), body.strip("\n") + "\n")


def compose(kind: str, settings: SmtpSettings, campaign: Campaign, rater: Person,
            invitations: Sequence[Invitation], *, url_of: Callable[[str], str], threshold: int) -> EmailMessage:
    """One message to ``rater`` listing ``invitations``, in the rater's language."""
    language = language_of(rater)
    letter = render(kind, language, rater_name=rater.full_name, campaign_name=campaign.name,
                    closes_on=campaign.closes_on, items=items_for(invitations, url_of), threshold=threshold)
    message = EmailMessage()
    message["Subject"] = letter.subject
    message["From"] = settings.sender
    message["To"] = Address(display_name=rater.full_name, addr_spec=rater.email.strip())
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=settings.envelope_sender.rpartition("@")[2] or None)
    # Out-of-office replies are not wanted; a mailbox that answers one to many would flood HR.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(letter.body, charset="utf-8")
    message["Content-Language"] = language  # after set_content, which replaces the Content-* headers
    return message


# --- Sending -----------------------------------------------------------------------------------

def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                    context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        connection.ehlo()
        if settings.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        if settings.username:
            _login(connection, settings.username, settings.password)
    except BaseException:
        connection.close()
        raise
    return connection


def _login(connection: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib sends credentials as ASCII only; a password with other letters goes as UTF-8 in
    AUTH PLAIN (RFC 4616), which servers expect."""
    try:
        (username + password).encode("ascii")
    except UnicodeEncodeError:
        if not connection.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.") from None
        token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
        code, response = connection.docmd("AUTH", "PLAIN " + token)
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, response) from None
        return
    connection.login(username, password)


def describe(exc: BaseException) -> str:
    """A short, storable reason: the server's answer or the network error, never the message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        reasons = [f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                   for code, text in exc.recipients.values()]
        text = "recipient refused: " + "; ".join(reasons)
    elif isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        text = f"{type(exc).__name__}: {exc.smtp_code} {error}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:ERROR_LENGTH]


@dataclass
class Outgoing:
    rater: Person
    message: EmailMessage | None
    error: str = ""  # set when the message could not be built or sent


MAX_CONNECTIONS = 4  # one, and up to three more when the server drops the connection mid-batch


def deliver(settings: SmtpSettings, batch: Sequence[Outgoing], progress=None) -> None:
    """Hand every message of ``batch`` to the server over one connection. A message the server
    refuses is marked failed and the batch goes on; when the connection drops it is opened again
    (a few times at most) and the interrupted message tried once more; when the server cannot be
    reached, every message left is marked failed with the reason."""
    pending = [o for o in batch if o.message is not None and not o.error]
    connection: smtplib.SMTP | None = None
    connections = 0
    try:
        for index, outgoing in enumerate(pending):
            for _attempt in range(2):
                if connection is None:
                    reason = ""
                    if connections >= MAX_CONNECTIONS:
                        reason = outgoing.error or "the mail server kept dropping the connection"
                    else:
                        connections += 1
                        try:
                            connection = _connect(settings)
                        except (OSError, smtplib.SMTPException, ValueError) as exc:
                            reason = describe(exc)
                    if connection is None:
                        for rest in pending[index:]:
                            rest.error = reason
                        return
                try:
                    connection.send_message(outgoing.message, from_addr=settings.envelope_sender,
                                            to_addrs=[outgoing.rater.email.strip()])
                except smtplib.SMTPServerDisconnected as exc:
                    outgoing.error, connection = describe(exc), _closed(connection)
                except smtplib.SMTPException as exc:  # refused by the server: this message only
                    outgoing.error = describe(exc)
                    break
                except OSError as exc:  # the network: the connection is in an unknown state
                    outgoing.error, connection = describe(exc), _closed(connection)
                except (UnicodeError, ValueError) as exc:  # e.g. an address that needs SMTPUTF8
                    outgoing.error = describe(exc)
                    break
                else:
                    outgoing.error = ""
                    break
            if progress is not None:
                progress(index + 1, len(pending))
    finally:
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


def _closed(connection: smtplib.SMTP) -> None:
    """Close ``connection``; None, to put in its place."""
    try:
        connection.close()
    except OSError:
        pass


# --- Campaign operations -----------------------------------------------------------------------

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


def require_answerable(campaign: Campaign, today: dt.date | None) -> None:
    campaigns.require_status(campaign, "open")
    if not campaigns.is_answerable(campaign.status, campaign.closes_on, today):
        raise campaigns.CampaignError(
            N_("the last day of answering of '%(name)s' (%(date)s) has passed: change the date first"),
            name=campaign.name, date=campaign.closes_on.isoformat())


def _send(session: Session, campaign: Campaign, settings: SmtpSettings, kind: str,
          by_rater: Mapping[Person, list[Invitation]], *, url_of: Callable[[str], str], threshold: int,
          progress=None) -> Outcome:
    outcome = Outcome(kind)
    batch: list[Outgoing] = []
    for rater, invitations in sorted(by_rater.items(), key=lambda pair: (pair[0].full_name, pair[0].id)):
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


# --- What HR sees ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RaterContact:
    person_id: int
    full_name: str
    unit: str
    has_email: bool
    has_open: bool  # still has questionnaires to answer; which ones is not told


def contacts(session: Session, campaign: Campaign) -> list[RaterContact]:
    """Every rater of the campaign, whether they have an address and whether anything is still open."""
    rows = session.execute(
        select(Person.id, Person.full_name, Person.unit, Person.email,
               func.sum(case((Invitation.done.is_(False), 1), else_=0)))
        .join(Invitation, Invitation.rater_id == Person.id)
        .join(Assessment, Assessment.id == Invitation.assessment_id)
        .where(Assessment.campaign_id == campaign.id)
        .group_by(Person.id, Person.full_name, Person.unit, Person.email)
        .order_by(Person.full_name, Person.id)
    ).all()
    return [RaterContact(pid, name, unit or "", bool((address or "").strip()), bool(open_ or 0))
            for pid, name, unit, address, open_ in rows]


@dataclass(frozen=True)
class SentRecord:
    at: dt.datetime
    rater_name: str
    kind: str
    ok: bool
    error: str


def history(session: Session, campaign: Campaign, limit: int = 1000) -> list[SentRecord]:
    rows = session.execute(
        select(SentMessage.at, Person.full_name, SentMessage.kind, SentMessage.ok, SentMessage.error)
        .join(Person, Person.id == SentMessage.rater_id)
        .where(SentMessage.campaign_id == campaign.id)
        .order_by(SentMessage.at.desc(), Person.full_name, SentMessage.id)
        .limit(limit)
    ).all()
    return [SentRecord(at, name, kind, ok, error or "") for at, name, kind, ok, error in rows]


jobs.register("email-invitations", jobs.Kind(_job(send_invitations), "email-invitations"))
jobs.register("email-reminders", jobs.Kind(_job(send_reminders), "email-reminders"))
