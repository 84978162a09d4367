"""Staff sign-in. Respondents never pass through here, and staff pages never accept a link token."""
from __future__ import annotations

import functools
import hashlib

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from survey.staff import accounts, audit
from survey.web.common import database as db
from survey.core.models import User
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


def _fingerprint(user: User) -> str:
    """Changes with the password, so changing it signs out every other session."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is not None:
        user = db.session().get(User, user_id)
        if user is not None and session.get("fp") == _fingerprint(user):
            g.user = user


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


HOME = {"hr": "hr.home", "hr-head": "hr.home", "trainer": "trainer.home"}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limits.login, methods=["POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(db.session(), form.email.data, form.password.data)
        except accounts.Locked:
            error = _("Too many wrong passwords: the account is locked for %(minutes)d minutes.",
                      minutes=accounts.LOCK_MINUTES)
        else:
            if user is None:
                error = _("Wrong e-mail or password.")
            else:
                language = session.get("lang")
                session.clear()  # no fixation: a new session for the signed-in user
                if language:
                    session["lang"] = language  # but the language chosen on the sign-in page stays
                session["user_id"] = user.id
                session["fp"] = _fingerprint(user)
                audit.record(db.session(), user.email, "sign-in")
                target = request.args.get("next") or ""
                if (not target.startswith(("/hr/", "/trainer/")) or target.startswith("//")
                        or any(ch < " " or ch == "\x7f" for ch in target)):  # CR LF would split the header
                    target = url_for(HOME[user.role])
                return redirect(target)
    # 200 even on a wrong password: the failure counter must be committed with the response.
    return render_template("hr/login.html", form=form, error=error)


@bp.post("/logout")
def logout():
    if g.get("user") is not None:
        audit.record(db.session(), g.user.email, "sign-out")
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@requires("hr", "hr-head", "trainer")
def password():
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.change_password(db.session(), g.user, form.current.data, form.new.data)
        except accounts.AccountError:
            error = _("The current password is wrong.")
        else:
            session["fp"] = _fingerprint(g.user)
            audit.record(db.session(), g.user.email, "password-change")
            return redirect(url_for(HOME[g.user.role], done="password"))
    return render_template("hr/password.html", form=form, error=error)
