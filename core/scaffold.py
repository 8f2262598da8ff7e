"""``gridgov plugin new``: write a plugin package that installs, runs and passes its tests.

The package is the smallest one that uses each kind of hook a department usually needs
(a category, a table, a command, a screen), so authors start from working code rather than
from the reference. The templates live here as strings so the scaffold has no data files
to lose in packaging; ``$name`` is the plugin's name.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from .errors import ValidationError
from .plugins import CORE_PLUGIN, DEFAULT_PLUGINS, short_name

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED = frozenset({"gridgov", "core", "plugins", "tui", "test", "tests", short_name(CORE_PLUGIN)}
                     | {short_name(m) for m in DEFAULT_PLUGINS})

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "gridgov-$name"
version = "0.1.0"
description = "gridgov plugin $name"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["gridgov"]

[project.entry-points.gridgov]
$name = "gridgov_$name"

[tool.setuptools]
packages = ["gridgov_$name"]

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.ruff]
line-length = 100
"""

README = """\
# gridgov-$name

A gridgov plugin. It adds the issue category `$name.example`, the table `${name}_note`,
the command `gridgov $name hello` and the terminal-UI screen "$name notes".

    pip install -e .            # gridgov finds the plugin through its entry point
    gridgov plugins             # lists $name with its hooks, category and table
    gridgov $name hello "first note"
    python -m pytest            # the plugin's tests, with gridgov's fixtures

See gridgov's docs/plugins.md (tutorial) and docs/hooks.md (every hook).
"""

MODULE = '''\
"""gridgov plugin ``$name``: an example category, a notes table, ``gridgov $name hello``
and a terminal-UI screen listing the notes.

Each function marked ``@hookimpl`` implements one hook of gridgov (docs/hooks.md says
what each receives and when it runs); gridgov finds this module through the entry point
``$name`` in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from gridgov.core import (
    Category,
    Migrations,
    Platform,
    SchemaEditor,
    ScreenSpec,
    hookimpl,
)
from gridgov.core.cli import get_platform

PLUGIN = "$name"
CATEGORY = "$name.example"
NOTES = "${name}_note"

migrations = Migrations(PLUGIN)


@migrations()
def m001_create_note(schema: SchemaEditor) -> None:
    """The plugin's table; the core names it ``${name}_note``. Later changes are new steps
    (``m002_…``), never edits of this one: databases that ran it keep its result."""
    schema.create_table(
        "note",
        {"id": "int", "text": "text", "author": "text", "at": "datetime"},
        pk="id",
        not_null=("text",),
    )


@hookimpl
def register_categories(register: Callable[[Category], None]) -> None:
    register(
        Category(
            code=CATEGORY,
            name_zh="示例事项",
            name_en="$name example",
            response_hours=4,
            resolve_hours=72,
        )
    )


@hookimpl
def register_migrations(register: Callable[[Migrations], None]) -> None:
    register(migrations)


def add_note(platform: Platform, text: str, author: str = "system") -> int:
    """Write one note; returns its id."""
    with platform.transaction():
        return platform.table(NOTES).insert({"text": text, "author": author, "at": platform.now()})


@hookimpl
def register_cli_commands(cli: click.Group) -> None:
    @cli.group(name=PLUGIN)
    def group() -> None:
        """The $name plugin."""

    @group.command()
    @click.argument("text", default="hello")
    @click.option("--as", "login", default=None, help="Member login writing the note.")
    def hello(text: str, login: str | None) -> None:
        """Write the note TEXT and say how many notes there are."""
        platform = get_platform()
        author = platform.actor(login).login if login else "system"
        note_id = add_note(platform, text, author=author)
        click.echo(f"note {note_id}: {text} ({platform.table(NOTES).count()} notes)")


@hookimpl
def register_screens(register: Callable[[ScreenSpec], None]) -> None:
    register(
        ScreenSpec(
            id=f"{PLUGIN}.notes",
            title_zh="示例笔记",
            title_en="$name notes",
            factory=notes_screen,
        )
    )


def notes_screen(app: Any) -> Any:
    """The screen for the terminal UI; Textual is imported only when the screen opens."""
    from .screens import NotesScreen

    return NotesScreen(app.platform)
'''

SCREENS = '''\
"""The "$name notes" screen: the plugin's table, newest first."""

from __future__ import annotations

from gridgov.core import Platform
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from . import NOTES


class NotesScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("r", "reload", "Reload")]

    def __init__(self, platform: Platform) -> None:
        super().__init__()
        self.platform = platform

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="notes", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("id", "text", "author", "at")
        self.action_reload()

    def action_reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row in self.platform.table(NOTES).rows(order_by="-id", limit=200):
            table.add_row(str(row["id"]), row["text"], row["author"] or "", row["at"] or "")
'''

TEST = '''\
"""Tests of the $name plugin with gridgov's pytest fixtures (installed with gridgov)."""

from __future__ import annotations

import asyncio

from textual.app import App

import gridgov_$name as plugin


def test_category_is_registered_and_takes_issues(gridgov_make_platform):
    platform = gridgov_make_platform(plugins=[plugin])
    assert platform.categories[plugin.CATEGORY].plugin == "$name"
    issue = platform.issues.report(
        platform.actor("worker_sx01"), area="SX01", category=plugin.CATEGORY, title="示例"
    )
    assert platform.issues.get(platform.actor("worker_sx01"), issue.id).category == plugin.CATEGORY


def test_hello_writes_and_counts_notes(gridgov_make_platform, gridgov_cli):
    platform = gridgov_make_platform(plugins=[plugin])
    first = gridgov_cli(["$name", "hello", "first"], platform=platform)
    second = gridgov_cli(["$name", "hello", "second"], as_="worker_sx01", platform=platform)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "(2 notes)" in second.stdout
    rows = platform.table(plugin.NOTES).rows(order_by="id")
    assert [(r["text"], r["author"]) for r in rows] == [
        ("first", "system"),
        ("second", "worker_sx01"),
    ]


def test_screen_lists_the_notes(gridgov_make_platform):
    platform = gridgov_make_platform(plugins=[plugin])
    plugin.add_note(platform, "one")
    plugin.add_note(platform, "two")
    spec = platform.screens["$name.notes"]

    class Host(App):
        def __init__(self) -> None:
            super().__init__()
            self.platform = platform

        def on_mount(self) -> None:
            self.push_screen(spec.factory(self))

    async def shown_rows() -> list[str]:
        async with Host().run_test() as pilot:
            await pilot.pause()
            table = pilot.app.screen.query_one("#notes")
            return [table.get_row_at(i)[1] for i in range(table.row_count)]

    assert asyncio.run(shown_rows()) == ["two", "one"]
'''


def files_for(name: str) -> dict[str, str]:
    """The package's files by relative path."""
    package = f"gridgov_{name}"
    templates = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{package}/__init__.py": MODULE,
        f"{package}/screens.py": SCREENS,
        f"tests/test_{name}.py": TEST,
    }
    return {path: Template(text).substitute(name=name) for path, text in templates.items()}


def check_name(name: str) -> None:
    """A plugin name is a lowercase identifier that names no built-in plugin: it becomes the
    entry-point name, the table prefix, the category prefix and the command group."""
    if not _NAME.fullmatch(name):
        raise ValidationError("name", f"{name!r} must be a lowercase identifier (a-z, 0-9, _; up to 40)")
    if name in RESERVED or name.startswith("gridgov"):
        raise ValidationError("name", f"{name!r} is reserved; choose another name")


def write_plugin(name: str, target: Path) -> list[Path]:
    """Write the package into ``target``, which must not exist; returns the files written."""
    check_name(name)
    target = Path(target)
    if target.exists():
        raise ValidationError("dir", f"{target} already exists; choose another directory")
    written = []
    for relative, text in files_for(name).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
