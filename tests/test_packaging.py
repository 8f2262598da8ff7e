"""The fixed layout installs as gridgov.core, gridgov.plugins and gridgov.tui: every package
directory must be listed in pyproject.toml, or a regular (non-editable) install would
silently leave it out."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _packages_on_disk() -> set[str]:
    found = set()
    for name, folder in PYPROJECT["tool"]["setuptools"]["package-dir"].items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            relative = init.parent.relative_to(base).parts
            found.add(".".join((name, *relative)))
    return found


def test_every_package_directory_is_listed():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert _packages_on_disk() - listed == set()
    assert listed - _packages_on_disk() == set()


def test_layout_maps_the_three_top_level_folders():
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {
        "gridgov.core": "core", "gridgov.plugins": "plugins", "gridgov.tui": "tui",
    }
    assert PYPROJECT["project"]["scripts"] == {"gridgov": "gridgov.core.cli:main"}
    assert PYPROJECT["project"]["entry-points"]["pytest11"] == {"gridgov": "gridgov.core.testing"}


def test_styles_and_catalogs_are_package_data():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["gridgov.tui"]
    data = [p.relative_to(ROOT / "tui") for p in (ROOT / "tui").rglob("*") if p.suffix in (".tcss", ".json")]
    assert data
    for path in data:
        assert any(path.match(pattern) for pattern in patterns), f"{path} is not package data"
