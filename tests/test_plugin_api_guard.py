"""Built-in plugins use only the public API, so third-party plugins can do all they do.

Allowed: ``gridgov.core`` names in ``gridgov.core.__all__``, ``gridgov.core.cli`` and
``gridgov.tui.plugin`` names in their ``__all__``. Any other ``gridgov.core.*`` or
``gridgov.tui`` module, and any direct use of ``sqlite3`` or ``sqlite_utils``, fails with
the file, line and name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import gridgov.core
import gridgov.core.cli
import gridgov.tui.plugin
import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
ALLOWED = {"gridgov.core": set(gridgov.core.__all__), "gridgov.core.cli": set(gridgov.core.cli.__all__),
           "gridgov.tui.plugin": set(gridgov.tui.plugin.__all__)}
FORBIDDEN_MODULES = ("sqlite3", "sqlite_utils")


def package_of(path: Path, root: Path) -> list[str]:
    """``plugins/mediation/tables.py`` → ``["gridgov", "plugins", "mediation"]``."""
    return ["gridgov", root.name, *path.relative_to(root).parent.parts]


def absolute(node: ast.ImportFrom, package: list[str]) -> str:
    if not node.level:
        return node.module or ""
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def _forbidden_module(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in FORBIDDEN_MODULES)


def violations(source: str, package: list[str], where: str = "<source>") -> list[str]:
    """Each import in ``source`` that reaches past the public API, as ``where:line: …``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _forbidden_module(alias.name):
                    found.append(f"{where}:{node.lineno}: imports {alias.name}")
                elif alias.name.startswith(("gridgov.core.", "gridgov.tui")) and alias.name not in ALLOWED:
                    found.append(f"{where}:{node.lineno}: imports {alias.name}, not public API")
        elif isinstance(node, ast.ImportFrom):
            module = absolute(node, package)
            if _forbidden_module(module):
                found.append(f"{where}:{node.lineno}: imports from {module}")
            elif module in ALLOWED:
                for alias in node.names:
                    if alias.name not in ALLOWED[module]:
                        found.append(f"{where}:{node.lineno}: {module}.{alias.name} is not in {module}.__all__")
            elif module.startswith(("gridgov.core.", "gridgov.tui")):
                found.append(f"{where}:{node.lineno}: imports from {module}, not public API")
        elif isinstance(node, ast.Attribute):
            parts = dotted(node)
            owner, name = ".".join(parts[:-1]), parts[-1] if parts else ""
            if owner in ALLOWED and name not in ALLOWED[owner] and not (owner == "gridgov.core" and name == "cli"):
                found.append(f"{where}:{node.lineno}: uses {owner}.{name}, not in {owner}.__all__")
    return found


def dotted(node: ast.Attribute) -> list[str]:
    """``gridgov.core.storage`` → ``["gridgov", "core", "storage"]`` (empty when the chain
    does not start at a plain name)."""
    parts = [node.attr]
    value = node.value
    while isinstance(value, ast.Attribute):
        parts.append(value.attr)
        value = value.value
    return [value.id, *reversed(parts)] if isinstance(value, ast.Name) else []


PLUGIN_FILES = sorted(PLUGINS.rglob("*.py"))


def test_plugin_files_are_found():
    assert PLUGINS / "mediation" / "__init__.py" in PLUGIN_FILES


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_uses_only_the_public_api(path):
    where = str(path.relative_to(ROOT))
    assert violations(path.read_text(encoding="utf-8"), package_of(path, PLUGINS), where) == []


MEDIATION = ["gridgov", "plugins", "mediation"]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from gridgov.core import Platform, hookimpl", None),
        ("from gridgov.core.cli import get_platform, pass_app", None),
        ("from ...core import Migrations", None),
        ("import gridgov.core", None),
        ("from .tables import migrations", None),
        ("from gridgov.core import Store", "gridgov.core.Store is not in gridgov.core.__all__"),
        ("from gridgov.core.storage import Table", "imports from gridgov.core.storage, not public API"),
        ("from ...core.workflow import CORE_TRANSITIONS", "imports from gridgov.core.workflow"),
        ("from gridgov.core.cli.context import AppContext", "imports from gridgov.core.cli.context"),
        ("from gridgov.core.cli import commands", "gridgov.core.cli.commands is not in"),
        ("import gridgov.core.platform", "imports gridgov.core.platform, not public API"),
        ("import sqlite3", "imports sqlite3"),
        ("import sqlite_utils.db as sdb", "imports sqlite_utils.db"),
        ("from sqlite_utils import Database", "imports from sqlite_utils"),
        ("def f():\n    import sqlite3\n", "imports sqlite3"),
        ("import gridgov.core\nx = gridgov.core.Platform", None),
        ("import gridgov.core\nx = gridgov.core.cli.get_platform", None),
        ("import gridgov.core\nx = gridgov.core.storage.Store", "uses gridgov.core.storage, not in"),
        ("import gridgov.core\nx = gridgov.core.cli.context", "uses gridgov.core.cli.context, not in"),
    ],
)
def test_guard_tells_public_from_private_imports(source, problem):
    found = violations(source, MEDIATION)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found
