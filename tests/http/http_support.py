"""Helpers of the HTTP service's tests: sample points and an intake channel's key."""

from __future__ import annotations

import datetime as dt

from gridgov.core import Actor, Member, Platform, RoleAssignment
from gridgov.core.services.api_keys import ApiKeyService

POINT_SX01 = (22.69, 114.105)
"""Inside grid SX01's polygon in the sample (only the building SX01-B1 is a point there)."""
POINT_BNK01 = (22.69, 114.14)


def add_channel(platform: Platform, login: str = "wechat_app", area: str = "LG", source: str = "online") -> str:
    """An intake channel posted over ``area`` and its key's secret."""
    system = Actor.system()
    with platform.transaction():
        platform.members.add(system, Member(login=login, name="微信小程序", home_area=area if area != "LG" else None))
        platform.members.assign(system, RoleAssignment(login=login, post="intake_channel", area_code=area,
                                                       starts=dt.date(2026, 1, 1)))
        _, secret = ApiKeyService(platform).create(system, login, label="test channel", source=source)
    return secret


class LiveServer:
    """The app served by uvicorn on a free loopback port, in a thread (for clients that
    speak real HTTP, such as the georeport package)."""

    def __init__(self, app) -> None:
        import threading

        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
