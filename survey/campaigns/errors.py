"""The one error every campaign operation raises, shared by the modules of ``campaigns``."""
from __future__ import annotations

from survey.core.messages import DomainError


class CampaignError(DomainError):
    """A campaign operation that cannot be done; the message says why and what to do."""

    def __init__(self, message: str, details: list[DomainError] | None = None, **params):
        self.details = details or []
        super().__init__(message, **params)
