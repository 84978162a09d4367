"""Parse a roster (people, roles, managers, time in post, status) into validated rows, or say
every problem at once.

A roster with a single error is refused whole: a half-imported structure would give people the
wrong raters. Errors read ``FILE:ROW: message`` with the row number Excel shows.

The columns of time (``in_post_since``, ``status``, ``status_since``, ``status_until``) and
``category`` are optional; where a file leaves one out, what is stored stays as it is.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from survey.campaigns import categories
from survey.campaigns.eligibility import AWAY
from survey.core.models import PERSON_STATUSES, ROLES
from survey.core.models import Person as _PersonRow
from survey.core.messages import N_, DomainError
from survey.core.tables import Row, TableError, read

REQUIRED = ("employee_id", "full_name", "role", "manager_id")
TIME = ("in_post_since", "status", "status_since", "status_until")
OPTIONAL = ("position", "unit", "email", "language", "category") + TIME
COLUMNS = ("employee_id", "full_name", "position", "unit", "role", "manager_id", "email", "language",
           "category") + TIME
DATES = ("in_post_since", "status_since", "status_until")
# Statuses as HR officers type them, in Kazakh and Russian as well as the codes.
STATUS_WORDS = {
    "active": "active", "работает": "active", "активен": "active", "в штате": "active",
    "жұмыс істейді": "active", "белсенді": "active",
    "leave": "leave", "отпуск": "leave", "в отпуске": "leave", "декрет": "leave", "демалыс": "leave",
    "демалыста": "leave", "еңбек демалысы": "leave", "әлеуметтік демалыс": "leave",
    "sick": "sick", "больничный": "sick", "на больничном": "sick", "болезнь": "sick", "ауру": "sick",
    "науқас": "sick", "еңбекке уақытша жарамсыздық": "sick",
    "trip": "trip", "командировка": "trip", "в командировке": "trip", "іссапар": "trip", "іссапарда": "trip",
    "training": "training", "обучение": "training", "стажировка": "training", "переподготовка": "training",
    "оқу": "training", "оқуда": "training", "тағылымдама": "training", "қайта даярлау": "training",
    "dismissed": "dismissed", "уволен": "dismissed", "уволена": "dismissed", "увольнение": "dismissed",
    "босатылды": "dismissed", "жұмыстан босатылды": "dismissed",
}
# Excel's day 0 for the serial numbers an .xlsx date cell holds (1900 date system).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"  # the state language, when the column is left empty
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Control characters but tab and line breaks: PostgreSQL cannot store a NUL, and XML, in which
# every .xlsx export is written, cannot hold any of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class RosterError(TableError):
    pass


class RosterErrors(Exception):
    def __init__(self, errors: list[TableError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


@dataclass(frozen=True)
class RosterEntry:
    employee_id: str
    full_name: str
    position: str
    unit: str
    role: str
    manager_id: str | None
    email: str
    language: str
    row: int = 0
    category: str | None = None  # None: the file has no such column, what is stored stays
    in_post_since: dt.date | None = None
    status: str | None = None
    status_since: dt.date | None = None
    status_until: dt.date | None = None
    given: frozenset[str] = frozenset()  # the optional columns of TIME and category the file has


def parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD, DD.MM.YYYY or an Excel date cell's serial number; ``None`` for neither."""
    text = text.strip()
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            pass
    if re.fullmatch(r"[1-9][0-9]{4}(\.0+)?", text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    return None


def parse_status(text: str) -> str | None:
    return STATUS_WORDS.get(" ".join(text.lower().replace("ё", "е").split()))


def parse(path: str | Path, *, existing: Mapping[str, str | None] = None, name: str | None = None,
          data: bytes | None = None, departed: frozenset[str] = frozenset(), whole_body: bool = False,
          today: dt.date | None = None) -> list[RosterEntry]:
    """Validated people of a roster file.

    ``existing`` maps the employee ids already in the database to their managers, so that a
    roster may name a manager imported earlier and a cycle through old and new rows is caught;
    ``departed`` are those of them who have left. A ``whole_body`` file lists everyone who works
    there: whoever it leaves out is leaving, and cannot be anyone's manager.
    """
    shown = name or str(path)
    try:
        rows = read(path, REQUIRED, OPTIONAL, name=name, data=data)
    except TableError as exc:
        raise RosterErrors([exc]) from None
    return validate(rows, shown, existing or {}, departed=departed, whole_body=whole_body, today=today)


def validate(rows: Iterable[Row], shown: str, existing: Mapping[str, str | None], *,
             departed: frozenset[str] = frozenset(), whole_body: bool = False,
             today: dt.date | None = None) -> list[RosterEntry]:
    today = today or dt.date.today()
    errors: list[TableError] = []
    people: dict[str, RosterEntry] = {}

    def fail(row: int, message: str, **params) -> None:
        errors.append(RosterError(shown, row, message, **params))

    for row in rows:
        v = row.values
        for column in COLUMNS:
            control = _CONTROL.search(v.get(column, ""))
            if control:
                fail(row.number, N_("%(column)s contains a control character (%(code)s); type the value again"),
                     column=column, code=f"U+{ord(control.group()):04X}")
        eid = v.get("employee_id", "")
        if not eid:
            fail(row.number, N_("employee_id is empty"))
            continue
        if eid in people:
            fail(row.number, N_("employee_id '%(id)s' appears twice (also row %(other)d)"), id=eid, other=people[eid].row)
            continue
        if not v.get("full_name"):
            fail(row.number, N_("full_name of '%(id)s' is empty"), id=eid)
        category, role, problem = check_category(v.get("category", ""), v.get("role", "").lower())
        if problem is not None:
            fail(row.number, problem.message, **problem.params)
        if role not in ROLES:
            fail(row.number, N_("role '%(value)s' is not one of: %(allowed)s"), value=v.get("role", ""), allowed=", ".join(ROLES))
        time = time_columns(row, today, fail)
        language = (v.get("language") or DEFAULT_LANGUAGE).lower()
        if language not in LANGUAGES:
            fail(row.number, N_("language '%(value)s' is not one of: %(allowed)s"), value=v.get("language"),
                 allowed=", ".join(LANGUAGES))
        email = v.get("email", "")
        if email and not _EMAIL.match(email):
            fail(row.number, N_("email '%(value)s' is not an e-mail address"), value=email)
        for column in ("employee_id", "full_name", "position", "unit", "email"):
            limit = _PersonRow.__table__.c[column].type.length
            if len(v.get(column, "")) > limit:
                fail(row.number, N_("%(column)s is %(length)d characters long; at most %(limit)d fit"),
                     column=column, length=len(v[column]), limit=limit)
        manager = v.get("manager_id") or None
        if manager == eid:
            fail(row.number, N_("'%(id)s' is their own manager"), id=eid)
            manager = None
        people[eid] = RosterEntry(eid, v.get("full_name", ""), v.get("position", ""), v.get("unit", ""), role,
                                  manager, email, language, row.number,
                                  category=category if "category" in v else None, **time,
                                  given=frozenset(c for c in ("category",) + TIME if c in v))

    known = set(people) | set(existing)
    gone = {eid for eid in departed if eid not in people or people[eid].status is None}
    gone |= {eid for eid, p in people.items() if p.status == "dismissed"}
    if whole_body:
        gone |= set(existing) - set(people)
    for person in people.values():
        if person.manager_id and person.manager_id not in known:
            fail(person.row, N_("manager_id '%(id)s' is not in the roster"), id=person.manager_id)
        elif person.manager_id in gone and person.employee_id not in gone:
            fail(person.row, N_("manager_id '%(id)s' names someone who has left; give the current manager"),
                 id=person.manager_id)

    managers = {eid: mgr for eid, mgr in existing.items()}
    managers.update({p.employee_id: p.manager_id for p in people.values()})
    reported: set[str] = set()
    for person in people.values():
        chain, current = [], person.employee_id
        while current and current not in chain:
            chain.append(current)
            current = managers.get(current)
        if current and current == person.employee_id and not reported & set(chain):
            reported.update(chain)
            fail(person.row, N_("managers form a cycle: %(chain)s"), chain=" -> ".join(chain + [current]))

    if errors:
        errors.sort(key=lambda e: e.row)
        raise RosterErrors(errors)
    return list(people.values())


def check_category(text: str, role: str) -> tuple[str, str, DomainError | None]:
    """The category as stored, the role it leaves (given by the category where ``role`` is empty),
    and what is wrong with them, if anything."""
    category = categories.normalise(text)
    if not category:
        return "", role, None
    if not categories.is_valid(category):
        return category, role, DomainError(N_("category '%(value)s' is not a corps-B category such as C-4 or D-O-1"),
                                           value=text)
    decided = categories.role_of(category)
    if decided and not role:
        return category, decided, None
    if decided == "head" and role == "servant":
        return category, role, DomainError(N_("category %(category)s is a unit head's (order No. 260, para 2), "
                                              "but role is servant"), category=category)
    if decided == "servant" and role == "head":
        return category, role, DomainError(N_("category %(category)s is not a unit head's (order No. 260, para 2), "
                                              "but role is head"), category=category)
    return category, role, None


def time_columns(row: Row, today: dt.date, fail) -> dict:
    """The dates and status of one row, each problem reported through ``fail``."""
    v = row.values
    out: dict = {}
    for column in DATES:
        text = v.get(column, "")
        out[column] = parse_date(text) if text else None
        if text and out[column] is None:
            fail(row.number, N_("%(column)s '%(value)s' is not a date (YYYY-MM-DD or DD.MM.YYYY)"),
                 column=column, value=text)
    for column in ("in_post_since", "status_since"):
        if out[column] and out[column] > today:
            fail(row.number, N_("%(column)s %(date)s is in the future"), column=column, date=out[column])
    status = None
    if "status" in v:
        status = parse_status(v["status"]) if v["status"] else "active"
        if status is None:
            fail(row.number, N_("status '%(value)s' is not one of: %(allowed)s"), value=v["status"],
                 allowed=", ".join(PERSON_STATUSES))
    out["status"] = status
    since, until = out["status_since"], out["status_until"]
    if until and status not in AWAY:
        fail(row.number, N_("status_until applies to an absence (%(allowed)s), not to status '%(status)s'"),
             allowed=", ".join(AWAY), status=status or "")
    elif since and until and until < since:
        fail(row.number, N_("status_until %(until)s is before the status began (%(since)s)"),
             until=until.isoformat(), since=since.isoformat())
    if since and status in (None, "active"):
        fail(row.number, N_("status_since needs a status other than active"))
    return out
