"""The TUI's message catalog: every text on screen comes from ``i18n/<lang>.json``.

Keys are dotted (``queue.title``); values are ``str.format`` templates. A key missing
from the chosen language falls back to English and then to the key itself, so a gap
shows up as readable text rather than a crash. Names that the platform already holds in
both languages (categories, posts, actions) come from their records, not from here.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from gridgov.core.cli.context import detect_lang

LANGS = ("zh", "en")


@cache
def _messages(lang: str) -> dict[str, str]:
    text = resources.files(__package__).joinpath("i18n", f"{lang}.json").read_text("utf-8")
    return json.loads(text)


def choose_lang(lang: str | None) -> str:
    """``lang`` if given, else Chinese when the locale is Chinese, else English."""
    if lang in LANGS:
        return lang
    return detect_lang()


class Catalog:
    """Translate keys for one language: ``t("queue.pager", page=2, pages=9, total=420)``."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
        self.lang = lang
        self._own = _messages(lang)
        self._fallback = _messages("en")

    def __call__(self, message_id: str, /, **values: Any) -> str:
        text = self._own.get(message_id) or self._fallback.get(message_id) or message_id
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._own

    def pick(self, zh: str, en: str) -> str:
        """Choose between a record's Chinese and English names (falling back to either)."""
        return (zh or en) if self.lang == "zh" else (en or zh)

    def status(self, status: str) -> str:
        return self(f"status.{status}") if self.has(f"status.{status}") else status

    def priority(self, priority: str) -> str:
        return self(f"priority.{priority}") if self.has(f"priority.{priority}") else priority

    def rating(self, rating: str | None) -> str:
        return self(f"rating.{rating}") if rating else "—"

    def level(self, level: str | None) -> str:
        if not level:
            return "—"
        return self(f"level.{level}") if self.has(f"level.{level}") else level
