"""The web layer: thin views over the domain modules."""
from flask import current_app


def instruments():
    return current_app.extensions["survey.instruments"]
