"""Finding 1: a flood of form fields kept workers busy without signing in.

A 16 MB urlencoded body of 1.7 million fields to ``/r/AAAA`` took 11.8 s to be answered 404, since
the form was parsed before the link was checked; a signed-out ``POST /hr/campaigns`` of 600,000
fields took 5.4 s, since CSRF and the sign-in check read the form first. Here no parser may run on
such a body: ``FormDataParser.parse`` fails the test if it is called.
"""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.formparser import FormDataParser

from survey.campaigns import tokens
from survey.core.models import Assessment, Invitation
from survey.web import public

SECRET = "test-secret-key-not-for-production"
URLENCODED = "application/x-www-form-urlencoded"


def fields(count: int, field: bytes = b"a=123456") -> bytes:
    """``count`` fields of nine bytes each with their ``&``: 1.7 million make 15.3 MB, under the
    16 MB any body was allowed."""
    return (field + b"&") * count


@pytest.fixture
def no_parsing(monkeypatch):
    """Any form parsed from here on fails the test: the request must be refused before that."""
    def parse(self, stream, mimetype, content_length, options=None):
        raise AssertionError(f"a {content_length}-byte {mimetype} body was parsed")

    monkeypatch.setattr(FormDataParser, "parse", parse)


def head_token(store) -> str:
    """A link to the largest questionnaire: the head's, 36 questions."""
    with store.transaction() as session:
        key = session.scalars(select(Invitation.key).join(Assessment).where(Assessment.instrument == "head")
                              .order_by(Invitation.id)).first()
    return tokens.sign(SECRET, key)


def test_a_forged_link_is_refused_before_its_body_is_parsed(client, no_parsing):
    body = fields(1_700_000)
    assert len(body) < 16 * 1024 * 1024
    response = client.post("/r/AAAA", data=body, content_type=URLENCODED)
    assert response.status_code == 404
    # The same holds for a well-formed link signed with another key, and for any content type.
    forged = tokens.sign("another-secret", "0" * 32)
    multipart = client.post(f"/r/{forged}", data=b"--x\r\n" * 100_000,
                            content_type="multipart/form-data; boundary=x")
    assert multipart.status_code == 404


def test_a_respondent_body_is_held_to_the_size_and_fields_of_a_questionnaire(app, client, store, open_campaign,
                                                                            monkeypatch):
    token = head_token(store)
    answers = {q.id: "3" for q in app.extensions["survey.instruments"]["head"].questions}
    assert len(answers) == 36

    with monkeypatch.context() as patch:
        patch.setattr(FormDataParser, "parse", lambda *a, **k: pytest.fail("the flood was parsed"))
        flood = client.post(f"/r/{token}", data=fields(1_700_000), content_type=URLENCODED)
        assert flood.status_code == 413
        page = flood.get_data(as_text=True)
        assert "413 ·" in page and "/hr/" not in page  # the public application's own error page
        assert flood.headers.get("Set-Cookie") is None

    # Under the size limit, more fields than a form has are refused before they are split off.
    small_flood = client.post(f"/r/{token}", data=fields(1_000, b"a"), content_type=URLENCODED)
    assert small_flood.status_code == 413
    just_over = client.post(f"/r/{token}", data=b"x=" + b"1" * app.config["MAX_FORM_MEMORY_SIZE"],
                            content_type=URLENCODED)
    assert just_over.status_code == 413
    # A multipart body is held to the same limits.
    parts = b"".join(b"--x\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n1\r\n" % i for i in range(600))
    assert client.post(f"/r/{token}", data=parts + b"--x--\r\n",
                       content_type="multipart/form-data; boundary=x").status_code == 413

    # The largest questionnaire, saved as a draft first, then submitted, passes well inside them.
    saved = client.post(f"/r/{token}", data={"action": "save", **dict(list(answers.items())[:20])})
    assert saved.status_code == 302
    submitted = client.post(f"/r/{token}", data={"action": "submit", **answers})
    assert submitted.status_code == 302 and "/thanks" in submitted.headers["Location"]


def test_the_public_application_alone_applies_the_same_limits(app, open_campaign, store):
    config = {"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": SECRET,
              "RATELIMIT_ENABLED": False, "JOBS_DIR": app.config["JOBS_DIR"]}
    client = public.create_app(config).test_client()
    token = head_token(store)
    assert client.post(f"/r/{token}", data=fields(100_000), content_type=URLENCODED).status_code == 413
    assert client.post("/r/AAAA", data=fields(100_000), content_type=URLENCODED).status_code == 404


def test_a_signed_out_flood_of_fields_to_a_staff_form_is_refused_before_parsing(client, no_parsing):
    body = fields(600_000)
    response = client.post("/hr/campaigns", data=body, content_type=URLENCODED)
    assert response.status_code == 413
    assert client.post("/hr/login", data=body, content_type=URLENCODED).status_code == 413


def test_staff_forms_are_held_to_the_form_limits_and_uploads_are_not(app, hr_client):
    from conftest import csrf

    # Under the size limit, too many fields: refused before they are split off, signed in or not.
    token = csrf(hr_client, "/hr/")
    small_flood = fields(1_000, b"a") + b"csrf_token=" + token.encode()
    assert hr_client.post("/hr/campaigns", data=small_flood, content_type=URLENCODED).status_code == 413
    assert app.test_client().post("/hr/campaigns", data=small_flood, content_type=URLENCODED).status_code == 413
    # A multipart flood stops at MAX_FORM_PARTS in Werkzeug's own parser.
    parts = b"".join(b"--x\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n1\r\n" % i for i in range(100_000))
    assert hr_client.post("/hr/people", data=parts + b"--x--\r\n",
                          content_type="multipart/form-data; boundary=x").status_code == 413

    # A roster file far larger than a form still uploads: the form limits leave files alone.
    rows = ["employee_id,full_name,position,unit,role,manager_id,email,language", "D1,Director,Head,Unit,head,,,kk"]
    rows += [f"S{i},Servant {i},Expert,Unit,servant,D1,s{i}@body.kz,ru" for i in range(3_000)]
    data = ("\n".join(rows) + "\n").encode()
    assert len(data) > app.config["MAX_FORM_MEMORY_SIZE"]
    response = hr_client.post("/hr/people", data={"csrf_token": csrf(hr_client, "/hr/people"),
                                                  "file": (io.BytesIO(data), "roster.csv")},
                              content_type="multipart/form-data")
    assert response.status_code == 302 and "imported=3001" in response.headers["Location"]


def test_refused_links_still_count_against_the_rate_limit(database_url, no_parsing, tmp_path):
    from survey import create_app

    # Counters of its own: the default file in the checkout's instance folder outlives a test run.
    client = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": True,
                         "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'counters.sqlite'}",
                         "RATELIMIT_RESPONDENT": "3 per minute"}).test_client()
    statuses = [client.post("/r/AAAA", data=fields(100_000), content_type=URLENCODED).status_code for _ in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
