"""The plugin's tables (``finance_station_<name>``), created through the core's migrations.

Amounts are ``int`` columns of fen (SQLite integers are 64-bit, so sums stay exact);
``seconds_to_credit`` is stored at grant time so the mean time to credit is a sum and a
count, not a scan.
"""

from __future__ import annotations

from gridgov.core import Migrations, SchemaEditor

NAMESPACE = "finance_station"
STATION = f"{NAMESPACE}_station"
CONSULTATION = f"{NAMESPACE}_consultation"
VISIT = f"{NAMESPACE}_visit"
EVENT = f"{NAMESPACE}_event"

migrations = Migrations(NAMESPACE)


@migrations()
def m001_stations_and_consultations(schema: SchemaEditor) -> None:
    schema.create_table(
        "station",
        {"code": "text", "name": "text", "area_code": "text", "host_org": "text",
         "cluster": "text", "partners": "json"},
        pk="code",
        not_null=("name", "area_code", "host_org", "cluster"),
        references={"area_code": "area.code", "host_org": "organisation.code"},
    )  # fmt: skip
    schema.create_table(
        "consultation",
        {"id": "int", "enterprise": "text", "station": "text", "need": "text",
         "amount_asked": "int", "officer": "text", "status": "text", "area_code": "text",
         "area_path": "text", "issue_id": "int", "opened_at": "datetime",
         "referred_at": "datetime", "institution": "text", "granted_amount": "int",
         "inclusive": "bool", "closed_at": "datetime", "seconds_to_credit": "int",
         "reason": "text", "note": "text"},
        pk="id",
        not_null=("enterprise", "station", "need", "status", "opened_at"),
        references={"enterprise": "organisation.code", "station": "station.code",
                    "issue_id": "issue.id", "institution": "organisation.code"},
    )  # fmt: skip
    schema.create_index("consultation", ["station", "status"])
    schema.create_index("consultation", ["enterprise"])
    schema.create_index("consultation", ["issue_id"])
    schema.create_index("consultation", ["opened_at"])
    schema.create_index("consultation", ["closed_at"])


@migrations()
def m002_outreach(schema: SchemaEditor) -> None:
    schema.create_table(
        "visit",
        {"id": "int", "enterprise": "text", "officer": "text", "station": "text",
         "visited_on": "date", "note": "text"},
        pk="id",
        not_null=("enterprise", "officer", "visited_on"),
        references={"enterprise": "organisation.code", "station": "station.code"},
    )  # fmt: skip
    schema.create_table(
        "event",
        {"id": "int", "name": "text", "held_on": "date", "station": "text",
         "institutions": "json", "firms": "json"},
        pk="id",
        not_null=("name", "held_on"),
        references={"station": "station.code"},
    )  # fmt: skip
    schema.create_index("visit", ["enterprise"])
    schema.create_index("event", ["held_on"])
