"""Staff accounts in the browser: the account manager's pages, and the page a one-time link opens.

Only the ``admin`` role reaches the management pages; it reaches nothing else (no campaign, no
result), so that whoever grants access is not also reading what the access is for. Every change
is a call to ``survey.staff.accounts`` and lands in the audit log there.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from survey.core.models import STAFF_ROLES, User
from survey.staff import accounts, password_links, second_factor, signin
from survey.web.common import database as db
from survey.web.staff.auth import requires

bp = Blueprint("accounts", __name__, url_prefix="/hr")
MANAGERS = (accounts.MANAGER,)

ROLE_LABELS = {"hr": _l("HR officer"), "hr-head": _l("Head of HR"), "trainer": _l("Trainer"),
               "admin": _l("Account manager")}
STATUS_LABELS = {"active": _l("Active"), "invited": _l("Waiting for a password"),
                 "held-back": _l("Sign-in held back"), "disabled": _l("Disabled")}


class NewAccountForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[])


class ButtonForm(FlaskForm):
    """A button that changes an account: only the CSRF token."""


class ChoosePasswordForm(FlaskForm):
    new = PasswordField(_l("New password"), validators=[DataRequired()])
    repeat = PasswordField(_l("Repeat the new password"),
                           validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))])


SOURCE_LABELS = {"local": _l("Password"), "directory": _l("Directory")}


@bp.app_context_processor
def _labels():
    return {"role_labels": ROLE_LABELS, "source_labels": SOURCE_LABELS}


def _roles(form):
    form.role.choices = [(role, ROLE_LABELS[role]) for role in STAFF_ROLES]
    return form


def _actor() -> str:
    return g.user.email


@bp.get("/accounts/")
@requires(*MANAGERS)
def list_page(form=None, errors=(), status=200):
    rows = accounts.listing(db.session(), signin.held_back(db.session()),
                            lambda email: signin.account_key(email, current_app.secret_key))
    return render_template("accounts/list.html", rows=rows, form=form or _roles(NewAccountForm()), errors=errors,
                           status_labels=STATUS_LABELS), status


@bp.post("/accounts/")
@requires(*MANAGERS)
def create():
    form = _roles(NewAccountForm())
    if not form.validate_on_submit():
        return list_page(form=form, status=422)
    try:
        user = accounts.create(db.session(), form.email.data, None, form.role.data, actor=_actor())
    except accounts.AccountError as exc:
        return list_page(form=form, errors=[exc.translated(_)], status=422)
    return _hand_over(user, "account-new")


def _account(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("/accounts/<int:user_id>")
@requires(*MANAGERS)
def account_page(user_id, errors=(), status=200):
    user = _account(user_id)
    held = signin.account_key(user.email, current_app.secret_key) in signin.held_back(db.session())
    form = _roles(RoleForm(role=user.role))
    return render_template("accounts/account.html", user=user, held=held, form=form, button_form=ButtonForm(),
                           errors=errors, done=request.args.get("done"), status_labels=STATUS_LABELS), status


def _change(user_id: int, change, done: str):
    """Runs one change on the account; its errors are shown on the account's page."""
    user = _account(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        change(user)
    except accounts.AccountError as exc:
        return account_page(user_id, errors=[exc.translated(_)], status=422)
    return redirect(url_for(".account_page", user_id=user_id, done=done))


@bp.post("/accounts/<int:user_id>/role")
@requires(*MANAGERS)
def change_role(user_id):
    form = _roles(RoleForm())
    if not form.validate_on_submit():
        abort(400)
    return _change(user_id, lambda u: accounts.change_role(db.session(), u, form.role.data, actor=_actor()), "role")


@bp.post("/accounts/<int:user_id>/disable")
@requires(*MANAGERS)
def disable(user_id):
    return _change(user_id, lambda u: accounts.disable(db.session(), u, actor=_actor()), "disabled")


@bp.post("/accounts/<int:user_id>/enable")
@requires(*MANAGERS)
def enable(user_id):
    return _change(user_id, lambda u: accounts.enable(db.session(), u, actor=_actor()), "enabled")


@bp.post("/accounts/<int:user_id>/unlock")
@requires(*MANAGERS)
def unlock(user_id):
    return _change(user_id, lambda u: signin.release(db.session(), u, current_app.secret_key, actor=_actor()),
                   "unlocked")


@bp.post("/accounts/<int:user_id>/second-factor-off")
@requires(*MANAGERS)
def second_factor_off(user_id):
    """For a lost phone (and no recovery code left): the owner signs in with the password, and sets it up again."""
    return _change(user_id, lambda u: second_factor.turn_off(db.session(), u, actor=_actor()), "second-factor-off")


@bp.post("/accounts/<int:user_id>/reset")
@requires(*MANAGERS)
def reset(user_id):
    user = _account(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if user.disabled_at is not None:
        return account_page(user_id, errors=[_("Enable the account first.")], status=422)
    try:
        accounts.reset(db.session(), user, actor=_actor())
    except accounts.AccountError as exc:
        return account_page(user_id, errors=[exc.translated(_)], status=422)
    return _hand_over(user, "account-reset")


def _hand_over(user: User, kind: str):
    """The link, e-mailed when the platform can send mail, else shown here once, never stored readable."""
    config = current_app.config
    handover = password_links.hand_over(
        db.session(), user, kind=kind, secret=current_app.secret_key, config=config,
        url_of=lambda token: _staff_url(url_for("accounts.choose_password", token=token)),
        language=str(get_locale()), actor=_actor())
    return render_template("accounts/link.html", user=user, handover=handover, kind=kind,
                           hours=int(config["PASSWORD_LINK_HOURS"]))


def _staff_url(path: str) -> str:
    base = current_app.config.get("STAFF_URL") or request.host_url
    return base.rstrip("/") + path


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def choose_password(token):
    """The page a one-time link opens: no account needed, the link is the credential."""
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    try:
        user = password_links.open_link(db.session(), token, current_app.secret_key, hours)
    except password_links.LinkRefused as refused:
        password_links.record_refusal(db.session(), refused, request.remote_addr or "")
        # 200: the refusal is written to the audit log, and only a success commits.
        return render_template("accounts/link_refused.html", message=refused.translated(_))
    form = ChoosePasswordForm()
    errors = []
    if form.validate_on_submit():
        try:
            password_links.use(db.session(), token, current_app.secret_key, hours, form.new.data)
        except accounts.AccountError as exc:
            errors.append(exc.translated(_))
        else:
            return redirect(url_for("auth.login", welcome=1))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/choose_password.html", user=user, form=form, errors=errors,
                           minimum=accounts.MIN_PASSWORD), status
