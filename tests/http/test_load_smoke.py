"""A few seconds of bench/http_load.py against ``gridgov serve --workers 2`` on SQLite:
real processes, real sockets; no figure is asserted, only that nothing failed and every
acknowledged POST is stored and replays to its case."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "http_load.py"


@pytest.mark.slow
def test_a_short_load_run_loses_nothing(capsys):
    spec = importlib.util.spec_from_file_location("http_load", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = module.main(["--seconds", "2", "--clients", "4", "--workers", "2", "--platforms", "2"])
    assert report["errors"] == 0, report["error_samples"]
    assert report["posts_acknowledged"] > 0
    assert report["posts_found"] == report["posts_acknowledged"] == report["service_requests_stored"]
    assert report["replay_mismatches"] == 0
