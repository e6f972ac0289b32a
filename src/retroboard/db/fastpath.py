"""The hot paths' way to the database: Core statements compiled once, run on the driver.

SQLAlchemy compiles each `Prepared` statement once per dialect (its SQL, the order of its
parameters, and the bind and result processors its column types give); a call then costs the
driver's own work plus a few microseconds, where `Session.execute` costs ~30 us of cache-key,
compilation-cache and result-object work per statement (measured in bench/board.py's floor).

A unit of work is a plain function of a `Raw` connection, so it runs whole where the
connection lives: on SQLite in a worker thread (one thread hop per unit, not four per
statement as through aiosqlite), on PostgreSQL through `AsyncConnection.run_sync` (each
statement one asyncpg round trip). The same function serves both; only `Raw` differs.

`Raw.rows/first/scalar/execute` raise what the driver raises; the caller (db/engine.py)
turns driver errors into StorageError.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

RowFactory = Callable[[Sequence[Any]], Any]


class Compiled:
    """One statement compiled for one dialect: SQL text, parameter order and processors."""

    __slots__ = ("sql", "names", "binds", "fixed", "results", "make_row", "has_rows")

    def __init__(self, stmt: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, stmt.compile(dialect=dialect))
        self.sql: str = compiled.string
        positions = compiled.positiontup
        if positions is None:  # pragma: no cover - both of the board's drivers are positional
            raise TypeError(f"{dialect.name}: the fast path needs a positional paramstyle")
        self.names: tuple[str, ...] = tuple(positions)
        # values written into the statement itself (e.g. `.values(subscribed=False)`)
        self.fixed: dict[str, Any] = {
            n: compiled.binds[n].effective_value
            for n in self.names
            if not compiled.binds[n].required
        }
        self.binds: tuple[Callable[[Any], Any] | None, ...] = tuple(
            compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in self.names
        )
        columns = list(getattr(stmt, "exported_columns", ()) or ())
        self.has_rows = bool(columns)
        self.results: tuple[Callable[[Any], Any] | None, ...] = tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
        )
        keys = [c.key or f"c{i}" for i, c in enumerate(columns)] or ["_"]
        make: RowFactory = namedtuple("Row", keys, rename=True)._make  # type: ignore[misc, attr-defined]
        if any(self.results):
            procs = self.results

            def make_row(values: Sequence[Any]) -> Any:
                return make(
                    [
                        v if p is None or v is None else p(v)
                        for p, v in zip(procs, values, strict=True)
                    ]
                )

            self.make_row: RowFactory = make_row
        else:
            self.make_row = make

    def params(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """The positional parameters for `values` (every bound name must be given)."""
        if self.fixed:
            values = {**self.fixed, **values}
        return tuple(
            values[n] if b is None else b(values[n])
            for n, b in zip(self.names, self.binds, strict=True)
        )


class Prepared:
    """A Core statement to be compiled once per dialect and run through `Raw`.

    Parameters are `bindparam`s named in the statement; every one must be given at each
    call. Rows come back as named tuples keyed like SQLAlchemy's (label or column name).
    """

    __slots__ = ("statement", "_by_dialect")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, Compiled] = {}

    def compiled(self, dialect: Dialect) -> Compiled:
        c = self._by_dialect.get(dialect.name)
        if c is None:
            c = self._by_dialect[dialect.name] = Compiled(self.statement, dialect)
        return c


Tracer = Callable[[str, Any], None]


class Raw:
    """A driver connection a unit of work runs on: `rows`, `first`, `scalar`, `execute`.

    `cursor_of` makes a DB-API cursor (sqlite3's connection, or the asyncpg adapter inside
    run_sync); `trace`, when set, sees each statement's SQL and parameters (bench/board.py's
    floor capture).
    """

    __slots__ = ("dialect", "_cursor", "trace")

    def __init__(
        self, dialect: Dialect, cursor: Callable[[], Any], trace: Tracer | None = None
    ) -> None:
        self.dialect = dialect
        self._cursor = cursor
        self.trace = trace

    def _run(self, prep: Prepared, values: dict[str, Any]) -> tuple[Compiled, Any]:
        c = prep.compiled(self.dialect)
        params = c.params(values)
        if self.trace is not None:
            self.trace(c.sql, params)
        cur = self._cursor()
        cur.execute(c.sql, params)
        return c, cur

    def rows(self, prep: Prepared, values: dict[str, Any]) -> list[Any]:
        """Every row the statement returns, as named tuples."""
        c, cur = self._run(prep, values)
        make = c.make_row
        return [make(r) for r in cur.fetchall()]

    def tuples(self, prep: Prepared, values: dict[str, Any]) -> list[Any]:
        """Every row as the driver's sequence (sqlite3 tuples, asyncpg Records) in the
        statement's column order: `rows` without a named tuple per row, for reads of many
        rows (with no result processors on its columns, only the driver's fetchall)."""
        c, cur = self._run(prep, values)
        got = cur.fetchall()
        procs = c.results
        if not any(procs):
            return got  # type: ignore[no-any-return]
        return [
            tuple(v if p is None or v is None else p(v) for p, v in zip(procs, r, strict=True))
            for r in got
        ]

    def first(self, prep: Prepared, values: dict[str, Any]) -> Any | None:
        """The first row, or None."""
        c, cur = self._run(prep, values)
        r = cur.fetchone()
        cur.close()  # the statement is done (an INSERT ... RETURNING too): COMMIT may follow
        return None if r is None else c.make_row(r)

    def scalar(self, prep: Prepared, values: dict[str, Any]) -> Any:
        """The first column of the first row, or None."""
        c, cur = self._run(prep, values)
        r = cur.fetchone()
        cur.close()  # the statement is done (an UPDATE ... RETURNING too): COMMIT may follow
        if r is None:
            return None
        p = c.results[0] if c.results else None
        return r[0] if p is None or r[0] is None else p(r[0])

    def execute(self, prep: Prepared, values: dict[str, Any]) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        _, cur = self._run(prep, values)
        return int(cur.rowcount)
