"""A second factor for local accounts: a time-based one-time code (TOTP, RFC 6238) from an
authenticator app, and one-time recovery codes for the day the phone is lost.

Optional for everyone, and required for the roles a body names in ``SURVEY_TOTP_REQUIRED_ROLES``
(none by default, so that the demo stays two commands): an account of such a role is led through
enrolment at its next sign-in. Accounts of the body's directory are left to the directory's own
policy.

The secret is kept encrypted with a key derived from ``SURVEY_SECRET_KEY``, so that a copy of the
database alone does not give anyone the codes. A code is accepted from the step before to the step
after the current one (clocks drift), and never twice: the last step used is kept. Recovery codes
are random, shown once and kept as hashes; each works once.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey.core.models import RecoveryCode, User
from survey.staff import audit, sessions
from survey.staff.audit import now

RECOVERY_CODES = 10
ISSUER = "Bagalau 360"


def clock() -> float:
    return time.time()


def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"survey.totp:{key}".encode()).digest()))


def _secret(user: User, key: str) -> str | None:
    if not user.totp_secret:
        return None
    try:
        return _fernet(key).decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:  # the secret key changed: the enrolment cannot be read, as if it were gone
        return None


def required_roles(config: Mapping) -> set[str]:
    """``SURVEY_TOTP_REQUIRED_ROLES``: a JSON list or a comma-separated string of roles."""
    value = config.get("TOTP_REQUIRED_ROLES") or ()
    if isinstance(value, str):
        value = value.split(",")
    return {str(role).strip() for role in value if str(role).strip()}


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def required(user: User, config: Mapping) -> bool:
    return user.source == "local" and user.role in required_roles(config)


def start(session: Session, user: User, key: str) -> str:
    """A new secret for ``user`` to scan, not in force until :func:`confirm` sees a code from it."""
    secret = pyotp.random_base32()
    user.totp_secret = _fernet(key).encrypt(secret.encode()).decode()
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.flush()
    return secret


def pending_secret(user: User, key: str) -> str | None:
    """The secret being enrolled, to show again (the page reloaded), or None."""
    return None if enabled(user) else _secret(user, key)


def uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_data_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The enrolment QR code as an SVG data URI: the pages allow images from data: and nothing else."""
    return segno.make(uri(secret, email, issuer), error="m").svg_data_uri(scale=5, border=2, dark="#1b1f24")


def confirm(session: Session, user: User, key: str, code: str, *, actor: str) -> list[str] | None:
    """Puts the second factor in force when ``code`` comes from the secret being enrolled; the new
    recovery codes (shown once), or None for a wrong code."""
    secret = pending_secret(user, key)
    step = _step(secret, code, None) if secret is not None else None
    if step is None:
        return None
    user.totp_last_step = step
    user.totp_enabled_at = now()
    sessions.end_all(session, user)  # another session, opened with the password alone, ends
    codes = _new_recovery_codes(session, user)
    audit.record(session, actor, "second-factor-on", user.email)
    return codes


def check(session: Session, user: User, key: str, code: str) -> str | None:
    """``"code"`` or ``"recovery"`` when ``code`` is a valid one-time code or an unused recovery
    code of the account (then spent), else None."""
    secret = _secret(user, key) if enabled(user) else None
    if secret is None:
        return None
    step = _step(secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        session.flush()
        return "code"
    digest = _digest(code)
    recovery = session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                         RecoveryCode.code_hash == digest,
                                                         RecoveryCode.used_at.is_(None)))
    if recovery is None:
        return None
    recovery.used_at = now()
    session.flush()
    return "recovery"


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id,
                                                                   RecoveryCode.used_at.is_(None))) or 0


def renew_recovery_codes(session: Session, user: User, *, actor: str) -> list[str]:
    codes = _new_recovery_codes(session, user)
    audit.record(session, actor, "recovery-codes-renewed", user.email)
    return codes


def turn_off(session: Session, user: User, *, actor: str) -> None:
    """No second factor any more (the owner's choice, or the account manager's for a lost phone);
    every session ends."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.end_all(session, user)
    audit.record(session, actor, "second-factor-off", user.email)


def _step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to (this one, the one before or after), if not used yet."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(clock())
    for step in (current - 1, current, current + 1):
        if (last_step is None or step > last_step) and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    session.flush()
    return codes


def _digest(code: str) -> str:
    """Recovery codes are random (48 bits), so a plain hash is enough; typed with or without the dash."""
    return hashlib.sha256("".join(code.lower().replace("-", "").split()).encode()).hexdigest()


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app that cannot scan."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))

