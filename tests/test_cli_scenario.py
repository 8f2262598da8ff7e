"""A day at the desk through the ``gridgov`` command alone (as a script would drive it):
one case settled in the grid, one escalated to the subdistrict and settled there, and the
statistics those steps imply, to the exact number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gridgov.core import Platform, PluginHost, sample

GRIDGOV = str(Path(sys.executable).with_name("gridgov"))


class Cli:
    def __init__(self, db: Path) -> None:
        # Only the core: the scenario's numbers must not depend on which plugins are installed.
        self.env = {**os.environ, "GRIDGOV_DB": str(db), "GRIDGOV_LOAD_PLUGINS": "", "GRIDGOV_LANG": "en"}

    def run(self, *args: str, code: int = 0) -> str:
        result = subprocess.run([GRIDGOV, *args], capture_output=True, text=True, env=self.env, timeout=60)
        assert result.returncode == code, f"gridgov {' '.join(args)} → {result.returncode}: {result.stderr}"
        return result.stdout if code == 0 else result.stderr

    def act(self, issue_id: str, action: str, login: str, *extra: str) -> str:
        return self.run("issue", "act", issue_id, action, *extra, "--as", login).strip()


@pytest.mark.slow
def test_two_cases_from_report_to_rating_and_the_stats_they_imply(tmp_path):
    db = tmp_path / "desk.db"
    cli = Cli(db)
    assert "gridgov.core:m002_issues" in cli.run("init")
    with Platform(db, hooks=PluginHost(builtins=(), entry_points=False)) as platform:
        sample.build(platform)

    # Case 1: a pothole, settled in the grid.
    first = cli.run("issue", "report", "--area", "SX01-B1", "--category", "road.repair",
                    "--title", "1栋门前路面塌陷", "--requester-phone", "13812341234",
                    "--as", "worker_sx01").strip()
    assert first.isdigit()
    assert cli.act(first, "register", "leader_sx01") == "registered"
    assert cli.act(first, "dispatch", "leader_sx01", "--to", "ZJJ") == "dispatched"
    assert cli.act(first, "accept", "handler_zjj") == "in_progress"
    assert cli.act(first, "resolve", "handler_zjj", "--note", "已回填压实") == "resolved"
    assert cli.act(first, "verify", "worker_sx01") == "verified"
    refused = cli.run("issue", "act", first, "close", "--rating", "great", "--as", "leader_sx01", code=4)
    assert refused.strip().splitlines() == [f"error: issue {first}: close refused: rating must be one of satisfied, basically_satisfied, dissatisfied"]
    assert cli.act(first, "close", "leader_sx01", "--rating", "satisfied") == "closed"

    # Case 2: a dispute between two grids, escalated grid → community → subdistrict.
    second = cli.run("issue", "report", "--area", "SX02", "--category", "road.repair",
                     "--title", "两网格交界道路积水", "--as", "worker_sx02").strip()
    assert cli.act(second, "register", "dispatcher_sx") == "registered"
    assert cli.act(second, "escalate", "dispatcher_sx", "--note", "涉及两个网格") == "registered"
    assert cli.act(second, "escalate", "dispatcher_sx", "--note", "需街道协调城管") == "registered"
    assert cli.act(second, "dispatch", "dispatcher_ph", "--to", "CGJ") == "dispatched"
    assert cli.act(second, "accept", "handler_cgj") == "in_progress"
    assert cli.act(second, "resolve", "handler_cgj", "--note", "已疏通排水") == "resolved"
    assert cli.act(second, "verify", "worker_sx02") == "verified"
    assert cli.act(second, "close", "dispatcher_ph", "--rating", "dissatisfied") == "closed"

    shown = json.loads(cli.run("issue", "show", second, "--json", "--as", "dispatcher_ph"))
    assert (shown["issue"]["handling_area"], shown["issue"]["level"], shown["issue"]["version"]) == ("PH", "subdistrict", 9)
    assert [e["action"] for e in shown["events"]] == [
        "report", "register", "escalate", "escalate", "dispatch", "accept", "resolve", "verify", "close",
    ]  # fmt: skip
    assert shown["actions"] == ["reopen", "callback"]
    assert json.loads(cli.run("issue", "list", "--json", "--as", "worker_sx01")) == []  # the queue: open cases
    listed = json.loads(cli.run("issue", "list", "--all", "--json", "--as", "worker_sx01"))
    assert [(i["id"], i["status"], i["requester_phone"]) for i in listed] == [(int(first), "closed", "138****1234")]

    stats = json.loads(cli.run("stats", "--json", "--as", "admin"))
    assert stats["scope"] == "area:LG"
    counts = {k: v for k, v in stats["flows"].items() if v and k != "close_seconds"}
    assert counts == {
        "received": 2, "registered": 2, "dispatched": 2, "accepted": 2, "accepted_on_time": 2,
        "resolved": 2, "verified": 2, "closed": 2, "closed_on_time": 2, "rated": 2, "satisfied": 1,
        "escalated": 2,
    }  # fmt: skip
    assert stats["rates"] == {
        "response_rate": 1.0, "on_time_response_rate": 1.0, "closure_rate": 1.0,
        "on_time_closure_rate": 1.0, "satisfaction_rate": 0.5, "rework_rate": 0.0,
    }  # fmt: skip
    assert stats["settled_by_level"] == {"grid": 1, "subdistrict": 1}
    assert stats["level_shares"] == {"grid": 0.5, "subdistrict": 0.5}

    grid = json.loads(cli.run("stats", "--area", "SX01", "--json", "--as", "admin"))
    assert (grid["flows"]["received"], grid["flows"]["escalated"], grid["level_shares"]) == (1, 0, {"grid": 1.0})
    cgj = json.loads(cli.run("stats", "--org", "CGJ", "--json", "--as", "admin"))
    assert (cgj["flows"]["dispatched"], cgj["flows"]["closed"], cgj["settled_by_level"]) == (1, 1, {"subdistrict": 1})
