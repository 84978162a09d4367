"""Trainers' view (order No. 260, para 37): the least-developed competencies across the body.

Only aggregates over closed campaigns, never a name: a trainer chooses topics, not people. Every
page, chart and workbook here is built from the pictures of ``training.picture`` kept when the
campaign closed (``campaigns.figures``), which hide figures over too few assessees; the only
download that names people, HR's cohorts, refuses trainers and reads the results each time.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import get_locale, gettext
from sqlalchemy import select

from survey.campaigns import figures, scope
from survey.followup import plans
from survey.quality import figures as quality_figures
from survey.web.common import database as db
from survey.training import charts, cohort_file, needs as training, topics, workbook
from survey.core.models import Campaign
from survey.web.common import instruments
from survey.web.staff.auth import requires
from survey.web.common.downloads import XLSX, download
from survey.web.staff import background

bp = Blueprint("trainer", __name__, url_prefix="/trainer")
VIEWERS = ("trainer", "hr", "hr-head")
HR = ("hr", "hr-head")
CHART_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@bp.record_once
def _load_catalogue(state) -> None:
    """Read the training-topics catalogue once, at start.

    A broken catalogue is logged and shown on the trainers' page; it does not stop the platform,
    so that respondents are never turned away over a list of courses.
    """
    app = state.app
    path = app.config.get("TOPICS_FILE") or topics.DEFAULT_FILE
    try:
        catalogue = topics.load(path, topics.competencies_of(app.extensions["survey.instruments"]))
    except topics.TopicErrors as exc:
        app.extensions["survey.topics"] = exc
        app.logger.error("The training-topics catalogue is not valid; no topics are proposed:\n%s", exc)
    else:
        app.extensions["survey.topics"] = catalogue


def catalogue() -> topics.Catalogue | None:
    loaded = current_app.extensions.get("survey.topics")
    return loaded if isinstance(loaded, topics.Catalogue) else None


def catalogue_errors() -> list[topics.TopicError]:
    loaded = current_app.extensions.get("survey.topics")
    return loaded.errors if isinstance(loaded, topics.TopicErrors) else []


class _Filters:
    """The campaign, questionnaire and unit asked for in the query string."""

    def __init__(self):
        self.campaigns = db.session().scalars(
            select(Campaign).where(Campaign.status == "closed").order_by(Campaign.closes_on.desc(), Campaign.id.desc())
        ).all()
        asked = request.args.get("campaign", "")
        if asked:
            self.campaign = next((c for c in self.campaigns if str(c.id) == asked), None)
            if self.campaign is None:
                abort(404)  # an open, draft or unknown campaign: no figures
        else:
            self.campaign = self.campaigns[0] if self.campaigns else None
        self.instrument = request.args.get("instrument") or None
        if self.instrument is not None and self.instrument not in instruments():
            abort(404)
        self.figures = None
        self.unit = None
        if self.campaign is not None:
            self.figures = figures.training_figures(db.session(), self.campaign, instruments(), threshold=threshold())
            unit = request.args.get("unit")
            if unit:
                if unit not in self.figures.units:
                    abort(404)
                self.unit = unit

    def picture(self, instrument: str | None = None) -> training.Picture | None:
        if self.figures is None:
            return None
        return self.figures.picture(instrument=instrument or self.instrument, unit=self.unit)

    def population(self) -> training.Population:
        """Every assessee with results: only HR's cohorts, which name people, read them."""
        return training.population(db.session(), self.campaign, instruments(), threshold=threshold())

    def args(self, **extra) -> dict:
        """The query arguments that reproduce this view (for links to charts and downloads)."""
        out = {"lang": language()}
        if self.campaign is not None:
            out["campaign"] = self.campaign.id
        if self.instrument:
            out["instrument"] = self.instrument
        if self.unit is not None:
            out["unit"] = self.unit
        out.update(extra)
        return out

    def slug(self) -> str:
        parts = [str(self.campaign.id)]
        if self.instrument:
            parts.append(self.instrument)
        return "-".join(parts)


def threshold() -> int:
    return int(current_app.config["ANONYMITY_THRESHOLD"])


def language() -> str:
    return str(get_locale())


@bp.get("/")
@requires(*VIEWERS)
def home():
    filters = _Filters()
    picture = filters.picture()
    proposals = {s.instrument.id: training.proposals(s, catalogue()) for s in picture.sections} if picture else {}
    demand = plans.demand(db.session(), filters.campaign, threshold()) if filters.campaign else None
    titles = {t.id: t.title for t in catalogue().topics} if catalogue() else {}
    return render_template("trainer/home.html", filters=filters, picture=picture, proposals=proposals,
                           demand=demand, topic_titles=titles,
                           catalogue_errors=catalogue_errors(), lang=language(), training=training,
                           is_hr=g.user.role in HR, hidden_label=_hidden_label, hidden_mark=_hidden_mark,
                           instrument_label=_instrument_label)


def _hidden_label(reason):
    return training.hidden_label(reason, threshold(), gettext)


def _hidden_mark(reason):
    return training.hidden_mark(reason, threshold())


def _instrument_label(instrument_id):
    return quality_figures.group_label(instruments()[instrument_id], gettext, language())


@bp.get("/style.css")
@requires(*VIEWERS)
def stylesheet():
    """The heatmap's colours: the pages allow no inline style (Content-Security-Policy)."""
    css = render_template("trainer/style.css", colours=training.HEAT_COLOURS, dark=training.HEAT_DARK)
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/charts/<instrument_id>/<kind>.<fmt>")
@requires(*VIEWERS)
def chart(instrument_id, kind, fmt):
    if kind not in charts.KINDS or fmt not in CHART_TYPES or instrument_id not in instruments():
        abort(404)
    filters = _Filters()
    if filters.figures is None:
        abort(404)
    section = filters.picture(instrument_id).sections[0]
    if section.hidden or (kind == "heatmap" and section.heatmap is None):
        abort(404)
    data = charts.chart(section, kind, _chart_text(filters, section, kind), fmt)
    return download(data, f"training-{filters.campaign.id}-{instrument_id}-{kind}.{fmt}", CHART_TYPES[fmt],
                    inline=request.args.get("download") != "1")


def _chart_text(filters: _Filters, section: training.Section, kind: str) -> charts.ChartText:
    who = quality_figures.group_label(section.instrument, gettext, language())
    where = filters.unit if filters.unit is not None else gettext("whole body")
    titles = {"ranking": gettext("Training needs: %(who)s", who=who),
              "means": gettext("Competency means: %(who)s", who=who),
              "heatmap": gettext("Competency means by unit: %(who)s", who=who)}
    subtitle = gettext("%(campaign)s, %(where)s: %(num)d assessees with results. Order No. 260, para 37.",
                       campaign=filters.campaign.name, where=where, num=section.assessees)
    return charts.ChartText(
        title=titles[kind], subtitle=subtitle, language=language(),
        among_weakest=gettext("Among their three least-developed competencies"),
        below_low=gettext("Average under 3.0"),
        axis_people=gettext("Assessees"),
        axis_mean=gettext("Mean (1-5)"),
        body=gettext("Whole body"),
        others=gettext("Hidden units, combined"),
        hidden_few=training.hidden_mark(training.FEW, threshold()),
        hidden_complement=training.hidden_mark(training.COMPLEMENT, threshold()),
        no_unit=gettext("(no unit)"),
        unit=filters.unit or "",
        too_many=gettext("With this many units the averages are not written in the cells: they are in the table "
                         "on the page and in the workbook."),
    )


@bp.get("/needs.xlsx")
@requires(*VIEWERS)
def needs_xlsx():
    filters = _Filters()
    picture = filters.picture()
    if picture is None:
        abort(404)
    data = workbook.needs_workbook(picture, catalogue(), language=language(), gettext=gettext)
    return download(data, f"training-needs-{filters.slug()}.xlsx", XLSX)


@bp.get("/cohorts.xlsx")
@requires(*HR)
def cohorts_xlsx():
    """Who should attend each topic. It names people, so HR only, and every download is logged."""
    filters = _Filters()
    if filters.figures is None or catalogue() is None:
        abort(404)
    campaign, name = filters.campaign, f"training-cohorts-{filters.slug()}.xlsx"
    wanted = cohort_file.params(language(), filters.instrument, filters.unit)
    return background.prepared_file(
        cohort_file.COHORTS, campaign, wanted,
        small=lambda: scope.made_in_request(db.session(), campaign, current_app.config["RESULTS_IN_REQUEST"],
                                            instrument=filters.instrument, unit=filters.unit),
        write=lambda out: cohort_file.write(out, db.session(), campaign, current_app.config, catalogue(),
                                            language=language(), instrument=filters.instrument, unit=filters.unit,
                                            instruments=instruments()),
        name=name, mimetype=XLSX, action="training-cohorts-export",
        detail=cohort_file.detail(campaign.name, filters.instrument, filters.unit),
        title=gettext("Cohorts per topic, with names (.xlsx)"), back=url_for(".home", **filters.args()))
