"""Bagalau 360: anonymous 360-degree assessment of corps-B civil servants.

The map of the package is ``docs/architecture.md``.
"""
from __future__ import annotations


def create_app(config: dict | None = None):
    """Both web applications served by one process (``survey.web.create_app``)."""
    from survey.web import create_app as create_site

    return create_site(config)
