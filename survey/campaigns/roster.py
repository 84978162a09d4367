"""Parse a roster (people, roles, managers) into validated rows, or say every problem at once.

A roster with a single error is refused whole: a half-imported structure would give people the
wrong raters. Errors read ``FILE:ROW: message`` with the row number Excel shows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from survey.core.models import ROLES
from survey.core.models import Person as _PersonRow
from survey.core.messages import N_
from survey.core.tables import Row, TableError, read

COLUMNS = ("employee_id", "full_name", "position", "unit", "role", "manager_id", "email", "language")
REQUIRED = ("employee_id", "full_name", "role", "manager_id")
OPTIONAL = ("position", "unit", "email", "language")
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


def parse(path: str | Path, *, existing: Mapping[str, str | None] = None, name: str | None = None,
          data: bytes | None = None) -> list[RosterEntry]:
    """Validated people of a roster file.

    ``existing`` maps the employee ids already in the database to their managers, so that a
    roster may name a manager imported earlier and a cycle through old and new rows is caught.
    """
    shown = name or str(path)
    try:
        rows = read(path, REQUIRED, OPTIONAL, name=name, data=data)
    except TableError as exc:
        raise RosterErrors([exc]) from None
    return validate(rows, shown, existing or {})


def validate(rows: Iterable[Row], shown: str, existing: Mapping[str, str | None]) -> list[RosterEntry]:
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
        role = v.get("role", "").lower()
        if role not in ROLES:
            fail(row.number, N_("role '%(value)s' is not one of: %(allowed)s"), value=v.get("role", ""), allowed=", ".join(ROLES))
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
                             manager, email, language, row.number)

    known = set(people) | set(existing)
    for person in people.values():
        if person.manager_id and person.manager_id not in known:
            fail(person.row, N_("manager_id '%(id)s' is not in the roster"), id=person.manager_id)

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
