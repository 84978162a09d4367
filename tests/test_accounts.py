"""Staff accounts in the browser and on the command line: the account manager creates, resets,
releases, disables and enables accounts and changes roles; one-time links set passwords."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from conftest import PASSWORD, csrf, sign_in
from survey.core.models import AuditEntry, User
from survey.staff import accounts, password_links, signin

NEW_PASSWORD = "seven brown ducks at noon"


@pytest.fixture
def admin(app, store, staff):
    """The account manager, signed in, beside the hr, hr-head and trainer accounts of ``staff``."""
    with store.transaction() as session:
        accounts.create(session, "admin@body.kz", PASSWORD, "admin")
    client = app.test_client()
    assert sign_in(client, "admin@body.kz").status_code == 302
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def post(client, path, page=None, **data):
    return client.post(path, data={"csrf_token": csrf(client, page or path), **data})


def user_id(store, email) -> int:
    with store.transaction() as session:
        return session.scalar(select(User.id).where(User.email == email))


def audit(store) -> list[tuple[str, str, str]]:
    with store.transaction() as session:
        return [(e.actor, e.action, e.detail) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def shown_link(response) -> str:
    match = re.search(r'id="link" value="([^"]+)"', text(response))
    assert match, text(response)
    return match.group(1).replace("&amp;", "&")


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def choose(app, link, password=NEW_PASSWORD, repeat=None):
    client = app.test_client()
    path = path_of(link)
    token = csrf(client, "/hr/login")  # the session's token, whatever the link opens
    return client.post(path, data={"csrf_token": token, "new": password, "repeat": repeat or password})


# --- who manages ------------------------------------------------------------------------------

def test_only_the_account_manager_reaches_the_accounts_and_nothing_else(staff, admin, open_campaign):
    for role in ("hr", "hr-head", "trainer"):
        assert staff(role).get("/hr/accounts/").status_code == 403, role
    assert admin.get("/hr/accounts/").status_code == 200
    for path in ("/hr/", "/hr/campaigns/1", "/hr/campaigns/1/links.csv", "/hr/audit", "/trainer/"):
        assert admin.get(path).status_code == 403, path


def test_the_list_shows_role_status_and_last_sign_in(admin, staff):
    staff("hr")
    page = text(admin.get("/hr/accounts/"))
    for email, role, signed_in in [("admin@body.kz", "Account manager", True), ("hr@body.kz", "HR officer", True),
                                   ("hr-head@body.kz", "Head of HR", False), ("trainer@body.kz", "Trainer", False)]:
        row = re.search(rf"<tr><td[^>]*><a [^>]+>{re.escape(email)}</a></td>\s*<td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>"
                        r"<td[^>]*>Password</td>\s*<td[^>]*>([^<]+)</td>", page)
        assert row and row.group(1) == role and row.group(2) == "Active", email
        last = row.group(3)
        assert bool(re.match(r"\d+ \w+ \d{4}, \d\d:\d\d$", last)) if signed_in else last == "never", email


# --- a new account and its one-time link -----------------------------------------------------

def test_a_new_account_gets_a_one_time_link_shown_once_and_its_owner_chooses_the_password(app, admin, store):
    response = post(admin, "/hr/accounts/", email="New.Colleague@Body.kz", role="hr")
    assert response.status_code == 200 and "shown only this once" in text(response)
    link = shown_link(response)
    assert "/hr/set-password/" in link
    assert "Waiting for a password" in text(admin.get("/hr/accounts/"))
    assert sign_in(app.test_client(), "new.colleague@body.kz", "").status_code == 200  # no password yet

    page = app.test_client().get(path_of(link))
    assert page.status_code == 200 and "new.colleague@body.kz" in text(page)
    assert choose(app, link, "short").status_code == 422
    assert choose(app, link, NEW_PASSWORD, "another passphrase").status_code == 422
    done = choose(app, link)
    assert done.status_code == 302 and "welcome" in done.headers["Location"]
    assert sign_in(app.test_client(), "new.colleague@body.kz", NEW_PASSWORD).status_code == 302

    again = app.test_client().get(path_of(link))
    assert again.status_code == 200 and "already been used" in text(again)
    assert choose(app, link, "yet another passphrase").status_code == 200
    assert sign_in(app.test_client(), "new.colleague@body.kz", NEW_PASSWORD).status_code == 302  # unchanged

    actions = [(actor, action) for actor, action, _ in audit(store)]
    assert ("admin@body.kz", "account-create") in actions and ("admin@body.kz", "password-link") in actions
    assert ("new.colleague@body.kz", "password-set") in actions
    assert ("new.colleague@body.kz", "password-link-refused") in actions


def test_an_expired_or_forged_link_is_refused_and_logged(app, store, monkeypatch):
    hours = app.config["PASSWORD_LINK_HOURS"]
    with store.transaction() as session:
        user = accounts.create(session, "late@body.kz", None, "trainer")
        with monkeypatch.context() as past:  # a link made a little longer ago than it lasts
            past.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - hours * 3600 - 5)
            link = "http://survey.test/hr/set-password/" + password_links.issue(session, user, app.secret_key)
    page = app.test_client().get(path_of(link))
    assert page.status_code == 200 and "This link has expired" in text(page)
    assert choose(app, link).status_code == 200
    assert sign_in(app.test_client(), "late@body.kz", NEW_PASSWORD).status_code == 200

    forged = app.test_client().get(path_of(link)[:-3] + "abc")
    assert "not valid" in text(forged)
    refusals = [(actor, detail) for actor, action, detail in audit(store) if action == "password-link-refused"]
    assert refusals[0][0] == "late@body.kz" and "expired" in refusals[0][1]
    assert refusals[-1][0] == "unknown"


def test_a_newer_link_replaces_the_older_one(app, admin, store):
    first = shown_link(post(admin, "/hr/accounts/", email="twice@body.kz", role="hr"))
    account = user_id(store, "twice@body.kz")
    second = shown_link(post(admin, f"/hr/accounts/{account}/reset", f"/hr/accounts/{account}"))
    assert "already been used or replaced" in text(app.test_client().get(path_of(first)))
    assert choose(app, second).status_code == 302


def test_a_duplicate_or_malformed_address_is_refused(admin):
    response = post(admin, "/hr/accounts/", email="hr@body.kz", role="hr")
    assert response.status_code == 422 and "already exists" in text(response)
    assert post(admin, "/hr/accounts/", email="not an address", role="hr").status_code == 422
    assert post(admin, "/hr/accounts/", email="x@body.kz", role="root").status_code == 422


def test_with_a_mail_server_the_link_is_e_mailed_and_no_password_travels(app, admin, smtp):  # noqa: F811
    response = post(admin, "/hr/accounts/?lang=ru", "/hr/accounts/", email="mailed@body.kz", role="hr")
    assert "отправлено письмо с одноразовой ссылкой" in text(response) and 'id="link"' not in text(response)
    (message,) = smtp.inbox.messages().values()
    assert message["To"] == "mailed@body.kz" and message["Content-Language"] == "ru"
    assert message["Subject"] == "Bagalau 360: Ваша учётная запись"
    body = message.get_content()
    link = re.search(r"http://\S+/hr/set-password/\S+", body).group(0)
    assert choose(app, link).status_code == 302
    assert NEW_PASSWORD not in body and PASSWORD not in body


def test_when_mail_fails_the_link_is_shown_and_the_reason_told(app, admin, smtp, store):  # noqa: F811
    smtp.inbox.refuse.add("refused@body.kz")
    response = post(admin, "/hr/accounts/", email="refused@body.kz", role="hr")
    assert "could not be sent" in text(response) and "550" in text(response)
    assert choose(app, shown_link(response)).status_code == 302
    assert any("e-mail failed" in detail for _, action, detail in audit(store) if action == "password-link")


# --- reset, release, disable, role ------------------------------------------------------------

def test_a_reset_stops_the_old_password_and_every_session(app, admin, staff, store):
    hr = staff("hr")
    account = user_id(store, "hr@body.kz")
    response = post(admin, f"/hr/accounts/{account}/reset", f"/hr/accounts/{account}")
    assert hr.get("/hr/").status_code == 302
    assert sign_in(app.test_client(), "hr@body.kz", PASSWORD).status_code == 200
    assert choose(app, shown_link(response)).status_code == 302
    assert sign_in(app.test_client(), "hr@body.kz", NEW_PASSWORD).status_code == 302
    assert ("admin@body.kz", "account-reset", "hr@body.kz") in audit(store)


def test_the_manager_releases_a_held_back_sign_in(app, admin, staff, store):
    place = app.test_client()
    for _ in range(signin.FREE_FAILURES):
        sign_in(place, "hr@body.kz", "wrong password!")
    assert sign_in(place, "hr@body.kz", PASSWORD).status_code == 429
    account = user_id(store, "hr@body.kz")
    assert "Sign-in held back" in text(admin.get(f"/hr/accounts/{account}"))
    response = post(admin, f"/hr/accounts/{account}/unlock", f"/hr/accounts/{account}")
    assert response.status_code == 302
    assert "no longer held back" in text(admin.get(response.headers["Location"]))
    assert sign_in(place, "hr@body.kz", PASSWORD).status_code == 302
    assert any(action == "account-unlock" for _, action, _ in audit(store))


def test_disabling_ends_the_sessions_and_sign_in_looks_like_a_wrong_password(app, admin, staff, store):
    hr = staff("hr")
    account = user_id(store, "hr@body.kz")
    assert post(admin, f"/hr/accounts/{account}/disable", f"/hr/accounts/{account}").status_code == 302
    assert hr.get("/hr/").status_code == 302
    refused = sign_in(app.test_client(), "hr@body.kz", PASSWORD)
    assert refused.status_code == 200 and "Wrong e-mail or password" in text(refused)
    assert "Disabled" in text(admin.get("/hr/accounts/"))
    assert post(admin, f"/hr/accounts/{account}/enable", f"/hr/accounts/{account}").status_code == 302
    assert sign_in(app.test_client(), "hr@body.kz", PASSWORD).status_code == 302
    actions = [a for _, a, _ in audit(store)]
    assert "account-disable" in actions and "account-enable" in actions


def test_a_new_role_ends_the_sessions_and_holds_from_the_next_sign_in(app, admin, staff, store):
    hr = staff("hr")
    assert hr.get("/hr/quality/").status_code == 403
    account = user_id(store, "hr@body.kz")
    response = post(admin, f"/hr/accounts/{account}/role", f"/hr/accounts/{account}", role="hr-head")
    assert response.status_code == 302
    assert hr.get("/hr/").status_code == 302
    head = app.test_client()
    sign_in(head, "hr@body.kz")
    assert head.get("/hr/quality/").status_code == 200
    assert ("admin@body.kz", "account-role", "hr@body.kz: hr → hr-head") in audit(store)


def test_a_manager_cannot_shut_themselves_out_nor_remove_the_last_manager(app, admin, store, runner):
    me = user_id(store, "admin@body.kz")
    refused = post(admin, f"/hr/accounts/{me}/disable", f"/hr/accounts/{me}")
    assert refused.status_code == 422 and "your own account" in text(refused)
    assert post(admin, f"/hr/accounts/{me}/role", f"/hr/accounts/{me}", role="hr").status_code == 422
    result = runner.invoke("users", "role", "admin@body.kz", "hr")
    assert result.exit_code == 1 and "last account manager" in result.output
    assert runner.invoke("users", "disable", "admin@body.kz").exit_code == 1
    assert admin.get("/hr/accounts/").status_code == 200


# --- the same from the command line -------------------------------------------------------------

def test_the_command_line_manages_accounts_too(app, runner, store, staff):
    result = runner.invoke("users", "create", "cli@body.kz", "--role", "trainer", "--link")
    assert result.exit_code == 0, result.output
    link = re.search(r"http://survey\.test/hr/set-password/\S+", result.output).group(0)
    assert choose(app, link).status_code == 302

    listed = runner.invoke("users", "list").output
    assert re.search(r"^cli@body\.kz\ttrainer\tactive\tnever\tlocal$", listed, re.MULTILINE), listed

    assert runner.invoke("users", "role", "cli@body.kz", "hr").exit_code == 0
    assert runner.invoke("users", "disable", "cli@body.kz").exit_code == 0
    assert "\thr\tdisabled\t" in runner.invoke("users", "list").output
    assert runner.invoke("users", "enable", "cli@body.kz").exit_code == 0
    reset = runner.invoke("users", "reset", "cli@body.kz")
    assert reset.exit_code == 0 and "/hr/set-password/" in reset.output
    assert "\tinvited\t" in runner.invoke("users", "list").output
    assert runner.invoke("users", "unlock", "cli@body.kz").exit_code == 0
    missing = runner.invoke("users", "disable", "nobody@body.kz")
    assert missing.exit_code == 1 and "no account" in missing.output

    actions = [(actor, action) for actor, action, _ in audit(store) if actor == "survey users"]
    for action in ("account-create", "password-link", "account-role", "account-disable", "account-enable",
                   "account-reset", "account-unlock"):
        assert ("survey users", action) in actions, action


# --- in Kazakh and Russian ----------------------------------------------------------------------

@pytest.mark.parametrize("language, words", [("kk", ["Қызметкерлердің тіркелгілері", "Тіркелгілер әкімшісі"]),
                                             ("ru", ["Учётные записи сотрудников", "Администратор учётных записей"])])
def test_the_account_pages_speak_kazakh_and_russian(admin, store, language, words):
    page = text(admin.get(f"/hr/accounts/?lang={language}"))
    for word in words:
        assert word in page
    account = text(admin.get(f"/hr/accounts/{user_id(store, 'hr@body.kz')}"))
    assert f'<html lang="{language}">' in account


def test_the_migration_keeps_the_accounts_and_admits_the_new_role(store):
    from sqlalchemy import inspect, text as sql

    store.drop_all()
    store.upgrade("0005")
    with store.engine.begin() as connection:
        connection.execute(sql("INSERT INTO users (email, password_hash, role, failed_logins) "
                               "VALUES ('hr@body.kz', 'scrypt:x', 'hr', 3)"))
    store.upgrade()
    with store.transaction() as session:
        (user,) = session.scalars(select(User)).all()
        assert (user.email, user.role, user.session_version, user.disabled_at) == ("hr@body.kz", "hr", 0, None)
        accounts.create(session, "admin@body.kz", PASSWORD, "admin")
    assert "failed_logins" not in {c["name"] for c in inspect(store.engine).get_columns("users")}
    store.downgrade("0005")
    with store.engine.connect() as connection:
        assert connection.execute(sql("SELECT email, role FROM users")).all() == [("hr@body.kz", "hr")]
    store.upgrade()
