"""What the public and the staff applications share: the request's database session, languages,
security headers, rate limits, downloads and the factory both are built with. Nothing here
knows of staff accounts or respondents."""
from __future__ import annotations

from flask import current_app


def instruments():
    """The questionnaires, parsed once when the application was built."""
    return current_app.extensions["survey.instruments"]
