"""Handing a batch of messages to the mail server over one connection.

A batch of a few hundred raters must not stop at the first address the server refuses or the
first time it drops the connection, and whatever went wrong must be told per rater in a form that
can be stored: the server's answer or the network error, never the message with its links.
"""
from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from survey.core.models import Person
from survey.mail.settings import SmtpSettings

ERROR_LENGTH = 500  # SentMessage.error
MAX_CONNECTIONS = 4  # one, and up to three more when the server drops the connection mid-batch


@dataclass
class Outgoing:
    rater: Person | None
    message: EmailMessage | None
    error: str = ""  # set when the message could not be built or sent
    address: str = ""  # for someone who is not asked as a rater: an assessee getting their report's link

    @property
    def recipient(self) -> str:
        return (self.address or self.rater.email).strip()


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
                                            to_addrs=[outgoing.recipient])
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
            _quit(connection)


def _closed(connection: smtplib.SMTP) -> None:
    """Close ``connection``; None, to put in its place."""
    try:
        connection.close()
    except OSError:
        pass


def send_one(settings: SmtpSettings, message: EmailMessage, to: str) -> None:
    """One message now, over its own connection (a staff account's link, not a batch); raises
    what the server or the network raised, for the caller to tell with :func:`describe`."""
    connection = _connect(settings)
    try:
        connection.send_message(message, from_addr=settings.envelope_sender, to_addrs=[to])
    finally:
        _quit(connection)


def _quit(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()
