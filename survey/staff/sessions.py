"""Staff sessions that end: on sign-out, a new password, role or second factor, a disabled account, and by time.

A signed cookie alone cannot be taken back: whoever copied it could use it until it expires. So the
cookie carries a *stamp* — the account, the account's session version when it was opened, when it
was opened and when it was last used — and every staff request checks the stamp against the
database. Raising the account's version ends every session of it on every server at once, without
a table of sessions to keep in step. The idle limit ends a session left open on an unattended
desk; the absolute limit ends even a busy one, so that a stolen cookie does not live for ever.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.core.models import User

# The cookie is rewritten at most this often: each use moves "last used" on, but a request a
# second does not need a new cookie every time.
TOUCH_SECONDS = 60


@dataclass(frozen=True)
class Limits:
    idle_seconds: int
    max_seconds: int

    @classmethod
    def from_config(cls, config: Mapping) -> Limits:
        return cls(idle_seconds=int(float(config["SESSION_IDLE_MINUTES"]) * 60),
                   max_seconds=int(float(config["SESSION_MAX_HOURS"]) * 3600))


def clock() -> float:
    return time.time()


def open_stamp(user: User) -> dict:
    """What the cookie of a session just opened for ``user`` holds."""
    now = int(clock())
    return {"uid": user.id, "ver": user.session_version, "since": now, "seen": now}


def resume(session: Session, stamp: Mapping, limits: Limits) -> tuple[User | None, str]:
    """The account a stamp still opens, or ``(None, reason)``: ``"idle"`` or ``"expired"`` when
    time ended it, ``"ended"`` when the account ended it (or no longer exists or may sign in)."""
    try:
        user_id, version, since, seen = (int(stamp[k]) for k in ("uid", "ver", "since", "seen"))
    except (KeyError, TypeError, ValueError):
        return None, "ended"
    now = clock()
    if now - since > limits.max_seconds:
        return None, "expired"
    if now - seen > limits.idle_seconds:
        return None, "idle"
    user = session.get(User, user_id)
    if user is None or user.session_version != version or user.disabled_at is not None:
        return None, "ended"
    return user, ""


def touched(stamp: Mapping) -> dict | None:
    """The stamp with "last used" moved to now, or None when the cookie can stay as it is."""
    now = int(clock())
    if now - int(stamp["seen"]) < TOUCH_SECONDS:
        return None
    return {**stamp, "seen": now}


def renewed(stamp: Mapping, user: User) -> dict:
    """The stamp of the session that itself ended the others (a password change): it goes on."""
    return {**stamp, "ver": user.session_version}


def end_all(session: Session, user: User) -> None:
    user.session_version = (user.session_version or 0) + 1
    session.flush()
