"""E-mail to raters, against a real SMTP server (aiosmtpd on loopback): one message per rater with
all their links, in their language; reminders only for what is still open; every attempt recorded;
nothing of the answers in any message; the HR page and buttons; the command line."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import re
import ssl
from urllib.parse import urlparse

import pytest
from aiosmtpd.smtp import AuthResult
from conftest import (MAIL_CAMPAIGN as NAME, SENDER, Server, csrf, mail_address as _address,
                      self_signed_certificate, wait_for_jobs)
from sqlalchemy import select

from survey.campaigns import lifecycle as campaigns, respond, tokens
from survey.mail import sending
from survey.operations import jobs
from survey.mail.settings import MailError, SmtpSettings
from survey.core.models import AuditEntry, Campaign, Invitation, Person, SentMessage

LINK = re.compile(r"http://survey\.test/r/\S+")
ITEM = re.compile(r"^\d+\. (.+)\n\s+(http://survey\.test/r/\S+)$", re.MULTILINE)


def _en(client):
    """Pages in English whatever the default language (the texts below are checked in English)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def hr_client(staff):
    return _en(staff("hr"))


def _decoded(content: bytes, name: str) -> str:
    """A header as received, decoded as RFC 2047 says (Python's address parser would put a space
    between two encoded words of one name)."""
    from email.header import decode_header, make_header

    return str(make_header(decode_header(email.message_from_bytes(content)[name])))




@pytest.fixture
def tls(tmp_path, monkeypatch):
    """A server context with a certificate the client trusts, and the logins tried against it."""
    cert_file, key_file = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert_file)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        ok = (auth_data.login, auth_data.password) == (b"hr", "пароль 123".encode())
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    return context, authenticator, logins


def _send(app, store, kind):
    settings = SmtpSettings.from_config(app.config)
    operation = sending.send_invitations if kind == "invitation" else sending.send_reminders
    with store.transaction() as session:
        campaign = session.get(Campaign, _campaign_id(session))
        return operation(session, campaign, settings, threshold=app.config["ANONYMITY_THRESHOLD"],
                         url_of=lambda key: tokens.url(app.config["BASE_URL"], app.secret_key, key))


def _campaign_id(session):
    return session.scalar(select(Campaign.id).where(Campaign.name == NAME))


def _invitations_of(store, eid):
    """(assessee name, is self, link) for every invitation of the rater ``eid``."""
    with store.transaction() as session:
        rater = session.scalar(select(Person).where(Person.employee_id == eid))
        found = session.scalars(select(Invitation).where(Invitation.rater_id == rater.id)).all()
        return [(i.assessment.assessee.full_name, i.relation == "self", i.key, i.done) for i in found]


def _url(app, key):
    return tokens.url(app.config["BASE_URL"], app.secret_key, key)


def _submit(app, store, eid, *, only_about=None, points="1"):
    """Answer the rater's invitations (all, or only the one about ``only_about``) as the form would."""
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        rater = session.scalar(select(Person).where(Person.employee_id == eid))
        for invitation in session.scalars(select(Invitation).where(Invitation.rater_id == rater.id)).all():
            if only_about and invitation.assessment.assessee.employee_id != only_about:
                continue
            instrument = instruments[invitation.assessment.instrument]
            answers = respond.read_answers(instrument, {q.id: points for q in instrument.questions})
            respond.submit(session, invitation, answers)


def _sent_rows(store):
    with store.transaction() as session:
        return [(m.rater_id, m.kind, m.ok, m.error) for m in session.scalars(select(SentMessage).order_by(SentMessage.id))]


def _ids(store):
    with store.transaction() as session:
        return {p.employee_id: p.id for p in session.scalars(select(Person))}


# --- Composing and sending ------------------------------------------------------------------------

def test_invitations_send_one_message_per_rater_listing_all_their_questionnaires(app, store, client, mail_campaign, smtp):
    outcome = _send(app, store, "invitation")

    assert (outcome.sent, outcome.failed, outcome.without_email) == (6, 0, ["Servant 5"])
    received = smtp.inbox.messages()
    assert set(received) == {_address(e) for e in ("D1", "H1", "S1", "S2", "S3", "S4")}
    assert all(sender == "hr@body.kz" for sender, _, _ in smtp.inbox.received)

    for eid in ("S1", "S2", "H1", "D1"):
        body = received[_address(eid)].get_content()
        expected = _invitations_of(store, eid)
        links = LINK.findall(body)
        assert len(links) == len(expected) == len(set(links))
        assert sorted(links) == sorted(_url(app, key) for _, _, key, _ in expected)
    # S1 rates themself, their head, four peers and the director: all in one message.
    s1 = received[_address("S1")].get_content()
    assert len(LINK.findall(s1)) == 7

    # Each line names whom the link is about, and the link opens exactly that questionnaire.
    items = ITEM.findall(s1)
    assert len(items) == 7
    assert items[0][0].startswith("Самооценка")  # the self-assessment comes first
    named = sorted(label.split(",")[0] for label, _ in items[1:])
    assert named == ["Director", "Head One", "Servant 2", "Servant 3", "Servant 4", "Servant 5"]
    assert all(label.endswith(", Expert") for label, _ in items[1:])  # name and position
    for label, link in items:
        page = client.get(urlparse(link).path)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        whom = "Servant 1" if label.startswith("Самооценка") else label.split(",")[0]
        assert f"<strong>{whom}</strong>" in html

    ids = _ids(store)
    rows = _sent_rows(store)
    assert sorted(r[0] for r in rows) == sorted(ids[e] for e in ("D1", "H1", "S1", "S2", "S3", "S4"))
    assert all(kind == "invitation" and ok and error == "" for _, kind, ok, error in rows)


def test_each_message_is_in_the_raters_language_with_headers(app, store, mail_campaign, smtp):
    _send(app, store, "invitation")
    received = smtp.inbox.messages()
    with store.transaction() as session:
        closes = session.get(Campaign, _campaign_id(session)).closes_on

    ru, kk, en = received[_address("S1")], received[_address("S2")], received[_address("H1")]
    raw = {recipients[0]: content for _, recipients, content in smtp.inbox.received}
    for message, content in ((ru, raw[_address("S1")]), (kk, raw[_address("S2")]), (en, raw[_address("H1")])):
        assert message.get_content_type() == "text/plain"
        assert message.get_content_charset() == "utf-8"
        assert message["Subject"] and message["Message-ID"] and message["Date"]
        assert _decoded(content, "From") == SENDER
        assert _decoded(content, "Subject") == message["Subject"]
        assert message["Auto-Submitted"] == "auto-generated"

    assert "360 градусов" in ru["Subject"]
    body = ru.get_content()
    assert "Здравствуйте, Servant 1!" in body and "анкеты" in body
    assert "Самооценка (анкета о себе)" in body
    assert f"Последний день для ответов: {closes:%d.%m.%Y}" in body
    assert "не менее 3 коллег" in body and "без Вашего имени" in body and "не пересылайте" in body
    assert "службу управления персоналом" in body
    assert "Құрметті" not in body and "Dear" not in body
    assert ru["To"].addresses[0].display_name == "Servant 1" and ru["Content-Language"] == "ru"

    assert "360 әдісімен бағалау" in kk["Subject"]
    body = kk.get_content()
    assert "Құрметті Servant 2!" in body and "сауалнамаларды" in body
    assert "Өзін-өзі бағалау" in body
    assert f"Жауап берудің соңғы күні: {closes:%d.%m.%Y}" in body
    assert "кемінде 3 әріптестің" in body and "атыңызсыз" in body and "ешкімге жібермеңіз" in body
    assert "персоналды басқару қызметі" in body
    assert "Здравствуйте" not in body and "Dear" not in body

    body = en.get_content()
    assert "Dear Head One," in body and "Your self-assessment" in body
    assert f"Last day of answering: {closes.day} {closes:%B} {closes.year}" in body


def test_reminders_go_only_to_raters_with_open_questionnaires_and_list_only_those(app, store, mail_campaign, smtp):
    _submit(app, store, "S3")  # S3 has answered everything
    _submit(app, store, "S1", only_about="S2")  # S1 has answered one of seven
    done_s1 = [key for name, _, key, done in _invitations_of(store, "S1") if done]
    assert len(done_s1) == 1

    outcome = _send(app, store, "reminder")

    received = smtp.inbox.messages()
    assert set(received) == {_address(e) for e in ("D1", "H1", "S1", "S2", "S4")}
    assert (outcome.sent, outcome.failed, outcome.without_email) == (5, 0, ["Servant 5"])
    s1 = received[_address("S1")]
    assert "Напоминание" in s1["Subject"]
    body = s1.get_content()
    links = LINK.findall(body)
    open_s1 = [key for _, _, key, done in _invitations_of(store, "S1") if not done]
    assert sorted(links) == sorted(_url(app, key) for key in open_s1) and len(links) == 6
    assert _url(app, done_s1[0]) not in body and "Servant 2" not in body
    # The other raters' reminders list all their (still open) questionnaires.
    assert len(LINK.findall(received[_address("S2")].get_content())) == len(_invitations_of(store, "S2"))
    rows = _sent_rows(store)
    assert len(rows) == 5 and {kind for _, kind, _, _ in rows} == {"reminder"}
    assert _ids(store)["S3"] not in {r[0] for r in rows}


def test_a_refused_recipient_or_unusable_address_does_not_stop_the_batch(app, store, mail_campaign, smtp):
    smtp.inbox.refuse = {_address("S2")}
    with store.transaction() as session:  # passes the roster's check, but is no address for a header
        session.scalar(select(Person).where(Person.employee_id == "S3")).email = "<s3@body.kz>"
    outcome = _send(app, store, "invitation")
    assert (outcome.sent, outcome.failed) == (4, 2)
    reasons = dict(outcome.failures)
    assert set(reasons) == {"Servant 2", "Servant 3"} and "550" in reasons["Servant 2"]
    assert set(smtp.inbox.messages()) == {_address(e) for e in ("D1", "H1", "S1", "S4")}
    failed = {r[0]: r for r in _sent_rows(store) if not r[2]}
    ids = _ids(store)
    assert set(failed) == {ids["S2"], ids["S3"]} and {r[1] for r in failed.values()} == {"invitation"}
    assert "550" in failed[ids["S2"]][3] and failed[ids["S3"]][3]
    assert not [r for r in failed.values() if "http" in r[3]]


def test_a_dropped_connection_is_opened_again_and_the_batch_goes_on(app, store, mail_campaign, smtp):
    smtp.inbox.hang_up = {_address("H1")}
    outcome = _send(app, store, "invitation")
    assert (outcome.sent, outcome.failed) == (5, 1)
    assert outcome.failures == [("Head One", outcome.failures[0][1])] and "421" in outcome.failures[0][1]
    assert set(smtp.inbox.messages()) == {_address(e) for e in ("D1", "S1", "S2", "S3", "S4")}
    assert len(set(smtp.inbox.peers)) == 2  # one connection for the batch, one more after the drop


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_connection_with_login(app, store, mail_campaign, tls, security):
    context, authenticator, logins = tls
    # aiosmtpd counts only STARTTLS as encrypted for AUTH, so over implicit TLS it is allowed explicitly.
    options = ({"tls_context": context, "require_starttls": True} if security == "starttls"
               else {"ssl_context": context, "auth_require_tls": False})
    server = Server(authenticator=authenticator, auth_required=True, **options)
    server.start()
    try:
        app.config.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port, "MAIL_FROM": SENDER,
                           "SMTP_USERNAME": "hr", "SMTP_PASSWORD": "пароль 123", "SMTP_TIMEOUT": 10,
                           # no SMTP_SECURITY for starttls: it is the default when there is a login
                           "SMTP_SECURITY": None if security == "starttls" else "ssl"})
        assert _send(app, store, "invitation").sent == 6
        assert len(server.inbox.messages()) == 6 and logins == [(b"hr", "пароль 123".encode())]

        app.config["SMTP_PASSWORD"] = "wrong"
        outcome = _send(app, store, "reminder")
        assert (outcome.sent, outcome.failed) == (0, 6) and "535" in outcome.failures[0][1]
        assert "wrong" not in outcome.failures[0][1]
        assert len(server.inbox.received) == 6
    finally:
        server.stop()


def test_no_message_holds_anything_from_the_answers_and_no_link_is_logged(app, store, mail_campaign, smtp, caplog):
    instruments = app.extensions["survey.instruments"]
    _submit(app, store, "S3", points="5")
    _submit(app, store, "S4", only_about="H1", points="2")
    with store.transaction() as session:  # a saved draft as well
        invitation = session.scalars(select(Invitation).where(Invitation.rater_id == _ids(store)["S1"],
                                                              Invitation.relation == "self")).one()
        instrument = instruments[invitation.assessment.instrument]
        respond.save_draft(session, app.secret_key, invitation,
                           respond.read_answers(instrument, {q.id: "4" for q in instrument.questions}))
    smtp.inbox.refuse = {_address("S4")}  # a failure is logged too
    with caplog.at_level(logging.DEBUG):
        _send(app, store, "invitation")
        _send(app, store, "reminder")
    bodies = [m.get_content() for _, _, content in smtp.inbox.received
              for m in [email.message_from_bytes(content, policy=email.policy.default)]]
    assert len(bodies) == 5 + 4  # six invitations and five reminders, less the two refused
    texts = {t for i in instruments.values() for lang in ("kk", "ru", "en")
             for t in [i.title(lang)] + [c.name(lang) for c in i.competencies]
             + [q.text(lang) for q in i.questions] + [q.self_text(lang) for q in i.questions]
             + [o.label(lang) for o in i.scale]}
    for body in bodies:
        assert not [t for t in texts if t and t in body]
        # Apart from "360", the list numbers, names, the date, the threshold and the links, no digit
        # appears: no points, no counts of answers.
        without = LINK.sub("", body).replace(NAME, "")
        without = re.sub(r"^\d+\. |Servant \d|\d{2}\.\d{2}\.\d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|360", "", without,
                         flags=re.MULTILINE)
        assert re.findall(r"\d+", without) == [str(app.config["ANONYMITY_THRESHOLD"])]
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("survey"))
    assert "mail" in logged and "failed" in logged  # something was logged ...
    assert "/r/" not in logged and "survey.test" not in logged  # ... but never a link
    assert all("/r/" not in error for _, _, _, error in _sent_rows(store))


def test_a_mail_server_that_is_down_is_recorded_and_reported(app, store, mail_campaign, smtp, hr_client):
    smtp.stop()
    path = f"/hr/campaigns/{mail_campaign}/email"
    response = hr_client.post(path + "/invitations", data={"csrf_token": csrf(hr_client, path)})
    assert response.status_code == 302
    wait_for_jobs(store)
    page = hr_client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "0 sent, 6 failed, 1 without e-mail" in html and "finished" in html  # the job ran; the sends failed
    rows = _sent_rows(store)
    assert len(rows) == 6 and not any(ok for _, _, ok, _ in rows)
    assert all("ConnectionRefused" in error for _, _, _, error in rows)
    assert html.split("<h2>Messages sent</h2>")[1].count("ConnectionRefused") == 6  # the record shows why


# --- The HR page and buttons ----------------------------------------------------------------------

def test_the_page_counts_addresses_and_lists_raters_without_one(app, store, mail_campaign, smtp, hr_client):
    _submit(app, store, "S5")  # has no address and nothing open any more
    with store.transaction() as session:  # one more rater without an address, with open questionnaires
        session.scalar(select(Person).where(Person.employee_id == "S4")).email = ""
    html = hr_client.get(f"/hr/campaigns/{mail_campaign}/email").get_data(as_text=True)
    assert "Raters in this campaign: 7" in html
    assert "With an e-mail address: 5" in html
    assert "Without an e-mail address: 2" in html
    missing = html.split("Raters without an e-mail address", 1)[1].split("Messages sent", 1)[0]
    assert "Servant 5" in missing and "Servant 4" in missing and "Servant 1" not in missing
    assert "has open questionnaires" not in missing and "nothing open" not in missing  # who answered: not told
    assert "E-mail the invitations" in html and "not set up" not in html
    assert "No messages have been sent" in html
    # The campaign page links here.
    assert f'href="/hr/campaigns/{mail_campaign}/email"' in hr_client.get(f"/hr/campaigns/{mail_campaign}").get_data(as_text=True)


def test_the_page_lists_sending_not_the_files_prepared_for_download(store, mail_campaign, hr_client):
    """A links CSV prepared by a job is no sending: the page neither lists it nor waits for it."""
    with store.transaction() as session:
        campaign = session.get(Campaign, mail_campaign)
        jobs.start(session, "links-csv", campaign, "hr@body.kz", {"separator": ";"})
    html = hr_client.get(f"/hr/campaigns/{mail_campaign}/email").get_data(as_text=True)
    assert "links-csv" not in html and "Sending" not in html and 'http-equiv="refresh"' not in html


def test_buttons_send_record_audit_and_show_the_result(app, store, mail_campaign, smtp, staff):
    client = _en(staff("hr-head"))
    path = f"/hr/campaigns/{mail_campaign}/email"
    response = client.post(path + "/invitations", data={"csrf_token": csrf(client, path)})
    assert response.status_code == 302 and response.headers["Location"].startswith(path)
    wait_for_jobs(store)
    assert len(smtp.inbox.received) == 6
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "6 sent, 0 failed, 1 without e-mail" in html and "finished" in html
    record = html.split("Messages sent", 1)[1]
    assert record.count("<tr><td ") == 6 and "Director" in record and "Servant 5" not in record
    assert "Invitations were last sent on" in html

    _submit(app, store, "S3")
    response = client.post(path + "/reminders", data={"csrf_token": csrf(client, path)})
    assert response.status_code == 302
    wait_for_jobs(store)
    assert len(smtp.inbox.received) == 6 + 5
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "5 sent, 0 failed, 1 without e-mail" in html

    with store.transaction() as session:
        audit = [(e.actor, e.action, e.detail) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("email-%")).order_by(AuditEntry.id))]
    assert audit == [("hr-head@body.kz", "email-invitations", f"{NAME}: 6 sent, 0 failed, 1 without e-mail"),
                     ("hr-head@body.kz", "email-reminders", f"{NAME}: 5 sent, 0 failed, 1 without e-mail")]


def test_buttons_need_the_csrf_token_and_an_hr_role(app, store, mail_campaign, smtp, hr_client, staff, client):
    path = f"/hr/campaigns/{mail_campaign}/email"
    for action in ("/invitations", "/reminders"):
        assert hr_client.post(path + action).status_code == 400
        assert hr_client.post(path + action, data={"csrf_token": "forged"}).status_code == 400

    trainer = staff("trainer")
    assert trainer.get(path).status_code == 403
    token = csrf(trainer, "/trainer/")
    assert trainer.post(path + "/invitations", data={"csrf_token": token}).status_code == 403
    assert trainer.post(path + "/reminders", data={"csrf_token": token}).status_code == 403

    anonymous = client.get(path)
    assert anonymous.status_code == 302 and urlparse(anonymous.headers["Location"]).path == "/hr/login"
    token = csrf(client, "/hr/login")
    refused = client.post(path + "/invitations", data={"csrf_token": token})
    assert refused.status_code == 302 and urlparse(refused.headers["Location"]).path == "/hr/login"

    assert smtp.inbox.received == [] and _sent_rows(store) == []
    assert hr_client.get("/hr/campaigns/999/email").status_code == 404


def test_without_a_mail_server_configured_the_page_says_so_and_sending_is_refused(app, store, mail_campaign, hr_client, runner):
    assert not app.config.get("SMTP_HOST")
    path = f"/hr/campaigns/{mail_campaign}/email"
    page = hr_client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "E-mail is not set up" in html and "SURVEY_SMTP_HOST" in html
    assert "E-mail the invitations" not in html
    for action in ("/invitations", "/reminders"):
        refused = hr_client.post(path + action, data={"csrf_token": csrf(hr_client, path)})
        assert refused.status_code == 422
        assert "e-mail is not set up" in refused.get_data(as_text=True)
    result = runner.invoke("links", "email", NAME)
    assert result.exit_code == 1 and "e-mail is not set up" in result.output
    assert _sent_rows(store) == []


def test_sending_needs_an_open_campaign_whose_last_day_has_not_passed(app, store, mail_campaign, smtp, hr_client, runner):
    path = f"/hr/campaigns/{mail_campaign}/email"
    with store.transaction() as session:
        session.get(Campaign, mail_campaign).closes_on = dt.date.today() - dt.timedelta(days=1)
    refused = hr_client.post(path + "/invitations", data={"csrf_token": csrf(hr_client, path)})
    assert refused.status_code == 422 and "has passed" in refused.get_data(as_text=True)

    with store.transaction() as session:
        campaign = session.get(Campaign, mail_campaign)
        campaign.closes_on = dt.date.today()
        campaigns.close(session, campaign)
    for action in ("/invitations", "/reminders"):
        refused = hr_client.post(path + action, data={"csrf_token": csrf(hr_client, path)})
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert "is closed; this needs it to be open" in html and "Nothing was sent" in html
    page = hr_client.get(path).get_data(as_text=True)
    assert "only while the campaign is open" in page and "E-mail the invitations" not in page
    result = runner.invoke("links", "remind", NAME)
    assert result.exit_code == 1 and "is closed" in result.output
    assert smtp.inbox.received == [] and _sent_rows(store) == []


def test_wrong_settings_are_refused_with_a_message(app):
    with pytest.raises(MailError, match="not set up"):
        SmtpSettings.from_config({})
    with pytest.raises(MailError, match="MAIL_FROM"):
        SmtpSettings.from_config({"SMTP_HOST": "smtp.body.kz"})
    with pytest.raises(MailError, match="SMTP_SECURITY"):
        SmtpSettings.from_config({"SMTP_HOST": "smtp.body.kz", "MAIL_FROM": "hr@body.kz", "SMTP_SECURITY": "tls"})
    plain = SmtpSettings.from_config({"SMTP_HOST": "smtp.body.kz", "MAIL_FROM": "hr@body.kz"})
    assert (plain.port, plain.security, plain.username) == (25, "none", "")
    secured = SmtpSettings.from_config({"SMTP_HOST": "smtp.body.kz", "MAIL_FROM": "hr@body.kz",
                                             "SMTP_USERNAME": "hr", "SMTP_PASSWORD": 123456, "SMTP_PORT": "587"})
    assert (secured.port, secured.security, secured.password) == (587, "starttls", "123456")
    assert "123456" not in repr(secured)


# --- The command line -----------------------------------------------------------------------------

def test_command_line_sends_invitations_and_reminders(app, store, mail_campaign, smtp, runner):
    result = runner.invoke("links", "email", NAME)
    assert result.exit_code == 0, result.output
    assert "6 sent, 0 failed, 1 raters without an e-mail address" in result.output
    assert "Servant 5" in result.output and "http" not in result.output
    assert len(smtp.inbox.received) == 6

    _submit(app, store, "S3")
    result = runner.invoke("links", "remind", NAME)
    assert result.exit_code == 0, result.output
    assert "reminders" in result.output and "5 sent, 0 failed" in result.output
    assert _address("S3") not in {r for _, recipients, _ in smtp.inbox.received[6:] for r in recipients}

    assert runner.invoke("links", "email", "No such").exit_code == 1


def test_command_line_reports_failures_and_keeps_the_record(app, store, mail_campaign, smtp, runner):
    smtp.stop()
    result = runner.invoke("links", "email", NAME)
    assert result.exit_code == 1
    assert "0 sent, 6 failed" in result.output and "Error: 6 message(s) could not be sent" in result.output
    assert "Servant 1: ConnectionRefusedError" in result.output
    rows = _sent_rows(store)
    assert len(rows) == 6 and not any(ok for _, _, ok, _ in rows)
