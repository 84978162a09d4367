"""The assessee's personal link to their own report: signed, expiring, for one report only.

Publishing a campaign's reports is HR downloading these links (``survey reports links`` or the
button on the reports page) and handing each to its assessee. The link carries the campaign and
the assessment, signed with the server's secret under a salt of its own, so that a respondent's
link can never pass for a report link nor the other way round, and nobody can make a link to
anyone else's report. It expires ``REPORT_LINK_DAYS`` days (default 30) after it was made; making
the links again gives fresh ones. No state is kept in the database: while a link is valid it
opens that one report, and only changing the secret key revokes links early.
"""
from __future__ import annotations

import datetime as dt

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "bagalau360.report"
DEFAULT_DAYS = 30
MAX_TOKEN = 200


class LinkInvalid(Exception):
    """Forged, altered, truncated or for another purpose: 'not found'."""


class LinkExpired(Exception):
    """Signed by us but older than the validity period: 'gone'."""


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def sign(secret: str, campaign_id: int, assessment_id: int) -> str:
    return _serializer(secret).dumps([campaign_id, assessment_id])


def verify(secret: str, token: str, *, days: int) -> tuple[int, int]:
    """``(campaign id, assessment id)`` of a valid link; raises LinkExpired or LinkInvalid."""
    if len(token) > MAX_TOKEN:
        raise LinkInvalid()
    try:
        value = _serializer(secret).loads(token, max_age=int(days) * 86400)
    except SignatureExpired:
        raise LinkExpired() from None
    except (BadSignature, UnicodeError, ValueError):
        raise LinkInvalid() from None
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise LinkInvalid()
    return value[0], value[1]


def url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/report/{token}"


def expires_on(days: int, today: dt.date | None = None) -> dt.date:
    return (today or dt.date.today()) + dt.timedelta(days=int(days))


LINK_COLUMNS = ["employee_id", "full_name", "unit", "email", "language", "url", "valid_until"]


def link_rows(reports, *, secret: str, base_url: str, days: int, today: dt.date | None = None) -> list[list[str]]:
    """One row per assessee of ``reports`` (anything with campaign_id, assessment_id and the person's fields)."""
    until = expires_on(days, today).isoformat()
    return [[r.employee_id, r.full_name, r.unit, r.email, r.language,
             url(base_url, sign(secret, r.campaign_id, r.assessment_id)), until] for r in reports]
