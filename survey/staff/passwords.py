"""Passwords after NIST SP 800-63B: long, any characters, not a known weak one; stored as scrypt hashes.

The rules are the guideline's (5.1.1.2): at least 12 characters, any characters at all (spaces,
Cyrillic and Kazakh letters, signs), no rule that demands a digit or a capital, no hint, and no
forced periodic change — a password changes when its owner wants or when it may have leaked (the
account manager's reset). A new password is compared with a list of weak ones
(``weak-passwords.txt``, see ``weak_passwords``) and with the owner's own address, whole and by its
letters alone, so "Qwerty2025!!" and "Aigul.Nur1990" are refused like "qwertyuiop12".

scrypt (werkzeug's default) is memory-hard, so a stolen table of hashes is slow to guess from.
:func:`verify` runs one hash whatever it is given — an account's hash, none (an unknown address, an
account that has no password yet) or a throttled attempt — so the time an answer takes does not
tell which of these it was.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from werkzeug.security import check_password_hash, generate_password_hash

from survey.core.messages import N_, DomainError
from survey.staff.weak_passwords import FILE

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases welcome; a megabyte posted as a password is not
# Compared against when there is no hash to check, so that every attempt costs one scrypt.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class WeakPassword(DomainError):
    pass


def hashed(password: str, *, email: str = "") -> str:
    check_strength(password, email=email)
    return generate_password_hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)


@functools.cache
def weak() -> frozenset[str]:
    lines = FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_strength(password: str, *, email: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(N_("the password must have at least %(length)d characters"), length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise WeakPassword(N_("the password may have at most %(length)d characters"), length=MAX_LENGTH)
    if _guessable(password, email):
        raise WeakPassword(N_("this password is too easy to guess: it is a common one, a keyboard or number "
                              "pattern, a repetition or built on your address; choose another"))


def _guessable(password: str, email: str) -> bool:
    whole = "".join(unicodedata.normalize("NFKC", password).casefold().split())
    letters = "".join(c for c in whole if c.isalpha())
    forms = [whole, letters] + [_unleet(whole, table) for table in _LEET]
    if len(letters) < 4:  # mostly digits and signs: the digits alone
        forms.append("".join(c for c in whole if c.isdigit()))
    local = unicodedata.normalize("NFKC", email).casefold().partition("@")[0]
    own = {local, "".join(c for c in local if c.isalpha())}
    own |= {part for part in re.split(r"[^\w]|[\d_]", local) if len(part) >= 3}
    own.discard("")
    if len(set(whole)) < 4:
        return True
    for form in filter(None, forms):
        unit, times = _unit(form)
        if unit in weak() or unit in own or (times >= 3 and len(unit) <= 4):
            return True
    return False


# Signs that stand in for letters ("p@ssw0rd"); "1" is read both as "i" and as "l".
_LEET = [str.maketrans("@4310$57!", "aaeiossti"), str.maketrans("@4310$57!", "aaelossti")]


def _unleet(whole: str, table: dict) -> str:
    """The letters of ``whole`` with stand-in signs read as letters, where they stand among letters."""
    runs = re.findall(r"[^\W\d_]*(?:[@4310$57!][^\W\d_]*)*", whole)
    return "".join(run.translate(table) for run in runs if any(c.isalpha() for c in run))


def _unit(text: str) -> tuple[str, int]:
    """The shortest piece that ``text`` repeats, and how many times (``abcabc``: ``abc``, 2)."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size], len(text) // size
    return text, 1
