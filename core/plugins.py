"""Loading plugins and calling hooks so that one faulty plugin cannot take the platform down.

Built-ins load from :data:`DEFAULT_PLUGINS`, third-party plugins from the entry-point group
``gridgov``. ``GRIDGOV_LOAD_PLUGINS`` (comma list; empty loads none) limits which of the
optional plugins load, ``GRIDGOV_DISABLE_PLUGINS`` skips some. Every failure, at import or
in a hook, is kept in :attr:`PluginHost.failures` with the plugin's name and logged.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import logging
import os
import time
import traceback
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

import attrs
import pluggy

from . import hookspecs
from .deadline import budget_seconds, time_budget

log = logging.getLogger("gridgov.plugins")

UNTIMED_HOOKS = frozenset({"load_demo_data", "register_cli_commands"})
"""Hooks that do long work on purpose (a year of demo data) or only build objects."""


class HookSlow(Exception):
    def __init__(self, elapsed: float, budget: float) -> None:
        super().__init__(f"took {elapsed:.1f} s, past its time budget of {budget:g} s")

CORE_PLUGIN = "gridgov.core.defaults"
DEFAULT_PLUGINS = (
    "gridgov.plugins.finance_station",
    "gridgov.plugins.mediation",
    "gridgov.plugins.hr_policy",
    "gridgov.plugins.joint_meetings",
    "gridgov.plugins.service_lists",
    "gridgov.plugins.assessment",
)
ENTRY_POINT_GROUP = "gridgov"


@attrs.frozen(kw_only=True)
class PluginFailure:
    plugin: str
    hook: str
    error: str
    traceback: str = ""

    def __str__(self) -> str:
        return f"plugin {self.plugin} failed in {self.hook}: {self.error}"


@attrs.frozen(kw_only=True)
class PluginInfo:
    name: str
    module: str
    version: str | None
    builtin: bool
    hooks: tuple[str, ...]


def short_name(module_name: str) -> str:
    """``gridgov.plugins.mediation`` → ``mediation``."""
    return module_name.rsplit(".", 1)[-1]


def extra_name(module_name: str) -> str:
    """The name of a plugin passed as a module (tests): ``gridgov_demoext`` → ``demoext``,
    the entry-point name ``gridgov plugin new`` gives the same package, so a plugin keeps
    its name (and its tables' namespace) whether installed or loaded by a test."""
    name = short_name(module_name)
    return name.removeprefix("gridgov_") or name


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


class PluginHost:
    """The pluggy manager with gridgov's loading rules and fault isolation."""

    def __init__(
        self,
        *,
        builtins: Iterable[str] = DEFAULT_PLUGINS,
        extra: Iterable[ModuleType | object] = (),
        load: Iterable[str] | None = None,
        disable: Iterable[str] = (),
        entry_points: bool | None = None,
        strict: bool = False,
    ) -> None:
        self.pm = pluggy.PluginManager("gridgov")
        self.pm.add_hookspecs(hookspecs)
        self.failures: list[PluginFailure] = []
        self.disabled: set[str] = set()
        self.failure_sink: Callable[[PluginFailure], None] | None = None
        self.strict = strict
        self._builtin: set[str] = set()
        self._versions: dict[str, str | None] = {}
        allowed = list(load) if load is not None else _env_list("GRIDGOV_LOAD_PLUGINS")
        disabled = set(disable) | set(_env_list("GRIDGOV_DISABLE_PLUGINS") or [])
        if entry_points is None:
            entry_points = os.environ.get("GRIDGOV_NO_ENTRY_POINTS", "") in ("", "0")

        def wanted(name: str) -> bool:
            return name not in disabled and (allowed is None or name in allowed)

        self._load_module(CORE_PLUGIN, builtin=True)
        for module in builtins:
            if wanted(short_name(module)):
                self._load_module(module, builtin=True)
        if entry_points:
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                if not wanted(ep.name):
                    continue
                try:
                    plugin = ep.load()
                except Exception as exc:
                    self._fail(ep.name, "import", exc)
                    continue
                version = ep.dist.version if ep.dist else None
                self._register(plugin, ep.name, builtin=False, version=version)
        for plugin in extra:
            name = getattr(plugin, "__name__", type(plugin).__name__)
            if wanted(extra_name(name)):
                self._register(plugin, extra_name(name), builtin=False, version=None)

    # -- loading ------------------------------------------------------------------------

    def _load_module(self, module_name: str, *, builtin: bool) -> None:
        name = short_name(module_name) if module_name != CORE_PLUGIN else "gridgov"
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            self._fail(name, "import", exc)
            return
        from . import __version__

        self._register(module, name, builtin=builtin, version=__version__)

    def _register(self, plugin: object, name: str, *, builtin: bool, version: str | None) -> None:
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except Exception as exc:
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            self._fail(name, "register", exc)
            return
        if builtin:
            self._builtin.add(name)
        self._versions[name] = version

    def _fail(self, plugin: str, hook: str, exc: BaseException) -> None:
        failure = PluginFailure(
            plugin=plugin,
            hook=hook,
            error=f"{type(exc).__name__}: {exc}",
            traceback="".join(traceback.format_exception(exc)),
        )
        self.failures.append(failure)
        log.error("%s", failure)
        if self.failure_sink is not None:
            self.failure_sink(failure)
        if self.strict:
            raise exc

    def _check_time(self, plugin: str, hook: str, started: float, budget: float) -> None:
        """Report a hook that finished past its budget where it could not be stopped
        (off the main thread); its result stands."""
        elapsed = time.monotonic() - started
        if budget and elapsed > budget:
            self._fail(plugin, hook, HookSlow(elapsed, budget))

    def disable(self, plugin: str, hook: str, exc: BaseException) -> None:
        """Record ``exc`` and stop calling the plugin's hooks (it stays listed as failed)."""
        self._fail(plugin, hook, exc)
        found = self.pm.get_plugin(plugin)
        if found is not None:
            self.pm.unregister(found)
        self.disabled.add(plugin)

    # -- calling ------------------------------------------------------------------------

    def call(self, hook: str, *, wrap: Callable[[str], Any] | None = None,
             on_error: Callable[[str, BaseException], Any] | None = None, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on each plugin separately; returns ``(plugin, result)`` pairs.

        A plugin that raises is recorded in :attr:`failures` and skipped, unless
        ``on_error(plugin, exc)`` is given: then its value stands as that plugin's result
        (a veto that crashes refuses). ``wrap(plugin)`` may return a context manager
        entered around each call (the store's savepoint)."""
        caller = getattr(self.pm.hook, hook)
        results: list[tuple[str, Any]] = []
        budget = 0.0 if hook in UNTIMED_HOOKS else budget_seconds()
        for impl in reversed(caller.get_hookimpls()):
            args = {k: kwargs[k] for k in impl.argnames}
            started = time.monotonic()
            try:
                with wrap(impl.plugin_name) if wrap is not None else contextlib.nullcontext():
                    with time_budget(budget):
                        result = impl.function(**args)
                self._check_time(impl.plugin_name, hook, started, budget)
            except Exception as exc:
                self._fail(impl.plugin_name, hook, exc)
                if on_error is None:
                    continue
                result = on_error(impl.plugin_name, exc)
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def first(self, hook: str, **kwargs: Any) -> tuple[str, Any] | None:
        """The first non-None result of ``hook`` (for ``firstresult`` hooks)."""
        caller = getattr(self.pm.hook, hook)
        budget = budget_seconds()
        for impl in reversed(caller.get_hookimpls()):
            started = time.monotonic()
            try:
                with time_budget(budget):
                    result = impl.function(**{k: kwargs[k] for k in impl.argnames})
                self._check_time(impl.plugin_name, hook, started, budget)
            except Exception as exc:
                self._fail(impl.plugin_name, hook, exc)
                continue
            if result is not None:
                return impl.plugin_name, result
        return None

    def collect(self, hook: str, validate: Callable[[str, Any], Any]) -> None:
        """Run a registration hook; ``validate(plugin, item)`` checks and stores each item.

        Plugins run in load order (core, built-ins, third-party), so the core's and the
        built-ins' names are taken first and a plugin registering a taken name is the one
        reported, instead of displacing the core's record."""
        caller = getattr(self.pm.hook, hook)
        order = {name: i for i, (name, _) in enumerate(self.pm.list_name_plugin())}
        for impl in sorted(caller.get_hookimpls(), key=lambda impl: order.get(impl.plugin_name, len(order))):
            plugin = impl.plugin_name

            def register(item: Any, plugin: str = plugin) -> None:
                validate(plugin, item)

            try:
                with time_budget(budget_seconds()):
                    impl.function(register=register)
            except Exception as exc:
                self._fail(plugin, hook, exc)

    # -- introspection ------------------------------------------------------------------

    def plugins(self, *, include_builtin: bool = True) -> list[PluginInfo]:
        infos = []
        for name, plugin in self.pm.list_name_plugin():
            builtin = name in self._builtin
            if builtin and not include_builtin:
                continue
            hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])
            infos.append(
                PluginInfo(
                    name=name,
                    module=getattr(plugin, "__name__", type(plugin).__name__),
                    version=self._versions.get(name),
                    builtin=builtin,
                    hooks=tuple(hooks),
                )
            )
        return sorted(infos, key=lambda i: (not i.builtin, i.name))
