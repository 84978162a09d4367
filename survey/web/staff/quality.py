"""The methodologist's view of how well the questionnaire measures: for the HR head only.

Aggregates over closed campaigns, never a name (``quality`` reads no person at all). HR officers
and trainers are refused: the view is about the method, which the HR head owns. Every page, chart
and workbook reads the figures kept when the campaign closed (``campaigns.figures``).
"""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import get_locale, gettext
from sqlalchemy import select

from survey.campaigns import figures, lifecycle as campaigns
from survey.web.common import database as db
from survey.quality import charts, figures as quality, gather, workbook, workbook_file
from survey.core.models import Campaign
from survey.web.common import instruments
from survey.web.staff.auth import log_action, requires
from survey.web.common.downloads import XLSX, disposition, download, file_download, no_store
from survey.web.staff import background
from survey.web.staff.hr import _errors

bp = Blueprint("quality", __name__, url_prefix="/hr/quality")
ROLE = "hr-head"
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


def _language() -> str:
    return str(get_locale())


def _closed() -> list[Campaign]:
    return db.session().scalars(select(Campaign).where(Campaign.status == "closed")
                                .order_by(Campaign.closes_on.desc(), Campaign.id.desc())).all()


def _campaign(campaign_id) -> Campaign:
    if not str(campaign_id or "").isdigit():
        abort(404)
    return db.get_or_404(Campaign, int(campaign_id))


def _quality(campaign: Campaign) -> quality.CampaignQuality:
    return figures.campaign_quality(db.session(), campaign, instruments(),
                                    threshold=current_app.config["ANONYMITY_THRESHOLD"])


def _quality_or_404(campaign_id) -> quality.CampaignQuality:
    try:
        return _quality(_campaign(campaign_id))
    except campaigns.CampaignError:
        abort(404)


def _comparison(earlier: Campaign, later: Campaign) -> tuple[quality.CampaignQuality, quality.CampaignQuality]:
    return figures.comparison(db.session(), earlier, later, instruments(),
                              threshold=current_app.config["ANONYMITY_THRESHOLD"])


def _comparison_or_404() -> tuple[quality.CampaignQuality, quality.CampaignQuality]:
    try:
        return _comparison(_campaign(request.args.get("a")), _campaign(request.args.get("b")))
    except campaigns.CampaignError:
        abort(404)


def _choices(closed: list[Campaign], later: Campaign | None) -> dict:
    """What the comparison form offers: as the later campaign any that has an earlier one, as the
    earlier only the campaigns before the later one shown."""
    laters = closed[:-1]
    shown = later if later in laters else next(iter(laters), None)
    return dict(laters=laters, earliers=gather.earlier_than(closed, shown) if shown else [])


def _context(**extra):
    language = _language()
    return dict(
        lang=language,
        threshold=current_app.config["ANONYMITY_THRESHOLD"],
        limits={"leniency": quality.LENIENCY_SHARE, "spread": quality.MIN_SPREAD, "icc1": quality.MIN_ICC1,
                "alpha": quality.MIN_ALPHA, "item_rest": quality.MIN_ITEM_REST, "gap": quality.GAP},
        group_label=lambda instrument: quality.group_label(instrument, gettext, language),
        competency_name=lambda instrument, cid: quality.competency_name(instrument, cid, language),
        flag_text=lambda flag: flag.translated(gettext, language),
        flag_label=lambda flag: gettext(flag.label),
        available_charts=charts.available_charts,
        **extra,
    )


@bp.get("/")
@requires(ROLE)
def home():
    closed = _closed()
    asked = request.args.get("campaign")
    errors, status, result = None, 200, None
    chosen = None
    if asked:
        chosen = _campaign(asked)
    elif closed:
        chosen = closed[0]
    if chosen is not None:
        try:
            result = _quality(chosen)
        except campaigns.CampaignError as exc:
            errors, status = _errors(exc), 409
    return render_template("quality/campaign.html", **_context(
        campaigns=closed, chosen=chosen, quality=result, errors=errors, **_choices(closed, closed[0] if closed else None),
        a=closed[1] if len(closed) > 1 else None, b=closed[0] if closed else None)), status


@bp.get("/compare")
@requires(ROLE)
def compare():
    closed = _closed()
    a, b = _campaign(request.args.get("a")), _campaign(request.args.get("b"))
    try:
        qa, qb = _comparison(a, b)
    except campaigns.CampaignError as exc:
        return render_template("quality/compare.html", **_context(campaigns=closed, a=a, b=b, pairs=None,
                                                                 errors=_errors(exc), **_choices(closed, b))), 409
    return render_template("quality/compare.html", **_context(
        campaigns=closed, a=a, b=b, qa=qa, qb=qb, pairs=quality.paired(qa, qb, instruments()), errors=None,
        **_choices(closed, b)))


@bp.get("/<int:campaign_id>/quality.xlsx")
@requires(ROLE)
def xlsx(campaign_id):
    """Prepared by a job (``quality.workbook_file``): its charts take longer to draw than a request may."""
    campaign = _campaign(campaign_id)
    try:
        gather.require_closed(campaign)  # a campaign not closed has no figures: 404, not a job that fails
    except campaigns.CampaignError:
        abort(404)
    wanted = workbook_file.params(_language())
    ready = workbook_file.QUALITY.ready(db.session(), current_app.config, campaign, wanted)
    if ready is None:
        return background.prepare(workbook_file.QUALITY.kind, campaign, wanted,
                                  title=gettext("Download the figures and charts (.xlsx)"),
                                  back=url_for(".home", campaign=campaign.id))
    log_action("quality-export", campaign.name)
    return file_download(ready, f"quality-{campaign_id}.xlsx", XLSX)


@bp.get("/compare.xlsx")
@requires(ROLE)
def compare_xlsx():
    qa, qb = _comparison_or_404()
    out = io.BytesIO()
    workbook.write_comparison_xlsx(out, qa, qb, instruments(), gettext=gettext, language=_language())
    log_action("quality-export", f"{qa.campaign_name} / {qb.campaign_name}")
    return download(out.getvalue(), f"quality-{qa.campaign_id}-{qb.campaign_id}.xlsx", XLSX)


@bp.get("/<int:campaign_id>/charts/<instrument_id>/<kind>.<fmt>")
@requires(ROLE)
def chart(campaign_id, instrument_id, kind, fmt):
    if fmt not in FORMATS or kind not in charts.CHARTS:
        abort(404)
    group = _quality_or_404(campaign_id).group(instrument_id)
    if group is None or kind not in charts.available_charts(group):
        abort(404)
    data = charts.chart(kind, group, gettext=gettext, language=_language(), fmt=fmt)
    return _image(data, fmt, f"quality-{campaign_id}-{instrument_id}-{kind}.{fmt}")


@bp.get("/compare/charts/<instrument_id>.<fmt>")
@requires(ROLE)
def compare_chart(instrument_id, fmt):
    if fmt not in FORMATS:
        abort(404)
    qa, qb = _comparison_or_404()
    pair = next((p for p in quality.paired(qa, qb, instruments()) if p.instrument.id == instrument_id), None)
    data = pair and charts.comparison_chart(pair, qa.campaign_name, qb.campaign_name, gettext=gettext,
                                            language=_language(), fmt=fmt)
    if not data:
        abort(404)
    return _image(data, fmt, f"quality-{qa.campaign_id}-{qb.campaign_id}-{instrument_id}.{fmt}")


def _image(data: bytes, fmt: str, filename: str) -> Response:
    response = Response(data, mimetype=FORMATS[fmt])
    if request.args.get("download"):
        response.headers["Content-Disposition"] = disposition(filename)
    return no_store(response)
