"""Apply a validated roster to the database: insert new people, update others by employee_id.

Nobody is ever deleted: closed campaigns keep pointing at the people they assessed. Someone who
has left is marked so, with the date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from survey.campaigns import eligibility, roster
from survey.core.alphabetical import name_or_unit_contains
from survey.core.collation import collation_key
from survey.core.listing import Listing
from survey.core.models import Person


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    left: int = 0


def managers(session: Session) -> dict[str, str | None]:
    """employee_id -> manager's employee_id, for validating a roster against what is stored."""
    rows = session.execute(select(Person.employee_id, Person.manager_id, Person.id)).all()
    by_id = {pk: eid for eid, _m, pk in rows}
    return {eid: by_id.get(mgr) for eid, mgr, _pk in rows}


def departed(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(Person.employee_id).where(Person.status == "dismissed")))


def import_roster(session: Session, path, *, name: str | None = None, data: bytes | None = None,
                  whole_body: bool = False, today: dt.date | None = None) -> ImportSummary:
    """Parse and store a roster; raises ``roster.RosterErrors`` and stores nothing on any problem.

    A ``whole_body`` file lists everyone who works there now: whoever it leaves out has left
    (as of ``today``), and whoever it lists after they had left is back.
    """
    rows = roster.parse(path, existing=managers(session), name=name, data=data, departed=departed(session),
                        whole_body=whole_body, today=today)
    return apply_rows(session, rows, whole_body=whole_body, today=today)


def apply_rows(session: Session, rows: list[roster.RosterEntry], *, whole_body: bool = False,
               today: dt.date | None = None) -> ImportSummary:
    """Store validated rows: new people added, known ones updated by employee_id."""
    stored = {p.employee_id: p for p in session.scalars(select(Person))}
    added = updated = left = 0
    for row in rows:
        person = stored.get(row.employee_id)
        if person is None:
            person = Person(employee_id=row.employee_id)
            session.add(person)
            stored[row.employee_id] = person
            added += 1
        else:
            updated += 1
        person.full_name = row.full_name
        person.position = row.position
        person.unit = row.unit
        person.role = row.role
        person.email = row.email
        person.language = row.language
        _apply_standing(person, row)
    session.flush()
    for row in rows:
        stored[row.employee_id].manager = stored[row.manager_id] if row.manager_id else None
    if whole_body:
        listed = {row.employee_id for row in rows}
        for person in stored.values():
            if person.employee_id not in listed and person.status != "dismissed":
                set_standing(person, "dismissed", since=today or dt.date.today())
                left += 1
    session.flush()
    return ImportSummary(added, updated, left)


def _apply_standing(person: Person, row: roster.RosterEntry) -> None:
    """The optional columns the file has; someone listed again after leaving is back at work."""
    if "category" in row.given:
        person.category = row.category or ""
    if "in_post_since" in row.given:
        person.in_post_since = row.in_post_since
    if "status" in row.given:
        set_standing(person, row.status or "active", since=row.status_since, until=row.status_until)
    elif person.status == "dismissed" or person.status is None:
        set_standing(person, "active")


def set_standing(person: Person, status: str, *, since: dt.date | None = None, until: dt.date | None = None) -> None:
    person.status = status
    person.status_since = since if status != "active" else None
    person.status_until = until if status != "active" else None


def search(session: Session, query: str) -> Listing:
    """People whose name, unit or employee id contains ``query`` in any letter case (everyone
    without one), by unit and name in the alphabet's order, read a page at a time."""
    statement = (select(Person).options(selectinload(Person.manager))
                 .order_by(Person.unit_key, Person.name_key, Person.employee_id))
    if query:
        statement = statement.where(or_(name_or_unit_contains(Person, query), Person.employee_id.ilike(f"%{query}%")))
    return Listing(session, statement, scalars=True)


def in_unit(session: Session, unit: str | None, today: dt.date | None = None) -> list[Person]:
    """The unit's people who can rate now: nobody away or gone (paras 6-7)."""
    today = today or dt.date.today()
    found = [p for p in session.scalars(select(Person).where(Person.unit == unit))
             if not eligibility.has_left(p) and not eligibility.is_away(p, today)]
    return sorted(found, key=lambda p: (collation_key(p.full_name), p.employee_id))


class StandingErrors(Exception):
    def __init__(self, errors: list):
        self.errors = errors
        super().__init__("; ".join(map(str, errors)))


def change_standing(session: Session, person: Person, values: dict[str, str], today: dt.date | None = None) -> None:
    """HR's edit of one person's time in post, status and category: the roster file's rules, so
    the page accepts exactly what an import would. Campaigns already created keep their copy."""
    errors: list = []
    row = roster.Row(0, {k: (v or "").strip() for k, v in values.items()})
    standing = roster.time_columns(row, today or dt.date.today(), lambda _row, message, **params: errors.append(
        roster.DomainError(message, **params)))
    category, _role, problem = roster.check_category(row.values.get("category", ""), person.role)
    if problem is not None:
        errors.append(problem)
    if errors:
        raise StandingErrors(errors)
    person.category = category
    person.in_post_since = standing["in_post_since"]
    set_standing(person, standing["status"] or "active", since=standing["status_since"], until=standing["status_until"])
    session.flush()
