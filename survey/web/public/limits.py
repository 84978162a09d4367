"""The public application's rate limits (``common.limits.ViewLimits``)."""
from __future__ import annotations

from survey.web.common.limits import ViewLimits

limiter = ViewLimits()
