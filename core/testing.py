"""Pytest fixtures for gridgov and its plugins (entry point ``pytest11``).

* ``gridgov_platform``: a platform on a temporary database holding :mod:`gridgov.core.sample`,
  with the built-in plugins and no third-party ones;
* ``gridgov_actors``: the sample's actors by login (``worker_sx01``, ``dispatcher_sx``…);
* ``gridgov_actor``: a function from a post to an actor holding it;
* ``gridgov_make_platform``: a factory for a platform with chosen plugins, e.g.
  ``gridgov_make_platform(plugins=[my_plugin])`` to test a plugin module under development;
* ``gridgov_issue``: a factory that reports an issue and walks it to a chosen state;
* ``gridgov_cli``: runs a ``gridgov`` command, with the plugins' commands, against a platform.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
import pytest
from click.testing import CliRunner, Result

from . import sample
from .access import Actor
from .errors import GridgovError
from .models import Issue
from .platform import Platform
from .plugins import DEFAULT_PLUGINS, PluginHost

ZONE = ZoneInfo("Asia/Shanghai")


def local_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An instant given as wall-clock time in the sample deployment's zone (Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


FIXED_NOW = local_time(2026, 11, 2, 9, 30)
"""The fixture clock's start: Monday 2026-11-02 09:30 Beijing time."""


class Clock:
    """A settable clock, so deadlines and overdue cases can be tested without waiting."""

    def __init__(self, now: dt.datetime = FIXED_NOW) -> None:
        self.now = now  # aware; the platform turns it into UTC

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def gridgov_clock() -> Clock:
    return Clock()


PG_URL_ENV = "GRIDGOV_TEST_PG_URL"
"""A PostgreSQL server for the tests: ``postgresql://user@127.0.0.1:PORT/postgres``."""
ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "gridgov_engines: run the test on SQLite and on PostgreSQL ($GRIDGOV_TEST_PG_URL)")
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite itself (pragmas, query plans)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``gridgov_engines`` that open a platform run once per engine."""
    if "gridgov_engine" not in metafunc.fixturenames or not metafunc.definition.get_closest_marker("gridgov_engines"):
        return
    engines = ["sqlite"] if metafunc.definition.get_closest_marker("sqlite_only") else list(ENGINES)
    metafunc.parametrize("gridgov_engine", engines, indirect=True)


@pytest.fixture
def gridgov_engine(request: pytest.FixtureRequest) -> str:
    """The storage engine of the test's platforms: ``sqlite`` unless the test is marked
    ``gridgov_engines`` (then each engine in turn; PostgreSQL is skipped, with the reason,
    when ``$GRIDGOV_TEST_PG_URL`` names no server)."""
    engine = getattr(request, "param", "sqlite")
    if engine == "postgresql" and not os.environ.get(PG_URL_ENV):
        pytest.skip(f"PostgreSQL tests need a server: set {PG_URL_ENV} (see README, 'Tests on PostgreSQL')")
    return engine


class PgDatabases:
    """Fresh PostgreSQL databases for tests, each cloned from a migrated template (one per
    plugin set and sample choice), so a test pays for a copy, not for the migrations."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.prefix = f"gg{os.getpid()}"
        self.templates: dict[tuple, str] = {}
        self.count = 0

    def _template(self, key: tuple, build: Callable[[str], None]) -> str:
        from .storage import pg_admin

        name = self.templates.get(key)
        if name is None:
            name = f"{self.prefix}_t{len(self.templates)}"
            pg_admin.drop_database(self.server_url, name)
            url = pg_admin.create_database(self.server_url, name)
            build(url)
            pg_admin.close_pool(url)
            self.templates[key] = name
        return name

    def database(self, key: tuple, build: Callable[[str], None]) -> str:
        from .storage import pg_admin

        template = self._template(key, build)
        self.count += 1
        return pg_admin.create_database(self.server_url, f"{self.prefix}_d{self.count}", template=template)

    def drop(self, url: str) -> None:
        from .storage import pg_admin

        pg_admin.drop_database(self.server_url, pg_admin.database_of(url))

    def close(self) -> None:
        for name in self.templates.values():
            self.drop_name(name)

    def drop_name(self, name: str) -> None:
        from .storage import pg_admin

        pg_admin.drop_database(self.server_url, name)


@pytest.fixture(scope="session")
def gridgov_pg_databases() -> Iterator[PgDatabases | None]:
    url = os.environ.get(PG_URL_ENV)
    if not url:
        yield None
        return
    databases = PgDatabases(url)
    yield databases
    databases.close()


def _template_key(builtins: tuple[str, ...], plugins: list[object], with_sample: bool) -> tuple:
    """What makes two test platforms' starting databases the same: the plugins and the
    tables their migrations declare, and whether the sample is in."""
    probe = PluginHost(builtins=builtins, extra=plugins, entry_points=False, strict=False)
    sets: dict[str, Any] = {}
    probe.collect("register_migrations", lambda plugin, item: sets.setdefault(plugin, item))
    tables: list[tuple[Any, ...]] = []
    for plugin, migrations in sorted(sets.items()):
        try:
            tables.append((plugin, tuple(n for n, _ in migrations.steps), repr(sorted(migrations.schema().items()))))
        except Exception as exc:  # a plugin whose migrations fail: its own template
            tables.append((plugin, repr(exc)))
    return builtins, tuple(tables), with_sample


@pytest.fixture
def gridgov_make_platform(tmp_path, gridgov_clock, gridgov_engine,
                          gridgov_pg_databases) -> Iterator[Callable[..., Platform]]:
    opened: list[Platform] = []
    databases: list[str] = []

    def make(*, plugins: Iterable[object] = (), builtins: Iterable[str] = DEFAULT_PLUGINS,
             with_sample: bool = True, name: str = "gridgov.db", strict: bool = True) -> Platform:
        plugins, builtins = list(plugins), tuple(builtins)
        host = PluginHost(builtins=builtins, extra=plugins, entry_points=False, strict=strict)
        if gridgov_engine == "postgresql":
            assert gridgov_pg_databases is not None

            def build(url: str) -> None:
                seed_host = PluginHost(builtins=builtins, extra=plugins, entry_points=False, strict=False)
                with Platform(url, hooks=seed_host, clock=Clock()) as seed:
                    if with_sample:
                        sample.build(seed)

            location: str | Path = gridgov_pg_databases.database(_template_key(builtins, plugins, with_sample), build)
            databases.append(str(location))
            platform = Platform(location, hooks=host, clock=gridgov_clock)
        else:
            platform = Platform(tmp_path / name, hooks=host, clock=gridgov_clock)
            if with_sample:
                sample.build(platform)
        opened.append(platform)
        return platform

    yield make
    for platform in opened:
        platform.close()
    for url in databases:
        assert gridgov_pg_databases is not None
        gridgov_pg_databases.drop(url)


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


# -- fixtures for plugin authors ---------------------------------------------------------

LIFECYCLE: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("registered", "register", {}),
    ("dispatched", "dispatch", {}),
    ("in_progress", "accept", {}),
    ("resolved", "resolve", {"note": "resolved by the test fixture"}),
    ("verified", "verify", {}),
    ("closed", "close", {"rating": "satisfied"}),
)


@pytest.fixture
def gridgov_issue(request) -> Callable[..., Issue]:
    """A factory that reports an issue in the sample deployment and, with ``to=``, walks it
    along the closed loop (register → dispatch → accept → resolve → verify → close) as the
    local operator, so a plugin's workflow hooks can be tested at any state.

    ``gridgov_issue(category="road.repair", area="SX01", as_="worker_sx01", to="dispatched",
    platform=None, **report_fields)``; ``platform`` defaults to ``gridgov_platform``."""

    def make(
        *,
        category: str = "road.repair",
        area: str = "SX01",
        title: str = "路面坑洞需修补",
        as_: str = "worker_sx01",
        to: str = "reported",
        platform: Platform | None = None,
        **fields: Any,
    ) -> Issue:
        platform = platform or request.getfixturevalue("gridgov_platform")
        states = ["reported", *(state for state, _, _ in LIFECYCLE)]
        if to not in states:
            raise ValueError(f"to={to!r}: use one of {', '.join(states)}")
        issue = platform.issues.report(platform.actor(as_), area=area, category=category,
                                       title=title, **fields)
        operator = Actor.system()
        for _state, action, params in LIFECYCLE[: states.index(to)]:
            if action == "dispatch":
                route = platform.route(issue)
                if route is None:
                    raise ValueError(f"no route for a {category} case in {area}; pass to='registered'")
                params = {"org": route.org_code, "member": route.member_login}
            assert issue.id is not None
            issue = platform.issues.act(operator, issue.id, action, **params)
        return issue

    return make


class _Group(click.Group):
    """The command group of :func:`gridgov_cli`: turns the core's errors into one line on
    stderr and their exit code, exactly as ``gridgov``'s ``main`` does."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except GridgovError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@pytest.fixture
def gridgov_cli(request) -> Callable[..., Result]:
    """Run a ``gridgov`` command (core or plugin) against a test platform; returns click's
    :class:`~click.testing.Result` (``exit_code``, ``stdout``, ``stderr``, ``output``).

    ``gridgov_cli(["mediation", "list"], as_="dispatcher_sx", platform=None, input=None)``:
    ``as_`` appends ``--as LOGIN``; ``platform`` defaults to ``gridgov_platform`` and its
    plugins' ``register_cli_commands`` decide which plugin commands exist."""

    def run(
        args: Iterable[str],
        *,
        as_: str | None = None,
        platform: Platform | None = None,
        input: str | None = None,
    ) -> Result:
        from .cli import cli as core_cli
        from .cli import commands  # noqa: F401  (attaches the core commands to ``cli``)
        from .cli.context import AppContext

        platform = platform or request.getfixturevalue("gridgov_platform")
        group = _Group("gridgov", commands=dict(core_cli.commands))
        platform.hooks.call("register_cli_commands", cli=group)
        app = AppContext(db_path=str(platform.path), lang="en")
        app._platform = platform
        argv = [*args, *(["--as", as_] if as_ else [])]
        return CliRunner().invoke(group, argv, obj=app, input=input, catch_exceptions=False)

    return run
