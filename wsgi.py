"""Entry point for a WSGI server: ``gunicorn wsgi:app`` serves both applications (keep its access
log off, see docs/anonymity.md). ``survey.wsgi`` has the public and staff applications apart.

This is the production entry point, so the secret must be configured (``SURVEY_SECRET_KEY``).
"""
from survey.wsgi import site

app = site()
