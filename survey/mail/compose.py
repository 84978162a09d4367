"""The words of each message, in the rater's language, from ``survey/mail/templates``.

What a message holds: the rater's name, for each questionnaire the assessee's name and position
(or "your self-assessment") and the personal link, the last day of answering and a note on
anonymity. Never anything that was answered: nothing here reads responses, answers or drafts.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from survey.core.collation import collation_key
from survey.core.models import SELF, Campaign, Invitation, Person
from survey.mail.settings import SmtpSettings

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"
KINDS = ("invitation", "reminder")

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
    items = [Item(i.relation == SELF, i.assessment.full_name, i.assessment.position or "",
                  url_of(i.key)) for i in invitations]
    return sorted(items, key=lambda item: (not item.is_self, collation_key(item.name)))


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
    return envelope(settings, letter.subject, letter.body, Address(display_name=rater.full_name,
                                                                  addr_spec=rater.email.strip()), language)


def envelope(settings: SmtpSettings, subject: str, body: str, to, language: str) -> EmailMessage:
    """A message of the platform's: its headers, the same for every kind."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = to
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=settings.envelope_sender.rpartition("@")[2] or None)
    # Out-of-office replies are not wanted; a mailbox that answers one to many would flood HR.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    message["Content-Language"] = language  # after set_content, which replaces the Content-* headers
    return message
