"""Rate limits: slow down guessing of passwords and hammering of respondent links."""
from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def respondent() -> str:
    return current_app.config["RATELIMIT_RESPONDENT"]


def login() -> str:
    return current_app.config["RATELIMIT_LOGIN"]
