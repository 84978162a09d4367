"""Signing in with the body's directory (Active Directory or another LDAP server), beside local accounts.

Optional: it is on when ``SURVEY_LDAP_URL`` is set. A staff member whose address has no local
account signs in with their directory password; the directory says who they are (the password
is checked by a bind as them) and which of its groups they are in, and ``SURVEY_LDAP_GROUPS`` maps
those groups to roles — the first group of the mapping they are in gives the role, every sign-in
again, so that moving someone between groups in the directory moves them here too. Someone in no
mapped group is refused with a message that says so.

Two ways to find the person, as directories are set up:

* ``search`` (the default): bind as a service account (``SURVEY_LDAP_BIND_DN`` and
  ``SURVEY_LDAP_BIND_PASSWORD``; anonymously when they are empty), search ``SURVEY_LDAP_BASE_DN``
  with ``SURVEY_LDAP_USER_FILTER`` for the address, then bind as the entry found with the password;
* ``direct``: bind at once as ``SURVEY_LDAP_USER_DN`` filled with the address (``{email}``, Active
  Directory's user principal name) or its part before the @ (``{username}``).

Group membership is read from the entry's ``memberOf`` (Active Directory, OpenLDAP's memberof
overlay) and, for every mapped group, from the group's own ``member``/``uniqueMember`` list (a plain
OpenLDAP). TLS certificates are verified unless ``SURVEY_LDAP_TLS_VERIFY`` is false, against
``SURVEY_LDAP_CA_FILE`` or the system's authorities; ``ldaps://`` or ``SURVEY_LDAP_STARTTLS``.

Local accounts never wait for the directory: an address with a local account is checked locally
only, so a directory that is down or slow keeps nobody with a local account out.
"""
from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from survey.core.messages import DomainError

DEFAULT_FILTER = "(|(mail={email})(userPrincipalName={email}))"
BIND_METHODS = ("search", "direct")


class DirectoryError(DomainError):
    """The directory gave no account; the message says why, in English for the audit log (the
    sign-in page tells the staff member in their language)."""


class DirectoryUnreachable(DirectoryError):
    pass


class CertificateRefused(DirectoryUnreachable):
    pass


class NotPermitted(DirectoryError):
    """Known to the directory, with the right password, but in no group that gives a role."""


@dataclass(frozen=True)
class DirectorySettings:
    url: str
    base_dn: str = ""
    bind: str = "search"
    bind_dn: str = ""
    bind_password: str = ""
    user_filter: str = DEFAULT_FILTER
    user_dn: str = ""
    groups: Mapping[str, str] = field(default_factory=dict)  # group DN -> role
    tls_verify: bool = True
    ca_file: str = ""
    starttls: bool = False
    timeout: float = 5.0

    def __repr__(self) -> str:  # the service account's password stays out of logs and tracebacks
        return f"DirectorySettings(url={self.url!r}, base_dn={self.base_dn!r}, bind={self.bind!r})"

    @classmethod
    def from_config(cls, config: Mapping) -> DirectorySettings | None:
        """The settings of ``SURVEY_LDAP_*``, or None when no directory is configured."""
        url = str(config.get("LDAP_URL") or "").strip()
        if not url:
            return None
        bind = str(config.get("LDAP_BIND") or "search").lower()
        if bind not in BIND_METHODS:
            raise ValueError(f"SURVEY_LDAP_BIND is '{bind}'; it must be one of: {', '.join(BIND_METHODS)}")
        groups = config.get("LDAP_GROUPS") or {}
        if not isinstance(groups, Mapping):
            raise ValueError("SURVEY_LDAP_GROUPS must be a JSON object: {\"group DN\": \"role\", ...}")
        return cls(url=url, base_dn=str(config.get("LDAP_BASE_DN") or ""), bind=bind,
                   bind_dn=str(config.get("LDAP_BIND_DN") or ""), bind_password=str(config.get("LDAP_BIND_PASSWORD") or ""),
                   user_filter=str(config.get("LDAP_USER_FILTER") or DEFAULT_FILTER),
                   user_dn=str(config.get("LDAP_USER_DN") or ""),
                   groups={_dn(k): str(v) for k, v in groups.items()},
                   tls_verify=_flag(config.get("LDAP_TLS_VERIFY", True)), ca_file=str(config.get("LDAP_CA_FILE") or ""),
                   starttls=_flag(config.get("LDAP_STARTTLS", False)), timeout=float(config.get("LDAP_TIMEOUT") or 5))


@dataclass(frozen=True)
class DirectoryPerson:
    dn: str
    email: str
    role: str


def authenticate(settings: DirectorySettings, email: str, password: str) -> DirectoryPerson | None:
    """The person, or None for an unknown address or a wrong password (the directory does not tell
    which either). Raises :class:`DirectoryUnreachable` when it cannot be asked and
    :class:`NotPermitted` when the person is in no mapped group."""
    if not password:  # a simple bind with no password is an anonymous bind: it would "succeed"
        return None
    opened: list[ldap3.Connection] = []
    try:
        found, role = _look_up(settings, email, password, opened)
    except LDAPException as exc:
        raise _unreachable(exc) from None
    finally:
        for connection in opened:
            connection.unbind()
    if found is None:
        return None
    if role is None:
        raise NotPermitted("in none of the directory groups that SURVEY_LDAP_GROUPS maps to a role")
    mail = found.entry_attributes_as_dict.get("mail") or [email]
    return DirectoryPerson(dn=found.entry_dn, email=str(mail[0]), role=role)


def _look_up(settings: DirectorySettings, email: str, password: str, opened: list):
    """(the person's entry, their role), the entry None when the address or password is wrong."""
    server = _server(settings)
    username = email.partition("@")[0]
    if settings.bind == "direct":
        dn = settings.user_dn.format(email=email, username=username)
        lookup = _connect(server, settings, dn, password, opened)
        if lookup is None:
            return None, None
        found = _entry(lookup, dn, "(objectClass=*)", ldap3.BASE)
    else:
        lookup = _connect(server, settings, settings.bind_dn or None, settings.bind_password or None, opened)
        if lookup is None:
            raise DirectoryUnreachable("the directory refused the service account; the administrator "
                                       "has to check SURVEY_LDAP_BIND_DN and SURVEY_LDAP_BIND_PASSWORD")
        query = settings.user_filter.format(email=escape_filter_chars(email), username=escape_filter_chars(username))
        found = _entry(lookup, settings.base_dn, query, ldap3.SUBTREE)
        if found is None or _connect(server, settings, found.entry_dn, password, opened) is None:
            return None, None
    if found is None:
        return None, None
    return found, _role(lookup, settings, found)


def _server(settings: DirectorySettings) -> ldap3.Server:
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED if settings.tls_verify else ssl.CERT_NONE,
                    ca_certs_file=settings.ca_file or None)
    return ldap3.Server(settings.url, use_ssl=settings.url.lower().startswith("ldaps://"), tls=tls,
                        get_info=ldap3.NONE, connect_timeout=settings.timeout)


def _connect(server: ldap3.Server, settings: DirectorySettings, user: str | None, password: str | None,
             opened: list) -> ldap3.Connection | None:
    """A bound connection, or None when the directory refused the credentials."""
    connection = ldap3.Connection(server, user=user, password=password, receive_timeout=max(1, round(settings.timeout)),
                                  read_only=True, auto_bind=ldap3.AUTO_BIND_NONE)
    opened.append(connection)
    connection.open()
    if settings.starttls and not settings.url.lower().startswith("ldaps://"):
        connection.start_tls()
    return connection if connection.bind() else None


def _entry(connection: ldap3.Connection, base: str, query: str, scope):
    connection.search(base, query, search_scope=scope, attributes=["mail", "memberOf"], size_limit=2)
    entries = connection.entries
    return entries[0] if len(entries) == 1 else None


def _role(connection: ldap3.Connection, settings: DirectorySettings, entry) -> str | None:
    """The role of the first mapped group the entry is a member of."""
    member_of = {_dn(g) for g in entry.entry_attributes_as_dict.get("memberOf", [])}
    dn = escape_filter_chars(entry.entry_dn)
    for group, role in settings.groups.items():
        if group in member_of:
            return role
        connection.search(group, f"(|(member={dn})(uniqueMember={dn}))", search_scope=ldap3.BASE, attributes=[])
        if connection.entries:
            return role
    return None


def _unreachable(exc: Exception) -> DirectoryUnreachable:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    if "certificate" in text.lower():
        return CertificateRefused(f"the directory's TLS certificate was refused ({text})")
    return DirectoryUnreachable(f"the directory cannot be reached ({text})")


def _dn(value) -> str:
    """DNs compared without regard to case or spaces after commas, as directories write them."""
    return ",".join(part.strip() for part in str(value).split(",")).lower()


def _flag(value) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() not in ("0", "false", "no", "off", "")
