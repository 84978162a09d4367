"""The second factor's pages: the code asked after the password, enrolment (at sign-in for a role
that requires it, or when the owner chooses), recovery codes, turning it off."""
from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from survey.core.models import STAFF_ROLES, User
from survey.staff import second_factor, sessions, signin
from survey.web.common import database as db
from survey.web.common import limits
from survey.web.staff import auth
from survey.web.staff.auth import requires
from survey.web.staff.limits import limiter

bp = Blueprint("second_factor", __name__, url_prefix="/hr")
# Between the password and the code: long enough to find the phone, short enough not to linger.
PENDING_SECONDS = 600


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "spellcheck": "false"})


class SecondFactorButtonForm(FlaskForm):
    """A button: only the CSRF token."""


def _key() -> str:
    return current_app.secret_key


def _pending() -> tuple[User | None, dict]:
    """The account whose password was just given, if the mark is fresh and the account unchanged."""
    pending = session.get("pending") or {}
    try:
        fresh = sessions.clock() - int(pending["at"]) <= PENDING_SECONDS
        user = db.session().get(User, int(pending["uid"])) if fresh else None
    except (KeyError, TypeError, ValueError):
        return None, {}
    if user is None or user.session_version != pending.get("ver") or user.disabled_at is not None:
        session.pop("pending", None)
        return None, {}
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(limits.login, methods=["POST"])
def code():
    user, pending = _pending()
    if user is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        used = []

        def accepted_code() -> bool:
            used.append(second_factor.check(db.session(), user, _key(), form.code.data))
            return used[-1] is not None

        try:
            accepted = signin.second_step(db.session(), user, accepted_code, client=request.remote_addr or "",
                                          secret=_key())
        except signin.HeldBack as held:
            page = render_template("second_factor/code.html", form=form, error=held.translated(_))
            return page, 429, {"Retry-After": str(held.retry_after)}
        if accepted:
            how = "with a recovery code" if used[-1] == "recovery" else "with a one-time code"
            return auth.open_session(user, pending["next"], how)
        error = _("Wrong code, or a code already used. Enter the code your app shows now, or a recovery code.")
    # 200 on a wrong code: the failure count must be committed with the response.
    return render_template("second_factor/code.html", form=form, error=error)


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(limits.login, methods=["POST"])
def enrol_first():
    """Enrolment before the first session, for a role that requires the second factor."""
    user, pending = _pending()
    if user is None:
        return redirect(url_for("auth.login"))
    return _enrolment(user, actor=user.email, then=lambda codes: _signed_in_with(user, codes, pending["next"]))


def _signed_in_with(user: User, codes: list[str], target: str):
    auth.open_session(user, target, "second factor set up")
    return render_template("second_factor/recovery_codes.html", codes=codes, target=target)


def _enrolment(user: User, *, actor: str, then):
    secret = second_factor.pending_secret(user, _key()) or second_factor.start(db.session(), user, _key())
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        codes = second_factor.confirm(db.session(), user, _key(), form.code.data, actor=actor)
        if codes is not None:
            return then(codes)
        error = _("This is not the code the app shows now. Check that the app was set up with this key and "
                  "that the phone's clock is right.")
    issuer = current_app.config["TOTP_ISSUER"]
    return render_template("second_factor/enrol.html", form=form, error=error, key=second_factor.grouped(secret),
                           qr=second_factor.qr_data_uri(secret, user.email, issuer)), 422 if error else 200


@bp.get("/second-factor")
@requires(*STAFF_ROLES)
def settings():
    return render_template("second_factor/settings.html", button_form=SecondFactorButtonForm(), form=CodeForm(),
                           left=second_factor.recovery_codes_left(db.session(), g.user),
                           required=second_factor.required(g.user, current_app.config), done=request.args.get("done"))


@bp.route("/second-factor/enrol", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def enrol():
    if g.user.source != "local" or second_factor.enabled(g.user):
        return redirect(url_for(".settings"))
    return _enrolment(g.user, actor=g.user.email, then=_keep_session_and_show)


def _keep_session_and_show(codes: list[str]):
    session["staff"] = sessions.renewed(session["staff"], g.user)  # the other sessions ended; this one goes on
    return render_template("second_factor/recovery_codes.html", codes=codes, target=url_for(".settings"))


@bp.post("/second-factor/recovery-codes")
@requires(*STAFF_ROLES)
def recovery_codes():
    if not SecondFactorButtonForm().validate_on_submit() or not second_factor.enabled(g.user):
        return redirect(url_for(".settings"))
    codes = second_factor.renew_recovery_codes(db.session(), g.user, actor=g.user.email)
    return render_template("second_factor/recovery_codes.html", codes=codes, target=url_for(".settings"))


@bp.post("/second-factor/off")
@requires(*STAFF_ROLES)
def turn_off():
    """Only with a current code, and never for a role that requires the second factor."""
    form = CodeForm()
    if second_factor.required(g.user, current_app.config) or not form.validate_on_submit():
        return redirect(url_for(".settings"))
    if second_factor.check(db.session(), g.user, _key(), form.code.data) is None:
        return render_template("second_factor/settings.html", button_form=SecondFactorButtonForm(), form=form,
                               left=second_factor.recovery_codes_left(db.session(), g.user), required=False,
                               error=_("Wrong code, or a code already used.")), 422
    second_factor.turn_off(db.session(), g.user, actor=g.user.email)
    session["staff"] = sessions.renewed(session["staff"], g.user)
    return redirect(url_for(".settings", done="off"))
