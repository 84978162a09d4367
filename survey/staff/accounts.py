"""Staff accounts: hashed passwords, lockout after repeated failures.

Passwords are hashed with scrypt (werkzeug's default), a memory-hard KDF. After
``MAX_FAILURES`` wrong passwords in a row an account is locked for ``LOCK_MINUTES``, which makes
guessing slow without letting a stranger lock HR out for long.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from survey.core.models import STAFF_ROLES, User
from survey.staff import sessions

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
# Checked against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(Exception):
    pass


class Locked(AccountError):
    def __init__(self, until: dt.datetime):
        self.until = until
        super().__init__(f"locked until {until:%H:%M}")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def normalise(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")


def create(session: Session, email: str, password: str, role: str) -> User:
    email = normalise(email)
    if role not in STAFF_ROLES:
        raise AccountError(f"role must be one of: {', '.join(STAFF_ROLES)}")
    if "@" not in email:
        raise AccountError(f"'{email}' is not an e-mail address")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"an account for '{email}' already exists")
    check_password_strength(password)
    user = User(email=email, password_hash=generate_password_hash(password), role=role, failed_logins=0)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user, or None for a wrong e-mail or password; raises Locked while locked."""
    user = session.scalar(select(User).where(func.lower(User.email) == normalise(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if user.locked_until and user.locked_until > now():
        raise Locked(user.locked_until)
    if not check_password_hash(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now() + dt.timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        session.flush()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_sign_in = now()
    session.flush()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError("the current password is wrong")
    check_password_strength(new)
    user.password_hash = generate_password_hash(new)
    sessions.end_all(session, user)
