"""The methodologist's view of how well the questionnaire measures (being written)."""
from flask import Blueprint

bp = Blueprint("quality", __name__)
