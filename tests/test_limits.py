"""Rate limits on sign-in and on respondent links."""
from survey import create_app
from survey.web.common import database as database


def limited_app(database_url, **limits):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "limits", "RATELIMIT_ENABLED": True, **limits})
    database.get_db(app).create_all()
    return app


def test_sign_in_attempts_are_limited_per_address(database_url):
    from conftest import sign_in

    client = limited_app(database_url, RATELIMIT_LOGIN="3 per minute").test_client()
    statuses = [sign_in(client, "a@b.kz", "wrong password").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert client.get("/hr/login").status_code == 200  # reading the form is not limited


def test_respondent_links_are_limited_per_address(database_url):
    client = limited_app(database_url, RATELIMIT_RESPONDENT="4 per minute").test_client()
    statuses = [client.get("/r/forged").status_code for _ in range(6)]
    assert statuses == [404] * 4 + [429] * 2
    other = client.get("/r/forged", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404
