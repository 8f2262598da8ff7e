"""The issue and event tables as SQLAlchemy 2 declarative classes, for ``orm_bench.py``.

What an integrator who skipped gridgov would write over the same schema: every column
of ``issue`` and ``issue_event`` with its SQLite type, its NOT NULL and its foreign key,
and a relationship so a case's first event is saved with it by the unit of work. Types
are the stored ones (times and JSON stay TEXT), so rows written through these classes
are the rows gridgov writes. :func:`schema_differences` checks the classes against a
database's own tables, so the comparison stops if the schema moves on.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Column, ForeignKey, Integer, Table, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


area = Table("area", Base.metadata, Column("code", Text, primary_key=True))
"""Referenced, not mapped: its key is declared so that the cases' foreign keys resolve."""


class Issue(Base):
    __tablename__ = "issue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    priority: Mapped[str | None] = mapped_column(Text)
    area_code: Mapped[str] = mapped_column(Text, ForeignKey("area.code"))
    area_path: Mapped[str] = mapped_column(Text)
    handling_area: Mapped[str | None] = mapped_column(Text, ForeignKey("area.code"))
    level: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    reporter: Mapped[str | None] = mapped_column(Text)
    requester_name: Mapped[str | None] = mapped_column(Text)
    requester_phone: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    assignee_org: Mapped[str | None] = mapped_column(Text)
    assignee_member: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[str | None] = mapped_column(Text)
    dispatched_at: Mapped[str | None] = mapped_column(Text)
    accepted_at: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[str | None] = mapped_column(Text)
    response_due: Mapped[str | None] = mapped_column(Text)
    resolve_due: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(Text)
    merged_into: Mapped[int | None] = mapped_column(Integer, ForeignKey("issue.id"))
    rework_count: Mapped[int | None] = mapped_column(Integer)
    return_count: Mapped[int | None] = mapped_column(Integer)
    escalation_count: Mapped[int | None] = mapped_column(Integer)
    urge_count: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str | None] = mapped_column(Text)
    is_open: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list[IssueEvent]] = relationship(back_populates="issue")


class IssueEvent(Base):
    __tablename__ = "issue_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(Integer, ForeignKey("issue.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str | None] = mapped_column(Text)
    to_status: Mapped[str] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[str | None] = mapped_column(Text)
    org: Mapped[str | None] = mapped_column(Text)
    member: Mapped[str | None] = mapped_column(Text)
    metrics: Mapped[str | None] = mapped_column(Text)

    issue: Mapped[Issue] = relationship(back_populates="events")


def schema_differences(path: Path) -> list[str]:
    """Where the declared classes and the database's tables disagree (empty: they match)
    on column names, order, types, NOT NULL, primary keys and foreign keys."""
    problems = []
    with sqlite3.connect(path) as conn:
        for cls in (Issue, IssueEvent):
            table = cls.__table__
            found = [(name, kind.upper(), bool(notnull), bool(pk))
                     for _, name, kind, notnull, _, pk in conn.execute(f"PRAGMA table_info({table.name})")]
            declared = [(c.name, c.type.compile().upper(), not c.nullable and not c.primary_key, c.primary_key)
                        for c in table.columns]
            if found != declared:
                problems.append(f"{table.name} columns: database {found} != declared {declared}")
            found_fks = {(row[3], row[2], row[4]) for row in conn.execute(f"PRAGMA foreign_key_list({table.name})")}
            declared_fks = {(fk.parent.name, *fk.target_fullname.split(".")) for fk in table.foreign_keys}
            if found_fks != declared_fks:
                problems.append(f"{table.name} foreign keys: database {found_fks} != declared {declared_fks}")
    return problems


def engine_for(path: Path, synchronous: str = "FULL", begin: str = "BEGIN IMMEDIATE") -> Engine:
    """An engine with gridgov's connection settings (WAL, ``synchronous``, foreign keys,
    busy timeout) whose transactions begin with ``begin``: ``BEGIN IMMEDIATE`` for writing,
    as gridgov's do; a reader may pass plain ``BEGIN``, which takes no lock.

    pysqlite's own implicit ``BEGIN`` is switched off and SQLAlchemy's ``begin`` event
    emits the statement instead: the recipe of SQLAlchemy's SQLite dialect documentation
    ("Serializable isolation / Savepoints / Transactional DDL")."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("busy_timeout = 30000", "journal_mode = WAL", f"synchronous = {synchronous}",
                       "foreign_keys = ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_transaction(connection) -> None:
        connection.exec_driver_sql(begin)

    return engine
