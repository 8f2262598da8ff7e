"""The core's schema, as a sqlite-utils migration set named ``gridgov.core``.

Add a migration at the end; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

CORE = Migrations("gridgov.core")

METRIC_COLUMNS = (
    "received",
    "registered",
    "rejected",
    "merged",
    "dispatched",
    "accepted",
    "accepted_on_time",
    "returned",
    "resolved",
    "reworked",
    "verified",
    "closed",
    "closed_on_time",
    "close_seconds",
    "rated",
    "satisfied",
    "reopened",
    "escalated",
    "urged",
    "settled_depth_0",
    "settled_depth_1",
    "settled_depth_2",
    "settled_depth_3",
    "settled_depth_4",
    "settled_depth_5",
)

def _append_only(db: sqlite_utils.Database, table: str) -> None:
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed or removed'); END"
        )


@CORE()
def m001_directory(db: sqlite_utils.Database) -> None:
    db["setting"].create({"key": str, "value": str}, pk="key")
    db["area"].create(
        {
            "code": str,
            "name": str,
            "level": str,
            "parent_code": str,
            "path": str,
            "population": int,
            "households": int,
            "version": int,
        },
        pk="code",
        foreign_keys=[("parent_code", "area", "code")],
        not_null={"name", "level", "path"},
    )
    db["area"].create_index(["path"], unique=True)
    db["area"].create_index(["parent_code"])
    db["organisation"].create(
        {
            "code": str,
            "name": str,
            "kind": str,
            "area_code": str,
            "parent_code": str,
            "uscc": str,
            "industry": str,
            "size": str,
            "headcount": int,
            "profile": str,
            "version": int,
        },
        pk="code",
        foreign_keys=[("area_code", "area", "code"), ("parent_code", "organisation", "code")],
        not_null={"name", "kind"},
    )
    db["organisation"].create_index(["kind", "area_code"])
    db["organisation"].create_index(["uscc"], unique=True)
    db["organisation"].create_index(["parent_code"])
    db["member"].create(
        {
            "login": str,
            "name": str,
            "org_code": str,
            "party_member": int,
            "in_service": int,
            "home_area": str,
            "phone": str,
            "id_number": str,
            "active": int,
            "version": int,
        },
        pk="login",
        foreign_keys=[("org_code", "organisation", "code"), ("home_area", "area", "code")],
        not_null={"name"},
    )
    db["member"].create_index(["org_code"])
    db["member"].create_index(["home_area"])
    db["role_assignment"].create(
        {
            "id": int,
            "login": str,
            "post": str,
            "area_code": str,
            "org_code": str,
            "starts": str,
            "ends": str,
            "duties": str,
        },
        pk="id",
        foreign_keys=[
            ("login", "member", "login"),
            ("area_code", "area", "code"),
            ("org_code", "organisation", "code"),
        ],
        not_null={"login", "post"},
    )
    db["role_assignment"].create_index(["login"])
    db["role_assignment"].create_index(["post", "area_code"])
    db["pairing"].create(
        {
            "id": int,
            "kind": str,
            "org_code": str,
            "member_login": str,
            "area_code": str,
            "household": str,
            "starts": str,
            "ends": str,
            "voluntary": int,
            "commitments": str,
        },
        pk="id",
        foreign_keys=[
            ("org_code", "organisation", "code"),
            ("member_login", "member", "login"),
            ("area_code", "area", "code"),
        ],
        not_null={"kind"},
    )
    for column in ("org_code", "member_login", "area_code", "household"):
        db["pairing"].create_index([column])
    db["dual_registration"].create(
        {
            "id": int,
            "login": str,
            "paired_community": str,
            "home_community": str,
            "registered_on": str,
        },
        pk="id",
        foreign_keys=[
            ("login", "member", "login"),
            ("paired_community", "area", "code"),
            ("home_community", "area", "code"),
        ],
        not_null={"login", "paired_community", "home_community"},
    )
    db["dual_registration"].create_index(["login", "paired_community"], unique=True)
    db["access_log"].create(
        {"id": int, "actor": str, "what": str, "reason": str, "at": str},
        pk="id",
        not_null={"actor", "what", "reason", "at"},
    )


@CORE()
def m002_issues(db: sqlite_utils.Database) -> None:
    db["issue"].create(
        {
            "id": int,
            "title": str,
            "description": str,
            "category": str,
            "priority": str,
            "area_code": str,
            "area_path": str,
            "handling_area": str,
            "level": str,
            "source": str,
            "reporter": str,
            "requester_name": str,
            "requester_phone": str,
            "status": str,
            "assignee_org": str,
            "assignee_member": str,
            "reported_at": str,
            "registered_at": str,
            "dispatched_at": str,
            "accepted_at": str,
            "resolved_at": str,
            "closed_at": str,
            "response_due": str,
            "resolve_due": str,
            "rating": str,
            "merged_into": int,
            "rework_count": int,
            "return_count": int,
            "escalation_count": int,
            "urge_count": int,
            "version": int,
            "payload": str,
            "is_open": int,
            "due_at": str,
        },
        pk="id",
        foreign_keys=[
            ("area_code", "area", "code"),
            ("handling_area", "area", "code"),
            ("merged_into", "issue", "id"),
        ],
        not_null={"title", "category", "area_code", "area_path", "status", "reported_at"},
    )
    db.execute(
        "CREATE INDEX issue_open_queue ON issue(area_path, due_at) WHERE is_open = 1"
    )
    db["issue"].create_index(["area_path", "status"])
    db["issue"].create_index(["assignee_org", "is_open"])
    db["issue"].create_index(["assignee_member", "is_open"])
    db["issue"].create_index(["handling_area", "is_open"])
    db["issue"].create_index(["category", "area_code", "is_open"])
    db["issue_event"].create(
        {
            "id": int,
            "issue_id": int,
            "seq": int,
            "at": str,
            "actor": str,
            "action": str,
            "from_status": str,
            "to_status": str,
            "level": str,
            "note": str,
            "changes": str,
            "org": str,
            "member": str,
            "metrics": str,
        },
        pk="id",
        foreign_keys=[("issue_id", "issue", "id")],
        not_null={"issue_id", "seq", "at", "actor", "action", "to_status"},
    )
    db["issue_event"].create_index(["issue_id", "seq"], unique=True)
    db["issue_event"].create_index(["org", "at"])
    db["issue_event"].create_index(["member", "at"])
    db["issue_event"].create_index(["at"])
    columns = ", ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in METRIC_COLUMNS)
    db.execute(
        f"CREATE TABLE metric_daily (area_code TEXT NOT NULL, day TEXT NOT NULL, {columns}, "
        "PRIMARY KEY (area_code, day)) WITHOUT ROWID"
    )
    _append_only(db, "issue_event")
    _append_only(db, "access_log")
    db["issue"].enable_fts(["title", "description"], tokenize="trigram", create_triggers=True)


@CORE()
def m003_queue_order(db: sqlite_utils.Database) -> None:
    """Queue order as an index. Cases without a deadline get the sentinel due time, so
    ``ORDER BY due_at, id`` is the queue order; ``issue_due`` and ``issue_status_due`` let a
    large scope page along the due time (with or without a status filter). The rowid ends
    each index entry, so ties on the due time come out in id order without a sort."""
    db.execute("UPDATE issue SET due_at = '9999-12-31T23:59:59' WHERE due_at IS NULL")
    db.execute("CREATE INDEX issue_due ON issue(due_at)")
    db.execute("CREATE INDEX issue_status_due ON issue(status, due_at)")


COHORT_COLUMNS = (
    "registered",
    "responded",
    "responded_on_time",
    "closed",
    "closed_on_time",
    "rated",
    "satisfied",
    "reworked",
)
"""What each case registered on a day contributes now (0 or 1 each): the cohort rates."""

ISSUE_INSTANTS = (
    "reported_at", "registered_at", "dispatched_at", "accepted_at", "resolved_at", "closed_at",
    "response_due", "resolve_due",
)  # fmt: skip


def _local_to_utc(zone_name: str):
    """A SQL function turning naive wall-clock text of ``zone_name`` into UTC text;
    text that already carries an offset, and the queue's sentinel, pass unchanged."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)

    def convert(value):
        if not isinstance(value, str) or not value or value.startswith("9999"):
            return value
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(dt.UTC).isoformat(timespec="seconds")

    return convert


@CORE()
def m004_utc_instants_and_cohorts(db: sqlite_utils.Database) -> None:
    """Instants become UTC with their offset (they were the host's naive local time, read
    here in the deployment's zone); the access log records the area of what was seen;
    cohort counters keep the rates of the cases registered on each day."""
    import json

    row = db.execute("SELECT value FROM setting WHERE key = 'time_zone'").fetchone()
    zone_name = json.loads(row[0]) if row else "Asia/Shanghai"
    convert = _local_to_utc(zone_name)
    db.conn.create_function("gridgov_utc", 1, convert, deterministic=True)

    def convert_changes(text):
        if not text:
            return text
        changes = json.loads(text)
        for key in ISSUE_INSTANTS:
            if isinstance(changes.get(key), str):
                changes[key] = convert(changes[key])
        return json.dumps(changes, ensure_ascii=False, sort_keys=True)

    db.conn.create_function("gridgov_utc_changes", 1, convert_changes, deterministic=True)
    db.execute(
        f"UPDATE issue SET {', '.join(f'{c} = gridgov_utc({c})' for c in ISSUE_INSTANTS)}, "
        "due_at = gridgov_utc(due_at)"
    )
    for table in ("issue_event", "access_log"):
        for verb in ("update", "delete"):
            db.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    db.execute("UPDATE issue_event SET at = gridgov_utc(at), changes = gridgov_utc_changes(changes)")
    db.execute("UPDATE access_log SET at = gridgov_utc(at)")
    db["access_log"].add_column("area_path", str)
    _append_only(db, "issue_event")
    _append_only(db, "access_log")
    db["access_log"].create_index(["area_path", "id"])
    columns = ", ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in COHORT_COLUMNS)
    db.execute(
        f"CREATE TABLE metric_cohort (area_code TEXT NOT NULL, day TEXT NOT NULL, {columns}, "
        "PRIMARY KEY (area_code, day)) WITHOUT ROWID"
    )
    db.execute("INSERT INTO setting (key, value) VALUES ('time_zone', ?) ON CONFLICT(key) DO NOTHING",
               [json.dumps(zone_name)])


@CORE()
def m005_plugin_failures(db: sqlite_utils.Database) -> None:
    """Plugin failures outlive the command that met them, so ``gridgov plugins`` can show
    a hook that failed in yesterday's session."""
    db["plugin_failure"].create(
        {"id": int, "at": str, "plugin": str, "hook": str, "error": str},
        pk="id",
        not_null={"at", "plugin", "hook", "error"},
    )
    db["plugin_failure"].create_index(["at"])


@CORE()
def m006_area_geometry(db: sqlite_utils.Database) -> None:
    """Areas may have a place: a GeoJSON polygon in WGS-84 (JSON text, read into an
    in-memory spatial index by the area service, so SQLite needs no spatial extension) and
    the point that stands for the area."""
    db["area"].add_column("geometry", "TEXT")
    db["area"].add_column("centroid_lat", "REAL")
    db["area"].add_column("centroid_lon", "REAL")
