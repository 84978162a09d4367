"""Staff sign-in. Respondents never pass through here, and staff pages never accept a link token."""
from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from survey.staff import accounts, audit, directory, second_factor, sessions, signin
from survey.web.common import database as db
from survey.core.models import STAFF_ROLES, User
from survey.web.common import limits
from survey.web.staff.limits import limiter

bp = Blueprint("auth", __name__, url_prefix="/hr")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD)])
    repeat = PasswordField(_l("Repeat the new password"), validators=[DataRequired(), EqualTo("new")])


def load_user() -> None:
    """Every staff request: the session's stamp must still match its account and its time limits."""
    g.user = None
    stamp = session.get("staff")
    if stamp is None:
        return
    user, reason = sessions.resume(db.session(), stamp, sessions.Limits.from_config(current_app.config))
    if user is None:
        _forget()
        session["ended"] = reason
        return
    g.user = user
    fresh = sessions.touched(stamp)
    if fresh is not None:
        session["staff"] = fresh


def _forget() -> None:
    """An empty session, but the language chosen stays."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def log_action(action: str, detail: str = "", *, actor: str | None = None) -> None:
    """An entry of the audit log for what a staff page just did, in the name of the signed-in
    account (or of ``actor``, the account signing in): one way for every page, so none forgets
    whose act it was."""
    audit.record(db.session(), actor or g.user.email, action, detail)


def requires(*roles: str):
    """Staff only, and only the given roles; anyone else is sent to sign in or refused."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


ENDED = {"idle": _l("You were signed out after a time without activity. Please sign in again."),
         "expired": _l("Your session reached its time limit. Please sign in again."),
         "ended": _l("Your session has ended. Please sign in again.")}
HOME = {"hr": "hr.home", "hr-head": "hr.home", "trainer": "trainer.home", "admin": "accounts.list_page"}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limits.login, methods=["POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = signin.attempt(db.session(), form.email.data, form.password.data, client=request.remote_addr or "",
                                  secret=current_app.secret_key,
                                  directory=directory.DirectorySettings.from_config(current_app.config))
        except signin.HeldBack as held:
            # Nothing to store: the 429 rolls back, and the wait stays as it was.
            page = render_template("hr/login.html", form=form, error=held.translated(_))
            return page, 429, {"Retry-After": str(held.retry_after)}
        except directory.DirectoryError as refused:
            # 200: what happened is written to the audit log, and only a success commits.
            return render_template("hr/login.html", form=form, error=_directory_message(refused))
        if user is None:
            error = _("Wrong e-mail or password.")
        else:
            target = request.args.get("next") or ""
            if (not target.startswith(("/hr/", "/trainer/")) or target.startswith("//")
                    or any(ch < " " or ch == "\x7f" for ch in target)):  # CR LF would split the header
                target = url_for(HOME[user.role])
            return _after_password(user, target)
    # 200 even on a wrong password: the failure count must be committed with the response.
    return render_template("hr/login.html", form=form, error=error, ended=ENDED.get(session.pop("ended", "")),
                           welcome="welcome" in request.args)


def home():
    """The front page of the staff site: each role's own first page (an account manager has no campaigns)."""
    user = g.get("user")
    return redirect(url_for(HOME[user.role] if user is not None else "hr.home"))


def _after_password(user: User, target: str):
    """The session opens now, or after the second factor's code (or its enrolment, for a role
    that requires it); until then the browser holds only a short-lived "pending" mark."""
    config = current_app.config
    if user.source == "local" and (second_factor.enabled(user) or second_factor.required(user, config)):
        _forget()
        session["pending"] = {"uid": user.id, "ver": user.session_version, "at": int(sessions.clock()), "next": target}
        return redirect(url_for("second_factor.code" if second_factor.enabled(user) else "second_factor.enrol_first"))
    return open_session(user, target)


def open_session(user: User, target: str, how: str = ""):
    """Signed in: after the password, and the second factor's code when there is one."""
    _forget()  # no fixation: a new session for the signed-in user
    session["staff"] = sessions.open_stamp(user)
    user.last_sign_in = audit.now()
    log_action("sign-in", how, actor=user.email)
    return redirect(target)


def _directory_message(refused: directory.DirectoryError) -> str:
    if isinstance(refused, directory.NotPermitted):
        return _("Your directory account is in none of the groups that give access to Bagalau 360. "
                 "Ask the account manager to add you to the right group.")
    if isinstance(refused, directory.CertificateRefused):
        return _("The directory's certificate was not accepted, so directory accounts cannot sign in now; "
                 "local accounts can. Tell the administrator.")
    return _("The directory cannot be reached just now, so directory accounts cannot sign in; local accounts "
             "can. Try again later or tell the administrator.")


@bp.post("/logout")
def logout():
    """Ends every session of the account, not only this browser's: a cookie copied from it, or
    one left open on another desk, stops working too."""
    if g.get("user") is not None:
        sessions.end_all(db.session(), g.user)
        log_action("sign-out")
    _forget()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def password():
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.change_password(db.session(), g.user, form.current.data, form.new.data)
        except accounts.AccountError as exc:
            error = exc.translated(_)
        else:
            session["staff"] = sessions.renewed(session["staff"], g.user)
            log_action("password-change")
            return redirect(url_for(HOME[g.user.role], done="password"))
    return render_template("hr/password.html", form=form, error=error)
