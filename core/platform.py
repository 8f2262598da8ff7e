"""The :class:`Platform`: one database, its plugins, and the typed services on top.

Integrators open one platform per process (or per thread) and call its services with an
actor; the CLI and the terminal UI do exactly the same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import platformdirs

from .access import AUDIT, Actor, Role
from .config import load_config
from .errors import AccessDenied, PluginError, ValidationError
from .models import Issue
from .plugins import PluginHost
from .registry import Category, MetricSpec, PaletteCommand, Route, ScreenSpec, admit_category
from .services.areas import AreaService
from .services.issues import IssueService
from .services.members import MemberService
from .services.metrics import MetricsService
from .services.organisations import OrganisationService
from .services.pairings import PairingService
from .services.transfer import TransferService
from .sla import SlaBook
from .storage import Migrations, Store, Table, is_postgres_url, open_engine
from .timezone import DEFAULT_ZONE, DeploymentTime, instant, utc_now
from .workflow import Transition


def default_db_path() -> str | Path:
    """``$GRIDGOV_DB`` (a file path or a ``postgresql://`` URL), else ``gridgov.db`` in the
    user's data directory."""
    env = os.environ.get("GRIDGOV_DB")
    if env:
        return env if is_postgres_url(env) else Path(env)
    return Path(platformdirs.user_data_dir("gridgov")) / "gridgov.db"


class Platform:
    """An open gridgov deployment.

    Commits are durable by default (``synchronous=FULL``): a case acknowledged to a resident
    survives a power cut. Bulk loaders may pass ``synchronous="NORMAL"``.

    >>> platform = Platform(":memory:")
    >>> platform.areas.levels()
    ('district', 'subdistrict', 'community', 'grid', 'building')
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        hooks: PluginHost | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        sla: SlaBook | None = None,
        synchronous: str = "FULL",
        migrate: bool = True,
        config: str | Path | dict[str, Any] | None = None,
    ) -> None:
        if is_postgres_url(path):
            self.path: str | Path = str(path)
        else:
            self.path = Path(path) if path not in (None, ":memory:") else (default_db_path() if path is None else ":memory:")
        self._store = Store(open_engine(self.path, synchronous=synchronous))
        self.config = load_config(config)
        self.hooks = hooks if hooks is not None else PluginHost()
        self._clock = clock or utc_now
        self.categories: dict[str, Category] = {}
        self.roles: dict[str, Role] = {}
        self.transitions: dict[str, Transition] = {}
        self.migration_sets: dict[str, Migrations] = {}
        self.screens: dict[str, ScreenSpec] = {}
        self.palette_commands: dict[str, PaletteCommand] = {}
        self.metric_specs: dict[str, MetricSpec] = {}
        self.plugin_of_table: dict[str, str] = {}
        self.time = DeploymentTime(DEFAULT_ZONE)
        self._collect()
        self.areas = AreaService(self)
        self.organisations = OrganisationService(self)
        self.members = MemberService(self)
        self.pairings = PairingService(self)
        self.issues = IssueService(self)
        self.metrics = MetricsService(self)
        self.transfer = TransferService(self)
        self.applied_migrations: list[str] = []
        if self.hooks.failure_sink is None:
            self.hooks.failure_sink = self._persist_failure
        if migrate:
            self.applied_migrations = self.migrate()
        else:
            self._register_tables()
            self.time = DeploymentTime(self._store.setting("time_zone", DEFAULT_ZONE))
        self.sla = sla or self._stored_sla()

    # -- lifecycle ----------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Create or update the core and plugin tables; returns the migrations applied."""
        applied = self._store.migrate(self.migration_sets.values(), on_failure=self._disable_plugin)
        self._register_tables()
        self.time = DeploymentTime(self._store.setting("time_zone", DEFAULT_ZONE))
        self._plugin_instants_to_utc()
        if "gridgov.core:m004_utc_instants_and_cohorts" in applied and self._store.count("issue"):
            self.metrics.rebuild_cohorts()
        return applied

    def _disable_plugin(self, plugin: str, exc: BaseException, hook: str = "register_migrations") -> None:
        """Take a plugin out of this platform after a failure it cannot run without (its
        tables could not be made): its hooks stop being called and what it registered goes."""
        self.hooks.disable(plugin, hook, exc)
        self.migration_sets.pop(plugin, None)
        for table in (self.categories, self.roles, self.transitions, self.screens, self.palette_commands,
                      self.metric_specs):
            for key in [k for k, item in table.items() if getattr(item, "plugin", None) == plugin]:
                replaced = getattr(table[key], "replaces", None)  # an adopted category goes back to the core
                if replaced is not None:
                    table[key] = replaced
                else:
                    del table[key]

    def _register_tables(self) -> None:
        for namespace, migrations in self.migration_sets.items():
            for table, spec in migrations.specs().items():
                self._store.register_table(spec)
                self.plugin_of_table[table] = namespace

    def _plugin_instants_to_utc(self) -> None:
        """Plugin tables written before instants were UTC hold naive wall-clock text in
        their ``datetime`` columns; convert each table once (recorded in a setting)."""
        done = set(self._store.setting("utc_tables", []))
        pending = {table: [c for c, kind in types.items() if kind == "datetime"]
                   for migrations in self.migration_sets.values()
                   for table, types in migrations.schema().items() if table not in done}
        if not pending:
            return
        with self._store.write():
            for table, columns in pending.items():
                if columns and table in self._store.table_names():
                    self._store.instants_to_utc(table, columns, self.time.name)
            self._store.set_setting("utc_tables", sorted(done | set(pending)))

    def _persist_failure(self, failure: Any) -> None:
        """Keep a plugin failure in the database (best effort: it must never turn a
        plugin's failure into the core's)."""
        if "plugin_failure" not in self._store.table_names():
            return
        try:
            self._store.insert("plugin_failure", {"at": self.now(), "plugin": failure.plugin, "hook": failure.hook,
                                                 "error": failure.error[:2000]})
        except Exception:  # noqa: BLE001 - the failure itself is logged already
            pass

    def recent_plugin_failures(self, *, days: int = 7, limit: int = 100) -> list[dict[str, Any]]:
        """Plugin failures recorded in the last ``days`` (any process), newest first."""
        since = self.now() - dt.timedelta(days=days)
        return self._store.select("plugin_failure", order_by="-id", limit=limit, at__gte=since)

    def close(self) -> None:
        if self.hooks.failure_sink == self._persist_failure:
            self.hooks.failure_sink = None
        self._store.close()

    def __enter__(self) -> Platform:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> dt.datetime:
        """The current instant, aware UTC (from the platform's clock)."""
        value = instant(self._clock(), "clock")
        assert value is not None
        return value

    def today(self) -> dt.date:
        """Today in the deployment's time zone (not the host's)."""
        return self.time.day_of(self.now())

    @property
    def zone(self):
        """The deployment's time zone (a ``ZoneInfo``; default Asia/Shanghai)."""
        return self.time.zone

    def set_time_zone(self, actor: Actor, name: str) -> None:
        """Make ``name`` (IANA, e.g. Asia/Shanghai) the zone in which days, working hours
        and counters are reckoned. Counters already written keep the days they had."""
        self.require_global(actor, "settings.manage")
        zone = DeploymentTime(name)
        self._store.set_setting("time_zone", zone.name)
        self.time = zone

    def set_clock(self, clock: Callable[[], dt.datetime]) -> None:
        """Replace the clock (demo generation and tests run in simulated time)."""
        self._clock = clock

    # -- registrations ------------------------------------------------------------------

    def _collect(self) -> None:
        def keep(table: dict, key: str, kind: str, expected: type) -> Callable[[str, Any], None]:
            def check(plugin: str, item: Any) -> None:
                if not isinstance(item, expected):
                    raise TypeError(f"register_{kind} expects {expected.__name__}, got {type(item).__name__}")
                name = getattr(item, key)
                if name in table:
                    raise ValueError(f"{kind} {name} is already registered")
                if attrs.has(type(item)) and hasattr(item, "plugin") and plugin != "gridgov":
                    item = attrs.evolve(item, plugin=plugin)  # type: ignore[misc]  # an attrs record, checked above
                table[name] = item

            return check

        def keep_category(plugin: str, item: Any) -> None:
            if not isinstance(item, Category):
                raise TypeError(f"register_categories expects Category, got {type(item).__name__}")
            self.categories[item.code] = admit_category(self.categories, plugin, item)

        self.hooks.collect("register_categories", keep_category)
        self.hooks.collect("register_roles", keep(self.roles, "post", "roles", Role))
        self.hooks.collect("register_actions", keep(self.transitions, "action", "actions", Transition))
        self.hooks.collect("register_screens", keep(self.screens, "id", "screens", ScreenSpec))
        self.hooks.collect("register_palette_commands", keep(self.palette_commands, "id", "palette_commands", PaletteCommand))
        self.hooks.collect("register_metrics", keep(self.metric_specs, "id", "metrics", MetricSpec))

        def keep_migrations(plugin: str, item: Any) -> None:
            if not isinstance(item, Migrations):
                raise TypeError(f"register_migrations expects Migrations, got {type(item).__name__}")
            if item.namespace != plugin:
                raise ValueError(f"plugin {plugin} must use its own name as namespace, not {item.namespace}")
            try:
                tables = item.tables()  # a dry run of the steps
            except Exception as exc:  # its tables cannot be made: the plugin cannot run
                self._disable_plugin(plugin, exc)
                return
            taken = {t: ns for ns, other in self.migration_sets.items() for t in other.tables()}
            clash = sorted(set(tables) & set(taken))
            if clash:
                raise ValueError(f"table {clash[0]} already belongs to plugin {taken[clash[0]]}")
            self.migration_sets[item.namespace] = item

        self.hooks.collect("register_migrations", keep_migrations)

    @property
    def plugin_failures(self) -> list:
        return list(self.hooks.failures)

    # -- helpers used by services -------------------------------------------------------

    def actor(self, login: str) -> Actor:
        """The actor for a member's login (``system`` for the local operator)."""
        return self.members.actor(login)

    def route(self, issue: Issue) -> Route | None:
        found = self.hooks.first("route_issue", platform=self, issue=issue)
        return found[1] if found else None

    @contextlib.contextmanager
    def plugin_savepoint(self, plugin: str) -> Iterator[None]:
        """Run one plugin's hook in a savepoint, so its failure undoes only its writes."""
        with self._store.write(savepoint=True):
            yield

    def demo_period(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The period a demo deployment simulates (start, end), or None outside a demo.
        Plugins' ``load_demo_data`` keeps every record inside it, so all demo data lies on
        one timeline; ``platform.now()`` is its end while the hook runs."""
        period = self._store.setting("demo_period")
        if not period:
            return None
        return dt.datetime.fromisoformat(period["start"]), dt.datetime.fromisoformat(period["end"])

    def plugin_settings(self, plugin: str) -> dict[str, Any]:
        """The plugin's ``[plugins.NAME]`` table of the configuration file ({} if none)."""
        return dict(self.config.get("plugins", {}).get(plugin, {}))

    # -- scope of the whole deployment ---------------------------------------------------

    def covers_global(self, actor: Actor, permission: str) -> bool:
        """``permission`` holds over the whole deployment: over every root of the area
        tree (the local operator always; before any area exists, only the operator)."""
        roots = self.areas.roots_paths() or ["/"]
        return all(actor.covers(permission, p) for p in roots)

    def require_global(self, actor: Actor, permission: str, *, what: str = "the whole deployment") -> None:
        """For what belongs to the whole deployment (levels, SLA book, time zone): an admin
        over one subdistrict must not replace the district's rules."""
        if not self.covers_global(actor, permission):
            raise AccessDenied(actor.denial(permission, what))

    # -- access log -----------------------------------------------------------------------

    def log_access(self, actor: Actor, what: str, reason: str, *, path: str | None = None) -> None:
        """Record an unmask, an export or a maintenance read; ``path`` is the area of the
        record touched (None: the whole deployment), which decides who may audit it."""
        self._store.log_access(actor.login, what, reason, self.now(), path)

    def access_log(self, actor: Actor, *, limit: int = 100) -> list[dict[str, Any]]:
        """The newest entries about records in the actor's ``audit.read`` scope; entries
        about the whole deployment only for global auditors."""
        paths = actor.paths_for(AUDIT)
        if not paths:
            raise AccessDenied(actor.denial(AUDIT))
        return self._store.access_log_page(paths, include_global=self.covers_global(actor, AUDIT), limit=limit)

    def table(self, name: str) -> Table:
        """A plugin table (``mediation_dispute``) for reading and writing rows."""
        return self._store.table(name)

    def transaction(self):
        """Group several writes (core services and plugin tables) into one transaction."""
        return self._store.write()

    # -- SLA ----------------------------------------------------------------------------

    def _stored_sla(self) -> SlaBook:
        data = self._store.setting("sla")
        return SlaBook.from_mapping(data) if data else SlaBook()

    def set_sla(self, actor: Actor, book: SlaBook) -> None:
        """Make ``book`` the deployment's SLA rules (stored in the database; the whole
        deployment's, so only a global admin may)."""
        self.require_global(actor, "sla.manage")
        for rule in book.rules:
            if rule.category != "*" and rule.category not in self.categories:
                raise ValidationError("category", f"SLA rule for unknown category {rule.category}")
        self._store.set_setting("sla", book.to_mapping())
        self.sla = book


__all__ = ["Platform", "PluginError", "default_db_path"]
