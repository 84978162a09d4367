"""The staff application's rate limiter."""
from __future__ import annotations

from survey.web.common.limits import make_limiter

limiter = make_limiter()
