"""The plugin's tables (``mediation_…``), declared as one migration set."""

from __future__ import annotations

from gridgov.core import Migrations, SchemaEditor

migrations = Migrations("mediation")


@migrations()
def m001_disputes(schema: SchemaEditor) -> None:
    schema.create_table(
        "dispute",
        {"id": "int", "issue_id": "int", "kind": "text", "area_code": "text", "area_path": "text",
         "summary": "text", "status": "text", "level": "text", "body_org": "text",
         "mediator": "text", "opened_at": "datetime", "closed_at": "datetime"},
        pk="id",
        not_null=("issue_id", "kind", "area_code", "area_path", "summary", "status", "opened_at"),
        references={"issue_id": "issue.id", "area_code": "area.code"},
    )  # fmt: skip
    schema.create_index("dispute", ["issue_id"], unique=True)
    schema.create_index("dispute", ["area_path", "opened_at"])
    schema.create_table(
        "party",
        {"id": "int", "dispute_id": "int", "name": "text", "role": "text", "phone": "text",
         "id_number": "text", "member_login": "text", "household": "text"},
        pk="id",
        not_null=("dispute_id", "name", "role"),
        references={"dispute_id": "dispute.id"},
        personal={"phone": "phone", "id_number": "id_number"},
    )  # fmt: skip
    schema.create_index("party", ["dispute_id"])
    schema.create_table(
        "session",
        {"id": "int", "dispute_id": "int", "at": "datetime", "place": "text",
         "mediators": "json", "attendees": "json", "notes": "text", "recorded_by": "text"},
        pk="id",
        not_null=("dispute_id", "at", "place"),
        references={"dispute_id": "dispute.id"},
    )  # fmt: skip
    schema.create_index("session", ["dispute_id", "at"])
    # One row per mediator and session, so a mediator's calendar is an indexed lookup.
    schema.create_table(
        "session_mediator",
        {"id": "int", "session_id": "int", "login": "text", "at": "datetime"},
        pk="id",
        not_null=("session_id", "login", "at"),
        references={"session_id": "session.id"},
    )
    schema.create_index("session_mediator", ["login", "at"])
    schema.create_table(
        "outcome",
        {"dispute_id": "int", "kind": "text", "at": "datetime", "level": "text",
         "area_path": "text", "days": "float", "terms": "text",
         "signed_on": "date", "perform_by": "date", "performed_on": "date", "referred_to": "text",
         "receiving_body": "text", "note": "text", "recorded_by": "text"},
        pk="dispute_id",
        not_null=("kind", "at", "area_path"),
        references={"dispute_id": "dispute.id"},
    )  # fmt: skip
    schema.create_index("outcome", ["area_path", "at"])
    schema.create_table(
        "follow_up",
        {"id": "int", "dispute_id": "int", "due_on": "date", "by_login": "text",
         "visited_on": "date", "notes": "text"},
        pk="id",
        not_null=("dispute_id", "due_on"),
        references={"dispute_id": "dispute.id"},
    )  # fmt: skip
    schema.create_index("follow_up", ["dispute_id"])
