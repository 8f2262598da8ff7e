"""Fixtures for the terminal UI tests: the sample deployment, apps for its actors, and
the screen as text (what a person would read)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable

import pytest
from gridgov.core import Platform
from gridgov.tui.app import GridgovApp


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (Textual's Pilot is asyncio-based,
    and no async pytest plugin is installed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**args))
    return True


@pytest.fixture
def platform(gridgov_platform) -> Platform:
    return gridgov_platform


@pytest.fixture
def make_app(platform) -> Callable[..., GridgovApp]:
    def make(login: str, lang: str = "en") -> GridgovApp:
        return GridgovApp(platform, platform.actor(login), lang)

    return make


@pytest.fixture
def core_platform(gridgov_make_platform) -> Platform:
    """The sample deployment with the core only: screens that do not depend on what
    department plugins happen to register (snapshots, layout)."""
    return gridgov_make_platform(builtins=())
