"""E-mail to raters: invitations and reminders (being written)."""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/hr")
