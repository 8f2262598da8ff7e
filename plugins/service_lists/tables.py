"""The plugin's tables (``service_lists_…``), declared as one migration set.

Every row names its area path, so ``rows(scope=actor)`` keeps an actor's areas and the
metrics count a subtree with one indexed range. Tags and serving areas also live in link
tables (``need_tag``, ``resource_tag``, ``resource_area``): candidates for a need are found
by an indexed lookup of its tags, never by reading the whole resource list.
"""

from __future__ import annotations

from gridgov.core import Migrations, SchemaEditor

migrations = Migrations("service_lists")

NEED, RESOURCE, SERVICE, ORDER = "service_lists_need", "service_lists_resource", "service_lists_service", "service_lists_order"
PROJECT, MILESTONE, PROGRESS = "service_lists_project", "service_lists_milestone", "service_lists_progress"
CHECK, NOTICE, RATING = "service_lists_check", "service_lists_notice", "service_lists_rating"
ORDER_HISTORY = "service_lists_order_history"
RESOURCE_TAG, RESOURCE_AREA = "service_lists_resource_tag", "service_lists_resource_area"
SERVICE_AREA = "service_lists_service_area"


@migrations()
def m001_lists(schema: SchemaEditor) -> None:
    schema.create_table(
        "need",
        {"id": "int", "area_code": "text", "area_path": "text", "title": "text", "description": "text",
         "tags": "json", "urgency": "text", "units": "int", "source": "text", "source_ref": "text",
         "status": "text", "raised_by": "text", "raised_at": "datetime", "matched_at": "datetime",
         "version": "int"},
        not_null=("area_code", "area_path", "title", "tags", "urgency", "units", "source", "status",
                  "raised_by", "raised_at"),
        references={"area_code": "area.code"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("need", ["area_path", "raised_at"])
    schema.create_index("need", ["status", "area_path"])
    schema.create_table(
        "resource",
        {"id": "int", "org_code": "text", "area_path": "text", "title": "text", "description": "text",
         "tags": "json", "capacity": "int", "used": "int", "starts": "date", "ends": "date",
         "serve_areas": "json", "listed_by": "text", "listed_at": "datetime", "version": "int"},
        not_null=("org_code", "area_path", "title", "tags", "capacity", "used", "starts", "ends", "serve_areas",
                  "listed_by", "listed_at"),
        references={"org_code": "organisation.code"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("resource", ["org_code"])
    schema.create_index("resource", ["area_path"])
    schema.create_table("resource_tag", {"id": "int", "resource_id": "int", "tag": "text"},
                        not_null=("resource_id", "tag"), references={"resource_id": "resource.id"})
    schema.create_index("resource_tag", ["tag", "resource_id"])
    schema.create_table("resource_area", {"id": "int", "resource_id": "int", "area_code": "text", "area_path": "text"},
                        not_null=("resource_id", "area_code", "area_path"),
                        references={"resource_id": "resource.id", "area_code": "area.code"})  # fmt: skip
    schema.create_index("resource_area", ["resource_id"])
    schema.create_index("resource_area", ["area_path", "resource_id"])
    schema.create_table(
        "service",
        {"id": "int", "org_code": "text", "area_path": "text", "title": "text", "description": "text",
         "tags": "json", "monthly_capacity": "int", "weekdays": "json", "opens": "text", "closes": "text",
         "order_areas": "json", "order_paths": "json", "audience": "text", "active": "bool",
         "listed_by": "text", "listed_at": "datetime", "version": "int"},
        not_null=("org_code", "area_path", "title", "monthly_capacity", "weekdays", "opens", "closes",
                  "order_areas", "order_paths", "audience", "active", "listed_by", "listed_at"),
        references={"org_code": "organisation.code"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("service", ["org_code"])
    schema.create_table("service_area", {"id": "int", "service_id": "int", "area_code": "text", "area_path": "text"},
                        not_null=("service_id", "area_code", "area_path"),
                        references={"service_id": "service.id", "area_code": "area.code"})  # fmt: skip
    schema.create_index("service_area", ["area_path", "service_id"])


@migrations()
def m002_orders(schema: SchemaEditor) -> None:
    schema.create_table(
        "order",
        {"id": "int", "service_id": "int", "org_code": "text", "area_code": "text", "area_path": "text",
         "resident_name": "text", "resident_phone": "text", "resident_group": "text", "request": "text",
         "priority": "text", "status": "text", "placed_by": "text", "placed_at": "datetime",
         "month": "date", "dispatched_at": "datetime", "take_due": "datetime", "complete_due": "datetime",
         "taken_at": "datetime", "scheduled_for": "datetime", "completed_at": "datetime",
         "result": "text", "rating": "text", "rated_at": "datetime", "closed_at": "datetime",
         "issue_id": "int", "version": "int"},
        not_null=("service_id", "org_code", "area_code", "area_path", "resident_name", "resident_group",
                  "priority", "status", "placed_by", "placed_at", "month"),
        references={"service_id": "service.id", "area_code": "area.code", "issue_id": "issue.id",
                    "org_code": "organisation.code"},
        scope_path="area_path", scope_permission="issue.read",
        personal={"resident_phone": "phone"},
    )  # fmt: skip
    schema.create_index("order", ["area_path", "placed_at"])
    schema.create_index("order", ["org_code", "status", "take_due"])
    schema.create_index("order", ["service_id", "month", "status"])
    schema.create_table(
        "order_history",
        {"id": "int", "record_id": "int", "move": "text", "from_status": "text", "to_status": "text",
         "actor": "text", "at": "datetime", "note": "text"},
        not_null=("record_id", "move", "from_status", "to_status", "actor", "at"),
        references={"record_id": "order.id"},
    )  # fmt: skip
    schema.create_index("order_history", ["record_id"])


@migrations()
def m003_projects(schema: SchemaEditor) -> None:
    schema.create_table(
        "project",
        {"id": "int", "need_id": "int", "resource_id": "int", "org_code": "text", "area_code": "text",
         "area_path": "text", "title": "text", "units": "int", "status": "text", "percent": "int",
         "starts": "date", "due": "date", "decision_kind": "text", "decision_body": "text",
         "decided_on": "date", "decision_note": "text", "decision_ref": "int", "decided_by": "text",
         "created_at": "datetime", "last_progress_at": "datetime", "completed_at": "datetime",
         "version": "int"},
        not_null=("need_id", "resource_id", "org_code", "area_code", "area_path", "title", "units", "status",
                  "percent", "starts", "due", "decision_kind", "decided_on", "decided_by", "created_at"),
        references={"need_id": "need.id", "resource_id": "resource.id", "org_code": "organisation.code",
                    "area_code": "area.code"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("project", ["area_path", "status"])
    schema.create_index("project", ["resource_id"])
    schema.create_index("project", ["org_code"])
    schema.create_table(
        "milestone",
        {"id": "int", "project_id": "int", "title": "text", "due": "date", "done_on": "date"},
        not_null=("project_id", "title", "due"), references={"project_id": "project.id"},
    )
    schema.create_index("milestone", ["project_id", "due"])
    schema.create_table(
        "progress",
        {"id": "int", "project_id": "int", "at": "datetime", "percent": "int", "note": "text", "reported_by": "text"},
        not_null=("project_id", "at", "percent", "reported_by"), references={"project_id": "project.id"},
    )
    schema.create_index("progress", ["project_id", "at"])
    schema.create_table(
        "check",
        {"id": "int", "project_id": "int", "area_path": "text", "month": "date", "state": "text",
         "reason": "text", "percent": "int", "checked_by": "text", "at": "datetime"},
        not_null=("project_id", "area_path", "month", "state", "checked_by", "at"),
        references={"project_id": "project.id"},
    )  # fmt: skip
    schema.create_index("check", ["project_id", "month"], unique=True)
    schema.create_index("check", ["area_path", "month"])
    schema.create_table(
        "notice",
        {"id": "int", "area_code": "text", "area_path": "text", "quarter": "text", "as_of": "datetime",
         "body": "json", "on_track": "int", "late": "int", "stalled": "int", "completed": "int",
         "issued_by": "text", "issued_at": "datetime"},
        not_null=("area_code", "area_path", "quarter", "as_of", "body", "issued_by", "issued_at"),
        references={"area_code": "area.code"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("notice", ["area_path", "quarter"])
    schema.create_table(
        "rating",
        {"id": "int", "project_id": "int", "org_code": "text", "area_path": "text", "year": "int",
         "satisfied": "int", "basically_satisfied": "int", "dissatisfied": "int", "share": "float",
         "rated_by": "text", "at": "datetime"},
        not_null=("project_id", "org_code", "area_path", "year", "satisfied", "basically_satisfied",
                  "dissatisfied", "share", "rated_by", "at"),
        references={"project_id": "project.id", "org_code": "organisation.code"},
    )  # fmt: skip
    schema.create_index("rating", ["project_id", "year"], unique=True)
    schema.create_index("rating", ["org_code"])
