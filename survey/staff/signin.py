"""Signing in: an answer that tells nothing, and a throttle that nobody can use to keep a colleague out.

An unknown address, a wrong password, an account that may not sign in and a throttled attempt
cost the same work (one scrypt hash, ``passwords.verify``) and, for the same history, get the
same answer: whether an address has an account cannot be read from the sign-in page.

Guessing is slowed per *typed address and client address*: after ``FREE_FAILURES`` failures in a
row from one place, that place waits before it may try that address again, one minute and then
twice as long after each further failure, up to an hour. The wait holds for that place only: a
colleague's account cannot be locked from elsewhere, however often someone there fails. A success
from the place clears its count; the account manager can clear every place's count (``release``).
The per-address limit of the web layer (``SURVEY_RATELIMIT_LOGIN``) caps how fast one place tries
addresses in turn. Sign-ins through the body's directory (``directory``) are throttled alike.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.core.messages import N_, DomainError
from survey.core.models import SignInThrottle, User
from survey.staff import accounts, audit, directory, passwords
from survey.staff.directory import DirectorySettings
from survey.staff.accounts import normalise, now

FREE_FAILURES = 5
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)
# A count untouched for this long starts again from nothing.
FORGET_AFTER = dt.timedelta(days=1)


class HeldBack(DomainError):
    """This place must wait before trying this address again; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(N_("Too many failed attempts to sign in from here. Try again in %(minutes)d min."),
                         minutes=minutes)


def account_key(email: str, secret: str) -> str:
    return hmac.new(secret.encode(), normalise(email).encode(), hashlib.sha256).hexdigest()


def wait_after(failures: int) -> dt.timedelta | None:
    """How long a place waits after this many failures in a row: nothing, then growing."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)


def attempt(session: Session, email: str, password: str, *, client: str, secret: str,
            directory: DirectorySettings | None = None) -> User | None:
    """The account, or None: for every kind of failure alike. Raises :class:`HeldBack` while
    this place must wait for this address, whether the password is right or not.

    An address with a local account is checked here only; any other goes to the ``directory``
    when one is configured, which may raise what ``survey.staff.directory`` raises."""
    key, at, client = account_key(email, secret), now(), client[:64]
    count = _count(session, key, client, at)
    if _waiting(count, at):
        passwords.verify(None, password)
        _hold_back(count, at)
    user = accounts.find(session, email)
    if directory is not None and (user is None or user.source == "directory"):
        passwords.verify(None, password)  # the local check's work, before the directory's own
        user = _from_directory(session, directory, email, password, client)
        ok = user is not None and user.disabled_at is None
    else:
        ok = passwords.verify(user.password_hash if user is not None else None, password) and accounts.may_sign_in(user)
    if ok:
        if count is not None:
            session.delete(count)
            session.flush()
        return user
    failures = _fail(session, count, key, client, at)
    if user is not None:
        audit.record(session, user.email, "sign-in-failed", f"from {client}, {failures} in a row")
    return None


def second_step(session: Session, user: User, accepted: Callable[[], bool], *, client: str, secret: str) -> bool:
    """The second factor's code, counted and held back like the password: ``accepted()`` checks it."""
    key, at, client = account_key(user.email, secret), now(), client[:64]
    count = _count(session, key, client, at)
    if _waiting(count, at):
        _hold_back(count, at)
    if accepted():
        if count is not None:
            session.delete(count)
            session.flush()
        return True
    failures = _fail(session, count, key, client, at)
    audit.record(session, user.email, "second-factor-failed", f"from {client}, {failures} in a row")
    return False


def _waiting(count: SignInThrottle | None, at: dt.datetime) -> bool:
    return count is not None and count.wait_until is not None and count.wait_until > at


def _hold_back(count: SignInThrottle, at: dt.datetime):
    raise HeldBack(math.ceil((count.wait_until - at).total_seconds()))


def _from_directory(session: Session, settings: DirectorySettings, email: str, password: str,
                    client: str) -> User | None:
    """The account of the person the directory knows by this address and password, made or given
    its current role from the directory's groups; None when the directory says no."""
    try:
        person = directory.authenticate(settings, normalise(email), password)
    except directory.NotPermitted:
        audit.record(session, normalise(email), "sign-in-refused", f"directory: in no mapped group (from {client})")
        raise
    except directory.DirectoryUnreachable as exc:
        audit.record(session, "directory", "directory-unreachable", f"{exc} (sign-in from {client})")
        raise
    if person is None:
        return None
    user = accounts.find(session, person.email)
    if user is None:
        return accounts.create(session, person.email, None, person.role, actor=accounts.DIRECTORY,
                               source="directory")
    if user.source != "directory":  # the directory's address is a local account's: that one signs in locally
        return None
    if user.role != person.role:
        accounts.change_role(session, user, person.role, actor=accounts.DIRECTORY)
    return user


def _count(session: Session, key: str, client: str, at: dt.datetime) -> SignInThrottle | None:
    count = session.scalar(select(SignInThrottle).where(SignInThrottle.account_key == key,
                                                        SignInThrottle.client == client))
    if count is not None and count.last_failure < at - FORGET_AFTER:
        session.delete(count)
        session.flush()
        return None
    return count


def _fail(session: Session, count: SignInThrottle | None, key: str, client: str, at: dt.datetime) -> int:
    if count is None:
        count = SignInThrottle(account_key=key, client=client, failures=0, last_failure=at)
        try:
            with session.begin_nested():
                session.add(count)
        except IntegrityError:  # a parallel attempt from the same place counted first
            count = _count(session, key, client, at)
    count.failures += 1
    count.last_failure = at
    wait = wait_after(count.failures)
    count.wait_until = at + wait if wait is not None else None
    session.flush()
    return count.failures


def held_back(session: Session) -> set[str]:
    """The account keys that some place is waiting for now (shown as "held back" to the manager)."""
    return set(session.scalars(select(SignInThrottle.account_key).where(SignInThrottle.wait_until > now())))


def release(session: Session, user: User, secret: str, *, actor: str) -> int:
    """The account manager's unlock: every place may try this account again at once."""
    result = session.execute(delete(SignInThrottle).where(SignInThrottle.account_key == account_key(user.email, secret)))
    audit.record(session, actor, "account-unlock", f"{user.email}: {result.rowcount or 0} place(s) released")
    return result.rowcount or 0
