"""docs/plugins.md's tutorial is a working plugin: its file blocks assemble into the package
``gridgov-elevator``, which uses only the public API, passes ``ruff check``, installs into a
fresh virtual environment through its entry point, answers the tutorial's commands as the
page shows, and passes its own tests there.

The virtual environment is made as in tests/test_scaffold.py (offline, gridgov through a
``.pth`` file); ``gridgov``, ``pip`` and ``ruff`` on its PATH run the page's console lines
as written.
"""

from __future__ import annotations

import ast
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from test_plugin_api_guard import violations
from test_scaffold import make_venv, plugin_env

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "plugins.md"
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<code>.*?)^```$", re.S | re.M)
CONSOLE_BLOCK = re.compile(r"<!-- run: console -->\n```console\n(?P<body>.*?)^```$", re.S | re.M)
PACKAGE = "gridgov-elevator"


def tutorial_files() -> dict[str, str]:
    """The tutorial's files by path; each file is shown once, whole."""
    files: dict[str, str] = {}
    for match in FILE_BLOCK.finditer(TUTORIAL.read_text(encoding="utf-8")):
        assert match["path"] not in files, f"{match['path']} is shown twice"
        files[match["path"]] = match["code"]
    return files


def console_steps() -> list[tuple[str, list[str]]]:
    """Each ``$ command`` of the runnable console blocks with the output lines shown under it."""
    steps: list[tuple[str, list[str]]] = []
    for block in CONSOLE_BLOCK.finditer(TUTORIAL.read_text(encoding="utf-8")):
        for line in block["body"].splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif line.strip():
                steps[-1][1].append(line)
    return steps


def write_package(where: Path) -> Path:
    package = where / PACKAGE
    for relative, text in tutorial_files().items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_the_tutorial_writes_every_part_of_a_plugin():
    files = tutorial_files()
    modules = [f"gridgov_elevator/{m}.py" for m in
               ("__init__", "category", "tables", "lifecycle", "cli", "ui", "screens", "card", "demo")]
    tests = [f"tests/{t}.py" for t in ("conftest", "test_category", "test_lifecycle", "test_cli",
                                       "test_screens", "test_card", "test_demo")]
    assert list(files) == ["pyproject.toml", ".gitignore", *modules[:1], modules[1], *tests[:2], modules[2],
                           modules[3], tests[2], modules[4], tests[3], modules[5], modules[6], tests[4],
                           modules[7], tests[5], modules[8], tests[6]]
    code = "\n".join(files.values())
    for part in ("adopt=True", 'scope_path="area_path"', '"version": "int"', "personal=", "Lifecycle(",
                 "@command(elevator", "PluginScreen", "FormScreen", "MetricSpec(", ".count_by(",
                 "platform.demo_period()", "open_plugin_screen", "expected_version=", "gridgov_make_platform",
                 "gridgov_cli"):
        assert part in code, part
    assert re.search(r'dependencies = \["gridgov>=[\d.]+,<[\d.]+"\]', files["pyproject.toml"])


def test_the_tutorial_fits_in_thirty_minutes():
    text = TUTORIAL.read_text(encoding="utf-8")
    part1 = text[text.index("## Part 1"):text.index("## Part 2")]
    minutes = [int(m) for m in re.findall(r"^### \d+\. .+ \((\d+) minutes\)$", part1, re.M)]
    assert len(minutes) == 9 and sum(minutes) <= 30, minutes


@pytest.mark.parametrize("path", [p for p in tutorial_files() if p.startswith("gridgov_elevator/")])
def test_the_tutorial_plugin_uses_only_the_public_api(path):
    source = tutorial_files()[path]
    ast.parse(source)
    assert violations(source, ["gridgov_elevator"], path) == []


def test_the_tutorial_package_passes_ruff(tmp_path):
    package = write_package(tmp_path)
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=package,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def _script(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.mark.slow
def test_the_tutorial_plugin_installs_by_entry_point_runs_and_passes_its_tests(tmp_path):
    python = make_venv(tmp_path / "venv")
    bin_dir = python.parent
    _script(bin_dir / "gridgov", f"#!{python}\nimport sys\nfrom gridgov.core.cli import main\nmain(sys.argv[1:])\n")
    _script(bin_dir / "pip", f'#!/bin/sh\nexec "{python}" -m pip "$@"\n')
    (bin_dir / "ruff").symlink_to(Path(sys.executable).with_name("ruff"))
    env = plugin_env(tmp_path)
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0",
               VIRTUAL_ENV=str(python.parent.parent))
    write_package(tmp_path)

    steps = console_steps()
    assert [command.split()[0] for command, _ in steps][:3] == ["gridgov", "pip", "gridgov"]
    for command, expected in steps:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        output = [squeeze(line) for line in (done.stdout + done.stderr).splitlines()]
        refused = any(line.startswith("error:") for line in expected)
        assert (done.returncode != 0) == refused, f"$ {command}\n{done.stdout}\n{done.stderr}"
        for line in expected:
            assert any(squeeze(line) in shown for shown in output), (
                f"$ {command}\nthe tutorial shows\n  {line}\nbut it printed\n{done.stdout}{done.stderr}")

    report = json.loads(subprocess.run(["gridgov", "plugins", "--json"], env=env, capture_output=True, text=True,
                                       check=True).stdout)
    [elevator] = [p for p in report["plugins"] if p["name"] == "elevator"]
    assert (elevator["module"], elevator["version"], elevator["builtin"]) == ("gridgov_elevator", "0.1.0", False)
    assert elevator["adopted_categories"] == ["elevator.retrofit"] and report["failures"] == []
