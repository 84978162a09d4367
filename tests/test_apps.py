"""Two applications over one domain: the public one (respondents, assessees) and the staff one.
Each is built alone here, as the two services of a production set-up, and together, as the
embedded default serves them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.campaigns import tokens
from survey.core.models import Invitation
from survey.web import public, staff

SECRET = "test-secret-key-not-for-production"


@pytest.fixture
def config(app):
    return {"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": SECRET,
            "RATELIMIT_ENABLED": False, "JOBS_DIR": app.config["JOBS_DIR"]}


@pytest.fixture
def token(store, open_campaign):
    with store.transaction() as session:
        key = session.scalars(select(Invitation.key).order_by(Invitation.id)).first()
    return tokens.sign(SECRET, key)


def _hooks(app) -> set[str]:
    functions = [f for group in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                                 app.template_context_processors) for fs in group.values() for f in fs]
    return {f.__module__ for f in functions}


def test_the_public_application_serves_the_questionnaire_and_nothing_of_staff(config, token):
    app = public.create_app(config)
    client = app.test_client()
    page = client.get(f"/r/{token}")
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True)
    for path in ("/hr/login", "/hr/", "/trainer/", "/hr/campaigns/1/results.xlsx"):
        assert client.get(path).status_code == 404, path
    assert client.post("/hr/login", data={"email": "a@b.kz", "password": "x"}).status_code in (404, 405)
    assert not any(m.startswith(("survey.web.staff", "flask_wtf")) for m in _hooks(app))
    assert "csrf" not in app.extensions
    assert client.get("/healthz").get_data(as_text=True) == "ok\n"


def test_the_public_application_sets_no_cookie_on_any_answer(config, token):
    client = public.create_app(config).test_client()
    responses = [client.get("/"), client.get(f"/r/{token}"), client.get(f"/r/{token}?lang=ru"),
                 client.post(f"/r/{token}", data={"action": "save"}), client.get("/r/forged"),
                 client.get("/report/forged"), client.get("/thanks"), client.get("/nowhere")]
    assert [r.headers.get("Set-Cookie") for r in responses] == [None] * len(responses)
    assert client.get_cookie("session") is None


def test_the_staff_application_serves_no_respondent_page(config, token, store):
    from survey.staff import accounts

    with store.transaction() as session:
        accounts.create(session, "hr@body.kz", "correct horse battery", "hr")
    app = staff.create_app(config)
    client = app.test_client()
    assert client.get(f"/r/{token}").status_code == 404
    assert client.get("/report/anything").status_code == 404
    assert client.get("/hr/login").status_code == 200
    assert client.get("/").status_code == 302 and "/hr/" in client.get("/").headers["Location"]
    assert "auth" in {m.rsplit(".", 1)[-1] for m in _hooks(app)}


def test_one_process_serves_both_by_path(app, client, token):
    assert client.get(f"/r/{token}").status_code == 200
    assert client.get("/hr/login").status_code == 200
    public_app = app.extensions["survey.public"]
    assert public_app is not app and public_app.config is app.config
    assert "<form" in client.get(f"/r/{token}").get_data(as_text=True)


def test_each_application_has_its_own_error_page(config):
    public_page = public.create_app(config).test_client().get("/missing?lang=en").get_data(as_text=True)
    staff_page = staff.create_app(config).test_client().get("/hr/missing?lang=en").get_data(as_text=True)
    assert "Page not found" in public_page and "Page not found" in staff_page
    assert 'href="/hr/"' in staff_page and "/hr/" not in public_page


def test_no_page_makes_the_browser_ask_for_a_missing_icon(config, token):
    """Without an icon named in the page, a browser requests /favicon.ico, gets a 404 and logs it
    as an error in its console (Lighthouse's best practices count it)."""
    public_client = public.create_app(config).test_client()
    staff_client = staff.create_app(config).test_client()
    pages = [public_client.get("/"), public_client.get(f"/r/{token}"), public_client.get("/missing"),
             staff_client.get("/hr/login"), staff_client.get("/hr/missing")]
    for page in pages:
        assert '<link rel="icon" href="data:,">' in page.get_data(as_text=True), page.request.path
        assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    assert public_client.get("/favicon.ico").status_code == 404  # so the page must name its icon
