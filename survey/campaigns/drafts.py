"""Saved-but-not-submitted answers, sealed so that only the link's holder can read them back.

A draft necessarily sits beside its invitation (the link resumes it), so it must not be readable
from a database dump: it is encrypted (AES-GCM) with a key derived from the server secret and the
invitation key. It is deleted in the same transaction that stores the response.

Every draft is padded to one size before sealing: the length of a ciphertext is the length of
its plaintext, and a shorter draft would tell a reader of the database how far a rater had got.
"""
from __future__ import annotations

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from survey.campaigns.tokens import derive


# Room for every answer of the longest questionnaire (36 questions of about 18 bytes each) with a
# margin, and small enough to stay in the row on PostgreSQL (under its 2 KB TOAST threshold), where
# closing rewrites it; a body's own questionnaire of more questions takes the next multiple.
PADDED = 1024


def _padded(plain: bytes) -> bytes:
    size = -(-(len(plain) + 1) // PADDED) * PADDED
    return plain + b" " * (size - len(plain))


def seal(secret: str, invitation_key: str, answers: dict[str, int]) -> bytes:
    nonce = os.urandom(12)
    plain = _padded(json.dumps(answers, sort_keys=True).encode())
    return nonce + AESGCM(derive(secret, "draft", invitation_key)).encrypt(nonce, plain, invitation_key.encode())


def unseal(secret: str, invitation_key: str, sealed: bytes | None) -> dict[str, int]:
    """The draft's answers; an unreadable draft (the secret changed) is treated as no draft."""
    if not sealed:
        return {}
    try:
        plain = AESGCM(derive(secret, "draft", invitation_key)).decrypt(sealed[:12], sealed[12:], invitation_key.encode())
    except (InvalidTag, ValueError):
        return {}
    data = json.loads(plain)
    return {str(k): int(v) for k, v in data.items()}
