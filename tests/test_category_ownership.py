"""Who owns a category: the core registers the department categories, the plugin that serves
one adopts it (its routing defaults and deadlines take over), and no code has two owners.
``gridgov plugins``, ``gridgov issue categories`` and ``gridgov plugin new`` say who owns what."""

from __future__ import annotations

import datetime as dt
import json
import types

import pytest
from gridgov.core import Actor, Category, Migrations, SlaBook, SlaRule, hookimpl


def category_plugin(name: str, *categories: Category, failing_migration: bool = False) -> types.ModuleType:
    module = types.ModuleType(f"gridgov_{name}")

    @hookimpl
    def register_categories(register):
        for category in categories:
            register(category)

    module.register_categories = register_categories
    if failing_migration:
        migrations = Migrations(name)

        @migrations()
        def m001_broken(schema):  # declares nothing, then fails on the real database
            schema.create_index("missing", ["id"])

        @hookimpl
        def register_migrations(register):
            register(migrations)

        module.register_migrations = register_migrations
    return module


LIFTS = Category(code="elevator.retrofit", adopt=True, name_zh="加装电梯（住建局）", name_en="elevator retrofit",
                 default_priority="normal", response_hours=48, resolve_hours=2160, handler_kind="property_company")


def failures(platform, plugin):
    return [f.error for f in platform.plugin_failures if f.plugin == plugin]


def test_a_plugin_adopts_a_core_category_and_its_routing_and_deadlines_apply(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=(), plugins=[category_plugin("elevator", LIFTS)])
    category = platform.categories["elevator.retrofit"]
    assert (category.plugin, category.adopted_from, category.name_zh) == ("elevator", "gridgov", "加装电梯（住建局）")
    case = platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="elevator.retrofit", title="加装电梯")
    assert case.priority == "normal"  # the core's record said low
    system = Actor.system()
    platform.issues.act(system, case.id, "register")
    dispatched = platform.issues.act(system, case.id, "dispatch")
    assert dispatched.assignee_org == "SXWY"  # the property company, by the plugin's handler kind
    assert dispatched.response_due - dispatched.dispatched_at == dt.timedelta(hours=48)


def test_two_plugins_cannot_adopt_one_code(gridgov_make_platform):
    second = Category(code="elevator.retrofit", adopt=True, name_zh="电梯", name_en="lifts")
    platform = gridgov_make_platform(builtins=(), strict=False,
                                     plugins=[category_plugin("elevator", LIFTS), category_plugin("lifts", second)])
    assert platform.categories["elevator.retrofit"].plugin == "elevator"
    assert failures(platform, "lifts") == ["ValueError: categories elevator.retrofit is already adopted by plugin elevator"]


def test_refusals_name_the_owner_and_the_way_to_adopt(gridgov_make_platform):
    plain = Category(code="road.repair", name_zh="道路", name_en="road")
    typo = Category(code="elevator.retrofits", adopt=True, name_zh="电梯", name_en="lifts")
    own = Category(code="parks.bench", name_zh="长椅", name_en="bench")
    platform = gridgov_make_platform(builtins=(), strict=False, plugins=[
        category_plugin("roads", plain), category_plugin("lifts", typo), category_plugin("parks", own),
        category_plugin("benches", Category(code="parks.bench", adopt=True, name_zh="长椅", name_en="bench")),
    ])
    assert failures(platform, "roads") == [
        "ValueError: categories road.repair is already registered by the core; a plugin serving it takes it "
        "over with Category(..., adopt=True)"]
    assert failures(platform, "lifts") == [
        "ValueError: categories elevator.retrofits: adopt=True, but the core registers no elevator.retrofits to adopt"]
    assert failures(platform, "benches") == ["ValueError: categories parks.bench is already registered by plugin parks"]
    assert platform.categories["road.repair"].plugin == "gridgov"
    assert platform.categories["parks.bench"].plugin == "parks"


def test_an_adopted_category_goes_back_to_the_core_when_its_plugin_is_taken_out(gridgov_make_platform):
    broken = category_plugin("elevator", LIFTS, failing_migration=True)
    platform = gridgov_make_platform(builtins=(), plugins=[broken], strict=False)
    category = platform.categories["elevator.retrofit"]
    assert (category.plugin, category.adopted_from, category.default_priority) == ("gridgov", None, "low")
    assert "elevator" in platform.hooks.disabled


def test_plugins_command_shows_owned_and_adopted_categories(gridgov_make_platform, gridgov_cli):
    platform = gridgov_make_platform(builtins=(), plugins=[
        category_plugin("elevator", LIFTS, Category(code="elevator.repair", name_zh="电梯维修", name_en="repair"))])
    report = json.loads(gridgov_cli(["plugins", "--all", "--json"], platform=platform).stdout)
    by_name = {p["name"]: p for p in report["plugins"]}
    assert by_name["elevator"]["categories"] == ["elevator.repair", "elevator.retrofit"]
    assert by_name["elevator"]["adopted_categories"] == ["elevator.retrofit"]
    assert "elevator.retrofit" not in by_name["gridgov"]["categories"]
    text = gridgov_cli(["plugins"], platform=platform).stdout
    assert "  categories: elevator.repair, elevator.retrofit (adopted from the core)" in text


def test_issue_categories_reports_own_hours_owner_and_the_effective_deadline(gridgov_make_platform, gridgov_cli):
    platform = gridgov_make_platform(builtins=(), plugins=[category_plugin("elevator", LIFTS)])
    rows = {r["code"]: r for r in json.loads(gridgov_cli(["issue", "categories", "--json"], platform=platform).stdout)}
    elevator, greening = rows["elevator.retrofit"], rows["greening"]
    assert (elevator["plugin"], elevator["adopted_from"]) == ("elevator", "gridgov")
    assert (greening["plugin"], greening["adopted_from"]) == ("gridgov", None)
    # greening: default priority low (factor 2); the record's hours stay the record's
    assert (greening["response_hours"], greening["resolve_hours"]) == (8, 168)
    assert greening["effective_deadline"] == {"priority": "low", "response_hours": 16, "resolve_hours": 336,
                                              "working_hours": False, "source": "category"}
    platform.set_sla(Actor.system(), SlaBook(rules=(SlaRule(category="greening", response_hours=3,
                                                            resolve_hours=30, working_hours=True),)))
    rows = {r["code"]: r for r in json.loads(gridgov_cli(["issue", "categories", "--json"], platform=platform).stdout)}
    assert rows["greening"]["response_hours"] == 8
    assert rows["greening"]["effective_deadline"] == {"priority": "low", "response_hours": 3, "resolve_hours": 30,
                                                      "working_hours": True, "source": "sla"}
    text = gridgov_cli(["issue", "categories"], platform=platform).stdout
    [line] = [line for line in text.splitlines() if line.startswith("elevator.retrofit")]
    assert " ".join(line.split()).endswith(
        "elevator (adopted from gridgov) normal 48 2160 48/2160 h (normal) property_company")
    [line] = [line for line in text.splitlines() if line.startswith("greening")]
    assert "3/30 working h (low)" in line


@pytest.mark.parametrize(("args", "message"), [
    (["elevator"], "the category prefix elevator is taken: elevator.retrofit is registered by the core; to serve "
                   "it, run gridgov plugin new elevator --adopt elevator.retrofit"),
    (["lifts", "--adopt", "road"], "--adopt: no category road is registered"),
])
def test_plugin_new_refuses_a_prefix_the_core_uses(tmp_path, gridgov_cli, gridgov_make_platform, args, message):
    platform = gridgov_make_platform(builtins=())
    result = gridgov_cli(["plugin", "new", *args, "--dir", str(tmp_path / "pkg")], platform=platform)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert not (tmp_path / "pkg").exists()


def test_plugin_new_refuses_what_a_plugin_owns_and_adopts_what_the_core_offers(tmp_path, gridgov_cli,
                                                                              gridgov_make_platform):
    platform = gridgov_make_platform(builtins=(), plugins=[category_plugin("lifts", LIFTS)])
    taken = gridgov_cli(["plugin", "new", "elevator", "--dir", str(tmp_path / "a")], platform=platform)
    assert "elevator.retrofit belongs to plugin lifts; choose another name" in taken.stderr
    again = gridgov_cli(["plugin", "new", "elevator", "--adopt", "elevator.retrofit", "--dir", str(tmp_path / "b")],
                        platform=platform)
    assert "--adopt: elevator.retrofit belongs to plugin lifts" in again.stderr
    installed = gridgov_cli(["plugin", "new", "lifts", "--dir", str(tmp_path / "c")], platform=platform)
    assert "'lifts' is an installed plugin" in installed.stderr
    fresh = gridgov_make_platform(builtins=(), name="fresh.db")
    done = gridgov_cli(["plugin", "new", "elevator", "--adopt", "elevator.retrofit", "--dir", str(tmp_path / "d")],
                       platform=fresh)
    assert done.exit_code == 0, done.output
    category = (tmp_path / "d" / "gridgov_elevator" / "category.py").read_text(encoding="utf-8")
    assert 'CATEGORY = "elevator.retrofit"' in category and "adopt=True" in category
    assert 'name_zh="加装电梯"' in category and "response_hours=24," in category


def test_plugin_new_refuses_a_name_that_is_a_core_table_namespace(tmp_path, gridgov_cli, gridgov_make_platform):
    result = gridgov_cli(["plugin", "new", "role", "--dir", str(tmp_path / "pkg")],
                         platform=gridgov_make_platform(builtins=()))
    assert result.exit_code == 2 and "'role' is reserved by the core" in result.stderr
