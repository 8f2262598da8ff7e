"""Rows to records, and the subtree lookups every read of the plugin uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .records import Body, Commitment, Decision, Deed, Meeting, Topic


def subtree_range(path: str) -> dict[str, str]:
    """Table lookups selecting rows whose ``area_path`` lies in the subtree of ``path``
    (paths end with ``/``, and ``0`` follows ``/`` in code order)."""
    return {"area_path__gte": path, "area_path__lt": path[:-1] + "0"}


def _dt(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _d(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def body(row: dict[str, Any]) -> Body:
    return Body(id=row["id"], kind=row["kind"], area_code=row["area_code"], area_path=row["area_path"],
                level=row["level"], name=row["name"], convener=row["convener"], cadence=row["cadence"],
                created_at=_dt(row["created_at"]), version=row["version"] or 1)  # fmt: skip


def meeting(row: dict[str, Any]) -> Meeting:
    return Meeting(id=row["id"], body_id=row["body_id"], held_at=_dt(row["held_at"]), place=row["place"],
                   status=row["status"], minutes=row["minutes"] or "", area_path=row["area_path"],
                   level=row["level"], recorded_by=row["recorded_by"], version=row["version"] or 1)  # fmt: skip


def topic(row: dict[str, Any]) -> Topic:
    return Topic(id=row["id"], title=row["title"], text=row["text"] or "", origin=row["origin"],
                 origin_ref=row["origin_ref"], body_id=row["body_id"], origin_body_id=row["origin_body_id"],
                 level=row["level"], origin_level=row["origin_level"], area_path=row["area_path"],
                 issue_id=row["issue_id"], status=row["status"], moves=row["moves"] or 0,
                 raised_at=_dt(row["raised_at"]), settled_at=_dt(row["settled_at"]), raised_by=row["raised_by"],
                 version=row["version"] or 1)  # fmt: skip


def decision(row: dict[str, Any]) -> Decision:
    return Decision(id=row["id"], meeting_id=row["meeting_id"], topic_id=row["topic_id"], owner_org=row["owner_org"],
                    due=_d(row["due"]), status=row["status"], text=row["text"], area_path=row["area_path"],
                    done_on=_d(row["done_on"]), version=row["version"] or 1)  # fmt: skip


def commitment(row: dict[str, Any]) -> Commitment:
    return Commitment(id=row["id"], body_id=row["body_id"], org_code=row["org_code"], kind=row["kind"],
                      text=row["text"], amount=row["amount"], signed_on=_d(row["signed_on"]), due=_d(row["due"]),
                      status=row["status"], area_path=row["area_path"], version=row["version"] or 1)  # fmt: skip


def deed(row: dict[str, Any]) -> Deed:
    return Deed(id=row["id"], body_id=row["body_id"], org_code=row["org_code"], commitment_id=row["commitment_id"],
                done_on=_d(row["done_on"]), text=row["text"], value=row["value"] or 0,
                area_path=row["area_path"])  # fmt: skip


def as_datetime(value: Any) -> dt.datetime | None:
    return _dt(value)


def as_date(value: Any) -> dt.date | None:
    return _d(value)
