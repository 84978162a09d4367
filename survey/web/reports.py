"""Individual reports in the browser and as PDF (being written)."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
