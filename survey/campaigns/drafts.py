"""Saved-but-not-submitted answers, sealed so that only the link's holder can read them back.

A draft necessarily sits beside its invitation (the link resumes it), so it must not be readable
from a database dump: it is encrypted (AES-GCM) with a key derived from the server secret and the
invitation key. It is deleted in the same transaction that stores the response.
"""
from __future__ import annotations

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from survey.campaigns.tokens import derive


def seal(secret: str, invitation_key: str, answers: dict[str, int]) -> bytes:
    nonce = os.urandom(12)
    plain = json.dumps(answers, sort_keys=True).encode()
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
