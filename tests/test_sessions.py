"""Staff sessions end: on sign-out everywhere, on a new password, after a time idle, after a working day."""
from __future__ import annotations

import pytest

from conftest import PASSWORD, csrf, sign_in
from survey.staff import sessions


def copy_of(app, client):
    """A second browser holding the same session cookie, as someone who copied it would."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, staff, open_campaign):
    hr = staff("hr")
    thief = copy_of(app, hr)
    assert thief.get("/hr/campaigns/1/links.csv").status_code == 200
    hr.post("/hr/logout", data={"csrf_token": csrf(hr, "/hr/")})
    for path in ("/hr/", "/hr/campaigns/1/links.csv"):
        response = thief.get(path)
        assert response.status_code == 302 and "/hr/login" in response.headers["Location"], path


def test_signing_out_ends_the_sessions_on_other_computers_too(app, staff):
    office, laptop = staff("hr"), staff("hr")
    office.post("/hr/logout", data={"csrf_token": csrf(office, "/hr/")})
    assert laptop.get("/hr/").status_code == 302
    assert staff("hr").get("/hr/").status_code == 200  # and signing in again works


def test_a_session_ended_elsewhere_says_so_on_the_sign_in_page(app, staff):
    hr = staff("hr")
    other = staff("hr")
    other.post("/hr/logout", data={"csrf_token": csrf(other, "/hr/")})
    page = hr.get("/hr/", follow_redirects=True).get_data(as_text=True)
    assert "Your session has ended" in page


@pytest.fixture
def clock(monkeypatch):
    """Time that a test moves on by hand."""
    now = [sessions.clock()]
    monkeypatch.setattr(sessions, "clock", lambda: now[0])

    def advance(minutes):
        now[0] += minutes * 60

    return advance


def test_a_session_ends_after_the_idle_time_and_activity_keeps_it(app, staff, clock):
    hr = staff("hr")
    for _ in range(4):  # two hours of work, a page every 29 minutes
        clock(29)
        assert hr.get("/hr/").status_code == 200
    clock(31)
    response = hr.get("/hr/", follow_redirects=True)
    assert "signed out after a time without activity" in response.get_data(as_text=True)


def test_a_busy_session_still_ends_at_its_absolute_limit(app, staff, clock):
    app.config["SESSION_MAX_HOURS"] = 2
    hr = staff("hr")
    for _ in range(4):
        clock(29)
        assert hr.get("/hr/").status_code == 200
    clock(5)
    assert hr.get("/hr/").status_code == 302


def test_the_time_limits_come_from_the_configuration(app, staff, clock):
    app.config["SESSION_IDLE_MINUTES"] = 5
    hr = staff("hr")
    clock(6)
    assert hr.get("/hr/").status_code == 302


def test_a_password_change_keeps_this_session_and_ends_the_others(app, staff):
    here, elsewhere = staff("hr"), staff("hr")
    new = "a much better passphrase"
    here.post("/hr/password", data={"csrf_token": csrf(here, "/hr/password"), "current": PASSWORD,
                                    "new": new, "repeat": new})
    assert here.get("/hr/").status_code == 200
    assert elsewhere.get("/hr/").status_code == 302
    assert sign_in(app.test_client(), "hr@body.kz", new).status_code == 302


def test_a_forged_or_old_style_cookie_opens_nothing(app, staff):
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["user_id"] = 1
        cookie["staff"] = {"uid": "1"}
    assert client.get("/hr/").status_code == 302
