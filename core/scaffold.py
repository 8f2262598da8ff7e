"""``gridgov plugin new``: write a plugin package that installs, runs, passes its tests and
``ruff check``.

The package is built on the plugin SDK the way docs/plugins.md builds the elevator plugin:
a category (its own, or one of the core's it adopts), a table with an area scope and a
version column, a :class:`~gridgov.core.Lifecycle`, ``@command`` commands, a
``PluginScreen``, a dashboard card counted with ``count_by``, demo data inside the demo
period, and tests with gridgov's fixtures and ``open_plugin_screen``. The templates are the
files under ``scaffold/`` (package data): ``$name`` and the other ``$`` fields are filled in
by :class:`string.Template`; ``package/`` becomes ``gridgov_NAME/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from .errors import ValidationError
from .plugins import CORE_PLUGIN, DEFAULT_PLUGINS, short_name
from .registry import Category
from .storage.tables import check_namespace

TEMPLATES = Path(__file__).with_name("scaffold")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED = frozenset({"gridgov", "core", "plugins", "tui", "test", "tests", short_name(CORE_PLUGIN)}
                     | {short_name(m) for m in DEFAULT_PLUGINS})


def requirement(version: str | None = None) -> str:
    """The bounded dependency on the running gridgov: ``gridgov>=0.1.0,<0.2`` (before 1.0 a
    minor release may change the plugin API), ``gridgov>=1.4.2,<2`` after."""
    if version is None:
        from . import __version__

        version = __version__
    numbers = [int(part) for part in re.findall(r"\d+", version)[:2]] + [0]
    major, minor = numbers[0], numbers[1]
    upper = f"0.{minor + 1}" if major == 0 else str(major + 1)
    return f"gridgov>={version},<{upper}"


def _fields(name: str, adopt: Category | None) -> dict[str, str]:
    if adopt is None:
        category = Category(code=f"{name}.request", name_zh=f"{name}事项", name_en=f"{name} request",
                            response_hours=24, resolve_hours=240)
        sentence = f"adds the issue category `{category.code}`"
    else:
        category = adopt
        sentence = f"adopts the core's issue category `{category.code}` (its deadlines and routing)"
    return {
        "name": name,
        "requirement": requirement(),
        "category_code": category.code,
        "category_zh": category.name_zh,
        "category_en": category.name_en,
        "category_sentence": sentence,
        "default_priority": category.default_priority,
        "response_hours": f"{category.response_hours:g}",
        "resolve_hours": f"{category.resolve_hours:g}",
        "handler_kind": f'"{category.handler_kind}"' if category.handler_kind else "None",
        "adopt_line": "            adopt=True,  # the core registers this code; the plugin takes it over\n"
        if adopt is not None else "",
        "adopted_from": repr("gridgov") if adopt is not None else "None",
    }


def _target_path(relative: Path, name: str) -> str:
    parts = [f"gridgov_{name}" if part == "package" else part for part in relative.parts]
    parts[-1] = parts[-1].removesuffix(".tmpl")
    if parts == ["gitignore"]:
        parts = [".gitignore"]
    if parts == ["tests", "test_plugin.py"]:
        parts = ["tests", f"test_{name}.py"]
    return "/".join(parts)


def files_for(name: str, adopt: Category | None = None) -> dict[str, str]:
    """The package's files by relative path; ``adopt`` is a core category to take over
    instead of adding ``NAME.request``."""
    fields = _fields(name, adopt)
    return {_target_path(path.relative_to(TEMPLATES), name): Template(path.read_text(encoding="utf-8")).substitute(fields)
            for path in sorted(TEMPLATES.rglob("*.tmpl"))}


def check_name(name: str) -> None:
    """A plugin name is a lowercase identifier that names no built-in plugin and no core
    table namespace: it becomes the entry-point name, the table prefix, the category
    prefix and the command group."""
    if not _NAME.fullmatch(name):
        raise ValidationError("name", f"{name!r} must be a lowercase identifier (a-z, 0-9, _; up to 40)")
    if name in RESERVED or name.startswith("gridgov"):
        raise ValidationError("name", f"{name!r} is reserved; choose another name")
    try:
        check_namespace(name)
    except ValidationError as exc:
        raise ValidationError("name", exc.reason) from None


def write_plugin(name: str, target: Path, *, adopt: Category | None = None) -> list[Path]:
    """Write the package into ``target``, which must not exist; returns the files written."""
    check_name(name)
    target = Path(target)
    if target.exists():
        raise ValidationError("dir", f"{target} already exists; choose another directory")
    written = []
    for relative, text in files_for(name, adopt).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
