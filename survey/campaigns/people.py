"""Apply a validated roster to the database: insert new people, update others by employee_id."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from survey.campaigns import roster
from survey.core.models import Person


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int


def managers(session: Session) -> dict[str, str | None]:
    """employee_id -> manager's employee_id, for validating a roster against what is stored."""
    rows = session.execute(select(Person.employee_id, Person.manager_id, Person.id)).all()
    by_id = {pk: eid for eid, _m, pk in rows}
    return {eid: by_id.get(mgr) for eid, mgr, _pk in rows}


def import_roster(session: Session, path, *, name: str | None = None, data: bytes | None = None) -> ImportSummary:
    """Parse and store a roster; raises ``roster.RosterErrors`` and stores nothing on any problem."""
    return apply_rows(session, roster.parse(path, existing=managers(session), name=name, data=data))


def apply_rows(session: Session, rows: list[roster.RosterEntry]) -> ImportSummary:
    """Store validated rows: new people added, known ones updated by employee_id."""
    stored = {p.employee_id: p for p in session.scalars(select(Person))}
    added = updated = 0
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
    session.flush()
    for row in rows:
        stored[row.employee_id].manager = stored[row.manager_id] if row.manager_id else None
    session.flush()
    return ImportSummary(added, updated)


def search(session: Session, query: str, *, limit: int = 1000) -> list[Person]:
    """People whose name, unit or employee id contains ``query`` (everyone without one), by unit and name."""
    statement = select(Person).order_by(Person.unit, Person.full_name)
    if query:
        like = f"%{query}%"
        statement = statement.where(or_(Person.full_name.ilike(like), Person.unit.ilike(like),
                                        Person.employee_id.ilike(like)))
    return list(session.scalars(statement.limit(limit)))


def in_unit(session: Session, unit: str | None) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.unit == unit).order_by(Person.full_name)))
