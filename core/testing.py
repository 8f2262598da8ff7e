"""Pytest fixtures for gridgov and its plugins (entry point ``pytest11``).

* ``gridgov_platform``: a platform on a temporary database holding :mod:`gridgov.core.sample`,
  with the built-in plugins and no third-party ones;
* ``gridgov_actors``: the sample's actors by login (``worker_sx01``, ``dispatcher_sx``…);
* ``gridgov_actor``: a function from a post to an actor holding it;
* ``gridgov_make_platform``: a factory for a platform with chosen plugins, e.g.
  ``gridgov_make_platform(plugins=[my_plugin])`` to test a plugin module under development.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

import pytest

from . import sample
from .access import Actor
from .platform import Platform
from .plugins import DEFAULT_PLUGINS, PluginHost

FIXED_NOW = dt.datetime(2026, 11, 2, 9, 30)


class Clock:
    """A settable clock, so deadlines and overdue cases can be tested without waiting."""

    def __init__(self, now: dt.datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def gridgov_clock() -> Clock:
    return Clock()


@pytest.fixture
def gridgov_make_platform(tmp_path, gridgov_clock) -> Iterator[Callable[..., Platform]]:
    opened: list[Platform] = []

    def make(*, plugins: Iterable[object] = (), builtins: Iterable[str] = DEFAULT_PLUGINS,
             with_sample: bool = True, name: str = "gridgov.db", strict: bool = True) -> Platform:
        host = PluginHost(builtins=builtins, extra=plugins, entry_points=False, strict=strict)
        platform = Platform(tmp_path / name, hooks=host, clock=gridgov_clock)
        if with_sample:
            sample.build(platform)
        opened.append(platform)
        return platform

    yield make
    for platform in opened:
        platform.close()


@pytest.fixture
def gridgov_platform(gridgov_make_platform) -> Platform:
    return gridgov_make_platform()


@pytest.fixture
def gridgov_actors(gridgov_platform) -> dict[str, Actor]:
    return {login: gridgov_platform.actor(login) for login, *_ in sample.MEMBERS}


@pytest.fixture
def gridgov_actor(gridgov_platform) -> Callable[[str], Actor]:
    by_post = {post: login for login, _, _, post, _, _ in sample.MEMBERS}

    def actor(post: str) -> Actor:
        return gridgov_platform.actor(by_post[post])

    return actor
