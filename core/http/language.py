"""The language of an answer: ``Accept-Language`` (zh or en, by quality), else the
deployment's default (Chinese)."""

from __future__ import annotations

from starlette.requests import Request

LANGUAGES = ("zh", "en")


def from_header(header: str | None, default: str = "zh") -> str:
    """``en-US,en;q=0.9,zh;q=0.5`` → ``en``; ``zh-CN`` → ``zh``; nothing we speak → default."""
    best, best_q = default, -1.0
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q and q > 0:
            best, best_q = primary, q
    return best


def language(request: Request) -> str:
    return from_header(request.headers.get("accept-language"), request.app.state.settings.get("language", "zh"))
