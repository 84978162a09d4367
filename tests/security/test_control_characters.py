"""Finding 3: control characters where only text belongs.

CR LF in the sign-in ``next`` parameter gave a 500 (the redirect's Location header cannot hold
it); a NUL in a roster value was accepted, to be stored (PostgreSQL refuses it) and exported
(XML cannot hold it).
"""
from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import quote

import pytest
from sqlalchemy import select

from survey.core.models import Person

HEADER = "employee_id,full_name,position,unit,role,manager_id,email,language"


def sign_in_to(client, next_: str, email: str = "hr@body.kz"):
    from conftest import PASSWORD, csrf

    return client.post(f"/hr/login?next={quote(next_, safe='')}",
                       data={"csrf_token": csrf(client, "/hr/login"), "email": email, "password": PASSWORD})


@pytest.mark.parametrize("next_", ["/hr/\r\nSet-Cookie: stolen=1", "/hr/people\n", "/hr/\x00", "/hr/\x7f",
                                   "/trainer/\tx"])
def test_a_control_character_in_next_sends_to_the_home_page(app, staff, next_):
    response = sign_in_to(app.test_client(), next_)
    assert response.status_code == 302
    assert response.headers["Location"] == "/hr/"
    assert "stolen" not in str(response.headers)


def test_a_plain_next_is_still_followed(app, staff):
    response = sign_in_to(app.test_client(), "/hr/people?q=Асан")
    assert response.status_code == 302 and response.headers["Location"].startswith("/hr/people?q=")


def upload(client, data: bytes, lang: str = "en"):
    from conftest import csrf

    return client.post(f"/hr/people?lang={lang}", data={"csrf_token": csrf(client, "/hr/people"),
                                                        "file": (io.BytesIO(data), "roster.csv")},
                       content_type="multipart/form-data")


def errors(response) -> list[str]:
    return [unescape(e) for e in re.findall(r"<li>(roster\.csv:\d+: [^<]*)</li>", response.get_data(as_text=True))]


def test_a_nul_or_other_control_character_in_a_roster_is_refused_at_its_row(hr_client, store):
    roster = "\n".join([HEADER, "D1,Director,Head,Unit,head,,,ru", "H1,Head\x00One,Head,Unit,head,D1,,kk",
                        "S1,Servant,Expert\x1b[31m,Unit,servant,H1,,kk", "S2,Servant Two,Expert,Unit,servant,H1,,kk"])
    response = upload(hr_client, roster.encode())
    assert response.status_code == 422
    assert errors(response) == [
        "roster.csv:3: full_name contains a control character (U+0000); type the value again",
        "roster.csv:4: position contains a control character (U+001B); type the value again"]
    with store.transaction() as session:
        assert session.scalars(select(Person)).first() is None

    russian = upload(hr_client, roster.encode(), "ru").get_data(as_text=True)
    kazakh = upload(hr_client, roster.encode(), "kk").get_data(as_text=True)
    assert "full_name содержит управляющий символ (U+0000)" in russian
    assert "full_name мәнінде басқару таңбасы бар (U+0000)" in kazakh

    # Tabs and line breaks are text: a position typed on two lines (Alt+Enter) still imports.
    fine = "\n".join([HEADER, "D1,Director,Head,Unit,head,,,ru", 'H1,Head One,"Head of\r\nUnit\tA",Unit,head,D1,,kk'])
    assert upload(hr_client, fine.encode()).status_code == 302
