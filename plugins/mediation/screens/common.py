"""What the mediation screens share: the app context, labels in two languages, parsing."""

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


class Context:
    """The app's platform, actor and language, kept under a name that does not shadow
    Textual's own ``Screen.app``."""

    def __init__(self, app: Any) -> None:
        self.platform = app.platform
        self.actor = app.actor
        self.lang = getattr(app, "lang", "en") or "en"

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def name(self, table: dict[str, tuple[str, str]], key: str | None) -> str:
        if key is None:
            return "—"
        zh, en = table.get(key, (key, key))
        return self.t(zh, en)

    def kind(self, kind: str) -> str:
        return self.name(KIND_NAMES, kind)


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
