"""What ``gridgov doctor`` checks: that a deployment's database is the one the core expects.

Each check is a name, ok or not, and a one-line detail that says what is wrong and what
to do; the counts give an operator the size of what they look at.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

APPEND_ONLY = ("issue_event", "access_log")


def _check(name: str, ok: bool, detail: str) -> dict[str, Any]:
    return {"name": name, "ok": bool(ok), "detail": detail}


def diagnose(platform: Any) -> dict[str, Any]:
    store = platform._store
    sql = store.sql
    checks = [_engine(sql)]
    pending = store.pending_migrations(platform.migration_sets.values())
    checks.append(_check("schema", not pending, "all migrations applied" if not pending
                         else f"pending: {', '.join(pending[:5])}; run `gridgov init`"))
    checks += _triggers(sql)
    checks += _text_search(sql)
    zone = store.setting("time_zone", "Asia/Shanghai")
    try:
        ZoneInfo(zone)
        checks.append(_check("time zone", True, f"{zone} (days, working hours and counters; the host's TZ does not matter)"))
    except (ZoneInfoNotFoundError, ValueError):
        checks.append(_check("time zone", False, f"{zone!r} is not an IANA zone; set one with platform.set_time_zone"))
    disabled = sorted(platform.hooks.disabled)
    checks.append(_check("plugins", not disabled, "every plugin loaded" if not disabled
                         else f"disabled after a failure: {', '.join(disabled)} (see `gridgov plugins`)"))
    recent = platform.recent_plugin_failures(days=7, limit=1000)
    checks.append(_check("plugin failures", True, f"{len(recent)} in the last 7 days" + (
        " (see `gridgov plugins`)" if recent else "")))
    counts = {t: sql.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("area", "organisation", "member", "issue", "issue_event", "access_log")}
    counts["open issues"] = sql.execute("SELECT count(*) FROM issue WHERE is_open = 1").fetchone()[0]
    return {"engine": sql.name, "checks": checks, "counts": counts}


def _engine(sql: Any) -> dict[str, Any]:
    if sql.name == "sqlite":
        version = sql.execute("SELECT sqlite_version()").fetchone()[0]
        mode = sql.execute("PRAGMA journal_mode").fetchone()[0]
        keys = sql.execute("PRAGMA foreign_keys").fetchone()[0]
        ok = mode == "wal" and keys == 1
        return _check("engine", ok, f"SQLite {version}, journal {mode}, foreign keys {'on' if keys else 'OFF'}")
    version = sql.execute("SHOW server_version").fetchone()[0]
    strings = sql.execute("SHOW standard_conforming_strings").fetchone()[0]
    return _check("engine", strings == "on", f"PostgreSQL {version}, standard_conforming_strings {strings}"
                  + ("" if strings == "on" else " (must be on: LIKE escapes depend on it)"))


def _triggers(sql: Any) -> list[dict[str, Any]]:
    out = []
    for table in APPEND_ONLY:
        if sql.name == "sqlite":
            names = {r[0] for r in sql.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                               [table])}
            ok = {f"{table}_no_update", f"{table}_no_delete"} <= names
        else:
            names = {r[0] for r in sql.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = ?::regclass AND NOT tgisinternal", [table])}
            ok = f"{table}_append_only" in names
        out.append(_check(f"{table} append-only", ok, "UPDATE and DELETE are refused" if ok
                          else "the trigger that refuses UPDATE and DELETE is missing: the log can be rewritten"))
    return out


def _text_search(sql: Any) -> list[dict[str, Any]]:
    if sql.name == "sqlite":
        ok = "issue_fts" in sql.table_names()
        return [_check("text search", ok, "FTS5 trigram index on issues" if ok else "issue_fts is missing")]
    extension = sql.execute("SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    index = sql.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'issue_text_trgm'").fetchone()
    return [
        _check("pg_trgm", extension is not None, f"version {extension[0]}" if extension
               else "extension pg_trgm is missing: CREATE EXTENSION pg_trgm (contrib)"),
        _check("text search", index is not None, "trigram GIN index on issues" if index
               else "index issue_text_trgm is missing"),
    ]
