"""Rate limits: slow down guessing of passwords and hammering of respondent links.

Each application has its own limiter (``survey.web.public.limits``, ``survey.web.staff.limits``),
configured from the same ``RATELIMIT_*`` settings and counting in the same storage — by default a
file of the instance folder that every worker process shares (``counters``), not the memory of
one process.
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from survey.web.common import counters  # noqa: F401 - registers the sqlite:// counter storage

# When a 429 comes from somewhere that cannot say how long to wait.
DEFAULT_RETRY_AFTER = 60


def make_limiter() -> Limiter:
    return Limiter(key_func=get_remote_address)


def check_in_views_only(app: Flask, limiter: Limiter) -> None:
    """For an application whose every limit is on its views (the public one). Flask-Limiter checks
    each request twice: before it, for the limits of every view, and in the view's decorator. With
    no application-wide limit configured the first check counts nothing, yet it cost a tenth of a
    respondent's GET; default limits are counted by the decorator's check as well. (A limiter
    switched off registers no check: nothing to remove.)"""
    checks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in checks and not limiter.limit_manager.application_limits:
        checks.remove(limiter._check_request_limit)


def respondent() -> str:
    return current_app.config["RATELIMIT_RESPONDENT"]


def login() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def retry_after(error) -> int:
    """Seconds until a refused client may try again: what the refusal says itself (a throttled
    sign-in), or when the breached limit's window ends. Every 429 carries it as ``Retry-After``,
    so that a script backs off for as long as it must and no longer."""
    seconds = getattr(error, "retry_after", None)
    if seconds is None:
        for limiter in current_app.extensions.get("limiter", ()):
            current = limiter.current_limit
            if current is not None and current.breached:
                seconds = current.reset_at - time.time()
    return max(1, math.ceil(seconds if seconds is not None else DEFAULT_RETRY_AFTER))
