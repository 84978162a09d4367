"""Respondent links: a random invitation key (128 bits) signed with the server's secret.

The signature means a database reader, who sees the keys, still cannot build a working link, and
a typo or a guessed link is refused before the database is asked anything.
"""
from __future__ import annotations

import functools
import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "bagalau360.invitation"


class InvalidToken(Exception):
    """Forged, altered or truncated: to the respondent it is simply 'not found'."""


@functools.lru_cache(maxsize=4)
def _serializer(secret: str) -> URLSafeSerializer:
    """One per secret: building a serializer encodes a sample payload to learn its kind, which cost
    as much again as checking the link on the busiest page."""
    return URLSafeSerializer(secret, salt=_SALT)


def sign(secret: str, key: str) -> str:
    return _serializer(secret).dumps(key)


def verify(secret: str, token: str) -> str:
    """The invitation key inside a token; raises :class:`InvalidToken` for anything else."""
    if len(token) > 200:
        raise InvalidToken()
    try:
        key = _serializer(secret).loads(token)
    except (BadSignature, UnicodeError, ValueError):
        raise InvalidToken() from None
    if not isinstance(key, str) or len(key) != 32:
        raise InvalidToken()
    return key


def derive(secret: str, purpose: str, key: str) -> bytes:
    """A 256-bit key for one purpose and one invitation, known only to holders of the secret."""
    return hmac.new(secret.encode(), f"{purpose}:{key}".encode(), hashlib.sha256).digest()


def url(base_url: str, secret: str, key: str) -> str:
    """The personal link a rater opens."""
    return f"{base_url.rstrip('/')}/r/{sign(secret, key)}"
