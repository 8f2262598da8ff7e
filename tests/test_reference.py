"""docs/reference.md is what the code says: every public method with its current signature,
and the generated sections of the hand-written pages (the workflow table) are up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gridgov.core import Actor, Platform, PluginHost, reference
from gridgov.core.services.base import Service

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference.md"
REGENERATE = "regenerate it: python -m gridgov.core.reference > docs/reference.md"
API = reference.api()


@pytest.mark.parametrize("name", sorted(API))
def test_public_method_is_in_the_reference_with_its_current_signature(name):
    assert API[name] in REFERENCE.read_text(encoding="utf-8"), (
        f"docs/reference.md lacks {name} or shows an old signature; expected\n{API[name]}\n{REGENERATE}")


def test_the_reference_is_what_the_generator_writes():
    assert REFERENCE.read_text(encoding="utf-8") == reference.render(), f"docs/reference.md is out of date; {REGENERATE}"


def test_every_service_of_the_platform_is_in_the_reference(tmp_path):
    """A service added to the platform cannot stay out of the reference."""
    with Platform(tmp_path / "p.db", hooks=PluginHost(builtins=(), entry_points=False)) as platform:
        services = {f"platform.{name}": type(value) for name, value in vars(platform).items()
                    if isinstance(value, Service) or name == "time"}
    documented = dict(reference.SERVICES)
    assert services == documented


def test_every_lookup_and_the_sdk_names_are_covered():
    for name in ("table.rows", "table.count_by", "table.unmasked", "table.update", "lifecycle.step",
                 "lifecycle.available", "platform.demo_period", "platform.plugin_settings",
                 "platform.time.period_lookups", "command", "open_plugin_screen", "FormScreen.save",
                 "PluginScreen.fail", "actor.require", "platform.organisations.responsible_for"):
        assert name in API, name
    text = REFERENCE.read_text(encoding="utf-8")
    assert all(f"'{lookup}'" in text for lookup in reference.tables.LOOKUPS)
    assert "| `platform.plugin_of_table` | `dict[str, str]` |" in text


def test_generated_sections_of_the_guides_are_up_to_date():
    for page in ("embedding.md", "plugins.md"):
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        assert reference.update(text) == text, (
            f"docs/{page} has a stale generated section; run python -m gridgov.core.reference --update docs/{page}")
    embedding = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")
    assert reference.workflow_table() in embedding
    assert "| `dispatch` | 派遣 | registered, reopened, returned | dispatched | `issue.dispatch` | handling | target |" in embedding


def test_the_generator_runs_as_a_module_and_updates_marked_sections(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(f"intro\n{reference.BEGIN.format(name='workflow')}\nold\n"
                    f"{reference.END.format(name='workflow')}\noutro\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "gridgov.core.reference", "--update", str(page)], check=True)
    assert page.read_text(encoding="utf-8") == (f"intro\n{reference.BEGIN.format(name='workflow')}\n"
                                                f"{reference.workflow_table()}{reference.END.format(name='workflow')}\noutro\n")
    printed = subprocess.run([sys.executable, "-m", "gridgov.core.reference", "--section", "categories"],
                             check=True, capture_output=True, text=True).stdout
    assert "| `elevator.retrofit` | 加装电梯 | elevator retrofit | low | 24 | 720 | agency |" in printed


def test_responsible_for_stops_at_the_nearest_level_that_has_any(gridgov_make_platform):
    """As its docstring (and so the reference) says: SX01's paired branch is found, the
    agency paired with subdistrict PH above it is not."""
    platform = gridgov_make_platform(builtins=())
    found = platform.organisations.responsible_for("SX01-B1", None)
    assert [(org.code, reason) for org, reason in found] == [("SX-PB01", "paired with SX01 (branch_grid)")]
    agencies = platform.organisations.responsible_for("SX01-B1", "agency")
    assert [(org.code, reason) for org, reason in agencies] == [("ZJJ", "paired with PH (agency_subdistrict)")]
    assert platform.route(platform.issues.report(Actor.system(), area="SX01", category="road.repair",
                                                 title="路面")).org_code == "ZJJ"
