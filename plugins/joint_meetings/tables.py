"""The plugin's tables (``joint_meetings_…``), declared as one migration set.

Every row that lies somewhere in the area tree carries an ``area_path`` so that counts per
subtree are indexed range lookups. A topic's ``area_path`` is that of the body where it
was raised: every body up its chain lies above it, so each of them sees the topic.
"""

from __future__ import annotations

from gridgov.core import Migrations, SchemaEditor

migrations = Migrations("joint_meetings")

BODY, BODY_MEMBER, MEETING, ATTENDANCE = ("joint_meetings_body", "joint_meetings_body_member",
                                          "joint_meetings_meeting", "joint_meetings_attendance")
AGENDA, TOPIC, TOPIC_HISTORY, DECISION = ("joint_meetings_agenda_item", "joint_meetings_topic",
                                          "joint_meetings_topic_history", "joint_meetings_decision")
REPORT_BACK, COMMITMENT, DEED = ("joint_meetings_report_back", "joint_meetings_commitment",
                                 "joint_meetings_deed")


@migrations()
def m001_bodies_meetings_topics(schema: SchemaEditor) -> None:
    schema.create_table(
        "body",
        {"id": "int", "kind": "text", "area_code": "text", "area_path": "text", "level": "text",
         "name": "text", "convener": "text", "cadence": "text", "created_at": "datetime", "version": "int"},
        not_null=("kind", "area_code", "area_path", "level", "name"),
        references={"area_code": "area.code"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("body", ["area_path", "kind"])
    schema.create_index("body", ["kind", "area_code"])
    schema.create_table(
        "body_member",
        {"id": "int", "body_id": "int", "org_code": "text", "login": "text", "role": "text"},
        not_null=("body_id", "role"),
        references={"body_id": "body.id", "org_code": "organisation.code"},
    )
    schema.create_index("body_member", ["body_id"])
    schema.create_index("body_member", ["org_code"])
    schema.create_table(
        "meeting",
        {"id": "int", "body_id": "int", "held_at": "datetime", "place": "text", "status": "text",
         "minutes": "text", "area_path": "text", "level": "text", "recorded_by": "text", "version": "int"},
        not_null=("body_id", "held_at", "place", "status", "area_path", "level"),
        references={"body_id": "body.id"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("meeting", ["body_id", "held_at"])
    schema.create_index("meeting", ["area_path", "held_at"])
    schema.create_table(
        "attendance",
        {"id": "int", "meeting_id": "int", "org_code": "text", "login": "text", "present": "int",
         "reason": "text"},
        not_null=("meeting_id", "present"),
        references={"meeting_id": "meeting.id"},
    )
    schema.create_index("attendance", ["meeting_id"])
    schema.create_table(
        "topic",
        {"id": "int", "title": "text", "text": "text", "origin": "text", "origin_ref": "text",
         "body_id": "int", "origin_body_id": "int", "level": "text", "origin_level": "text",
         "area_path": "text", "issue_id": "int", "status": "text", "moves": "int",
         "raised_at": "datetime", "settled_at": "datetime", "raised_by": "text", "version": "int"},
        not_null=("title", "origin", "body_id", "origin_body_id", "level", "origin_level", "area_path",
                  "status", "moves", "raised_at"),
        references={"body_id": "body.id", "origin_body_id": "body.id", "issue_id": "issue.id"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("topic", ["body_id", "status"])
    schema.create_index("topic", ["area_path", "settled_at"])
    schema.create_index("topic", ["issue_id"])
    schema.create_table(
        "agenda_item",
        {"id": "int", "meeting_id": "int", "topic_id": "int", "position": "int"},
        not_null=("meeting_id", "topic_id", "position"),
        references={"meeting_id": "meeting.id", "topic_id": "topic.id"},
    )
    schema.create_index("agenda_item", ["meeting_id", "topic_id"], unique=True)
    schema.create_index("agenda_item", ["topic_id"])
    # One row per move of a topic: raise, move_up (from body_id to to_body_id with the
    # minutes of meeting_id attached), settle, withdraw. The chain view reads these.
    schema.create_table(
        "topic_history",
        {"id": "int", "record_id": "int", "move": "text", "from_status": "text", "to_status": "text",
         "actor": "text", "at": "datetime", "note": "text", "body_id": "int", "to_body_id": "int",
         "level": "text", "meeting_id": "int", "minutes": "text", "area_path": "text"},
        not_null=("record_id", "move", "at", "body_id", "level", "area_path"),
        references={"record_id": "topic.id", "body_id": "body.id"},
    )  # fmt: skip
    schema.create_index("topic_history", ["record_id", "id"])
    schema.create_index("topic_history", ["area_path", "move", "at"])
    schema.create_table(
        "decision",
        {"id": "int", "meeting_id": "int", "topic_id": "int", "owner_org": "text", "due": "date",
         "status": "text", "text": "text", "area_path": "text", "level": "text", "done_on": "date",
         "decided_at": "datetime", "version": "int"},
        not_null=("meeting_id", "owner_org", "due", "status", "text", "area_path", "level", "decided_at"),
        references={"meeting_id": "meeting.id", "topic_id": "topic.id", "owner_org": "organisation.code"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("decision", ["area_path", "status", "due"])
    schema.create_index("decision", ["topic_id"])
    schema.create_index("decision", ["meeting_id"])
    # A settled topic's decision reported back to each body it passed through below.
    schema.create_table(
        "report_back",
        {"id": "int", "topic_id": "int", "decision_id": "int", "body_id": "int", "at": "datetime",
         "noted_at": "datetime"},
        not_null=("topic_id", "decision_id", "body_id", "at"),
        references={"topic_id": "topic.id", "decision_id": "decision.id", "body_id": "body.id"},
    )
    schema.create_index("report_back", ["body_id", "noted_at"])


@migrations()
def m002_cobuilding(schema: SchemaEditor) -> None:
    schema.create_table(
        "commitment",
        {"id": "int", "body_id": "int", "org_code": "text", "kind": "text", "text": "text",
         "amount": "int", "signed_on": "date", "due": "date", "status": "text", "area_path": "text",
         "version": "int"},
        not_null=("body_id", "org_code", "kind", "text", "signed_on", "due", "status", "area_path"),
        references={"body_id": "body.id", "org_code": "organisation.code"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("commitment", ["body_id"])
    schema.create_index("commitment", ["area_path", "signed_on"])
    schema.create_table(
        "deed",
        {"id": "int", "body_id": "int", "org_code": "text", "commitment_id": "int", "done_on": "date",
         "text": "text", "value": "int", "area_path": "text"},
        not_null=("body_id", "org_code", "done_on", "text", "value", "area_path"),
        references={"body_id": "body.id", "org_code": "organisation.code", "commitment_id": "commitment.id"},
        scope_path="area_path", scope_permission="issue.read",
    )  # fmt: skip
    schema.create_index("deed", ["body_id", "done_on"])
    schema.create_index("deed", ["area_path", "done_on"])
