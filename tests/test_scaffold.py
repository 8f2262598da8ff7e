"""``gridgov plugin new`` writes a package that installs into a fresh virtual environment,
is found through its entry point, runs (commands, demo data), passes its own tests and
gridgov's lint rules with RUF012.

The new environment reaches gridgov and its dependencies without a network: a ``.pth``
file in it adds this environment's site-packages (with their own ``.pth`` files, so the
editable gridgov install works). pip builds the plugin offline with this environment's
setuptools (the ``test`` extra asks for one that builds wheels without the ``wheel`` package),
and resolves the plugin's bounded ``gridgov`` requirement against the running gridgov.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest
from gridgov.core import __version__
from gridgov.core.scaffold import TEMPLATES, files_for, requirement
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
GRIDGOV = "import sys; from gridgov.core.cli import main; main(sys.argv[1:])"


def make_venv(where: Path) -> Path:
    venv.create(where, with_pip=False)
    python = where / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    here = sysconfig.get_path("purelib")
    Path(site, "_gridgov_dev.pth").write_text(f"import site; site.addsitedir({here!r})\n")
    return python


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, **kwargs)
    assert done.returncode == 0, f"{cmd}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done


def plugin_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a user's shell: entry points on, no plugin filters, a fresh database."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GRIDGOV_NO_ENTRY_POINTS", "GRIDGOV_LOAD_PLUGINS", "GRIDGOV_DISABLE_PLUGINS",
                        "PYTHONPATH")}
    env["GRIDGOV_DB"] = str(tmp_path / "grid.db")
    return env


def pip_install(python: Path, package: Path, env: dict[str, str]) -> None:
    """Install ``package`` editable, offline; its ``gridgov`` requirement must be met by
    the running gridgov (no ``--no-deps``)."""
    run([str(python), "-m", "pip", "install", "-q", "--no-build-isolation", "--no-index", "-e", str(package)],
        env=env)


def ruff(package: Path) -> subprocess.CompletedProcess:
    """``ruff check`` of a generated package with the package's own configuration."""
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=package,
                          capture_output=True, text=True, timeout=60)


def test_requirement_is_bounded_by_the_running_version():
    assert requirement("0.1.0") == "gridgov>=0.1.0,<0.2"
    assert requirement("0.9.3") == "gridgov>=0.9.3,<0.10"
    assert requirement("1.4.2") == "gridgov>=1.4.2,<2"
    bound = Requirement(requirement())
    assert bound.specifier.contains(__version__) and not bound.specifier.contains("1.0.0")


def test_templates_are_package_data():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["gridgov.core"]
    templates = [p.relative_to(ROOT / "core") for p in TEMPLATES.rglob("*") if p.is_file()]
    assert len(templates) == len(files_for("demoext"))
    for path in templates:
        assert any(path.match(pattern) for pattern in patterns), f"{path} is not package data"


def test_generated_package_has_the_sdks_parts(tmp_path):
    files = files_for("demoext")
    assert set(files) == {
        ".gitignore", "README.md", "pyproject.toml", "tests/conftest.py", "tests/test_demoext.py",
        *(f"gridgov_demoext/{m}.py" for m in ("__init__", "card", "category", "cli", "demo", "lifecycle",
                                             "screens", "tables", "ui")),
    }
    project = tomllib.loads(files["pyproject.toml"])
    assert project["project"]["dependencies"] == [requirement()]
    assert project["project"]["entry-points"]["gridgov"] == {"demoext": "gridgov_demoext"}
    assert "RUF012" in project["tool"]["ruff"]["lint"]["select"]
    assert "*.db" in files[".gitignore"].splitlines()
    package = "\n".join(text for path, text in files.items() if path.startswith("gridgov_demoext/"))
    for part in ('scope_path="area_path"', '"version": "int"', "Lifecycle(", "@command(group", "PluginScreen",
                 "FormScreen", "MetricSpec(", ".count_by(", "platform.demo_period()", "expected_version="):
        assert part in package, part
    assert "open_plugin_screen" in files["tests/test_demoext.py"]


def test_generated_package_passes_ruff_and_ruff_would_catch_a_mutable_class_attribute(tmp_path):
    package = tmp_path / "gridgov-demoext"
    from gridgov.core.scaffold import write_plugin

    write_plugin("demoext", package)
    clean = ruff(package)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (package / "gridgov_demoext" / "bad.py").write_text(
        "from textual.screen import Screen\n\n\nclass S(Screen):\n    BINDINGS = [(\"q\", \"quit\", \"Quit\")]\n")
    flagged = ruff(package)
    assert flagged.returncode == 1 and "RUF012" in flagged.stdout


@pytest.mark.slow
def test_scaffolded_plugin_installs_runs_and_passes_its_tests(tmp_path):
    python = make_venv(tmp_path / "venv")
    env = plugin_env(tmp_path)

    def gridgov(*args: str) -> subprocess.CompletedProcess:
        return run([str(python), "-c", GRIDGOV, *args], env=env)

    package = tmp_path / "gridgov-demoext"
    assert "wrote 14 files" in gridgov("plugin", "new", "demoext", "--dir", str(package)).stdout
    pip_install(python, package, env)

    categories = {c["code"]: c for c in json.loads(gridgov("issue", "categories", "--json").stdout)}
    assert (categories["demoext.request"]["plugin"], categories["demoext.request"]["adopted_from"]) == (
        "demoext", None)
    gridgov("demo", "--reset")
    listed = json.loads(gridgov("demoext", "list", "--json", "--as", "admin").stdout)
    assert len(listed) == 20
    refused = subprocess.run([str(python), "-c", GRIDGOV, "demoext", "list", "--as", "nobody"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert refused.returncode == 2 and "no member has the login 'nobody'" in refused.stderr

    report = json.loads(gridgov("plugins", "--json").stdout)
    [demoext] = [p for p in report["plugins"] if p["name"] == "demoext"]
    assert demoext == {
        "name": "demoext", "module": "gridgov_demoext", "version": "0.1.0", "builtin": False,
        "hooks": ["issue_created", "load_demo_data", "register_categories", "register_cli_commands",
                  "register_metrics", "register_migrations", "register_roles", "register_screens"],
        "categories": ["demoext.request"], "adopted_categories": [],
        "tables": ["demoext_history", "demoext_request"], "settings": {},
    }
    assert report["failures"] == []

    tests = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=package, env=env)
    assert "6 passed" in tests.stdout, tests.stdout
