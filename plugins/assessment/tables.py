"""The plugin's tables (``assessment_…``), declared as one migration set.

- ``duty`` / ``checkin``: recurring duties and the check-ins done for them;
- ``wish``: a unit's functions and stated preferences, an area's needs, by year;
- ``plan`` / ``plan_link`` / ``plan_change``: a solved pairing plan with each link's
  explanation and the rotation diff against last year's stored plan;
- ``member_rating`` / ``unit_rating``: two-way ratings of members and year-end scores of units.
"""

from __future__ import annotations

from gridgov.core import Migrations, SchemaEditor

migrations = Migrations("assessment")


@migrations()
def m001_duties(schema: SchemaEditor) -> None:
    schema.create_table(
        "duty",
        {"id": "int", "subject": "text", "subject_kind": "text", "duty": "text", "area_code": "text",
         "area_path": "text", "post": "text", "starts": "date", "ends": "date"},
        pk="id",
        not_null=("subject", "subject_kind", "duty", "area_code", "area_path", "starts"),
        references={"area_code": "area.code"},
        scope_path="area_path", scope_permission="assessment.read",
    )  # fmt: skip
    schema.create_index("duty", ["subject", "duty"])
    schema.create_index("duty", ["area_path"])
    schema.create_table(
        "checkin",
        {"id": "int", "duty_id": "int", "subject": "text", "duty": "text", "area_code": "text",
         "area_path": "text", "period": "text", "due_at": "datetime", "at": "datetime", "late": "bool",
         "household": "text", "note": "text", "channel": "text", "recorded_by": "text"},
        pk="id",
        not_null=("duty_id", "subject", "duty", "area_code", "area_path", "period", "due_at", "at", "late"),
        references={"duty_id": "duty.id", "area_code": "area.code"},
        scope_path="area_path", scope_permission="assessment.read",
    )  # fmt: skip
    schema.create_index("checkin", ["duty_id", "period"])
    schema.create_index("checkin", ["subject", "at"])
    schema.create_index("checkin", ["area_path", "duty"])


@migrations()
def m002_plans(schema: SchemaEditor) -> None:
    schema.create_table(
        "wish",
        {"id": "int", "year": "int", "subject": "text", "subject_kind": "text", "tags": "json",
         "prefer": "json", "avoid": "json", "note": "text"},
        pk="id", not_null=("year", "subject", "subject_kind"),
    )  # fmt: skip
    schema.create_index("wish", ["year", "subject"], unique=True)
    schema.create_table(
        "plan",
        {"id": "int", "year": "int", "area_code": "text", "area_path": "text", "status": "text",
         "rules": "json", "stats": "json", "loads": "json", "notes": "json", "seconds": "json",
         "created_at": "datetime", "created_by": "text", "applied_at": "datetime", "applied_by": "text",
         "pairings": "int", "version": "int"},
        pk="id",
        not_null=("year", "area_code", "area_path", "status", "created_at"),
        references={"area_code": "area.code"},
        scope_path="area_path", scope_permission="assessment.read",
    )  # fmt: skip
    schema.create_index("plan", ["year", "status"])
    schema.create_table(
        "plan_link",
        {"id": "int", "plan_id": "int", "rule": "text", "kind": "text", "subject": "text", "unit": "text",
         "area_code": "text", "explanation": "text", "reasons": "json"},
        pk="id", not_null=("plan_id", "rule", "kind", "subject", "area_code"),
        references={"plan_id": "plan.id"},
    )  # fmt: skip
    schema.create_index("plan_link", ["plan_id", "kind", "subject"])
    schema.create_table(
        "plan_change",
        {"id": "int", "plan_id": "int", "rule": "text", "kind": "text", "subject": "text", "change": "text",
         "before_area": "text", "after_area": "text", "why": "text"},
        pk="id", not_null=("plan_id", "rule", "kind", "subject", "change"),
        references={"plan_id": "plan.id"},
    )  # fmt: skip
    schema.create_index("plan_change", ["plan_id", "change"])


@migrations()
def m003_ratings(schema: SchemaEditor) -> None:
    schema.create_table(
        "member_rating",
        {"id": "int", "year": "int", "login": "text", "side": "text", "score": "float", "rater": "text",
         "area_path": "text", "at": "datetime"},
        pk="id", not_null=("year", "login", "side", "score", "area_path", "at"),
        scope_path="area_path", scope_permission="assessment.read",
    )  # fmt: skip
    schema.create_index("member_rating", ["year", "login"])
    schema.create_table(
        "unit_rating",
        {"id": "int", "year": "int", "unit": "text", "rater": "text", "rater_kind": "text", "score": "float",
         "area_path": "text", "at": "datetime"},
        pk="id", not_null=("year", "unit", "rater", "rater_kind", "score", "area_path", "at"),
        scope_path="area_path", scope_permission="assessment.read",
    )  # fmt: skip
    schema.create_index("unit_rating", ["year", "unit", "rater"], unique=True)
