"""A list too long to read whole, read a slice at a time in the database's order.

A page of HR's lists (100 rows) out of a body of 100,000 must not read the 100,000: the length is
one ``COUNT``, a slice one query with ``OFFSET`` and ``LIMIT``, ordered by keys an index holds
(``alphabetical.SortedByName``), so the database hands the page over without sorting the body.
It is a sequence as far as a pager needs one (``len`` and slices), so the web's pager cuts it as
it cuts a list.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


class Listing(Sequence):
    """``statement``'s rows (its single entity or column alone when ``scalars``), each slice
    passed through ``finish`` (e.g. to count what its rows need, or to make them values)."""

    def __init__(self, session: Session, statement: Select, *, scalars: bool = False,
                 finish: Callable[[list], list] | None = None):
        self._session, self._statement, self._scalars = session, statement, scalars
        self._finish = finish or (lambda rows: rows)
        self._length: int | None = None

    def __len__(self) -> int:
        if self._length is None:
            counted = select(func.count()).select_from(self._statement.order_by(None).subquery())
            self._length = self._session.scalar(counted)
        return self._length

    def __getitem__(self, index: Any) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("a listing is read in slices")
        start, stop, _step = index.indices(len(self))
        if stop <= start:
            return []
        statement = self._statement.offset(start).limit(stop - start)
        rows = self._session.scalars(statement) if self._scalars else self._session.execute(statement)
        return self._finish(list(rows))

    def __iter__(self):
        raise TypeError("a listing is read in slices, never whole")

