"""The small demo over HTTP: a resident's POST with only a coordinate lands in the grid
whose polygon holds it, appears in that grid worker's queue (in the core and in the
terminal UI), and the staff's steps show in ``requests/{id}`` and
``servicerequestupdates``."""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from gridgov.core import Platform
from gridgov.core.http import PlatformPool, create_app

GRID = "44030700100101"
"""The demo worker's grid (福寮社区第01网格)."""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    from gridgov.core.cli import (
        cli,
        commands,  # noqa: F401
    )

    path = str(tmp_path_factory.mktemp("demo") / "demo.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", path, "--lang", "en", "demo", "--scale", "small"]).exit_code == 0
    made = runner.invoke(cli, ["--db", path, "apikey", "service-account", "wechat_app", "--name", "平湖微信小程序",
                               "--area", "440307", "--json", "--as", "admin"])
    assert made.exit_code == 0, made.output
    with open(path + ".key", "w") as out:
        out.write(json.loads(made.stdout)["secret"])
    return path


def test_a_residents_point_reaches_the_grid_workers_queue_and_back(demo_db):
    secret = open(demo_db + ".key").read()
    platform = Platform(demo_db)
    try:
        grid = platform.areas.get(GRID)
        lat, lon = grid.centroid
        app = create_app(PlatformPool.of(platform))
        with TestClient(app) as client:
            posted = client.post("/open311/v2/requests.json", data={
                "api_key": secret, "service_code": "facility.repair", "lat": lat, "long": lon,
                "first_name": "芳", "last_name": "李", "phone": "13912345678",
                "description": "3栋门口路灯坏了一个星期，晚上看不清台阶"})
            assert posted.status_code == 200, posted.text
            issue_id = posted.json()[0]["service_request_id"]
            worker = platform.actor("demo_worker")
            issue = platform.issues.get(worker, issue_id)
            assert platform.areas.locate(lat, lon).code == GRID
            assert (issue.area_code, issue.handling_area) == (GRID, GRID)
            queue = platform.issues.list(worker, limit=500)
            assert issue_id in [i.id for i in queue]
            assert _shown_in_tui_queue(platform, "demo_worker", issue_id)

            from gridgov.core.services.api_keys import ApiKeyService

            def headers(login: str) -> dict[str, str]:
                _, key = ApiKeyService(platform).create(platform.actor("admin"), login, label="demo")
                return {"Authorization": f"Bearer {key}"}

            dispatcher = headers("demo_dispatcher")
            case = client.get(f"/api/v1/issues/{issue_id}", headers=dispatcher).json()
            assert "register" in case["actions"]
            assert case["intake"]["email"] is None and case["issue"]["requester_phone"] == "139****5678"
            since = case["issue"]["reported_at"]
            assert client.post(f"/api/v1/issues/{issue_id}/actions/register", headers=dispatcher,
                               json={"expected_version": case["issue"]["version"]}).status_code == 200
            dispatched = client.post(f"/api/v1/issues/{issue_id}/actions/dispatch", headers=dispatcher, json={})
            assert dispatched.status_code == 200, dispatched.text
            [record] = client.get(f"/open311/v2/requests/{issue_id}.json",
                                  params={"extended_statuses": "true"}).json()
            assert record["status"] == "action_scheduled" and record["agency_responsible"]
            updates = client.get("/open311/v2/servicerequestupdates.json", params={"start_date": since}).json()
            assert [u["external_status_code"] for u in updates if u["service_request_id"] == issue_id] == [
                "registered", "dispatched"]
    finally:
        platform.close()


def _shown_in_tui_queue(platform: Platform, login: str, issue_id: int) -> bool:
    """Whether the terminal UI's queue (key 2) lists the case for ``login``, paging on."""
    from gridgov.tui.app import GridgovApp
    from gridgov.tui.widgets.issue_table import IssueTable

    async def look() -> bool:
        app = GridgovApp(platform, platform.actor(login), "en")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("2")
            await pilot.pause()
            table = app.screen.query_one(IssueTable)
            for _ in range(20):
                if issue_id in [int(k.value) for k in table.rows]:
                    return True
                before = [k.value for k in table.rows]
                await pilot.press("n")
                await pilot.pause()
                if [k.value for k in table.rows] == before:
                    return False
        return False

    return asyncio.run(look())
