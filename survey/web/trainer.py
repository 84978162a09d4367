"""Trainers' view (order No. 260, para 37): the least-developed competencies across the body.

Only aggregates over closed campaigns, never a name: a trainer chooses topics, not people.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from .. import db, training
from ..models import Campaign
from . import instruments
from .auth import requires

bp = Blueprint("trainer", __name__, url_prefix="/trainer")


@bp.get("/")
@requires("trainer", "hr", "hr-head")
def home():
    closed = db.session().scalars(select(Campaign).where(Campaign.status == "closed")
                                  .order_by(Campaign.closes_on.desc())).all()
    chosen = next((c for c in closed if str(c.id) == request.args.get("campaign")), closed[0] if closed else None)
    needs = training.needs(db.session(), chosen, instruments(),
                           threshold=current_app.config["ANONYMITY_THRESHOLD"]) if chosen else []
    return render_template("trainer/home.html", campaigns=closed, chosen=chosen, needs=needs)
