"""Sign-in through the body's directory, against a real OpenLDAP server (Debian's slapd) started
here on loopback and filled with a few people and groups; local accounts keep working beside it."""
from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time

import ldap3
import pytest
from ldap3.utils.hashed import hashed
from sqlalchemy import select

from conftest import PASSWORD, csrf, sign_in
from survey.core.models import AuditEntry, User
from survey.staff import directory
from conftest import self_signed_certificate

SUFFIX = "dc=body,dc=kz"
ROOT_DN, ROOT_PASSWORD = f"cn=admin,{SUFFIX}", "root secret"
READER_DN, READER_PASSWORD = f"cn=reader,{SUFFIX}", "reader secret"
PEOPLE, GROUPS = f"ou=people,{SUFFIX}", f"ou=groups,{SUFFIX}"
# uid: (mail, password, groups)
PEOPLE_ENTRIES = {
    "aigul": ("aigul@body.kz", "Aigul's directory passphrase", ["hr"]),
    "marat": ("marat@body.kz", "Marat's directory passphrase", ["trainers"]),
    "saule": ("saule@body.kz", "Saule's directory passphrase", ["hr", "hr-head"]),
    "daulet": ("daulet@body.kz", "Daulet's directory passphrase", []),
    "hr": ("hr@body.kz", "the directory's own password", ["hr-head"]),  # also a local account
}
GROUP_ROLES = {f"cn=hr-head,{GROUPS}": "hr-head", f"cn=hr,{GROUPS}": "hr", f"cn=trainers,{GROUPS}": "trainer"}

CONFIG = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
{tls}
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root}"
rootpw "{root_password}"
directory {folder}/data
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slapd:
    """A throw-away slapd: its configuration, database and certificate live in one folder."""

    def __init__(self, folder, *, tls: bool = False):
        server = shutil.which("slapd") or "/usr/sbin/slapd"
        assert shutil.os.access(server, shutil.os.X_OK), \
            "slapd is needed for these tests: apt-get install slapd (.ci/run installs it)"
        (folder / "data").mkdir(parents=True)
        self.port, self.tls_port = _free_port(), _free_port()
        tls_lines = ""
        urls = f"ldap://127.0.0.1:{self.port}/"
        if tls:
            self.cert, key = self_signed_certificate(folder)
            tls_lines = f"TLSCertificateFile {self.cert}\nTLSCertificateKeyFile {key}"
            urls += f" ldaps://127.0.0.1:{self.tls_port}/"
        (folder / "slapd.conf").write_text(CONFIG.format(folder=folder, tls=tls_lines, suffix=SUFFIX, root=ROOT_DN,
                                                         root_password=ROOT_PASSWORD))
        self.log = open(folder / "slapd.log", "w")
        self.process = subprocess.Popen([server, "-h", urls, "-f", str(folder / "slapd.conf"), "-d", "0"],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"ldap://127.0.0.1:{self.port}"
        self._wait()
        self._fill()

    def _wait(self):
        for _ in range(200):
            if self.process.poll() is not None:
                raise AssertionError((self.log.name, open(self.log.name).read()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("slapd did not start")

    def admin(self) -> ldap3.Connection:
        return ldap3.Connection(self.url, ROOT_DN, ROOT_PASSWORD, auto_bind=True)

    def _fill(self):
        with self.admin() as c:
            c.add(SUFFIX, ["dcObject", "organization"], {"o": "Body", "dc": "body"})
            for ou in ("people", "groups"):
                c.add(f"ou={ou},{SUFFIX}", ["organizationalUnit"], {"ou": ou})
            c.add(READER_DN, ["organizationalRole", "simpleSecurityObject"],
                  {"cn": "reader", "userPassword": hashed(ldap3.HASHED_SALTED_SHA, READER_PASSWORD)})
            for uid, (mail, password, _groups) in PEOPLE_ENTRIES.items():
                c.add(f"uid={uid},{PEOPLE}", ["inetOrgPerson"],
                      {"uid": uid, "cn": uid.title(), "sn": uid.title(), "mail": mail,
                       "userPassword": hashed(ldap3.HASHED_SALTED_SHA, password)})
            for group in ("hr", "hr-head", "trainers", "auditors"):
                members = [f"uid={uid},{PEOPLE}" for uid, (*_, groups) in PEOPLE_ENTRIES.items() if group in groups]
                c.add(f"cn={group},{GROUPS}", ["groupOfNames"], {"cn": group, "member": members or [READER_DN]})
            assert c.result["description"] == "success", c.result

    def move(self, uid: str, old: str, new: str):
        """Takes a person out of one group and into another, as the body's administrator would."""
        dn = f"uid={uid},{PEOPLE}"
        with self.admin() as c:
            c.modify(f"cn={old},{GROUPS}", {"member": [(ldap3.MODIFY_DELETE, [dn])]})
            c.modify(f"cn={new},{GROUPS}", {"member": [(ldap3.MODIFY_ADD, [dn])]})

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    server = Slapd(tmp_path_factory.mktemp("slapd"), tls=True)
    yield server
    server.stop()


def settings_for(server: Slapd, **more) -> dict:
    return {"LDAP_URL": server.url, "LDAP_BASE_DN": PEOPLE, "LDAP_BIND_DN": READER_DN,
            "LDAP_BIND_PASSWORD": READER_PASSWORD, "LDAP_GROUPS": GROUP_ROLES, **more}


@pytest.fixture
def with_directory(app, slapd, staff):
    """The app set to sign in through the slapd, beside the local accounts of ``staff``."""
    app.config.update(settings_for(slapd))
    yield app
    for key in list(app.config):
        if key.startswith("LDAP_") and key != "LDAP_URL":
            app.config.pop(key)
    app.config["LDAP_URL"] = None


def text(response) -> str:
    return response.get_data(as_text=True)


def account(store, email):
    with store.transaction() as session:
        return session.scalar(select(User).where(User.email == email))


def audit(store):
    with store.transaction() as session:
        return [(e.actor, e.action, e.detail) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def directory_password(uid: str) -> str:
    return PEOPLE_ENTRIES[uid][1]


def test_a_person_in_the_hr_group_signs_in_as_hr(with_directory, store):
    client = with_directory.test_client()
    response = sign_in(client, "Aigul@Body.kz", directory_password("aigul"))
    assert response.status_code == 302, text(response)
    assert client.get("/hr/").status_code == 200 and client.get("/hr/quality/").status_code == 403
    user = account(store, "aigul@body.kz")
    assert (user.role, user.source, user.password_hash) == ("hr", "directory", "")
    assert ("directory", "account-create", "aigul@body.kz (hr, directory)") in audit(store)


def test_the_first_mapped_group_gives_the_role(with_directory, store):
    assert sign_in(with_directory.test_client(), "saule@body.kz", directory_password("saule")).status_code == 302
    assert account(store, "saule@body.kz").role == "hr-head"


def test_a_person_in_no_mapped_group_is_refused_with_a_clear_message(with_directory, store):
    response = sign_in(with_directory.test_client(), "daulet@body.kz", directory_password("daulet"))
    assert response.status_code == 200 and "none of the groups that give access" in text(response)
    ru = with_directory.test_client()
    ru.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    assert "ни в одной из групп" in text(sign_in(ru, "daulet@body.kz", directory_password("daulet")))
    assert account(store, "daulet@body.kz") is None
    assert any(actor == "daulet@body.kz" and action == "sign-in-refused" for actor, action, _ in audit(store))


def test_a_wrong_directory_password_looks_like_an_unknown_address(with_directory, store):
    wrong = sign_in(with_directory.test_client(), "aigul@body.kz", "not her password")
    unknown = sign_in(with_directory.test_client(), "nobody@body.kz", "not her password")
    assert wrong.status_code == unknown.status_code == 200
    assert "Wrong e-mail or password" in text(wrong) and "Wrong e-mail or password" in text(unknown)
    assert account(store, "aigul@body.kz") is None


def test_local_accounts_sign_in_locally_beside_the_directory(with_directory, store):
    """hr@body.kz is local: its local password works, the directory's for that address does not."""
    assert sign_in(with_directory.test_client(), "hr@body.kz", PASSWORD).status_code == 302
    assert sign_in(with_directory.test_client(), "hr@body.kz", directory_password("hr")).status_code == 200
    assert account(store, "hr@body.kz").source == "local"


def test_a_directory_that_is_down_keeps_no_local_account_out(with_directory, store):
    with_directory.config["LDAP_URL"] = f"ldap://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    assert sign_in(with_directory.test_client(), "hr@body.kz", PASSWORD).status_code == 302
    assert time.monotonic() - started < 3
    response = sign_in(with_directory.test_client(), "aigul@body.kz", directory_password("aigul"))
    assert response.status_code == 200 and "directory cannot be reached" in text(response)
    assert any(action == "directory-unreachable" for _, action, _ in audit(store))


def test_a_certificate_the_platform_does_not_trust_is_refused_and_said(with_directory, slapd, store):
    with_directory.config["LDAP_URL"] = f"ldaps://127.0.0.1:{slapd.tls_port}"
    response = sign_in(with_directory.test_client(), "aigul@body.kz", directory_password("aigul"))
    assert response.status_code == 200 and "certificate was not accepted" in text(response)
    assert any(action == "directory-unreachable" and "certificate" in detail for _, action, detail in audit(store))

    with_directory.config["LDAP_CA_FILE"] = slapd.cert  # the body's own authority
    assert sign_in(with_directory.test_client(), "aigul@body.kz", directory_password("aigul")).status_code == 302


def test_starttls_on_the_plain_port(with_directory, slapd):
    with_directory.config.update(LDAP_STARTTLS=True, LDAP_CA_FILE=slapd.cert)
    assert sign_in(with_directory.test_client(), "marat@body.kz", directory_password("marat")).status_code == 302
    with_directory.config.update(LDAP_CA_FILE="", LDAP_TLS_VERIFY=False)
    assert sign_in(with_directory.test_client(), "marat@body.kz", directory_password("marat")).status_code == 302


def test_a_move_between_groups_changes_the_role_at_the_next_sign_in_and_ends_the_sessions(with_directory, slapd, store):
    first = with_directory.test_client()
    assert sign_in(first, "marat@body.kz", directory_password("marat")).status_code == 302
    assert first.get("/trainer/").status_code == 200
    slapd.move("marat", "trainers", "hr")
    try:
        second = with_directory.test_client()
        assert sign_in(second, "marat@body.kz", directory_password("marat")).status_code == 302
        assert account(store, "marat@body.kz").role == "hr"
        assert second.get("/hr/").status_code == 200
        assert first.get("/trainer/").status_code == 302
    finally:
        slapd.move("marat", "hr", "trainers")


def test_binding_directly_as_the_person(with_directory, store):
    with_directory.config.update(LDAP_BIND="direct", LDAP_USER_DN=f"uid={{username}},{PEOPLE}",
                                 LDAP_BIND_DN="", LDAP_BIND_PASSWORD="")
    assert sign_in(with_directory.test_client(), "aigul@body.kz", directory_password("aigul")).status_code == 302
    assert sign_in(with_directory.test_client(), "aigul@body.kz", "").status_code == 200  # never an anonymous bind
    assert sign_in(with_directory.test_client(), "aigul@body.kz", "wrong password").status_code == 200


def test_the_account_manager_cannot_reset_a_directory_account_but_can_disable_it(with_directory, store, runner):
    assert sign_in(with_directory.test_client(), "aigul@body.kz", directory_password("aigul")).status_code == 302
    reset = runner.invoke("users", "reset", "aigul@body.kz")
    assert reset.exit_code == 1 and "through the directory" in reset.output
    assert runner.invoke("users", "role", "aigul@body.kz", "hr-head").exit_code == 1
    assert "\tactive\t" in runner.invoke("users", "list").output
    assert runner.invoke("users", "disable", "aigul@body.kz").exit_code == 0
    refused = sign_in(with_directory.test_client(), "aigul@body.kz", directory_password("aigul"))
    assert refused.status_code == 200 and "Wrong e-mail or password" in text(refused)


def test_a_wrong_service_account_is_told_as_an_outage(with_directory, store):
    with_directory.config["LDAP_BIND_PASSWORD"] = "not the reader's"
    response = sign_in(with_directory.test_client(), "aigul@body.kz", directory_password("aigul"))
    assert "directory cannot be reached" in text(response)
    assert any("service account" in detail for _, action, detail in audit(store) if action == "directory-unreachable")


def test_settings_are_checked_when_the_platform_starts(database_url):
    from survey import create_app
    from survey.core.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="SURVEY_LDAP_BIND"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "LDAP_URL": "ldap://x", "LDAP_BIND": "kerberos"})
    assert directory.DirectorySettings.from_config({"LDAP_URL": ""}) is None


def test_the_service_password_is_not_in_the_settings_repr(slapd):
    settings = directory.DirectorySettings.from_config(settings_for(slapd))
    assert READER_PASSWORD not in repr(settings)


def test_held_back_applies_to_directory_sign_ins_too(with_directory):
    from survey.staff import signin

    client = with_directory.test_client()
    for _ in range(signin.FREE_FAILURES):
        assert sign_in(client, "aigul@body.kz", "wrong password").status_code == 200
    assert sign_in(client, "aigul@body.kz", directory_password("aigul")).status_code == 429
    assert csrf(client, "/hr/login")
