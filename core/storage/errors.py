"""Constraint failures, the same on both engines: the store turns them into one-line
:class:`~gridgov.core.errors.ValidationError` messages naming the column."""

from __future__ import annotations

import sqlite3


class IntegrityProblem(Exception):
    """A row broke a constraint: ``kind`` is unique, foreign_key, not_null or append_only."""

    def __init__(self, kind: str, column: str, message: str) -> None:
        self.kind = kind
        self.column = column
        super().__init__(message)


def from_sqlite(exc: sqlite3.IntegrityError) -> IntegrityProblem:
    message = str(exc)
    if "append-only" in message:
        return IntegrityProblem("append_only", message.split(" ", 1)[0], message)
    column = message.rsplit(".", 1)[-1] if "." in message else "row"
    for marker, kind in (("UNIQUE", "unique"), ("FOREIGN KEY", "foreign_key"), ("NOT NULL", "not_null")):
        if marker in message:
            return IntegrityProblem(kind, column if kind != "foreign_key" else "reference", message)
    return IntegrityProblem("check", column, message)
