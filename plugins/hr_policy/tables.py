"""The plugin's tables, created through the core's migration API as ``hr_policy_<table>``."""

from __future__ import annotations

from gridgov.core import Migrations, SchemaEditor

migrations = Migrations("hr_policy")

POLICY = "hr_policy_policy"
SESSION = "hr_policy_session"
ATTENDANCE = "hr_policy_attendance"
QUESTION = "hr_policy_question"
SUBSCRIPTION = "hr_policy_subscription"
NOTICE = "hr_policy_notice"


@migrations()
def m001_catalogue_and_sessions(schema: SchemaEditor) -> None:
    schema.create_table(
        "policy",
        {"code": "text", "title_zh": "text", "title_en": "text", "topic": "text", "department": "text",
         "effective_from": "date", "effective_until": "date", "rules": "json", "summary": "text",
         "version": "int"},
        pk="code",
        not_null=("title_zh", "title_en", "topic", "department", "effective_from"),
        references={"department": "organisation.code"},
    )
    schema.create_index("policy", ["topic"])
    schema.create_table(
        "session",
        {"id": "int", "title": "text", "held_on": "date", "venue_area": "text", "venue": "text",
         "hosts": "json", "policies": "json", "status": "text"},
        pk="id",
        not_null=("title", "held_on", "venue_area", "status"),
        references={"venue_area": "area.code"},
    )
    schema.create_index("session", ["held_on"])
    schema.create_table(
        "attendance",
        {"id": "int", "session_id": "int", "firm": "text", "invited": "bool", "attended": "bool",
         "attendees": "int", "contact": "text"},
        pk="id",
        not_null=("session_id", "firm"),
        references={"session_id": "session.id", "firm": "organisation.code"},
    )
    schema.create_index("attendance", ["session_id", "firm"], unique=True)
    schema.create_index("attendance", ["firm"])


@migrations()
def m002_questions_subscriptions_notices(schema: SchemaEditor) -> None:
    schema.create_table(
        "question",
        {"id": "int", "session_id": "int", "firm": "text", "topic": "text", "policy": "text",
         "text": "text", "asked_by": "text", "raised_at": "datetime", "issue_id": "int",
         "status": "text", "due_at": "datetime", "answer": "text", "answered_at": "datetime"},
        pk="id",
        not_null=("session_id", "firm", "topic", "text", "raised_at", "status"),
        references={"session_id": "session.id", "firm": "organisation.code", "issue_id": "issue.id",
                    "policy": "policy.code"},
    )
    schema.create_index("question", ["issue_id"], unique=True)
    schema.create_index("question", ["session_id"])
    schema.create_index("question", ["status", "due_at"])
    schema.create_table(
        "subscription",
        {"id": "int", "firm": "text", "topic": "text", "since": "date"},
        pk="id",
        not_null=("firm", "topic", "since"),
        references={"firm": "organisation.code"},
    )
    schema.create_index("subscription", ["firm", "topic"], unique=True)
    schema.create_index("subscription", ["topic"])
    schema.create_table(
        "notice",
        {"id": "int", "policy": "text", "version": "int", "firm": "text", "reason": "text",
         "created_at": "datetime"},
        pk="id",
        not_null=("policy", "version", "firm", "reason", "created_at"),
        references={"policy": "policy.code", "firm": "organisation.code"},
    )
    schema.create_index("notice", ["policy", "version"])
