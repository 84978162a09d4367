"""The e-mail that brings a staff member the one-time link to set their password.

It holds the link and how long it works, never a password: the owner chooses that on the page
the link opens. Sent at once, to one address (``smtp.send_one``), in the language the account
manager is working in, or the one asked for on the command line.
"""
from __future__ import annotations

from email.message import EmailMessage

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from survey.mail import smtp
from survey.mail.compose import DEFAULT_LANGUAGE, LANGUAGES, TEMPLATES, envelope
from survey.mail.settings import SmtpSettings

KINDS = ("account-new", "account-reset")

_ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def compose(settings: SmtpSettings, kind: str, to: str, url: str, *, language: str, hours: float) -> EmailMessage:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of message: {kind}")
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    text = _ENV.get_template(f"{kind}.{language}.txt").render(email=to, url=url, hours=int(hours))
    subject, _, body = text.lstrip().partition("\n")
    return envelope(settings, subject.strip(), body.strip("\n") + "\n", to, language)


def send(settings: SmtpSettings, kind: str, to: str, url: str, *, language: str, hours: float) -> None:
    smtp.send_one(settings, compose(settings, kind, to, url, language=language, hours=hours), to)
