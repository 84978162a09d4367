"""How to reach the mail server, read from the configuration (``SURVEY_SMTP_*`` and
``SURVEY_MAIL_FROM``, see the README) and checked before anything is sent, so that a wrong setting
is reported to HR in words before a batch starts, not as a failure per rater."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr

from survey.core.messages import N_, DomainError

SECURITY = ("starttls", "ssl", "none")


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


def sender(config: Mapping) -> str:
    """The From address as configured, shown to HR before sending even when it is not valid yet."""
    return _text(config.get("MAIL_FROM"))


def _text(value) -> str:
    # from_prefixed_env reads values as JSON where it can, so a numeric password arrives as an int.
    return "" if value is None else str(value).strip()
