"""A connection for a page that must write nothing: a respondent's GET (docs/anonymity.md).

It runs SELECTs only, so a write slipped into such a page fails loudly instead of being stored.
It runs no transaction: on PostgreSQL the connection is in autocommit while it reads, so a read
is one round trip instead of three (BEGIN, the read, COMMIT); SQLite's driver begins a transaction
only before a write, so a read there has none already.

And it runs its statements on the driver's connection, each compiled once per database. The
respondent's page is the busiest page of the platform and reads one row; SQLAlchemy's execution
around that read (its execution context, its result object, and the column descriptions the
result takes from psycopg, about 3 µs a column) cost about 90 µs of the 250 µs the read takes on
PostgreSQL, a tenth of the page (docs/performance.md). What SQLAlchemy does around a statement
that such a page needs is done here too: its types' conversions of parameters and values (SQLite
keeps a date as text and a boolean as a number), and a connection found dead is dropped with the
pool and the error raised as SQLAlchemy's, so the page answers 503 and the next request connects
afresh, as every other page does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from sqlalchemy import Select
from sqlalchemy.engine import Compiled, Dialect, Engine
from sqlalchemy.exc import DBAPIError


class WriteWhileReading(RuntimeError):
    """A statement that is not a read, on a connection made for pages that must write nothing."""


@dataclass(frozen=True)
class _Prepared:
    compiled: Compiled  # SQLAlchemy's, which fills in the values the statement holds
    sql: str
    order: tuple[str, ...] | None  # the parameters' order for a driver that takes them by position
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]  # parameters whose type converts them
    values: tuple[Callable[[Any], Any] | None, ...]  # one conversion or None per selected column


def _prepare(statement: Select, dialect: Dialect) -> _Prepared:
    compiled = statement.compile(dialect=dialect)
    binds = []
    for name, parameter in compiled.binds.items():
        if parameter.expanding or parameter.literal_execute:  # SQL that SQLAlchemy writes at each execution
            raise ValueError(f"a page that only reads cannot run {name!r}, a list or a value written into the SQL")
        convert = parameter.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            binds.append((name, convert))
    values = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                   for column in statement.selected_columns)
    order = tuple(compiled.positiontup) if compiled.positional else None
    return _Prepared(compiled, compiled.string, order, tuple(binds), values)


class Rows:
    """The rows a read returned, converted to their columns' types. A page that only reads reads a
    few rows, so they are fetched at once and the cursor is closed before the page renders."""

    def __init__(self, rows: list[tuple]):
        self._rows = rows

    def first(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def all(self) -> list[tuple]:
        return list(self._rows)

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._rows)


class Statements:
    """Each statement compiled once for the engine's database, kept for the life of the process:
    the statements of reading pages are module constants, built once."""

    def __init__(self, dialect: Dialect):
        self._dialect = dialect
        self._prepared: dict[int, tuple[Select, _Prepared]] = {}

    def __getitem__(self, statement: Select) -> _Prepared:
        found = self._prepared.get(id(statement))
        if found is None:  # the statement is kept beside its compiled form, so its id stays its own
            found = self._prepared[id(statement)] = (statement, _prepare(statement, self._dialect))
        return found[1]


class Reading:
    """The request's read-only connection, taken from the engine's pool when the page asks for it."""

    def __init__(self, engine: Engine, statements: Statements):
        self._engine = engine
        self._statements = statements
        dialect = engine.dialect
        try:
            self._pooled = engine.raw_connection()
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(None, None, error, dialect.loaded_dbapi.Error, dialect=dialect) from error
        self._autocommit = dialect.name != "sqlite"
        if self._autocommit:
            self._pooled.driver_connection.autocommit = True

    def execute(self, statement: Select, parameters: dict | None = None) -> Rows:
        if not isinstance(statement, Select):
            raise WriteWhileReading(f"a page that only reads ran a {type(statement).__name__}")
        prepared = self._statements[statement]
        given = prepared.compiled.construct_params(parameters)
        for name, convert in prepared.binds:
            given[name] = convert(given[name])
        bound = given if prepared.order is None else tuple(given[name] for name in prepared.order)
        cursor = None
        try:
            cursor = self._pooled.cursor()
            cursor.execute(prepared.sql, bound)
            fetched = cursor.fetchall()
        except self._engine.dialect.loaded_dbapi.Error as error:
            raise self._failed(error, cursor, prepared.sql, bound) from error
        finally:
            if cursor is not None:
                cursor.close()
        if any(prepared.values):
            fetched = [tuple(value if convert is None or value is None else convert(value)
                             for convert, value in zip(prepared.values, row)) for row in fetched]
        return Rows(fetched)

    def _failed(self, error: Exception, cursor, sql: str, bound) -> DBAPIError:
        """SQLAlchemy's error for the driver's; a lost connection is dropped with every connection
        the pool holds, which were opened to the same server and are as likely to be dead."""
        dialect = self._engine.dialect
        dead = dialect.is_disconnect(error, self._pooled.driver_connection, cursor)
        if dead:
            self._pooled.invalidate(error)
            self._engine.dispose(close=False)
        return DBAPIError.instance(sql, bound, error, dialect.loaded_dbapi.Error, dialect=dialect,
                                   connection_invalidated=dead)

    def close(self) -> None:
        """Back to the pool as the pool lent it: out of autocommit, which the sessions expect."""
        try:
            if self._autocommit and self._pooled.is_valid:
                self._pooled.driver_connection.autocommit = False
        except self._engine.dialect.loaded_dbapi.Error as error:  # a connection that broke meanwhile
            self._pooled.invalidate(error)
        finally:
            self._pooled.close()
