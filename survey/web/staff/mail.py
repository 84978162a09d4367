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

from survey.campaigns import lifecycle as campaigns
from survey.web.common import database as db
from survey.operations import jobs
from survey.mail import delivery as mail
from survey.core.models import Campaign
from survey.web.staff.auth import requires
from survey.web.staff.hr import ActionForm

bp = Blueprint("mail", __name__, url_prefix="/hr")
STAFF = ("hr", "hr-head")
ACTIONS = {"invitation": "email-invitations", "reminder": "email-reminders"}


def _render(campaign: Campaign, errors=None, status: int = 200):
    contacts = mail.contacts(db.session(), campaign)
    return render_template(
        "mail/page.html", campaign=campaign, configured=mail.configured(current_app.config),
        sender=str(current_app.config.get("MAIL_FROM") or ""),
        with_email=[c for c in contacts if c.has_email], without_email=[c for c in contacts if not c.has_email],
        open_with_email=sum(1 for c in contacts if c.has_email and c.has_open),
        history=mail.history(db.session(), campaign), action=ActionForm(), errors=errors,
        jobs=jobs.recent(db.session(), campaign), joined=request.args.get("joined") == "1",
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
        mail.SmtpSettings.from_config(current_app.config)
        mail.require_answerable(campaign, None)
    except (campaigns.CampaignError, mail.MailError) as exc:
        return _render(campaign, errors=[exc.translated(gettext)], status=422)
    job, new = jobs.start(db.session(), ACTIONS[kind], campaign, g.user.email)
    db.session().commit()  # the worker must see the job
    jobs.kick(current_app._get_current_object())
    return redirect(url_for(".page", campaign_id=campaign.id, job=job.id, joined=0 if new else 1))


@bp.post("/campaigns/<int:campaign_id>/email/invitations")
@requires(*STAFF)
def invitations(campaign_id):
    return _send(campaign_id, "invitation")


@bp.post("/campaigns/<int:campaign_id>/email/reminders")
@requires(*STAFF)
def reminders(campaign_id):
    return _send(campaign_id, "reminder")
