"""Test-wide settings: the SDK's own tests never pick up plugins installed in the environment,
and never touch a user's real database."""

from __future__ import annotations

import os

import pytest

os.environ["GRIDGOV_NO_ENTRY_POINTS"] = "1"
os.environ.pop("GRIDGOV_LOAD_PLUGINS", None)
os.environ.pop("GRIDGOV_DISABLE_PLUGINS", None)


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDGOV_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("GRIDGOV_LANG", "en")


@pytest.fixture
def core_cli_only(monkeypatch):
    """The CLI opens its own platform; keep the department plugins (tested elsewhere) out."""
    monkeypatch.setenv("GRIDGOV_LOAD_PLUGINS", "")


@pytest.fixture
def sample_db() -> str:
    """The sample deployment in the test's database ($GRIDGOV_DB)."""
    from gridgov.core import Platform, sample

    path = os.environ["GRIDGOV_DB"]
    with Platform(path) as platform:
        sample.build(platform)
    return path
