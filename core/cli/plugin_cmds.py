"""``gridgov plugins`` (what is installed, what it adds, what failed) and ``gridgov plugin
new`` (a working plugin package to start from)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..errors import ValidationError
from ..platform import Platform
from ..plugins import PluginFailure
from ..registry import CORE_OWNER, Category, category_owner
from . import cli
from .context import AppContext, pass_app
from .output import reports_errors


def describe_plugins(platform: Platform, *, include_builtin: bool, extra_failures: Sequence[PluginFailure] = ()) -> dict[str, Any]:
    """What ``gridgov plugins --json`` prints: each plugin with the hooks it implements,
    the categories it owns (``adopted_categories``: those of them it took over from the
    core), the tables it added, its settings, and every load or hook failure."""
    categories: dict[str, list[str]] = {}
    adopted: dict[str, list[str]] = {}
    for category in platform.categories.values():
        categories.setdefault(category.plugin, []).append(category.code)
        if category.adopted_from:
            adopted.setdefault(category.plugin, []).append(category.code)
    tables: dict[str, list[str]] = {}
    for table, plugin in platform.plugin_of_table.items():
        tables.setdefault(plugin, []).append(table)
    plugins = [
        {
            "name": info.name,
            "module": info.module,
            "version": info.version,
            "builtin": info.builtin,
            "hooks": list(info.hooks),
            "categories": sorted(categories.get(info.name, [])),
            "adopted_categories": sorted(adopted.get(info.name, [])),
            "tables": sorted(tables.get(info.name, [])),
            "settings": platform.plugin_settings(info.name),
        }
        for info in platform.hooks.plugins(include_builtin=include_builtin)
    ]
    failures: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for failure in [*extra_failures, *platform.plugin_failures]:
        key = (failure.plugin, failure.hook, failure.error)
        if key not in seen:
            seen.add(key)
            failures.append({"plugin": failure.plugin, "hook": failure.hook, "error": failure.error})
    recent = [{"at": row["at"], "plugin": row["plugin"], "hook": row["hook"], "error": row["error"]}
              for row in platform.recent_plugin_failures()]
    return {"plugins": plugins, "failures": failures, "recent_failures": recent}


@cli.command("plugins")
@click.option("--all", "include_builtin", is_flag=True,
              help="Include the built-in plugins (the core defaults and the department plugins).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def plugins_cmd(app: AppContext, include_builtin: bool, as_json: bool) -> None:
    """List installed plugins, what each adds, and plugins that failed to load or run."""
    report = describe_plugins(app.platform, include_builtin=include_builtin,
                              extra_failures=list(AppContext.startup_failures))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    if not report["plugins"]:
        click.echo("no plugins installed" + ("" if include_builtin else " (--all shows the built-in ones)"))
    for plugin in report["plugins"]:
        builtin = " (built-in)" if plugin["builtin"] else ""
        click.echo(f"{plugin['name']} {plugin['version'] or '-'}{builtin}  [{plugin['module']}]")
        click.echo(f"  hooks:      {', '.join(plugin['hooks']) or '-'}")
        owned = [code + (" (adopted from the core)" if code in plugin["adopted_categories"] else "")
                 for code in plugin["categories"]]
        click.echo(f"  categories: {', '.join(owned) or '-'}")
        click.echo(f"  tables:     {', '.join(plugin['tables']) or '-'}")
    for failure in report["failures"]:
        click.echo(f"FAILED {failure['plugin']} in {failure['hook']}: {failure['error']}")
    if report["recent_failures"]:
        click.echo(f"failures in the last 7 days ({len(report['recent_failures'])}, newest first):")
    for failure in report["recent_failures"]:
        click.echo(f"  {failure['at']}  {failure['plugin']} in {failure['hook']}: {failure['error']}")


@cli.group("plugin")
def plugin_group() -> None:
    """Write gridgov plugins."""


@plugin_group.command("new")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory to create (default: ./gridgov-NAME); must not exist yet.")
@click.option("--adopt", metavar="CODE",
              help="Take over the core's category CODE (e.g. elevator.retrofit) instead of adding NAME.request.")
@pass_app
@reports_errors
def plugin_new(app: AppContext, name: str, directory: Path | None, adopt: str | None) -> None:
    """Write a working plugin package NAME: a category, a table with a lifecycle, commands,
    a screen, a dashboard card, demo data and tests."""
    from ..scaffold import check_name, write_plugin

    check_name(name)
    root = click.get_current_context().find_root().command
    if isinstance(root, click.Group) and name in root.commands:
        raise ValidationError("name", f"{name!r} is already a gridgov command; choose another name")
    platform = app.platform
    if name in {info.name for info in platform.hooks.plugins()}:
        raise ValidationError("name", f"{name!r} is an installed plugin; choose another name")
    adopted = _category_to_adopt(platform, adopt) if adopt else None
    categories = {code: c for code, c in platform.categories.items() if code != adopt}
    taken = category_owner(categories, name)
    if taken is not None:
        if taken.plugin == CORE_OWNER and not taken.adopted_from:
            hint = f"to serve it, run gridgov plugin new {name} --adopt {taken.code}"
            raise ValidationError("name", f"the category prefix {name} is taken: {taken.code} is registered by "
                                          f"the core; {hint}")
        raise ValidationError("name", f"the category prefix {name} is taken: {taken.code} belongs to plugin "
                                      f"{taken.plugin}; choose another name")
    target = directory or Path.cwd() / f"gridgov-{name}"
    written = write_plugin(name, target, adopt=adopted)
    click.echo(f"wrote {len(written)} files to {target}")
    click.echo("next:")
    click.echo(f"  pip install -e {target}")
    click.echo(f"  gridgov {name} list --as admin")
    click.echo(f"  cd {target} && python -m pytest && ruff check .")


def _category_to_adopt(platform: Platform, code: str) -> Category:
    category = platform.categories.get(code)
    if category is None:
        raise ValidationError("--adopt", f"no category {code} is registered (see gridgov issue categories)")
    if category.plugin != CORE_OWNER or category.adopted_from:
        raise ValidationError("--adopt", f"{code} belongs to plugin {category.plugin}; only the core's "
                                         "categories can be adopted")
    return category
