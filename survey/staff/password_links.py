"""One-time links that set a password, so that no password is chosen by anyone but its owner and
none travels by e-mail.

A link is signed (it cannot be forged), expires (``SURVEY_PASSWORD_LINK_HOURS``) and works once:
it carries a random secret whose hash the account keeps in ``link_secret``; setting the password
clears it, and a newer link replaces it, so an older link — one that was e-mailed and then
reissued, say — opens nothing. The account manager hands the link over (by e-mail when the
platform can send mail, else in person); the owner picks the password.
"""
from __future__ import annotations

import hashlib
import secrets
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from survey.core.messages import N_, DomainError
from survey.core.models import User
from survey.mail import account_links, smtp
from survey.mail import settings as mail_settings
from survey.mail.settings import MailError, SmtpSettings
from survey.staff import accounts, audit

SALT = "survey.staff.password-link"


class LinkRefused(DomainError):
    """The link opens nothing; ``user`` is the account it was for, when that can be told."""

    def __init__(self, message: str, user: User | None = None):
        self.user = user
        super().__init__(message)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def issue(session: Session, user: User, secret: str) -> str:
    """A new link's token for ``user``; any earlier link stops working."""
    nonce = secrets.token_urlsafe(24)
    user.link_secret = _digest(nonce)
    session.flush()
    return _serializer(secret).dumps({"u": user.id, "n": nonce})


@dataclass(frozen=True)
class Handover:
    url: str  # "" when it was e-mailed: then nobody but the owner needs to see it
    emailed: bool
    mail_error: str = ""  # why e-mailing failed, when it was tried


def hand_over(session: Session, user: User, *, kind: str, secret: str, config: Mapping,
              url_of: Callable[[str], str], language: str, actor: str) -> Handover:
    """A new link for ``user``, e-mailed when the platform can send mail, else (or when sending
    fails) returned to be shown once to the account manager; the audit log says which."""
    url = url_of(issue(session, user, secret))
    error = ""
    if mail_settings.configured(config):
        try:
            account_links.send(SmtpSettings.from_config(config), kind, user.email, url, language=language,
                               hours=float(config["PASSWORD_LINK_HOURS"]))
        except MailError as exc:
            error = str(exc)
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            error = smtp.describe(exc)
        else:
            audit.record(session, actor, "password-link", f"{user.email}: e-mailed")
            return Handover("", True)
    audit.record(session, actor, "password-link",
                 f"{user.email}: shown to the account manager" + (f" (e-mail failed: {error})" if error else ""))
    return Handover(url, False, error)


def open_link(session: Session, token: str, secret: str, max_hours: float) -> User:
    """The account a link sets the password of; :class:`LinkRefused` when it is forged, expired,
    used or replaced, or the account is disabled."""
    serializer = _serializer(secret)
    try:
        data = serializer.loads(token, max_age=int(max_hours * 3600))
    except SignatureExpired as expired:
        raise LinkRefused(N_("This link has expired. Ask the account manager for a new one."),
                          _account(session, serializer.load_payload(expired.payload))) from None
    except BadSignature:
        raise LinkRefused(N_("This link is not valid. Check that it was copied whole.")) from None
    user = _account(session, data)
    if user is None or not user.link_secret or not secrets.compare_digest(user.link_secret, _digest(str(data["n"]))):
        raise LinkRefused(N_("This link has already been used or replaced by a newer one. Ask the account "
                             "manager for a new one if you still need it."), user)
    if user.disabled_at is not None:
        raise LinkRefused(N_("This account is disabled. Ask the account manager."), user)
    return user


def use(session: Session, token: str, secret: str, max_hours: float, password: str) -> User:
    """Sets the password and spends the link."""
    user = open_link(session, token, secret, max_hours)
    accounts.set_password(session, user, password)
    user.link_secret = None
    session.flush()
    audit.record(session, user.email, "password-set", "through a one-time link")
    return user


def record_refusal(session: Session, refused: LinkRefused, client: str) -> None:
    who = refused.user.email if refused.user is not None else audit.UNKNOWN
    audit.record(session, who, "password-link-refused", f"{refused} (from {client})")


def _account(session: Session, data) -> User | None:
    try:
        return session.get(User, int(data["u"]))
    except (KeyError, TypeError, ValueError):
        return None
