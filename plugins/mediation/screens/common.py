"""What the mediation screens share: labels in two languages, parsing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gridgov.core import ValidationError

from ..records import KIND_NAMES

STATUS_NAMES = {
    "open": ("调解中", "open"), "agreed": ("达成协议", "agreed"), "referred": ("调解不成移送", "referred"),
    "withdrawn": ("已撤回", "withdrawn"), "not_accepted": ("不予受理", "not accepted"),
}  # fmt: skip
OUTCOME_NAMES = {"agreement": ("达成协议", "agreement"), "referred": ("调解不成移送", "referred"),
                 "withdrawn": ("撤回", "withdrawn")}  # fmt: skip
ROLE_NAMES = {"applicant": ("申请人", "applicant"), "respondent": ("被申请人", "respondent"),
              "third_party": ("第三人", "third party")}  # fmt: skip
TARGET_NAMES = {"arbitration": ("仲裁", "arbitration"), "court": ("法院", "court"), "police": ("公安", "police")}


def name(screen: Any, table: dict[str, tuple[str, str]], key: str | None) -> str:
    """``key``'s name from ``table`` in the screen's language ("—" for none)."""
    if key is None:
        return "—"
    return screen.t(*table.get(key, (key, key)))


def kind(screen: Any, key: str) -> str:
    return name(screen, KIND_NAMES, key)


def parse_day(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def parse_moment(field: str, text: str, time: Any) -> dt.datetime:
    """A wall-clock time typed in the deployment's zone, as an instant."""
    try:
        return time.read(dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1)), field)
    except ValueError:
        raise ValidationError(field, f"{text!r} is not a time (YYYY-MM-DD HH:MM)") from None


def split_list(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
