"""The area caches stay true: a change of the tree or of the handling level, in this
process or in another one, is seen by the next call without a restart."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from gridgov.core import Actor

pytestmark = pytest.mark.gridgov_engines

OTHER_PROCESS = textwrap.dedent("""
    import sys
    from gridgov.core import Actor, Platform, PluginHost
    with Platform(sys.argv[1], hooks=PluginHost(builtins=(), entry_points=False)) as other:
        other.areas.update(Actor.system(), "SX01", name="山厦社区第一网格（新）")
        other.areas.set_handling_level(Actor.system(), "community")
""")


def test_a_change_in_this_process_reroutes_at_once(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=())
    worker, system = platform.actor("worker_sx01"), Actor.system()
    assert platform.issues.report(worker, area="SX01-B1", category="road.repair", title="一").handling_area == "SX01"
    platform.areas.set_handling_level(system, "community")
    assert platform.issues.report(worker, area="SX01-B1", category="road.repair", title="二").handling_area == "SX"


def test_another_processs_rename_and_handling_level_are_seen_without_a_restart(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=())
    worker = platform.actor("worker_sx01")
    first = platform.issues.report(worker, area="SX01-B1", category="road.repair", title="改之前")
    assert (first.handling_area, platform.areas.get("SX01").name) == ("SX01", "山厦社区第01网格")
    env = {**os.environ, "GRIDGOV_NO_ENTRY_POINTS": "1"}
    done = subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(platform.path)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    time.sleep(1.1)  # PostgreSQL has no change counter: the version row is read at most once a second
    second = platform.issues.report(worker, area="SX01-B1", category="road.repair", title="改之后")
    assert second.handling_area == "SX"
    assert platform.areas.get("SX01").name == "山厦社区第一网格（新）"
