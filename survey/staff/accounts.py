"""Staff accounts: who may sign in, with which role, and what the account manager may change.

The account manager (role ``admin``) creates accounts, resets passwords, releases held-back
sign-ins, disables and enables accounts and changes roles, from the browser or the command line;
both call these functions and every change goes to the audit log. A change that takes something
away — a reset, a new role, disabling — ends every session of the account at once (``sessions``),
so that it holds from the next click, not from the next sign-in.

Signing in itself, with its throttle, is ``signin``; the password rules are ``passwords``; the
one-time links that set a password are ``password_links``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.core.messages import N_, DomainError
from survey.core.models import STAFF_ROLES, User
from survey.staff import audit, passwords, sessions
from survey.staff.audit import now

MIN_PASSWORD = passwords.MIN_LENGTH
MANAGER = "admin"
DIRECTORY = "directory"  # the actor of the changes a sign-in through the directory makes
STATUSES = ("active", "invited", "held-back", "disabled")


class AccountError(DomainError):
    pass


def normalise(email: str) -> str:
    return email.strip().lower()


def _hashed(password: str, email: str) -> str:
    try:
        return passwords.hashed(password, email=email)
    except passwords.WeakPassword as exc:
        raise AccountError(exc.message, **exc.params) from None


def may_sign_in(user: User) -> bool:
    return user.disabled_at is None and bool(user.password_hash) and user.source == "local"


def find(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise(email)))


def get(session: Session, email: str) -> User:
    """The account, or :class:`AccountError` naming the address (for the command line)."""
    user = find(session, email)
    if user is None:
        raise AccountError(N_("there is no account for '%(email)s'"), email=normalise(email))
    return user


def create(session: Session, email: str, password: str | None, role: str, *, actor: str = "",
           source: str = "local") -> User:
    """A new account; without a password it waits for its owner to set one through a link (or,
    from the directory, has none here)."""
    email = normalise(email)
    _check_role(role)
    if "@" not in email or len(email) > 254:
        raise AccountError(N_("'%(email)s' is not an e-mail address"), email=email)
    if find(session, email) is not None:
        raise AccountError(N_("an account for '%(email)s' already exists"), email=email)
    user = User(email=email, password_hash=_hashed(password, email) if password else "", role=role,
                session_version=0, source=source)
    session.add(user)
    session.flush()
    if actor:
        audit.record(session, actor, "account-create", f"{email} ({role}{', directory' if source != 'local' else ''})")
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """A new password ends the account's other sessions: whoever knew the old one is out."""
    if not passwords.verify(user.password_hash, current):
        raise AccountError(N_("The current password is wrong."))
    user.password_hash = _hashed(new, user.email)
    sessions.end_all(session, user)


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = _hashed(password, user.email)
    sessions.end_all(session, user)


def reset(session: Session, user: User, *, actor: str) -> None:
    """The password stops working and every session ends; the owner sets a new one through a link."""
    _local(user)
    user.password_hash = ""
    sessions.end_all(session, user)
    audit.record(session, actor, "account-reset", user.email)


def disable(session: Session, user: User, *, actor: str) -> None:
    _not_oneself(user, actor)
    _keep_a_manager(session, user)
    if user.disabled_at is None:
        user.disabled_at = now()
        user.link_secret = None
        sessions.end_all(session, user)
        audit.record(session, actor, "account-disable", user.email)


def enable(session: Session, user: User, *, actor: str) -> None:
    if user.disabled_at is not None:
        user.disabled_at = None
        session.flush()
        audit.record(session, actor, "account-enable", user.email)


def change_role(session: Session, user: User, role: str, *, actor: str) -> None:
    _check_role(role)
    if role == user.role:
        return
    if actor != DIRECTORY:  # the directory's groups decide for its accounts, at each sign-in
        _local(user)
        _not_oneself(user, actor)
        _keep_a_manager(session, user)
    before, user.role = user.role, role
    sessions.end_all(session, user)
    audit.record(session, actor, "account-role", f"{user.email}: {before} → {role}")


@dataclass(frozen=True)
class Listed:
    user: User
    status: str  # one of STATUSES


def listing(session: Session, held_back: set[str], key_of) -> list[Listed]:
    """Every account with its status; ``held_back`` are the throttle keys (``key_of(email)``)
    some place is waiting for now."""
    rows = []
    for user in session.scalars(select(User).order_by(User.email)):
        if user.disabled_at is not None:
            status = "disabled"
        elif not user.password_hash and user.source == "local":
            status = "invited"
        elif key_of(user.email) in held_back:
            status = "held-back"
        else:
            status = "active"
        rows.append(Listed(user, status))
    return rows


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise AccountError(N_("the role must be one of: %(roles)s"), roles=", ".join(STAFF_ROLES))


def _local(user: User) -> None:
    """A directory account's password and role are the directory's to change."""
    if user.source == "directory":
        raise AccountError(N_("'%(email)s' signs in through the directory: its password and role are changed "
                              "there (the role by the directory groups it is in)"), email=user.email)


def _not_oneself(user: User, actor: str) -> None:
    """A manager cannot lock themselves out by a slip: another manager has to do it."""
    if normalise(actor) == user.email:
        raise AccountError(N_("you cannot disable your own account or change your own role"))


def _keep_a_manager(session: Session, user: User) -> None:
    """Someone must be left who can manage accounts, or only the server's administrator could."""
    if user.role != MANAGER or user.disabled_at is not None:
        return
    others = session.scalar(select(func.count(User.id)).where(User.role == MANAGER, User.id != user.id,
                                                             User.disabled_at.is_(None)))
    if not others:
        raise AccountError(N_("'%(email)s' is the last account manager; make another account a manager first"),
                           email=user.email)
