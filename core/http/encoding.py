"""Form bodies in UTF-8, as GeoReport v2 says every client's text is.

Starlette reads the raw bytes of an ``application/x-www-form-urlencoded`` body as
Latin-1 and decodes only the percent-escapes as UTF-8, so a client that sends Chinese
unescaped (``curl -d``, some embedded clients) would store mojibake. This middleware
percent-escapes those raw bytes first; escaped bodies pass unchanged.
"""

from __future__ import annotations

import re
from typing import Any

_RAW = re.compile(rb"[\x80-\xff]")


def escape_raw(body: bytes) -> bytes:
    return _RAW.sub(lambda m: b"%%%02X" % m.group()[0], body)


class Utf8Forms:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if not headers.get(b"content-type", b"").startswith(b"application/x-www-form-urlencoded"):
            await self.app(scope, receive, send)
            return

        async def escaped() -> dict[str, Any]:
            message = await receive()
            if message.get("type") == "http.request" and message.get("body"):
                message = {**message, "body": escape_raw(message["body"])}
            return message

        await self.app(scope, escaped, send)
