"""Printable link sheets with QR codes, and the paper fallback (being written)."""
from flask import Blueprint

bp = Blueprint("paper", __name__, url_prefix="/hr")
