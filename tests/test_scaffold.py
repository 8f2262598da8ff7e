"""``gridgov plugin new`` writes a package that installs into a fresh virtual environment,
is found through its entry point, runs, and passes its own tests.

The new environment reaches gridgov and its dependencies without a network: a ``.pth``
file in it adds this environment's site-packages (with their own ``.pth`` files, so the
editable gridgov install works). pip builds the plugin offline with this environment's
setuptools (the ``test`` extra asks for one that builds wheels without the ``wheel`` package).
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

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
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kwargs)
    assert done.returncode == 0, f"{cmd}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done


def test_scaffolded_plugin_installs_runs_and_passes_its_tests(tmp_path):
    python = make_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items()
           if k not in ("GRIDGOV_NO_ENTRY_POINTS", "GRIDGOV_LOAD_PLUGINS", "GRIDGOV_DISABLE_PLUGINS",
                        "PYTHONPATH")}
    env["GRIDGOV_DB"] = str(tmp_path / "grid.db")

    def gridgov(*args: str) -> subprocess.CompletedProcess:
        return run([str(python), "-c", GRIDGOV, *args], env=env)

    package = tmp_path / "gridgov-demoext"
    assert "wrote 5 files" in gridgov("plugin", "new", "demoext", "--dir", str(package)).stdout
    run([str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "-e", str(package)], env=env)

    codes = [c["code"] for c in json.loads(gridgov("issue", "categories", "--json").stdout)]
    assert "demoext.example" in codes
    assert gridgov("demoext", "hello", "first note").stdout == "note 1: first note (1 notes)\n"
    refused = subprocess.run([str(python), "-c", GRIDGOV, "demoext", "hello", "--as", "nobody"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert refused.returncode == 2 and "member nobody not found" in refused.stderr

    listed = json.loads(gridgov("plugins", "--json").stdout)
    [demoext] = [p for p in listed["plugins"] if p["name"] == "demoext"]
    assert demoext == {
        "name": "demoext", "module": "gridgov_demoext", "version": "0.1.0", "builtin": False,
        "hooks": ["register_categories", "register_cli_commands", "register_migrations", "register_screens"],
        "categories": ["demoext.example"], "tables": ["demoext_note"], "settings": {},
    }
    assert listed["failures"] == []

    tests = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=package, env=env)
    assert "3 passed" in tests.stdout, tests.stdout
