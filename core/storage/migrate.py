"""Applying migration sets, on either engine.

A set is ``(name, [(step, fn(schema)), …])``: the core's (``gridgov.core``) and one per
plugin (``plugin:<namespace>``). SQLite keeps its record in sqlite-utils'
``_sqlite_migrations`` table (so databases made by earlier releases carry on), PostgreSQL
in ``gridgov_migration``. On PostgreSQL the whole run holds an advisory lock, so several
processes starting together apply each step once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlite_utils.migrations import Migrations as SqliteMigrations

from .ddl import PostgresSchema, SqliteSchema

Step = tuple[str, Callable[[Any], None]]
MigrationSet = tuple[str, Sequence[Step]]

PG_TABLE = "gridgov_migration"
PG_LOCK = 7420011


def _native(name: str, steps: Sequence[Step]) -> SqliteMigrations:
    native = SqliteMigrations(name)
    for step, fn in steps:
        native(name=step)(lambda db, fn=fn: fn(SqliteSchema(db)))
    return native


def _pg_applied(engine: Any, name: str) -> set[str]:
    if PG_TABLE not in engine.table_names():
        return set()
    return {r[0] for r in engine.execute(f"SELECT name FROM {PG_TABLE} WHERE migration_set = ?", [name])}


def pending(engine: Any, migration_set: MigrationSet) -> list[str]:
    """Steps of the set not applied yet (reads only; takes no lock)."""
    name, steps = migration_set
    if engine.name == "sqlite":
        return [m.name for m in _native(name, steps).pending(engine.db)]
    done = _pg_applied(engine, name)
    return [step for step, _ in steps if step not in done]


def lock(engine: Any) -> None:
    """Inside the migrating transaction: wait for any other process migrating."""
    if engine.name == "postgresql":
        engine.execute(f"SELECT pg_advisory_xact_lock({PG_LOCK})")
        engine.execute(f"CREATE TABLE IF NOT EXISTS {PG_TABLE} (migration_set TEXT NOT NULL, name TEXT NOT NULL, "
                       "applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (migration_set, name))")


def apply(engine: Any, migration_set: MigrationSet, schema_for: Callable[[], Any] | None = None) -> list[str]:
    """Apply the set's pending steps (inside the caller's write transaction, after
    :func:`lock`); returns their names. ``schema_for()`` gives the schema object passed to
    each step (plugins get a namespaced editor); default: the engine's own."""
    name, steps = migration_set
    if engine.name == "sqlite":
        if schema_for is None:
            native = _native(name, steps)
        else:
            native = SqliteMigrations(name)
            for step, fn in steps:
                native(name=step)(lambda db, fn=fn: fn(schema_for()))
        todo = [m.name for m in native.pending(engine.db)]
        native.apply(engine.db)
        return todo
    done = _pg_applied(engine, name)
    applied = []
    for step, fn in steps:
        if step in done:
            continue
        fn(schema_for() if schema_for is not None else PostgresSchema(engine))
        engine.execute(f"INSERT INTO {PG_TABLE} (migration_set, name) VALUES (?, ?)", [name, step])
        applied.append(step)
    return applied


def schema_ops(engine: Any) -> SqliteSchema | PostgresSchema:
    return SqliteSchema(engine.db) if engine.name == "sqlite" else PostgresSchema(engine)
