"""Translatable messages from plain-Python domain code.

Domain modules know nothing of Flask, so they cannot call gettext. They mark a message with
``N_`` (for extraction into the catalogues) and keep its parameters apart; English text comes from
``str()`` for the command line, and the web layer translates with ``gettext(message, **params)``.
"""
from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the conventional name, known to pybabel
    return text


# Shown on every Russian and English questionnaire, paper blank and report (instruments.is_translation):
# order No. 260 has no official text in another language, so ours must not pass for one.
UNOFFICIAL_TRANSLATION = N_("This is an unofficial translation of the Kazakh text of order No. 260 of the "
                            "Minister of Internal Affairs; only the Kazakh text is authoritative.")


class DomainError(Exception):
    """An error whose message is a catalogue id with named parameters."""

    def __init__(self, message: str, **params):
        self.message, self.params = message, params
        super().__init__(message % params if params else message)

    def translated(self, gettext) -> str:
        return gettext(self.message, **self.params)
