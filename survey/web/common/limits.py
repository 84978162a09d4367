"""Rate limits: slow down guessing of passwords and hammering of respondent links.

Each application has its own limiter (``survey.web.public.limits``, ``survey.web.staff.limits``),
configured from the same ``RATELIMIT_*`` settings and counting in the same storage — by default a
file of the instance folder that every worker process shares (``counters``), not the memory of
one process.
"""
from __future__ import annotations

import functools
import math
import time
from typing import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from survey.web.common import counters  # noqa: F401 - registers the sqlite:// counter storage

# When a 429 comes from somewhere that cannot say how long to wait.
DEFAULT_RETRY_AFTER = 60


def make_limiter() -> Limiter:
    return Limiter(key_func=get_remote_address)


class ViewLimits:
    """The public application's limits: one per view, per client address, in the fixed window
    Flask-Limiter uses, counted by the library Flask-Limiter counts with (``limits``) in the same
    storage. Flask-Limiter's decorator resolves scopes, exemptions and endpoint hints on every
    call: about 0.1 ms of a respondent's GET of 0.8 ms, around a count that takes 0.02 ms
    (docs/performance.md). The respondent pages have one kind of limit and no exemptions, so they
    count it themselves; the staff application keeps Flask-Limiter."""

    def init_app(self, app: Flask) -> None:
        counting = None
        if app.config.get("RATELIMIT_ENABLED", True):
            counting = FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))
        app.extensions["survey.view_limits"] = counting

    def limit(self, value: Callable[[], str]):
        """A view refused with 429 once its client address has been served ``value()`` (e.g. "300
        per minute", read from the configuration on each request) in the current window."""
        def decorate(view):
            @functools.wraps(view)
            def limited(*args, **kwargs):
                counting = current_app.extensions["survey.view_limits"]
                if counting is not None:
                    item, where = _item(value()), (request.endpoint, get_remote_address())
                    if not counting.hit(item, *where):
                        reset_at = counting.get_window_stats(item, *where).reset_time
                        raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))
                return view(*args, **kwargs)
            return limited
        return decorate


@functools.lru_cache(maxsize=16)
def _item(value: str) -> RateLimitItem:
    return parse(value)


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
