"""The core's data access: every SQL statement of gridgov lives in this package.

Services above this module deal in dicts and records; they never build SQL. A PostgreSQL
implementation would reimplement this class and :class:`~.tables.Table`, nothing else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import operator
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import sqlite_utils

from ..errors import NotFound, StaleUpdate, ValidationError
from .schema import CORE, METRIC_COLUMNS
from .tables import Migrations, SchemaEditor, Table, _encode, _where

CORE_TABLES = {
    "setting": "key",
    "area": "code",
    "organisation": "code",
    "member": "login",
    "role_assignment": "id",
    "pairing": "id",
    "dual_registration": "id",
    "access_log": "id",
    "issue": "id",
    "issue_event": "id",
}

ISSUE_COLUMNS = (
    "id", "title", "description", "category", "priority", "area_code", "area_path",
    "handling_area", "level", "source", "reporter", "requester_name", "requester_phone",
    "status", "assignee_org", "assignee_member", "reported_at", "registered_at",
    "dispatched_at", "accepted_at", "resolved_at", "closed_at", "response_due", "resolve_due",
    "rating", "merged_into", "rework_count", "return_count", "escalation_count", "urge_count",
    "version", "payload", "is_open", "due_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "issue_id", "seq", "at", "actor", "action", "from_status", "to_status", "level", "note",
    "changes", "org", "member", "metrics",
)  # fmt: skip

_INSERT_ISSUE = f"INSERT INTO issue ({', '.join(ISSUE_COLUMNS)}) VALUES ({', '.join('?' * len(ISSUE_COLUMNS))})"
_INSERT_EVENT = f"INSERT INTO issue_event ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
_UPDATE_ISSUE = (
    f"UPDATE issue SET {', '.join(f'{c} = ?' for c in ISSUE_COLUMNS[1:])} WHERE id = ? AND version = ?"
)


LARGE_SCOPE = 20_000
"""Above this many cases, a queue over all states pages along the due-time index."""


def subtree_bounds(path: str) -> tuple[str, str]:
    """The half-open text range holding ``path`` and every path below it.

    Paths end in ``/``, and ``0`` is the character after ``/``, so ``[/a/b/, /a/b0)`` is
    exactly the subtree of ``/a/b/`` and an index on the path serves it.
    """
    return path, path[:-1] + "0"


class Store:
    """One open database: transactions, migrations, core rows and plugin tables."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._depth = 0
        self._savepoints = itertools.count()
        self._plugin_tables: dict[str, Table] = {}

    def close(self) -> None:
        self.db.conn.close()

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self, *, savepoint: bool = False) -> Iterator[sqlite_utils.Database]:
        """A write transaction begun with ``BEGIN IMMEDIATE``; everything inside commits
        together or not at all.

        Nested calls join the outer transaction. With ``savepoint=True`` a nested call gets
        a savepoint, so its failure undoes only its own writes (used around plugin hooks).
        """
        conn = self.db.conn
        if self._depth:
            self._depth += 1
            try:
                if not savepoint:
                    yield self.db
                    return
                name = f"sp{next(self._savepoints)}"
                conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self.db
                except BaseException:
                    if conn.in_transaction:
                        conn.execute(f"ROLLBACK TO {name}")
                        conn.execute(f"RELEASE {name}")
                    raise
                else:
                    conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        finally:
            self._depth = 0

    @property
    def in_write(self) -> bool:
        return self._depth > 0

    # -- schema -------------------------------------------------------------------------

    def migrate(self, plugin_sets: Iterable[Migrations] = ()) -> list[str]:
        """Apply pending core and plugin migrations; returns the names applied."""
        applied: list[str] = []
        with self.write() as db:
            before = {m.name for m in CORE.applied(db)}
            CORE.apply(db)
            applied += [f"gridgov.core:{m.name}" for m in CORE.applied(db) if m.name not in before]
            for plugin_set in plugin_sets:
                applied += self._apply_plugin_set(plugin_set)
        return applied

    def _apply_plugin_set(self, plugin_set: Migrations) -> list[str]:
        from sqlite_utils.migrations import Migrations as SqliteMigrations

        editor = SchemaEditor(self.db, plugin_set.namespace)
        native = SqliteMigrations(f"plugin:{plugin_set.namespace}")
        for name, fn in plugin_set.steps:
            native(name=name)(lambda db, fn=fn: fn(editor))
        pending = [m.name for m in native.pending(self.db)]
        native.apply(self.db)
        return [f"{plugin_set.namespace}:{name}" for name in pending]

    def pending_migrations(self, plugin_sets: Iterable[Migrations] = ()) -> list[str]:
        from sqlite_utils.migrations import Migrations as SqliteMigrations

        pending = [f"gridgov.core:{m.name}" for m in CORE.pending(self.db)]
        for plugin_set in plugin_sets:
            native = SqliteMigrations(f"plugin:{plugin_set.namespace}")
            for name, _ in plugin_set.steps:
                native(name=name)(lambda db: None)
            pending += [f"{plugin_set.namespace}:{m.name}" for m in native.pending(self.db)]
        return pending

    def register_table(self, name: str, types: Mapping[str, str] | None = None) -> Table:
        """Make a plugin table available through :meth:`table` (done by the platform)."""
        info = self.db[name]
        pks = info.pks if info.exists() else ["id"]
        self._plugin_tables[name] = Table(self, name, pks[0], types or {})
        return self._plugin_tables[name]

    def table(self, name: str) -> Table:
        """A plugin table by its full name (``mediation_dispute``)."""
        try:
            return self._plugin_tables[name]
        except KeyError:
            raise NotFound("plugin table", name) from None

    def table_names(self) -> list[str]:
        return self.db.table_names()

    # -- generic core rows --------------------------------------------------------------

    def get(self, table: str, key: Any) -> dict[str, Any]:
        pk = CORE_TABLES[table]
        row = self.db.execute(f"SELECT * FROM {table} WHERE {pk} = ?", [key]).fetchone()
        if row is None:
            raise NotFound(table, key)
        return self._row(table, row)

    def find(self, table: str, key: Any) -> dict[str, Any] | None:
        try:
            return self.get(table, key)
        except NotFound:
            return None

    def _row(self, table: str, values: Sequence[Any]) -> dict[str, Any]:
        return dict(zip(self._columns(table), values, strict=True))

    def _columns(self, table: str) -> list[str]:
        cache = self.__dict__.setdefault("_column_cache", {})
        if table not in cache:
            cache[table] = [c[1] for c in self.db.execute(f"PRAGMA table_info({table})")]
        return cache[table]

    def select(
        self,
        table: str,
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        **where: Any,
    ) -> list[dict[str, Any]]:
        if table not in CORE_TABLES:
            raise NotFound("table", table)
        clause, params = _where(where)
        sql = f"SELECT * FROM {table}{clause}"
        if order_by:
            sql += f" ORDER BY {order_by.lstrip('-')}{' DESC' if order_by.startswith('-') else ''}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset or 0)}"
        return [self._row(table, r) for r in self.db.execute(sql, params)]

    def count(self, table: str, **where: Any) -> int:
        clause, params = _where(where)
        return self.db.execute(f"SELECT count(*) FROM {table}{clause}", params).fetchone()[0]

    def insert(self, table: str, row: Mapping[str, Any]) -> Any:
        values = {k: _encode(v) for k, v in row.items() if not (k == CORE_TABLES[table] and v is None)}
        sql = f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"
        with self.write() as db:
            try:
                cursor = db.execute(sql, list(values.values()))
            except sqlite3.IntegrityError as exc:
                raise _integrity(table, values, exc) from None
        return values.get(CORE_TABLES[table], cursor.lastrowid)

    def insert_many(self, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
        """Insert rows in one statement batch, inside the current transaction."""
        if not rows:
            return 0
        columns = [c for c in rows[0] if not (c == CORE_TABLES[table] and rows[0][c] is None)]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        with self.write() as db:
            try:
                db.conn.executemany(sql, ([_encode(r.get(c)) for c in columns] for r in rows))
            except sqlite3.IntegrityError as exc:
                raise _integrity(table, {}, exc) from None
        return len(rows)

    def update(self, table: str, key: Any, values: Mapping[str, Any], *, version: int | None = None) -> None:
        """Update a row; with ``version``, only if the row still has it (and bump it)."""
        pk = CORE_TABLES[table]
        sets = {k: _encode(v) for k, v in values.items()}
        sql = f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in sets)}"
        params = list(sets.values())
        if version is not None:
            sql += ", version = version + 1"
        sql += f" WHERE {pk} = ?"
        params.append(key)
        if version is not None:
            sql += " AND version = ?"
            params.append(version)
        with self.write() as db:
            try:
                cursor = db.execute(sql, params)
            except sqlite3.IntegrityError as exc:
                raise _integrity(table, sets, exc) from None
            if cursor.rowcount == 0:
                current = self.get(table, key)
                raise StaleUpdate(key, version or 0, current.get("version", 0))

    def delete(self, table: str, key: Any) -> None:
        pk = CORE_TABLES[table]
        with self.write() as db:
            try:
                db.execute(f"DELETE FROM {table} WHERE {pk} = ?", [key])
            except sqlite3.IntegrityError as exc:
                raise _integrity(table, {}, exc) from None

    # -- settings -----------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )

    # -- area tree ----------------------------------------------------------------------

    def subtree(self, table: str, path: str, *, column: str = "path", limit: int | None = None,
                offset: int = 0, order_by: str | None = None, **where: Any) -> list[dict[str, Any]]:
        """Rows of ``table`` whose ``column`` lies in the subtree of ``path``."""
        low, high = subtree_bounds(path)
        clause, params = _where(where)
        clause = (clause + " AND" if clause else " WHERE") + f" {column} >= ? AND {column} < ?"
        sql = f"SELECT * FROM {table}{clause}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [self._row(table, r) for r in self.db.execute(sql, [*params, low, high])]

    def count_subtree(self, table: str, path: str, *, column: str = "path", **where: Any) -> int:
        low, high = subtree_bounds(path)
        clause, params = _where(where)
        clause = (clause + " AND" if clause else " WHERE") + f" {column} >= ? AND {column} < ?"
        return self.db.execute(f"SELECT count(*) FROM {table}{clause}", [*params, low, high]).fetchone()[0]

    def members_in_subtree(self, path: str, *, post: str | None = None, limit: int | None = None,
                           offset: int = 0) -> list[dict[str, Any]]:
        """Members placed in the subtree of ``path``: by home area, by a post over an area
        there, or by belonging to (or holding a post in) an organisation seated there."""
        low, high = subtree_bounds(path)
        posts = (
            "SELECT r.login FROM role_assignment r LEFT JOIN area a ON a.code = r.area_code"
            " LEFT JOIN organisation o ON o.code = r.org_code LEFT JOIN area s ON s.code = o.area_code"
            " WHERE ((a.path >= ? AND a.path < ?) OR (s.path >= ? AND s.path < ?))"
        )
        params: list[Any] = [low, high, low, high]
        if post:
            sql = f"SELECT m.* FROM member m WHERE m.login IN ({posts} AND r.post = ?)"
            params.append(post)
        else:
            sql = (
                f"SELECT m.* FROM member m WHERE m.login IN ({posts}"
                " UNION SELECT m2.login FROM member m2 JOIN area h ON h.code = m2.home_area"
                " WHERE h.path >= ? AND h.path < ?"
                " UNION SELECT m3.login FROM member m3 JOIN organisation o3 ON o3.code = m3.org_code"
                " JOIN area s3 ON s3.code = o3.area_code WHERE s3.path >= ? AND s3.path < ?)"
            )
            params += [low, high, low, high]
        sql += " ORDER BY m.login"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [self._row("member", r) for r in self.db.execute(sql, params)]

    # -- issues -------------------------------------------------------------------------

    def insert_issue(self, row: Mapping[str, Any], event: Mapping[str, Any]) -> int:
        """Insert a new issue and its first event; returns the issue id."""
        with self.write() as db:
            cursor = db.conn.execute(_INSERT_ISSUE, [row.get(c) for c in ISSUE_COLUMNS])
            issue_id = cursor.lastrowid
            db.conn.execute(_INSERT_EVENT, [issue_id if c == "issue_id" else event.get(c) for c in EVENT_COLUMNS])
        return issue_id

    def update_issue(self, row: Mapping[str, Any], event: Mapping[str, Any], *, expected_version: int) -> None:
        """Write the changed issue and its event, if nobody changed it since ``expected_version``."""
        with self.write() as db:
            params = [row.get(c) for c in ISSUE_COLUMNS[1:]] + [row["id"], expected_version]
            cursor = db.conn.execute(_UPDATE_ISSUE, params)
            if cursor.rowcount == 0:
                found = db.conn.execute("SELECT version FROM issue WHERE id = ?", [row["id"]]).fetchone()
                if found is None:
                    raise NotFound("issue", row["id"])
                raise StaleUpdate(row["id"], expected_version, found[0])
            db.conn.execute(_INSERT_EVENT, [event.get(c) for c in EVENT_COLUMNS])

    def bulk_insert_issues(self, rows: Iterable[Mapping[str, Any]], events: Iterable[Mapping[str, Any]]) -> None:
        """Insert issues with explicit ids and their events, inside the current transaction."""
        with self.write() as db:
            db.conn.executemany(_INSERT_ISSUE, _values(rows, ISSUE_COLUMNS))
            db.conn.executemany(_INSERT_EVENT, _values(events, EVENT_COLUMNS))

    def max_issue_id(self) -> int:
        return self.db.execute("SELECT coalesce(max(id), 0) FROM issue").fetchone()[0]

    def issue_row(self, issue_id: int) -> dict[str, Any]:
        return self.get("issue", issue_id)

    def events(self, issue_id: int) -> list[dict[str, Any]]:
        cursor = self.db.execute("SELECT * FROM issue_event WHERE issue_id = ? ORDER BY seq", [issue_id])
        return [self._row("issue_event", r) for r in cursor]

    def iter_events(self, *, batch: int = 5000) -> Iterator[dict[str, Any]]:
        """Every event in issue and sequence order (for replay and recounts)."""
        cursor = self.db.execute("SELECT * FROM issue_event ORDER BY issue_id, seq")
        while rows := cursor.fetchmany(batch):
            for r in rows:
                yield self._row("issue_event", r)

    def events_for(self, *, org: str | None = None, member: str | None = None,
                   since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[dict[str, Any]]:
        where = {"org": org} if org else {"member": member}
        if since:
            where["at__gte"] = since
        if until:
            where["at__lt"] = until
        clause, params = _where(where)
        return [self._row("issue_event", r) for r in self.db.execute(f"SELECT * FROM issue_event{clause}", params)]

    def issue_page(
        self,
        *,
        path: str | None,
        extra_paths: Sequence[str] = (),
        orgs: Sequence[str] = (),
        members: Sequence[str] = (),
        status: Sequence[str] = (),
        open_only: bool = False,
        category: str | None = None,
        level: str | None = None,
        overdue_before: dt.datetime | None = None,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
        count: bool = False,
    ) -> list[dict[str, Any]] | int:
        """One page of issues visible through the given scopes, soonest due first.

        ``path``/``extra_paths`` are area subtrees; ``orgs``/``members`` add the cases
        assigned to them. The open-queue index serves the common case (open cases of one
        subtree in due order) without touching closed ones.
        """
        if any(self._covers_everything(p) for p in (path, *extra_paths) if p):
            orgs = members = ()
        scopes: list[tuple[str, list[Any]]] = []
        for p in [x for x in (path, *extra_paths) if x]:
            scopes.append(("area_path >= ? AND area_path < ?", list(subtree_bounds(p))))
        if orgs:
            scopes.append((f"assignee_org IN ({', '.join('?' * len(orgs))})", list(orgs)))
        if members:
            scopes.append((f"assignee_member IN ({', '.join('?' * len(members))})", list(members)))
        if not scopes:
            return 0 if count else []
        clauses: list[str] = []
        params: list[Any] = []
        if open_only or overdue_before:
            clauses.append("is_open = 1")
        if status:
            clauses.append(f"status IN ({', '.join('?' * len(status))})")
            params += list(status)
        if category:
            clauses.append("category = ?")
            params.append(category)
        if level:
            clauses.append("level = ?")
            params.append(level)
        if overdue_before:
            clauses.append("due_at < ?")
            params.append(_encode(overdue_before))
        if search:
            if len(search) >= 3:
                clauses.append("id IN (SELECT rowid FROM issue_fts WHERE issue_fts MATCH ?)")
                params.append(_fts_phrase(search))
            else:
                # The user's % and _ are text, not wildcards.
                escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                clauses.append("(title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')")
                params += [f"%{escaped}%", f"%{escaped}%"]
        rest = "".join(f" AND {c}" for c in clauses)
        branch_params = [v for _, scope_params in scopes for v in (*scope_params, *params)]
        order = "ORDER BY due_at, id"
        paths = [p for p in (path, *extra_paths) if p]
        size = sum(self.subtree_size(p) for p in paths)
        if size > LARGE_SCOPE and not (open_only or overdue_before):
            # A large scope over all states: walk the due-time index in order and keep the
            # rows in scope, instead of sorting the whole scope for every page.
            where = "(" + " OR ".join(scope for scope, _ in scopes) + ")" + rest
            scope_params = [v for _, sp in scopes for v in sp] + params
            if count:
                if not (clauses or orgs or members):
                    return size
                # Path and status both sit in this index: counting reads no rows.
                sql = f"SELECT count(*) FROM issue INDEXED BY idx_issue_area_path_status WHERE {where}"
                if orgs or members or category or level or search:
                    sql = f"SELECT count(*) FROM issue WHERE {where}"
                return self.db.execute(sql, scope_params).fetchone()[0]
            index = "issue_status_due" if status else "issue_due"
            sql = (
                f"SELECT * FROM issue INDEXED BY {index} WHERE {where} {order} "
                f"LIMIT {int(limit)} OFFSET {int(offset)}"
            )
            return [self._row("issue", r) for r in self.db.execute(sql, scope_params)]
        # One branch per scope, joined by UNION, instead of one WHERE with OR: each branch
        # is then served by its own index (the open-queue index covers id and due_at), and
        # the page's ids are chosen before any full row is read.
        branches = " UNION ".join(f"SELECT id, due_at FROM issue WHERE {scope}{rest}" for scope, _ in scopes)
        if count:
            return self.db.execute(f"SELECT count(*) FROM ({branches})", branch_params).fetchone()[0]
        sql = (
            f"SELECT * FROM issue WHERE id IN (SELECT id FROM ({branches}) {order} "
            f"LIMIT {int(limit)} OFFSET {int(offset)}) {order}"
        )
        return [self._row("issue", r) for r in self.db.execute(sql, branch_params)]

    def _covers_everything(self, path: str) -> bool:
        """Whether the subtree of ``path`` holds every case (the root of a one-root tree):
        then cases assigned to the actor's organisation are in it already."""
        if path == "/":
            return True
        if path.count("/") != 2:
            return False
        roots = self.db.execute("SELECT count(*) FROM area WHERE parent_code IS NULL").fetchone()[0]
        return roots == 1

    def subtree_size(self, path: str) -> int:
        """How many cases were ever received in the subtree of ``path`` (from the counters:
        every case adds one to its area and each ancestor), without touching the issues."""
        code = path.strip("/").rsplit("/", 1)[-1]
        return self.db.execute(
            "SELECT coalesce(sum(received), 0) FROM metric_daily WHERE area_code = ?", [code]
        ).fetchone()[0]

    def similar_open_issues(self, *, category: str, path: str, text: str, limit: int = 5) -> list[dict[str, Any]]:
        """Open issues of a category in a subtree whose text shares trigrams with ``text``."""
        terms = _trigram_terms(text)
        if not terms:
            return []
        low, high = subtree_bounds(path)
        sql = (
            "SELECT issue.* FROM issue_fts JOIN issue ON issue.id = issue_fts.rowid "
            "WHERE issue_fts MATCH ? AND issue.category = ? AND issue.is_open = 1 "
            "AND issue.area_path >= ? AND issue.area_path < ? ORDER BY bm25(issue_fts) LIMIT ?"
        )
        rows = self.db.execute(sql, [" OR ".join(terms), category, low, high, limit])
        return [self._row("issue", r[: len(self._columns("issue"))]) for r in rows]

    # -- metrics ------------------------------------------------------------------------

    def add_metrics(self, area_codes: Sequence[str], day: dt.date, deltas: Mapping[str, int]) -> None:
        """Add ``deltas`` to the daily counters of each area (the issue's area and ancestors)."""
        if not deltas:
            return
        columns = [c for c in deltas if c in METRIC_COLUMNS]
        if len(columns) != len(deltas):
            raise ValidationError("metrics", f"unknown counters {set(deltas) - set(columns)}")
        sql = (
            f"INSERT INTO metric_daily (area_code, day, {', '.join(columns)}) "
            f"VALUES (?, ?, {', '.join('?' * len(columns))}) ON CONFLICT(area_code, day) DO UPDATE SET "
            + ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
        )
        values = [deltas[c] for c in columns]
        with self.write() as db:
            db.conn.executemany(sql, ([code, day.isoformat(), *values] for code in area_codes))

    def add_metrics_many(self, rows: Iterable[tuple[str, str, Mapping[str, int]]]) -> None:
        """Bulk form of :meth:`add_metrics` for imports: ``(area_code, day, deltas)``.

        Rows with the same counters share one prepared statement (one ``executemany``
        per set of counters), which is what makes a year of demo counters quick to write.
        """
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        for code, day, deltas in rows:
            columns = tuple(sorted(deltas))
            groups.setdefault(columns, []).append([code, dt.date.fromisoformat(day).isoformat(), *(deltas[c] for c in columns)])
        with self.write() as db:
            for columns, params in groups.items():
                if not columns:
                    continue
                unknown = set(columns) - set(METRIC_COLUMNS)
                if unknown:
                    raise ValidationError("metrics", f"unknown counters {unknown}")
                sql = (
                    f"INSERT INTO metric_daily (area_code, day, {', '.join(columns)}) "
                    f"VALUES (?, ?, {', '.join('?' * len(columns))}) ON CONFLICT(area_code, day) DO UPDATE SET "
                    + ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
                )
                db.conn.executemany(sql, params)

    @contextlib.contextmanager
    def bulk_load(self, cache_mb: int = 256) -> Iterator[None]:
        """A bigger page cache while a large load runs (the demo, imports), so index pages
        stay in memory between chunks instead of being read and spilled again."""
        old = self.db.execute("PRAGMA cache_size").fetchone()[0]
        self.db.execute(f"PRAGMA cache_size = {-int(cache_mb) * 1024}")
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA cache_size = {int(old)}")

    def sum_metrics(self, area_code: str, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
        """Counters of one area summed over ``[since, until)``."""
        sql = f"SELECT {', '.join(f'coalesce(sum({c}), 0)' for c in METRIC_COLUMNS)} FROM metric_daily WHERE area_code = ?"
        params: list[Any] = [area_code]
        if since:
            sql += " AND day >= ?"
            params.append(since.isoformat())
        if until:
            sql += " AND day < ?"
            params.append(until.isoformat())
        return dict(zip(METRIC_COLUMNS, self.db.execute(sql, params).fetchone(), strict=True))

    def daily_metric(self, area_code: str, column: str, since: dt.date, until: dt.date) -> list[tuple[str, int]]:
        if column not in METRIC_COLUMNS:
            raise ValidationError("metric", f"unknown counter {column}")
        sql = f"SELECT day, {column} FROM metric_daily WHERE area_code = ? AND day >= ? AND day < ? ORDER BY day"
        return list(self.db.execute(sql, [area_code, since.isoformat(), until.isoformat()]))

    def clear_metrics(self) -> None:
        with self.write() as db:
            db.execute("DELETE FROM metric_daily")

    # -- access log ---------------------------------------------------------------------

    def log_access(self, actor: str, what: str, reason: str, at: dt.datetime) -> None:
        self.insert("access_log", {"actor": actor, "what": what, "reason": reason, "at": at})


def _values(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Iterator[Sequence[Any]]:
    """Each row's values in ``columns`` order, None where a row lacks a column.

    ``itemgetter`` takes the whole tuple in one C call, three times faster than a
    comprehension of ``dict.get`` on a bulk load of a million rows; a row with a
    missing column falls back to ``get``."""
    take = operator.itemgetter(*columns)
    for row in rows:
        try:
            yield take(row)
        except KeyError:
            yield [row.get(c) for c in columns]


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _trigram_terms(text: str, limit: int = 24) -> list[str]:
    """Distinct 3-character pieces of ``text`` as quoted FTS terms (trigram tokenizer)."""
    compact = "".join(ch for ch in text if not ch.isspace() and ch not in "\"'*()^:")
    seen: dict[str, None] = {}
    for i in range(len(compact) - 2):
        seen.setdefault(compact[i : i + 3], None)
    return [f'"{t}"' for t in list(seen)[:limit]]


def _integrity(table: str, values: Mapping[str, Any], exc: sqlite3.IntegrityError) -> ValidationError:
    message = str(exc)
    if "UNIQUE" in message:
        column = message.rsplit(".", 1)[-1]
        return ValidationError(column, f"{values.get(column, '')!s} already exists", record=table)
    if "FOREIGN KEY" in message:
        return ValidationError("reference", "refers to a record that does not exist", record=table)
    if "NOT NULL" in message:
        return ValidationError(message.rsplit(".", 1)[-1], "is required", record=table)
    return ValidationError("row", message, record=table)
