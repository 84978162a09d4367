"""The second factor: enrolment with a QR code, sign-in with a one-time code or a recovery code,
required for the roles a body names, off by default."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from conftest import PASSWORD, csrf, sign_in
from survey.core.models import AuditEntry, User
from survey.staff import accounts, second_factor, signin


def text(response) -> str:
    return response.get_data(as_text=True)


def key_on(page: str) -> str:
    return re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")


def enter(client, path, code):
    page = "/hr/second-factor" if path.endswith("/off") else path
    return client.post(path, data={"csrf_token": csrf(client, page), "code": code})


def codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", page)


@pytest.fixture
def clock(monkeypatch):
    """Time that a test moves on by hand, for the codes; returns a function: seconds -> that moment."""
    start = time.time()
    now = [start]
    monkeypatch.setattr(second_factor, "clock", lambda: now[0])

    def at(seconds):
        now[0] = start + seconds
        return now[0]

    return at


def enrolled(client) -> tuple[pyotp.TOTP, list[str]]:
    """Sets up the second factor from the signed-in page; the app's TOTP and the recovery codes."""
    page = text(client.get("/hr/second-factor/enrol"))
    assert 'src="data:image/svg+xml' in page and "QR code to scan" in page
    totp = pyotp.TOTP(key_on(page))
    response = enter(client, "/hr/second-factor/enrol", totp.at(second_factor.clock()))
    assert response.status_code == 200, text(response)
    codes = codes_on(text(response))
    assert len(codes) == second_factor.RECOVERY_CODES
    return totp, codes


def password_step(app, email="hr@body.kz"):
    client = app.test_client()
    response = sign_in(client, email)
    return client, response


def audit(store):
    with store.transaction() as session:
        return [(e.actor, e.action, e.detail) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_off_by_default(app, staff):
    client, response = password_step(app)
    assert response.status_code == 302 and response.headers["Location"].endswith("/hr/")
    assert "Off: the password alone" in text(client.get("/hr/second-factor"))


def test_enrolment_then_sign_in_with_a_code_that_works_once(app, staff, store, clock):
    hr = staff("hr")
    totp, _codes = enrolled(hr)
    assert enter(hr, "/hr/second-factor/off", totp.at(clock(0))).status_code == 422  # the enrolment's code: spent
    assert hr.get("/hr/").status_code == 200  # enrolling keeps this session
    assert ("hr@body.kz", "second-factor-on", "hr@body.kz") in audit(store)

    client, response = password_step(app)
    assert response.status_code == 302 and "/hr/login/code" in response.headers["Location"]
    assert client.get("/hr/").status_code == 302  # the password alone opens nothing
    assert enter(client, "/hr/login/code", "000000").status_code == 200
    code = totp.at(clock(60))
    assert enter(client, "/hr/login/code", code).status_code == 302
    assert client.get("/hr/").status_code == 200

    again, _ = password_step(app)
    refused = enter(again, "/hr/login/code", code)  # the same code, replayed
    assert refused.status_code == 200 and "already used" in text(refused)
    assert enter(again, "/hr/login/code", totp.at(clock(90))).status_code == 302
    assert enter(password_step(app)[0], "/hr/login/code", totp.at(clock(300) - 30)).status_code == 302  # a slow clock


def test_a_recovery_code_signs_in_once(app, staff, store, clock):
    hr = staff("hr")
    _totp, codes = enrolled(hr)
    client, _ = password_step(app)
    assert enter(client, "/hr/login/code", codes[0].upper()).status_code == 302
    assert any(action == "sign-in" and "recovery" in detail for _, action, detail in audit(store))
    assert "9 recovery codes left" in text(client.get("/hr/second-factor"))
    other, _ = password_step(app)
    assert enter(other, "/hr/login/code", codes[0]).status_code == 200


def test_wrong_codes_are_held_back_like_wrong_passwords(app, staff):
    enrolled(staff("hr"))
    client, _ = password_step(app)
    for _ in range(signin.FREE_FAILURES):
        assert enter(client, "/hr/login/code", "123456").status_code == 200
    held = enter(client, "/hr/login/code", "123456")
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0


def test_a_required_role_is_led_through_enrolment_at_sign_in(app, staff, store):
    app.config["TOTP_REQUIRED_ROLES"] = "hr-head, admin"
    client, response = password_step(app, "hr-head@body.kz")
    assert "/hr/login/enrol" in response.headers["Location"]
    assert client.get("/hr/").status_code == 302
    page = text(client.get("/hr/login/enrol"))
    assert "Your role signs in with a one-time code" in page
    totp = pyotp.TOTP(key_on(page))
    assert enter(client, "/hr/login/enrol", "000000").status_code == 422
    done = enter(client, "/hr/login/enrol", totp.now())
    assert done.status_code == 200 and len(codes_on(text(done))) == second_factor.RECOVERY_CODES
    assert client.get("/hr/").status_code == 200
    assert "cannot be turned off" in text(client.get("/hr/second-factor"))
    # Roles not named sign in as before.
    assert password_step(app, "hr@body.kz")[1].headers["Location"].endswith("/hr/")


def test_a_stale_password_step_opens_nothing(app, staff, monkeypatch):
    from survey.web.staff import second_factor as pages

    enrolled(staff("hr"))
    client, _ = password_step(app)
    start = time.time()
    monkeypatch.setattr("survey.staff.sessions.clock", lambda: start + pages.PENDING_SECONDS + 1)
    response = client.get("/hr/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/hr/login")


def test_turning_off_needs_a_code_and_the_manager_can_remove_it(app, staff, store, runner, clock):
    hr = staff("hr")
    totp, _codes = enrolled(hr)
    refused = enter(hr, "/hr/second-factor/off", "000000")
    assert refused.status_code == 422
    assert enter(hr, "/hr/second-factor/off", totp.at(clock(30))).status_code == 302
    assert "The second factor is off" in text(hr.get("/hr/second-factor?done=off"))

    enrolled(hr)
    assert runner.invoke("users", "second-factor-off", "hr@body.kz").exit_code == 0
    assert hr.get("/hr/").status_code == 302  # the sessions ended with it
    assert password_step(app)[1].headers["Location"].endswith("/hr/")
    assert ("survey users", "second-factor-off", "hr@body.kz") in audit(store)


def test_the_secret_is_stored_encrypted(app, staff, store):
    totp, _ = enrolled(staff("hr"))
    with store.transaction() as session:
        stored = session.scalar(select(User.totp_secret).where(User.email == "hr@body.kz"))
    assert totp.secret not in stored


def test_the_account_manager_removes_a_lost_second_factor_in_the_browser(app, staff, store):
    with store.transaction() as session:
        accounts.create(session, "admin@body.kz", PASSWORD, "admin")
        account = session.scalar(select(User.id).where(User.email == "hr@body.kz"))
    enrolled(staff("hr"))
    admin = app.test_client()
    sign_in(admin, "admin@body.kz")
    page = f"/hr/accounts/{account}"
    assert "Remove the second factor" in text(admin.get(page))
    response = admin.post(f"{page}/second-factor-off", data={"csrf_token": csrf(admin, page)})
    assert response.status_code == 302
    assert password_step(app)[1].headers["Location"].endswith("/hr/")


@pytest.mark.parametrize("language, word", [("kk", "Екінші фактор"), ("ru", "Второй фактор")])
def test_the_pages_speak_kazakh_and_russian(staff, language, word):
    hr = staff("hr")
    assert word in text(hr.get(f"/hr/second-factor?lang={language}"))
    assert word in text(hr.get("/hr/second-factor/enrol"))
