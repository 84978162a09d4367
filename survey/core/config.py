"""Configuration: safe defaults here, everything else from ``SURVEY_*`` environment variables.

Secrets never live in the repository: without ``SURVEY_SECRET_KEY`` a development key is generated
per instance folder (see :func:`_instance_secret`) so that a fresh checkout runs, and the links it
signs stay valid across restarts of the same installation.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The platform cannot start safely with this configuration; the message says what to set."""


class Defaults:
    DATABASE_URL: str | None = None  # None: a SQLite file in the instance folder
    DATABASE_TIMEOUT = 15  # seconds to wait for a locked or unreachable database before a 503
    SECRET_KEY: str | None = None
    BASE_URL = "http://127.0.0.1:5000"
    # The questionnaires of order No. 260, shipped inside the package (``instruments/`` in a checkout
    # points there); a body with its own wording sets SURVEY_INSTRUMENTS_DIR to its folder.
    INSTRUMENTS_DIR = str(PACKAGE / "questionnaires")
    # Below this many non-self respondents an assessee's averages are withheld, so that no single
    # rater's answers can be read back from an average (order No. 260, para 34: anonymity).
    ANONYMITY_THRESHOLD = 3
    MIN_RATERS = 3  # order No. 260, para 36
    MAX_RATERS = 7
    # Up to this many assessees the results files are made while HR waits (about a second);
    # above it a job prepares them and the page shows its progress (``results.files``).
    RESULTS_IN_REQUEST = 400
    BABEL_DEFAULT_LOCALE = "kk"
    # Times are stored in UTC and shown in the body's zone: all of Kazakhstan is on UTC+5 since 2024.
    TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(PACKAGE / "translations")  # one catalogue for both applications
    LANGUAGES = ("kk", "ru", "en")
    WTF_CSRF_TIME_LIMIT = None  # a respondent may keep the page open for hours before submitting
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # a staff upload: a roster or a rater list
    # Any body that is not an upload, so every body the public application takes, is held to
    # MAX_FORM_MEMORY_SIZE and, urlencoded, to MAX_FORM_PARTS fields (survey/web/common/bodies.py).
    # The largest form, the head's questionnaire (36 questions and the button), sends 37 fields in
    # 529 bytes: the limits leave room for a longer questionnaire of a body's own. Werkzeug also
    # holds each 64 KiB it reads of a multipart body, a file's included, to MAX_FORM_MEMORY_SIZE:
    # below that, no upload would pass.
    MAX_FORM_MEMORY_SIZE = 128 * 1024
    MAX_FORM_PARTS = 500
    # Production (gunicorn through wsgi.py) refuses to start without a configured secret: a key
    # generated on the fly would differ between servers and silently break every link.
    PRODUCTION = False
    # Where the counters live. None: a SQLite file in the instance folder, shared by the worker
    # processes of this machine (survey.web.common.counters); redis://host:6379 when several servers
    # share the limits.
    RATELIMIT_STORAGE_URI: str | None = None
    # Limits per client address. Offices share one address behind their gateway, so the
    # respondent limit is generous; sign-in is strict (and each account is throttled apart, per
    # client address, with growing delays: survey.staff.signin).
    RATELIMIT_RESPONDENT = "300 per minute"
    RATELIMIT_LOGIN = "10 per minute"
    # A staff session ends after this long without a request, and after this long in any case
    # (NIST SP 800-63B, AAL2: 30 minutes idle, 12 hours at most); signing in again starts a new one.
    SESSION_IDLE_MINUTES = 30
    SESSION_MAX_HOURS = 12
    # The body's directory (Active Directory or another LDAP server) for staff sign-in: off while
    # LDAP_URL is None; the other SURVEY_LDAP_* settings are read by survey.staff.directory.
    LDAP_URL: str | None = None
    # Roles whose local accounts must sign in with a second factor (a one-time code from an
    # authenticator app): a JSON list or "hr-head,admin". None by default; anyone may turn it on.
    TOTP_REQUIRED_ROLES: tuple[str, ...] = ()
    TOTP_ISSUER = "Bagalau 360"  # the name the authenticator app shows beside the codes
    # A one-time link that sets a staff member's password works once, for this many hours.
    PASSWORD_LINK_HOURS = 72
    # The staff application's address, for the links the command line prints or e-mails; None:
    # the address the request came to (in the browser) or BASE_URL (on the command line).
    STAFF_URL: str | None = None
    REPORT_LINK_DAYS = 30  # an assessee's personal report link expires after this many days
    # Processes that draw the PDFs of a ZIP of reports: None, one a core; 1, the web or jobs process
    # itself. A small ZIP uses fewer (survey/reports/bundle.py).
    REPORT_PROCESSES: int | None = None
    TOPICS_FILE: str | None = None  # the training-topics catalogue; None: survey/training/topics/catalogue.yaml
    HOLIDAYS_FILE: str | None = None  # days off for counting working days; None: survey/followup/holidays.yaml
    PROXY_FIX = 0  # number of reverse proxies in front whose X-Forwarded-* headers are trusted


def _private_folder(path: Path) -> None:
    """The instance folder holds the database, the development key and prepared reports: its owner only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def _instance_secret(instance_path: str) -> str:
    """A per-installation random key for development, kept out of the repository."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    _private_folder(path.parent)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load(app, overrides: dict | None = None) -> None:
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("SURVEY")
    if overrides:
        app.config.update(overrides)
    if not app.config.get("DATABASE_URL"):
        _private_folder(Path(app.instance_path))
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'survey.sqlite'}"
    # Over HTTPS the session cookie is never sent in clear; a plain-HTTP trial on one machine works too.
    if "SESSION_COOKIE_SECURE" not in (overrides or {}):
        app.config["SESSION_COOKIE_SECURE"] = str(app.config["BASE_URL"]).startswith("https://")
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{Path(app.instance_path).resolve() / 'ratelimits.sqlite'}"
    # Files that bulk jobs produce (report archives) until HR downloads them.
    app.config.setdefault("JOBS_DIR", str(Path(app.instance_path) / "jobs"))
    if not app.config.get("SECRET_KEY"):
        if app.config["PRODUCTION"]:
            raise ConfigurationError(
                "SURVEY_SECRET_KEY is not set. In production the secret must come from the configuration "
                "(for example: export SURVEY_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')), "
                "the same on every server, and kept out of the database backups.")
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
