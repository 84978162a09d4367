"""Personal links that open results without signing in: the assessee's to their own report, the
direct manager's to the reports of their direct reports, a calibration member's to the report the
session is about.

Each link carries ids and the random key of a row that grants it (``ReportRelease``,
``AssessorLink``, ``CalibrationMember``), signed with the server's secret under a salt of its own
kind, so that no link passes for another kind (nor for a respondent's) and nobody can make one for
someone else. A link expires ``REPORT_LINK_DAYS`` days (default 30) after it was made; a new key
(publishing again) or a revocation ends it at once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

DEFAULT_DAYS = 30
MAX_TOKEN = 200


class LinkInvalid(Exception):
    """Forged, altered, truncated, revoked or for another purpose: 'not found'."""


class LinkExpired(Exception):
    """Signed by us but older than the validity period: 'gone'."""


@dataclass(frozen=True)
class LinkKind:
    """A kind of link: what it is for (the salt) and its path on the public site."""

    salt: str
    path: str

    def sign(self, secret: str, first: int, second: int, key: str) -> str:
        return URLSafeTimedSerializer(secret, salt=self.salt).dumps([first, second, key])

    def verify(self, secret: str, token: str, *, days: int) -> tuple[int, int, str]:
        """``(id, id, key)`` of a valid link; raises LinkExpired or LinkInvalid."""
        if len(token) > MAX_TOKEN:
            raise LinkInvalid()
        try:
            value = URLSafeTimedSerializer(secret, salt=self.salt).loads(token, max_age=int(days) * 86400)
        except SignatureExpired:
            raise LinkExpired() from None
        except (BadSignature, UnicodeError, ValueError):
            raise LinkInvalid() from None
        if (not isinstance(value, list) or len(value) != 3 or not isinstance(value[2], str)
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value[:2])):
            raise LinkInvalid()
        return value[0], value[1], value[2]

    def url(self, base_url: str, token: str) -> str:
        return f"{base_url.rstrip('/')}/{self.path}/{token}"


REPORT = LinkKind("bagalau360.report", "report")  # (campaign id, assessment id, release key)
ASSESSOR = LinkKind("bagalau360.assessor", "assessor")  # (campaign id, assessor link id, key)
CALIBRATION = LinkKind("bagalau360.calibration", "calibration")  # (calibration id, member id, key)


def sign(secret: str, campaign_id: int, assessment_id: int, key: str) -> str:
    return REPORT.sign(secret, campaign_id, assessment_id, key)


def verify(secret: str, token: str, *, days: int) -> tuple[int, int, str]:
    return REPORT.verify(secret, token, days=days)


def url(base_url: str, token: str) -> str:
    return REPORT.url(base_url, token)


def expires_on(days: int, today: dt.date | None = None) -> dt.date:
    return (today or dt.date.today()) + dt.timedelta(days=int(days))


LINK_COLUMNS = ["employee_id", "full_name", "unit", "email", "language", "url", "valid_until"]
