"""Issue rows, events, queue pages and duplicate search: the SQL of the closed loop.

Mixed into :class:`~.store.Store`, whose transactions and row helpers it uses.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..errors import NotFound, StaleUpdate
from .ddl import text_expression
from .parts import StoreParts
from .tables import _encode, _where

TEXT_COLUMNS = ("title", "description")

ISSUE_COLUMNS = (
    "id", "title", "description", "category", "priority", "area_code", "area_path",
    "handling_area", "level", "source", "reporter", "requester_name", "requester_phone",
    "status", "assignee_org", "assignee_member", "reported_at", "registered_at",
    "dispatched_at", "accepted_at", "resolved_at", "closed_at", "response_due", "resolve_due",
    "rating", "merged_into", "rework_count", "return_count", "escalation_count", "urge_count",
    "version", "payload", "is_open", "due_at", "register_due", "dispatch_due", "callback_count", "address",
    "lat", "lon",
)  # fmt: skip
EVENT_COLUMNS = (
    "issue_id", "seq", "at", "actor", "action", "from_status", "to_status", "level", "note",
    "changes", "org", "member", "metrics",
)  # fmt: skip

_INSERT_ISSUE = f"INSERT INTO issue ({', '.join(ISSUE_COLUMNS)}) VALUES ({', '.join('?' * len(ISSUE_COLUMNS))})"
_INSERT_NEW_ISSUE = (
    f"INSERT INTO issue ({', '.join(ISSUE_COLUMNS[1:])}) VALUES ({', '.join('?' * (len(ISSUE_COLUMNS) - 1))})"
)
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


class IssueRows(StoreParts):

    def insert_issue(self, row: Mapping[str, Any], event: Mapping[str, Any]) -> int:
        """Insert a new issue and its first event; returns the issue id."""
        with self.write() as db:
            issue_id = db.insert_returning(_INSERT_NEW_ISSUE, [row.get(c) for c in ISSUE_COLUMNS[1:]], "id")
            db.execute(_INSERT_EVENT, [issue_id if c == "issue_id" else event.get(c) for c in EVENT_COLUMNS])
        return issue_id

    def update_issue(self, row: Mapping[str, Any], event: Mapping[str, Any], *, expected_version: int) -> None:
        """Write the changed issue and its event, if nobody changed it since ``expected_version``."""
        with self.write() as db:
            params = [row.get(c) for c in ISSUE_COLUMNS[1:]] + [row["id"], expected_version]
            cursor = db.execute(_UPDATE_ISSUE, params)
            if cursor.rowcount == 0:
                found = db.execute("SELECT version FROM issue WHERE id = ?", [row["id"]]).fetchone()
                if found is None:
                    raise NotFound("issue", row["id"])
                raise StaleUpdate(row["id"], expected_version, found[0])
            db.execute(_INSERT_EVENT, [event.get(c) for c in EVENT_COLUMNS])

    def bulk_insert_issues(self, rows: Iterable[Mapping[str, Any]], events: Iterable[Mapping[str, Any]]) -> None:
        """Insert issues with explicit ids and their events, inside the current transaction."""
        self.bulk_insert_issue_values(_values(rows, ISSUE_COLUMNS), _values(events, EVENT_COLUMNS))

    issue_columns = ISSUE_COLUMNS
    event_columns = EVENT_COLUMNS

    def bulk_insert_issue_values(self, issues: Iterable[Sequence[Any]], events: Iterable[Sequence[Any]]) -> None:
        """:meth:`bulk_insert_issues` for rows already laid out as :attr:`issue_columns`
        and :attr:`event_columns` (the demo's worker processes send tuples: smaller to
        pickle than dicts, and nothing left to pick apart here)."""
        with self.write() as db:
            db.executemany(_INSERT_ISSUE, issues)
            db.executemany(_INSERT_EVENT, events)
            db.sync_sequence("issue", "id")
            db.sync_sequence("issue_event", "id")

    def max_issue_id(self) -> int:
        return self.sql.execute("SELECT coalesce(max(id), 0) FROM issue").fetchone()[0]

    def issue_row(self, issue_id: int) -> dict[str, Any]:
        return self.get("issue", issue_id)

    def events(self, issue_id: int) -> list[dict[str, Any]]:
        cursor = self.sql.execute("SELECT * FROM issue_event WHERE issue_id = ? ORDER BY seq", [issue_id])
        return [self._row("issue_event", r) for r in cursor]

    def iter_events(self, *, batch: int = 5000) -> Iterator[dict[str, Any]]:
        """Every event in issue and sequence order (for replay and recounts)."""
        for r in self.sql.stream("SELECT * FROM issue_event ORDER BY issue_id, seq", batch=batch):
            yield self._row("issue_event", r)

    def events_for(self, *, org: str | None = None, member: str | None = None,
                   since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[dict[str, Any]]:
        where: dict[str, Any] = {"org": org} if org else {"member": member}
        if since:
            where["at__gte"] = since
        if until:
            where["at__lt"] = until
        clause, params = _where(where, self.sql.like)
        return [self._row("issue_event", r) for r in self.sql.execute(f"SELECT * FROM issue_event{clause}", params)]

    def issue_page(self, **query: Any) -> list[dict[str, Any]]:
        """One page of issues visible through the given scopes, soonest due first
        (arguments as :meth:`_issue_query`)."""
        rows = self._issue_query(count=False, **query)
        assert isinstance(rows, list)
        return rows

    def issue_count(self, **query: Any) -> int:
        """How many issues the same query as :meth:`issue_page` finds, without a page."""
        query.pop("limit", None)
        query.pop("offset", None)
        found = self._issue_query(count=True, **query)
        assert isinstance(found, int)
        return found

    def _issue_query(
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
        """One page, or the count, of the issues visible through the given scopes.

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
        if search and search.split():
            clause, search_params = self._search_clause(search)
            clauses.append(clause)
            params += search_params
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
                sql = f"SELECT count(*) FROM issue{self._hint('idx_issue_area_path_status')} WHERE {where}"
                if orgs or members or category or level or search:
                    sql = f"SELECT count(*) FROM issue WHERE {where}"
                return self.sql.execute(sql, scope_params).fetchone()[0]
            index = "issue_status_due" if status else "issue_due"
            sql = (
                f"SELECT * FROM issue{self._hint(index)} WHERE {where} {order} "
                f"LIMIT {int(limit)} OFFSET {int(offset)}"
            )
            return [self._row("issue", r) for r in self.sql.execute(sql, scope_params)]
        # One branch per scope, joined by UNION, instead of one WHERE with OR: each branch
        # is then served by its own index (the open-queue index covers id and due_at), and
        # the page's ids are chosen before any full row is read.
        branches = " UNION ".join(f"SELECT id, due_at FROM issue WHERE {scope}{rest}" for scope, _ in scopes)
        if count:
            return self.sql.execute(f"SELECT count(*) FROM ({branches}) AS scoped", branch_params).fetchone()[0]
        sql = (
            f"SELECT * FROM issue WHERE id IN (SELECT id FROM ({branches}) AS scoped {order} "
            f"LIMIT {int(limit)} OFFSET {int(offset)}) {order}"
        )
        return [self._row("issue", r) for r in self.sql.execute(sql, branch_params)]

    def _hint(self, index: str) -> str:
        """SQLite's planner needs telling which index walks a large scope in due order;
        PostgreSQL's finds it."""
        return f" INDEXED BY {index}" if self.sql.name == "sqlite" else ""

    def _search_clause(self, search: str) -> tuple[str, list[Any]]:
        """Every term of ``search`` (split on whitespace) occurs in the title or
        description, Chinese included. SQLite: terms of three characters or more through the
        FTS5 trigram index (one MATCH of quoted phrases, which FTS5 ANDs), shorter ones by
        LIKE; PostgreSQL: LIKE per term over the text the pg_trgm index is built on. The
        user's ``%`` and ``_`` are text, not wildcards."""
        terms = list(dict.fromkeys(search.split()))
        parts: list[str] = []
        params: list[Any] = []
        if self.sql.name == "postgresql":
            for term in terms:
                parts.append(f"({text_expression(TEXT_COLUMNS)}) LIKE ? ESCAPE '\\'")
                params.append(f"%{_escape_like(term)}%")
            return " AND ".join(parts), params
        indexed = [term for term in terms if len(term) >= 3]
        if indexed:
            parts.append("id IN (SELECT rowid FROM issue_fts WHERE issue_fts MATCH ?)")
            params.append(" AND ".join(_fts_phrase(term) for term in indexed))
        for term in terms:
            if len(term) < 3:
                escaped = _escape_like(term)
                parts.append("(title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')")
                params += [f"%{escaped}%", f"%{escaped}%"]
        return " AND ".join(parts), params

    def _covers_everything(self, path: str) -> bool:
        """Whether the subtree of ``path`` holds every case (the root of a one-root tree):
        then cases assigned to the actor's organisation are in it already."""
        if path == "/":
            return True
        if path.count("/") != 2:
            return False
        roots = self.sql.execute("SELECT count(*) FROM area WHERE parent_code IS NULL").fetchone()[0]
        return roots == 1

    def subtree_size(self, path: str) -> int:
        """How many cases were ever received in the subtree of ``path`` (from the counters:
        every case adds one to its area and each ancestor), without touching the issues."""
        code = path.strip("/").rsplit("/", 1)[-1]
        return self.sql.execute(
            "SELECT coalesce(sum(received), 0) FROM metric_daily WHERE area_code = ?", [code]
        ).fetchone()[0]

    def similar_open_issues(self, *, category: str, path: str, text: str, limit: int = 5) -> list[dict[str, Any]]:
        """Open issues of a category in a subtree whose text shares trigrams with ``text``."""
        terms = _trigram_terms(text)
        if not terms:
            return []
        low, high = subtree_bounds(path)
        if self.sql.name == "postgresql":
            expression = text_expression(TEXT_COLUMNS)
            found = self.sql.execute(
                f"SELECT * FROM issue WHERE category = ? AND is_open = 1 AND area_path >= ? AND area_path < ? "
                f"AND similarity({expression}, ?) > 0.05 ORDER BY similarity({expression}, ?) DESC, id LIMIT ?",
                [category, low, high, text, text, limit])
            return [self._row("issue", r) for r in found]
        sql = (
            "SELECT issue.* FROM issue_fts JOIN issue ON issue.id = issue_fts.rowid "
            "WHERE issue_fts MATCH ? AND issue.category = ? AND issue.is_open = 1 "
            "AND issue.area_path >= ? AND issue.area_path < ? ORDER BY bm25(issue_fts) LIMIT ?"
        )
        rows = self.sql.execute(sql, [" OR ".join(terms), category, low, high, limit])
        return [self._row("issue", r[: len(self._columns("issue"))]) for r in rows]


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


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _trigram_terms(text: str, limit: int = 24) -> list[str]:
    """Distinct 3-character pieces of ``text`` as quoted FTS terms (trigram tokenizer)."""
    compact = "".join(ch for ch in text if not ch.isspace() and ch not in "\"'*()^:")
    seen: dict[str, None] = {}
    for i in range(len(compact) - 2):
        seen.setdefault(compact[i : i + 3], None)
    return [f'"{t}"' for t in list(seen)[:limit]]
