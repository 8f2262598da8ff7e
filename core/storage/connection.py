"""Opening a database the one right way.

Every connection runs in WAL mode with foreign keys on and a busy timeout, and leaves
transactions to :meth:`Store.write`, which begins them with ``BEGIN IMMEDIATE``: a
read-then-write transaction begun with a plain ``BEGIN`` fails with "database is locked"
when another process commits between its read and its write.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 30_000


def connect(path: str | Path, *, synchronous: str = "NORMAL") -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path``; ``":memory:"`` works for tests."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if str(path) != ":memory:":
        _enter_wal(conn)
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn, execute_plugins=False)


def _enter_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting for a process that is creating the same database.

    Changing the journal mode needs an exclusive lock and SQLite does not wait for it with
    the busy handler, so two processes opening a new file at once would see "database is
    locked"; a database already in WAL answers at once."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
