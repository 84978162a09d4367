"""Entry point for a WSGI server: ``gunicorn wsgi:app`` (keep its access log off, see docs/anonymity.md).

This is the production entry point, so the secret must be configured (``SURVEY_SECRET_KEY``).
"""
from survey import create_app

app = create_app({"PRODUCTION": True})
