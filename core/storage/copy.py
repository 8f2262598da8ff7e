"""Copying a whole deployment from one engine to another (``gridgov db copy``).

Every core and plugin table is streamed from the source in batches (constant memory: a
server-side cursor on PostgreSQL, ``fetchmany`` on SQLite) into the target inside one
transaction, with foreign keys checked at commit, so a copy that fails leaves the target
as empty as it was. The target's schema is made by its own migrations first; values travel
in the engine-neutral form the engines return (UTC ISO text, JSON text, 0/1), which each
engine stores in its own types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .store import CORE_TABLES, Store

BATCH = 5000
COUNTER_TABLES = ("metric_daily", "metric_cohort")
Progress = Callable[[str, int], None]


def copy_tables(source: Store) -> list[str]:
    """The tables a deployment consists of, in an order that keeps references valid:
    the core's (settings, the tree, people, cases, events, counters), then the plugins'."""
    core = [t for t in CORE_TABLES if t != "plugin_failure"] + ["plugin_failure", *COUNTER_TABLES]
    plugin = sorted(source._plugin_tables)
    return [t for t in core + plugin if t in set(source.table_names())]


def target_is_empty(target: Store, tables: Iterable[str]) -> list[str]:
    """The tables of ``tables`` that already hold rows in the target (settings aside:
    migrations write a few)."""
    return [t for t in tables if t != "setting" and t in set(target.table_names())
            and target.sql.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]]


def copy_deployment(source: Store, target: Store, tables: Sequence[str], *, progress: Progress | None = None,
                    batch: int = BATCH) -> dict[str, int]:
    """Copy ``tables`` from ``source`` to ``target`` in one target transaction; returns the
    rows copied per table."""
    tick = progress or (lambda table, n: None)
    copied: dict[str, int] = {}
    with target.write() as sql:
        _defer_foreign_keys(sql)
        for table in tables:
            columns = [c for c in source.sql.columns(table) if c in set(target.sql.columns(table))]
            names = ", ".join(f'"{c}"' for c in columns)
            if table == "setting":
                sql.execute("DELETE FROM setting")
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
            order = _order(table, source)
            rows: list[Sequence[Any]] = []
            count = 0
            for row in source.sql.stream(f'SELECT {names} FROM "{table}"{order}', batch=batch):
                rows.append(row)
                if len(rows) >= batch:
                    sql.executemany(insert, rows)
                    count += len(rows)
                    tick(table, len(rows))
                    rows = []
            if rows:
                sql.executemany(insert, rows)
                count += len(rows)
                tick(table, len(rows))
            if "id" in columns:
                sql.sync_sequence(table, "id")
            copied[table] = count
    return copied


def _order(table: str, source: Store) -> str:
    """Parents before children where a table refers to itself, so the copy is valid at
    every step on engines that check references at once."""
    if table == "area":
        return " ORDER BY length(path), path"
    if table in ("issue", "issue_event") or "id" in source.sql.columns(table):
        return ' ORDER BY "id"'
    return ""


def _defer_foreign_keys(sql: Any) -> None:
    if sql.name == "sqlite":
        sql.execute("PRAGMA defer_foreign_keys = ON")
    else:
        sql.execute("SET CONSTRAINTS ALL DEFERRED")


def row_counts(store: Store, tables: Iterable[str]) -> dict[str, int]:
    return {t: store.sql.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
