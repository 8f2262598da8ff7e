"""The core's schema: the migration set ``gridgov.core``, written once in portable steps
(:mod:`.ddl`) that SQLite (through sqlite-utils) and PostgreSQL each carry out.

Add a migration at the end; never edit one that has shipped (the SQLite steps below make
exactly the tables the first releases made with sqlite-utils, so existing databases and
new ones agree).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .ddl import PostgresSchema, SqliteSchema

Schema = SqliteSchema | PostgresSchema
CORE: list[tuple[str, Callable[[Any], None]]] = []


def migration(fn: Callable[[Any], None]) -> Callable[[Any], None]:
    """Add ``fn(schema)`` to the core's set, in order."""
    CORE.append((fn.__name__, fn))
    return fn

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



@migration
def m001_directory(schema: Schema) -> None:
    schema.create_table("setting", {"key": "text", "value": "text"}, pk="key")
    schema.create_table(
        "area",
        {"code": "text", "name": "text", "level": "text", "parent_code": "text", "path": "text",
         "population": "int", "households": "int", "version": "int"},
        pk="code", foreign_keys=[("parent_code", "area", "code")], not_null={"name", "level", "path"},
    )  # fmt: skip
    schema.create_index("area", ["path"], unique=True)
    schema.create_index("area", ["parent_code"])
    schema.create_table(
        "organisation",
        {"code": "text", "name": "text", "kind": "text", "area_code": "text", "parent_code": "text",
         "uscc": "text", "industry": "text", "size": "text", "headcount": "int", "profile": "json",
         "version": "int"},
        pk="code", foreign_keys=[("area_code", "area", "code"), ("parent_code", "organisation", "code")],
        not_null={"name", "kind"},
    )  # fmt: skip
    schema.create_index("organisation", ["kind", "area_code"])
    schema.create_index("organisation", ["uscc"], unique=True)
    schema.create_index("organisation", ["parent_code"])
    schema.create_table(
        "member",
        {"login": "text", "name": "text", "org_code": "text", "party_member": "bool", "in_service": "bool",
         "home_area": "text", "phone": "text", "id_number": "text", "active": "bool", "version": "int"},
        pk="login", foreign_keys=[("org_code", "organisation", "code"), ("home_area", "area", "code")],
        not_null={"name"},
    )  # fmt: skip
    schema.create_index("member", ["org_code"])
    schema.create_index("member", ["home_area"])
    schema.create_table(
        "role_assignment",
        {"id": "int", "login": "text", "post": "text", "area_code": "text", "org_code": "text",
         "starts": "date", "ends": "date", "duties": "text"},
        pk="id",
        foreign_keys=[("login", "member", "login"), ("area_code", "area", "code"), ("org_code", "organisation", "code")],
        not_null={"login", "post"},
    )  # fmt: skip
    schema.create_index("role_assignment", ["login"])
    schema.create_index("role_assignment", ["post", "area_code"])
    schema.create_table(
        "pairing",
        {"id": "int", "kind": "text", "org_code": "text", "member_login": "text", "area_code": "text",
         "household": "text", "starts": "date", "ends": "date", "voluntary": "bool", "commitments": "text"},
        pk="id",
        foreign_keys=[("org_code", "organisation", "code"), ("member_login", "member", "login"),
                      ("area_code", "area", "code")],
        not_null={"kind"},
    )  # fmt: skip
    for column in ("org_code", "member_login", "area_code", "household"):
        schema.create_index("pairing", [column])
    schema.create_table(
        "dual_registration",
        {"id": "int", "login": "text", "paired_community": "text", "home_community": "text", "registered_on": "date"},
        pk="id",
        foreign_keys=[("login", "member", "login"), ("paired_community", "area", "code"),
                      ("home_community", "area", "code")],
        not_null={"login", "paired_community", "home_community"},
    )  # fmt: skip
    schema.create_index("dual_registration", ["login", "paired_community"], unique=True)
    schema.create_table(
        "access_log", {"id": "int", "actor": "text", "what": "text", "reason": "text", "at": "datetime"},
        pk="id", not_null={"actor", "what", "reason", "at"},
    )


ISSUE_TYPES = {
    "id": "int", "title": "text", "description": "text", "category": "text", "priority": "text",
    "area_code": "text", "area_path": "text", "handling_area": "text", "level": "text", "source": "text",
    "reporter": "text", "requester_name": "text", "requester_phone": "text", "status": "text",
    "assignee_org": "text", "assignee_member": "text", **{c: "datetime" for c in ISSUE_INSTANTS},
    "rating": "text", "merged_into": "int", "rework_count": "int", "return_count": "int",
    "escalation_count": "int", "urge_count": "int", "version": "int", "payload": "json", "is_open": "bool",
    "due_at": "datetime",
}  # fmt: skip
EVENT_TYPES = {
    "id": "int", "issue_id": "int", "seq": "int", "at": "datetime", "actor": "text", "action": "text",
    "from_status": "text", "to_status": "text", "level": "text", "note": "text", "changes": "json",
    "org": "text", "member": "text", "metrics": "json",
}  # fmt: skip


def _counter_table(schema: Schema, name: str, columns: tuple[str, ...]) -> None:
    schema.create_table(
        name, {"area_code": "text", "day": "date", **{c: "int" for c in columns}},
        pk=("area_code", "day"), not_null={"area_code", "day", *columns}, defaults=dict.fromkeys(columns, 0),
        without_rowid=True,
    )


@migration
def m002_issues(schema: Schema) -> None:
    schema.create_table(
        "issue", ISSUE_TYPES, pk="id",
        foreign_keys=[("area_code", "area", "code"), ("handling_area", "area", "code"), ("merged_into", "issue", "id")],
        not_null={"title", "category", "area_code", "area_path", "status", "reported_at"},
    )  # fmt: skip
    schema.create_index("issue", ["area_path", "due_at"], name="issue_open_queue", where="is_open = 1")
    schema.create_index("issue", ["area_path", "status"], name="idx_issue_area_path_status")
    schema.create_index("issue", ["assignee_org", "is_open"])
    schema.create_index("issue", ["assignee_member", "is_open"])
    schema.create_index("issue", ["handling_area", "is_open"])
    schema.create_index("issue", ["category", "area_code", "is_open"])
    schema.create_table("issue_event", EVENT_TYPES, pk="id", foreign_keys=[("issue_id", "issue", "id")],
                        not_null={"issue_id", "seq", "at", "actor", "action", "to_status"})
    schema.create_index("issue_event", ["issue_id", "seq"], unique=True)
    schema.create_index("issue_event", ["org", "at"])
    schema.create_index("issue_event", ["member", "at"])
    schema.create_index("issue_event", ["at"])
    _counter_table(schema, "metric_daily", METRIC_COLUMNS)
    schema.append_only("issue_event")
    schema.append_only("access_log")
    schema.text_search("issue", ["title", "description"])


@migration
def m003_queue_order(schema: Schema) -> None:
    """Queue order as an index. Cases without a deadline get the sentinel due time, so
    ``ORDER BY due_at, id`` is the queue order; ``issue_due`` and ``issue_status_due`` let a
    large scope page along the due time (with or without a status filter). The rowid ends
    each index entry, so ties on the due time come out in id order without a sort."""
    schema.sqlite("UPDATE issue SET due_at = '9999-12-31T23:59:59' WHERE due_at IS NULL")
    schema.create_index("issue", ["due_at"], name="issue_due")
    schema.create_index("issue", ["status", "due_at"], name="issue_status_due")
    # PostgreSQL's B-tree entries do not end in the row id: name it, so ties come out in id order.
    schema.postgresql('CREATE INDEX "issue_due_id" ON "issue" ("due_at", "id")')


@migration
def m004_utc_instants_and_cohorts(schema: Schema) -> None:
    """Instants become UTC with their offset (they were the host's naive local time, read
    here in the deployment's zone); the access log records the area of what was seen;
    cohort counters keep the rates of the cases registered on each day."""
    if isinstance(schema, SqliteSchema):
        _instants_to_utc(schema)
    schema.add_column("access_log", "area_path", "text")
    schema.create_index("access_log", ["area_path", "id"])
    _counter_table(schema, "metric_cohort", COHORT_COLUMNS)


def _instants_to_utc(schema: SqliteSchema) -> None:
    """The data half of m004, for databases made before it (SQLite only: PostgreSQL
    deployments started after)."""
    import json

    db = schema.db
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
    schema.append_only("issue_event")
    schema.append_only("access_log")
    db.execute("INSERT INTO setting (key, value) VALUES ('time_zone', ?) ON CONFLICT(key) DO NOTHING",
               [json.dumps(zone_name)])


@migration
def m005_plugin_failures(schema: Schema) -> None:
    """Plugin failures outlive the command that met them, so ``gridgov plugins`` can show
    a hook that failed in yesterday's session."""
    schema.create_table("plugin_failure", {"id": "int", "at": "datetime", "plugin": "text", "hook": "text",
                                           "error": "text"},
                        pk="id", not_null={"at", "plugin", "hook", "error"})
    schema.create_index("plugin_failure", ["at"])


@migration
def m006_area_geometry(schema: Schema) -> None:
    """Areas may have a place: a GeoJSON polygon in WGS-84 (JSON text, read into an
    in-memory spatial index by the area service, so neither engine needs a spatial
    extension) and the point that stands for the area."""
    schema.add_column("area", "geometry", "json")
    schema.add_column("area", "centroid_lat", "float")
    schema.add_column("area", "centroid_lon", "float")


@migration
def m007_api_keys(schema: Schema) -> None:
    """Per-member API keys for the HTTP service (only a SHA-256 of each secret is kept,
    so a copy of the database gives no working key), and what an Open311 client sent
    with each request it reported: the point and address, the requester's e-mail (the
    issue has no column for it), and the token the client can look the request up by."""
    schema.create_table(
        "api_key",
        {"id": "int", "login": "text", "label": "text", "prefix": "text", "secret_hash": "text", "source": "text",
         "created_at": "datetime", "created_by": "text", "revoked_at": "datetime", "revoked_by": "text"},
        pk="id", foreign_keys=[("login", "member", "login")],
        not_null={"login", "prefix", "secret_hash", "source", "created_at", "created_by"},
    )  # fmt: skip
    schema.create_index("api_key", ["secret_hash"], unique=True)
    schema.create_index("api_key", ["login"])
    schema.create_table(
        "service_request",
        {"issue_id": "int", "token": "text", "api_key_id": "int", "lat": "float", "lon": "float",
         "address": "text", "address_id": "text", "email": "text", "account_id": "text", "device_id": "text",
         "media_url": "text"},
        pk="issue_id", foreign_keys=[("issue_id", "issue", "id"), ("api_key_id", "api_key", "id")],
        not_null={"token"},
    )  # fmt: skip
    schema.create_index("service_request", ["token"], unique=True)


@migration
def m008_stage_deadlines_places_attachments(schema: Schema) -> None:
    """Deadlines from the moment of report (registering, dispatching), where a case is
    (an address, a point), call-backs counted, and files attached to a case."""
    for column in ("register_due", "dispatch_due"):
        schema.add_column("issue", column, "datetime")
    schema.add_column("issue", "callback_count", "int", default=0)
    schema.add_column("issue", "address", "text")
    schema.add_column("issue", "lat", "float")
    schema.add_column("issue", "lon", "float")
    schema.create_table(
        "attachment",
        {"id": "int", "issue_id": "int", "seq": "int", "name": "text", "content_type": "text", "size": "int",
         "sha256": "text", "data": "blob", "at": "datetime", "actor": "text"},
        pk="id", foreign_keys=[("issue_id", "issue", "id")],
        not_null={"issue_id", "seq", "name", "content_type", "size", "sha256", "data", "at", "actor"},
    )
    schema.create_index("attachment", ["issue_id", "id"])
