"""Staff accounts: who may sign in, with which role.

Signing in itself, with its throttle, is ``signin``; the password rules are ``passwords``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.core.models import STAFF_ROLES, User
from survey.staff import passwords, sessions

MIN_PASSWORD = passwords.MIN_LENGTH


class AccountError(Exception):
    pass


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def normalise(email: str) -> str:
    return email.strip().lower()


def _hashed(password: str) -> str:
    try:
        return passwords.hashed(password)
    except passwords.WeakPassword as exc:
        raise AccountError(str(exc)) from None


def create(session: Session, email: str, password: str, role: str) -> User:
    email = normalise(email)
    if role not in STAFF_ROLES:
        raise AccountError(f"role must be one of: {', '.join(STAFF_ROLES)}")
    if "@" not in email:
        raise AccountError(f"'{email}' is not an e-mail address")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"an account for '{email}' already exists")
    user = User(email=email, password_hash=_hashed(password), role=role)
    session.add(user)
    session.flush()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """A new password ends the account's other sessions: whoever knew the old one is out."""
    if not passwords.verify(user.password_hash, current):
        raise AccountError("the current password is wrong")
    user.password_hash = _hashed(new)
    sessions.end_all(session, user)
