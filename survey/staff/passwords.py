"""Passwords: stored as scrypt hashes, and checked with the same work whether or not there is one.

scrypt (werkzeug's default) is memory-hard, so a stolen table of hashes is slow to guess from.
:func:`verify` runs one hash whatever it is given — an account's hash, none (an unknown address, an
account that has no password yet) or a throttled attempt — so the time an answer takes does not
tell which of these it was.
"""
from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from survey.core.messages import N_, DomainError

MIN_LENGTH = 10
# Compared against when there is no hash to check, so that every attempt costs one scrypt.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class WeakPassword(DomainError):
    pass


def hashed(password: str) -> str:
    check_strength(password)
    return generate_password_hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(N_("the password must have at least %(length)d characters"), length=MIN_LENGTH)
