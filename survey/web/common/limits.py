"""Rate limits: slow down guessing of passwords and hammering of respondent links.

Each application has its own limiter (``survey.web.public.limits``, ``survey.web.staff.limits``),
configured from the same ``RATELIMIT_*`` settings and counting in the same storage.
"""
from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def make_limiter() -> Limiter:
    return Limiter(key_func=get_remote_address)


def respondent() -> str:
    return current_app.config["RATELIMIT_RESPONDENT"]


def login() -> str:
    return current_app.config["RATELIMIT_LOGIN"]
