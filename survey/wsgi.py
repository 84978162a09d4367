"""Entry points for a WSGI server. Production needs ``SURVEY_SECRET_KEY``: these refuse to start
without it. Keep the server's access log off (docs/anonymity.md).

    gunicorn 'survey.wsgi:site()'     # both applications in one service
    gunicorn 'survey.wsgi:public()'   # respondents and assessees: the proxy they reach
    gunicorn 'survey.wsgi:staff()'    # HR, HR head, trainers: the internal network
"""
from __future__ import annotations

PRODUCTION = {"PRODUCTION": True}


def _quiet_links() -> None:
    """gunicorn's error log quotes a malformed request line, link and all."""
    from survey.web.common.serving import redact_server_logs

    redact_server_logs("gunicorn.error", "gunicorn.access")


def site():
    _quiet_links()
    from survey.web import create_app

    return create_app(PRODUCTION)


def public():
    _quiet_links()
    from survey.web.public import create_app

    return create_app(PRODUCTION)


def staff():
    _quiet_links()
    from survey.web.staff import create_app

    return create_app(PRODUCTION)
