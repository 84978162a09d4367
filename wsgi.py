"""Entry point for a WSGI server: ``gunicorn wsgi:app`` (keep its access log off, see docs/anonymity.md)."""
from survey import create_app

app = create_app()
