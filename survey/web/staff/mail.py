"""E-mail to raters: invitations and reminders, sent by HR from the campaign's e-mail page.

The page shows who can be reached by e-mail and who cannot (they get a printed sheet instead), and
the record of what was sent. It never shows which questionnaires a rater has answered, only
whether they still have any open. Sending is in :mod:`survey.mail`; this is the thin web layer.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from survey.core.messages import DomainError
from survey.core.models import Campaign
from survey.mail import record, sending
from survey.web.common import database as db, paging
from survey.web.staff import background
from survey.web.staff.auth import requires
from survey.web.staff.hr import ActionForm

bp = Blueprint("mail", __name__, url_prefix="/hr")
SHOWN_AT_MOST = 100  # raters without an address listed by name; the rest are counted
STAFF = ("hr", "hr-head")


def _render(campaign: Campaign, errors=None, status: int = 200):
    shown = record.overview(db.session(), campaign, current_app.config)
    return render_template(
        "mail/page.html", campaign=campaign, configured=shown.configured, sender=shown.sender,
        with_email=shown.with_email, without_email=shown.without_email, open_with_email=shown.open_with_email,
        history=paging.page_of(shown.history), shown_at_most=SHOWN_AT_MOST,
        last_invitation=next((m for m in shown.history if m.kind == "invitation" and m.ok), None),
        reminders=shown.reminders, jobs=shown.jobs, action=ActionForm(), errors=errors,
        joined=request.args.get("joined") == "1",
    ), status


@bp.get("/campaigns/<int:campaign_id>/email")
@requires(*STAFF)
def page(campaign_id):
    return _render(db.get_or_404(Campaign, campaign_id))


def _send(campaign_id: int, kind: str):
    """Queue the batch as a job (or join the one already running) and show its progress."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        job, new = sending.queue(db.session(), campaign, kind, g.user.email, current_app.config)
    except DomainError as exc:
        return _render(campaign, errors=[exc.translated(gettext)], status=422)
    background.wake_worker()
    return redirect(url_for(".page", campaign_id=campaign.id, job=job.id, joined=0 if new else 1))


@bp.post("/campaigns/<int:campaign_id>/email/invitations")
@requires(*STAFF)
def invitations(campaign_id):
    return _send(campaign_id, "invitation")


@bp.post("/campaigns/<int:campaign_id>/email/reminders")
@requires(*STAFF)
def reminders(campaign_id):
    return _send(campaign_id, "reminder")
