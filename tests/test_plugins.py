"""The plugin manager and every hook, as a plugin author relies on them.

Each hookspec has a ``test_hook_<name>`` here (``test_hooks_documented.py`` checks that),
and the runnable examples of ``docs/plugins.md`` and ``docs/hooks.md`` are executed.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import click
import pluggy
import pytest
from gridgov.core import (
    DEFAULT_PLUGINS,
    OPEN_STATES,
    Actor,
    Category,
    MetricSpec,
    Migrations,
    PaletteCommand,
    Platform,
    PluginHost,
    Role,
    RoleAssignment,
    Route,
    ScreenSpec,
    Transition,
    TransitionRefused,
    hookimpl,
    sample,
)
from gridgov.core.cli import CommandContext, command

ROOT = Path(__file__).resolve().parent.parent
BUILTIN_NAMES = {"gridgov", *(m.rsplit(".", 1)[-1] for m in DEFAULT_PLUGINS)}


def make_plugin(name: str, *functions: object, **attributes: object) -> types.ModuleType:
    """A plugin module ``gridgov_<name>`` holding ``functions`` (its name is ``name``)."""
    module = types.ModuleType(f"gridgov_{name}")
    for fn in functions:
        setattr(module, fn.__name__, fn)
    for key, value in attributes.items():
        setattr(module, key, value)
    return module


def failures_of(platform_or_host, plugin: str) -> list[tuple[str, str]]:
    failures = platform_or_host.failures if isinstance(platform_or_host, PluginHost) else platform_or_host.plugin_failures
    return [(f.hook, f.error) for f in failures if f.plugin == plugin]


def names(host: PluginHost) -> set[str]:
    return {info.name for info in host.plugins()}


def report(platform: Platform, category: str = "road.repair", **fields) -> object:
    return platform.issues.report(platform.actor("worker_sx01"), area="SX01", category=category,
                                  title=fields.pop("title", "路面坑洞"), **fields)


@pytest.fixture
def core_only(gridgov_make_platform) -> Platform:
    """The sample deployment with the core alone, so these tests do not depend on the
    department plugins."""
    return gridgov_make_platform(builtins=())


# -- loading ---------------------------------------------------------------------------


def test_default_plugins_load_as_builtins():
    host = PluginHost(entry_points=False)
    infos = {info.name: info for info in host.plugins()}
    assert set(infos) == BUILTIN_NAMES
    assert all(info.builtin for info in infos.values())
    assert infos["gridgov"].module == "gridgov.core.defaults"
    assert "register_categories" in infos["gridgov"].hooks
    assert host.plugins(include_builtin=False) == []
    assert host.failures == []


def test_load_plugins_limits_optional_plugins_but_core_always_loads(monkeypatch):
    extra = make_plugin("extra")
    monkeypatch.setenv("GRIDGOV_LOAD_PLUGINS", "mediation, extra")
    assert names(PluginHost(entry_points=False, extra=[extra])) == {"gridgov", "mediation", "extra"}
    monkeypatch.setenv("GRIDGOV_LOAD_PLUGINS", "")
    assert names(PluginHost(entry_points=False, extra=[extra])) == {"gridgov"}
    monkeypatch.delenv("GRIDGOV_LOAD_PLUGINS")
    assert names(PluginHost(entry_points=False, extra=[extra])) == BUILTIN_NAMES | {"extra"}


def test_disable_plugins_skips_named_plugins_but_not_the_core(monkeypatch):
    monkeypatch.setenv("GRIDGOV_DISABLE_PLUGINS", "mediation,hr_policy,joint_meetings,service_lists,assessment,gridgov")
    assert names(PluginHost(entry_points=False)) == {"gridgov", "finance_station"}
    monkeypatch.setenv("GRIDGOV_LOAD_PLUGINS", "mediation,finance_station")
    assert names(PluginHost(entry_points=False)) == {"gridgov", "finance_station"}


def test_misspelt_hook_is_reported_by_plugin_name():
    @hookimpl
    def register_categoris(register):
        pass

    typo = make_plugin("typo", register_categoris)
    host = PluginHost(entry_points=False, extra=[typo], load=["typo"])
    [(hook, error)] = failures_of(host, "typo")
    assert hook == "register"
    assert "register_categoris" in error
    assert "typo" not in names(host)
    with pytest.raises(pluggy.PluginValidationError, match="register_categoris"):
        PluginHost(entry_points=False, extra=[typo], load=["typo"], strict=True)


def test_module_that_raises_on_import_is_reported(tmp_path, monkeypatch):
    (tmp_path / "gridgov_explodes.py").write_text("raise RuntimeError('no config file')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    host = PluginHost(builtins=["gridgov_explodes", *DEFAULT_PLUGINS], entry_points=False)
    assert failures_of(host, "gridgov_explodes") == [("import", "RuntimeError: no config file")]
    assert names(host) == BUILTIN_NAMES


def write_broken_distribution(
    where: Path, *, name: str = "broken", module_source: str = "raise ImportError('missing driver')\n"
) -> None:
    """An installed distribution ``name`` whose entry point imports ``module_source``
    (by default a module that fails to import)."""
    dist = where / f"{name}-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[gridgov]\n{name} = gridgov_{name}\n")
    (where / f"gridgov_{name}.py").write_text(module_source)


def test_entry_point_plugin_that_fails_to_import_is_reported(tmp_path, monkeypatch):
    write_broken_distribution(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    host = PluginHost(entry_points=True, load=["broken"])
    assert failures_of(host, "broken") == [("import", "ImportError: missing driver")]
    assert names(host) == {"gridgov"}


def test_entry_point_plugin_loads_with_its_distribution_version(tmp_path, monkeypatch):
    write_broken_distribution(tmp_path, module_source=textwrap.dedent("""
        from gridgov.core import Category, hookimpl

        @hookimpl
        def register_categories(register):
            register(Category(code="broken.fixed", name_zh="修好", name_en="fixed"))
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    host = PluginHost(entry_points=True, load=["broken"])
    [info] = host.plugins(include_builtin=False)
    assert (info.name, info.version, info.module, info.hooks) == ("broken", "0.1", "gridgov_broken", ("register_categories",))
    assert host.failures == []


def faulty_plugin(*, veto: bool = True) -> types.ModuleType:
    """A plugin that writes to its table and then raises in every workflow hook (its veto
    check too, unless ``veto=False``)."""
    migrations = Migrations("faulty")

    @migrations()
    def m001(schema):
        schema.create_table("seen", {"id": "int", "issue_id": "int", "hook": "text"})

    @hookimpl
    def register_migrations(register):
        register(migrations)

    @hookimpl
    def register_categories(register):
        raise RuntimeError("category table missing")

    @hookimpl
    def issue_created(platform, issue):
        platform.table("faulty_seen").insert({"issue_id": issue.id, "hook": "issue_created"})
        raise RuntimeError("created went wrong")

    @hookimpl
    def issue_changed(platform, issue, event):
        platform.table("faulty_seen").insert({"issue_id": issue.id, "hook": event.action})
        raise KeyError("changed went wrong")

    @hookimpl
    def veto_action(action):
        raise ValueError(f"cannot judge {action}")

    @hookimpl(tryfirst=True)
    def route_issue(issue):
        raise LookupError("router offline")

    hooks = [register_migrations, register_categories, issue_created, issue_changed, route_issue]
    return make_plugin("faulty", *hooks, *([veto_action] if veto else []))


def auditing_plugin() -> types.ModuleType:
    """A well-behaved plugin writing to its table in the same hooks."""
    migrations = Migrations("audit")

    @migrations()
    def m001(schema):
        schema.create_table("seen", {"id": "int", "issue_id": "int", "hook": "text"})

    @hookimpl
    def register_migrations(register):
        register(migrations)

    @hookimpl
    def issue_created(platform, issue):
        platform.table("audit_seen").insert({"issue_id": issue.id, "hook": "issue_created"})

    @hookimpl
    def issue_changed(platform, issue, event):
        platform.table("audit_seen").insert({"issue_id": issue.id, "hook": event.action})

    return make_plugin("audit", register_migrations, issue_created, issue_changed)


def test_a_veto_check_that_raises_refuses_the_action_and_names_the_plugin(gridgov_make_platform):
    """Fail closed: a crashing veto cannot let an action through that it might have refused."""
    platform = gridgov_make_platform(builtins=(), plugins=[faulty_plugin(), auditing_plugin()], strict=False)
    with pytest.raises(TransitionRefused, match="vetoed by faulty: its veto check failed .ValueError: cannot judge report."):
        report(platform)
    assert platform._store.count("issue") == 0
    assert ("veto_action", "ValueError: cannot judge report") in failures_of(platform, "faulty")


def test_plugin_raising_in_hooks_is_reported_and_its_writes_undone(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=(), plugins=[faulty_plugin(veto=False), auditing_plugin()], strict=False)
    assert failures_of(platform, "faulty") == [("register_categories", "RuntimeError: category table missing")]

    issue = report(platform)
    system = Actor.system()
    platform.issues.act(system, issue.id, "register")
    dispatched = platform.issues.act(system, issue.id, "dispatch")

    assert platform.issues.get(system, issue.id).status == "dispatched"
    assert dispatched.assignee_org == "ZJJ"  # the core router decided after faulty's raised
    hooks = [hook for hook, _ in failures_of(platform, "faulty")]
    assert {"register_categories", "issue_created", "issue_changed", "route_issue"} <= set(hooks)
    assert ("route_issue", "LookupError: router offline") in failures_of(platform, "faulty")
    assert platform.table("faulty_seen").count() == 0
    assert [r["hook"] for r in platform.table("audit_seen").rows(order_by="id")] == [
        "issue_created", "register", "dispatch",
    ]
    assert [e.action for e in platform.issues.events(system, issue.id)] == ["report", "register", "dispatch"]


def test_strict_host_raises_the_plugins_error(gridgov_make_platform):
    with pytest.raises(RuntimeError, match="category table missing"):
        gridgov_make_platform(builtins=(), plugins=[faulty_plugin()], strict=True)


def test_cli_reports_an_issue_despite_a_broken_installed_plugin(tmp_path):
    """The whole path a user sees: an installed plugin that cannot import, and one whose
    commands fail to register, are each named in one warning, and ``gridgov issue report``
    still prints the new id."""
    db = tmp_path / "grid.db"
    with Platform(db, hooks=PluginHost(entry_points=False)) as platform:
        sample.build(platform)
    site = tmp_path / "site"
    write_broken_distribution(site)
    write_broken_distribution(site, name="clumsy", module_source=textwrap.dedent("""
        from gridgov.core import hookimpl

        @hookimpl
        def register_cli_commands(cli):
            raise AttributeError("no group named clumsy")
    """))
    env = {k: v for k, v in os.environ.items() if k not in ("GRIDGOV_NO_ENTRY_POINTS", "GRIDGOV_LOAD_PLUGINS")}
    env.update(PYTHONPATH=str(site), GRIDGOV_DB=str(db))
    gridgov = Path(sys.executable).with_name("gridgov")
    done = subprocess.run(
        [str(gridgov), "issue", "report", "--area", "SX01", "--category", "road.repair",
         "--title", "井盖缺失", "--as", "worker_sx01"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"\d+", done.stdout.strip()), done.stdout
    warnings = done.stderr.splitlines()
    assert warnings.count("warning: plugin broken failed in import: ImportError: missing driver") == 1
    assert warnings.count(
        "warning: plugin clumsy failed in register_cli_commands: AttributeError: no group named clumsy"
    ) == 1
    assert len(warnings) == 2, done.stderr
    with Platform(db, hooks=PluginHost(entry_points=False)) as platform:
        issue = platform.issues.get(Actor.system(), int(done.stdout.strip()))
    assert issue.title == "井盖缺失"


# -- gridgov plugins / plugin new ---------------------------------------------------------


def test_plugins_command_lists_third_party_plugins_and_failures(gridgov_make_platform, gridgov_cli):
    platform = gridgov_make_platform(builtins=(), plugins=[faulty_plugin(), auditing_plugin()], strict=False)
    shown = json.loads(gridgov_cli(["plugins", "--json"], platform=platform).stdout)
    by_name = {p["name"]: p for p in shown["plugins"]}
    assert set(by_name) == {"faulty", "audit"}
    assert by_name["audit"]["tables"] == ["audit_seen"]
    assert by_name["audit"]["hooks"] == ["issue_changed", "issue_created", "register_migrations"]
    assert by_name["audit"]["builtin"] is False
    assert {"plugin": "faulty", "hook": "register_categories",
            "error": "RuntimeError: category table missing"} in shown["failures"]

    text = gridgov_cli(["plugins"], platform=platform).stdout
    assert "FAILED faulty in register_categories: RuntimeError: category table missing" in text
    assert "tables:     audit_seen" in text


def test_plugins_all_includes_builtins_with_their_categories(gridgov_platform, gridgov_cli):
    result = gridgov_cli(["plugins", "--all", "--json"])
    assert result.exit_code == 0, result.output
    by_name = {p["name"]: p for p in json.loads(result.stdout)["plugins"]}
    assert set(by_name) == BUILTIN_NAMES
    assert all(p["builtin"] for p in by_name.values())
    assert "road.repair" in by_name["gridgov"]["categories"]
    owned = {table: plugin["name"] for plugin in by_name.values() for table in plugin["tables"]}
    assert owned == gridgov_platform.plugin_of_table
    assert json.loads(gridgov_cli(["plugins", "--json"]).stdout)["plugins"] == []


def test_plugin_new_refuses_bad_names_and_existing_directories(tmp_path, gridgov_cli, core_only):
    taken = tmp_path / "taken"
    taken.mkdir()
    for args, message in [
        (["Bad-Name"], "must be a lowercase identifier"),
        (["mediation"], "is reserved"),
        (["init"], "is already a gridgov command"),
        (["issue_x", "--dir", str(taken)], "already exists"),
    ]:
        result = gridgov_cli(["plugin", "new", *args], platform=core_only)
        assert result.exit_code == 2, result.output
        assert message in result.stderr
    assert list(taken.iterdir()) == []


def test_plugin_new_writes_a_package_with_an_entry_point(tmp_path, gridgov_cli, core_only):
    target = tmp_path / "pkg"
    result = gridgov_cli(["plugin", "new", "roads", "--dir", str(target)], platform=core_only)
    assert result.exit_code == 0, result.output
    assert '[project.entry-points.gridgov]\nroads = "gridgov_roads"' in (target / "pyproject.toml").read_text()
    assert (target / "gridgov_roads" / "__init__.py").exists()
    assert (target / "tests" / "test_roads.py").exists()


def test_plugin_new_writes_into_the_current_directory_by_default(tmp_path, monkeypatch, gridgov_cli, core_only):
    monkeypatch.chdir(tmp_path)
    result = gridgov_cli(["plugin", "new", "parks"], platform=core_only)
    assert result.exit_code == 0, result.output
    assert f"wrote 14 files to {tmp_path / 'gridgov-parks'}" in result.stdout
    assert sorted(p.name for p in (tmp_path / "gridgov-parks").iterdir()) == [
        ".gitignore", "README.md", "gridgov_parks", "pyproject.toml", "tests",
    ]


def test_gridgov_issue_walks_the_closed_loop(core_only, gridgov_issue):
    closed = gridgov_issue(platform=core_only, category="noise", area="SX02", as_="worker_sx02", to="closed")
    assert (closed.status, closed.rating, closed.assignee_org) == ("closed", "satisfied", "PHPS")
    actions = [e.action for e in core_only.issues.events(Actor.system(), closed.id)]
    assert actions == ["report", "register", "dispatch", "accept", "resolve", "verify", "close"]
    assert gridgov_issue(platform=core_only).status == "reported"
    with pytest.raises(ValueError, match="to='done'"):
        gridgov_issue(platform=core_only, to="done")


def test_scaffolded_module_works_when_loaded_by_a_test(tmp_path, request, gridgov_make_platform, gridgov_cli,
                                                       monkeypatch):
    """What the scaffold's own test does, without installing it: the module passed to the
    fixture gets the entry point's name, so its table namespace is accepted."""
    from gridgov.core.scaffold import write_plugin

    write_plugin("roads", tmp_path / "pkg")
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    request.addfinalizer(lambda: [sys.modules.pop(m) for m in list(sys.modules) if m.startswith("gridgov_roads")])
    import gridgov_roads

    platform = gridgov_make_platform(builtins=(), plugins=[gridgov_roads])
    assert platform.plugin_failures == []
    assert platform.categories["roads.request"].plugin == "roads"
    assert platform.plugin_of_table == {"roads_request": "roads", "roads_history": "roads"}
    platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="roads.request", title="路灯不亮")
    result = gridgov_cli(["roads", "list"], as_="worker_sx01", platform=platform)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].split() == ["1", "open", "SX01", "路灯不亮"]
    assert platform.screens["roads.requests"].plugin == "roads"
    assert platform.metric_specs["roads.requests"].plugin == "roads"


# -- one test per hook (test_hooks_documented.py requires them) ---------------------------


def test_hook_register_categories(gridgov_make_platform):
    @hookimpl
    def register_categories(register):
        register(Category(code="waterlog.drain", name_zh="积水", name_en="waterlogging",
                          default_priority="high", response_hours=1, resolve_hours=6, handler_kind="agency"))

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("waterlog", register_categories)])
    category = platform.categories["waterlog.drain"]
    assert category.plugin == "waterlog"
    assert report(platform, category="waterlog.drain").priority == "high"
    issue = report(platform, category="waterlog.drain", priority="normal")
    platform.issues.act(Actor.system(), issue.id, "register")
    dispatched = platform.issues.act(Actor.system(), issue.id, "dispatch", org="CGJ")
    assert dispatched.response_due - dispatched.dispatched_at == dt.timedelta(hours=1)
    assert dispatched.resolve_due - dispatched.dispatched_at == dt.timedelta(hours=6)


def test_hook_register_categories_rejects_duplicates_by_plugin_name(gridgov_make_platform):
    @hookimpl
    def register_categories(register):
        register(Category(code="road.repair", name_zh="道路", name_en="road"))

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("copycat", register_categories)], strict=False)
    assert failures_of(platform, "copycat") == [
        ("register_categories", "ValueError: categories road.repair is already registered by the core; "
                                "a plugin serving it takes it over with Category(..., adopt=True)")
    ]
    assert platform.categories["road.repair"].plugin == "gridgov"


def test_hook_register_roles(gridgov_make_platform):
    @hookimpl
    def register_roles(register):
        register(Role(post="auditor", name_zh="审计员", name_en="auditor", permissions={"issue.read"}))

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("audits", register_roles)])
    assert platform.roles["auditor"].plugin == "audits"
    platform.members.assign(Actor.system(), RoleAssignment(login="head_sx01b1", post="auditor", area_code="SX",
                                                           starts=dt.date(2026, 1, 1)))
    issue = platform.issues.report(platform.actor("worker_sx02"), area="SX02", category="noise", title="夜间施工")
    auditor = platform.actor("head_sx01b1")
    assert platform.issues.get(auditor, issue.id).title == "夜间施工"
    assert "register" not in platform.issues.available_actions(auditor, issue)


def test_hook_register_actions(gridgov_make_platform):
    @hookimpl
    def register_actions(register):
        register(Transition(action="annotate", sources=OPEN_STATES, target=None, permission="issue.read",
                            scope="site", requires={"note"}, name_zh="备注", name_en="annotate", key="n"))

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("notes", register_actions)])
    issue = report(platform)
    worker = platform.actor("worker_sx01")
    assert "annotate" in platform.issues.available_actions(worker, issue)
    after = platform.issues.act(worker, issue.id, "annotate", note="居民已电话确认")
    assert after.status == "reported"
    assert platform.issues.events(worker, issue.id)[-1].note == "居民已电话确认"
    with pytest.raises(TransitionRefused, match="a note"):
        platform.issues.act(worker, issue.id, "annotate")


def test_hook_register_migrations(gridgov_make_platform, tmp_path):
    migrations = Migrations("ledger")

    @migrations()
    def m001_entry(schema):
        schema.create_table("entry", {"id": "int", "issue_id": "int", "amount_fen": "int"},
                            references={"issue_id": "issue.id"})

    @migrations()
    def m002_memo(schema):
        schema.add_column("entry", "memo", "text")

    @hookimpl
    def register_migrations(register):
        register(migrations)

    ledger = make_plugin("ledger", register_migrations)
    platform = gridgov_make_platform(builtins=(), plugins=[ledger])
    assert platform.plugin_of_table["ledger_entry"] == "ledger"
    issue = report(platform)
    with platform.transaction():
        platform.table("ledger_entry").insert({"issue_id": issue.id, "amount_fen": 12050, "memo": "材料费"})
    assert platform.table("ledger_entry").sum("amount_fen") == 12050
    platform.close()
    reopened = Platform(platform.path, hooks=PluginHost(builtins=(), extra=[ledger], entry_points=False))
    assert reopened.applied_migrations == []
    assert reopened.table("ledger_entry").get(1)["memo"] == "材料费"
    reopened.close()


def test_hook_register_cli_commands(gridgov_make_platform, gridgov_cli):
    @click.group("counts")
    def counts():
        """Case counts."""

    @command(counts, "open")
    def open_(ctx: CommandContext) -> None:
        ctx.echo(str(ctx.platform.issues.count(ctx.actor, status=sorted(OPEN_STATES))))

    @command(counts, "all", as_required=False)
    def all_(ctx: CommandContext) -> None:
        ctx.echo(f"{ctx.actor.login}: {ctx.platform.issues.count(ctx.actor)}")

    @hookimpl
    def register_cli_commands(cli):
        cli.add_command(counts)

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("counts", register_cli_commands)])
    report(platform)
    report(platform)
    platform.issues.report(platform.actor("worker_bnk01"), area="BNK01", category="noise", title="夜间施工")
    result = gridgov_cli(["counts", "open"], as_="worker_sx01", platform=platform)
    assert (result.exit_code, result.stdout) == (0, "2\n")
    assert gridgov_cli(["counts", "all"], platform=platform).stdout == "system: 3\n"  # no --as: the operator
    required = gridgov_cli(["counts", "open"], platform=platform)
    assert required.exit_code == 2 and "Missing option '--as'" in required.stderr
    missing = gridgov_cli(["counts", "open"], as_="nobody", platform=platform)
    assert missing.exit_code == 2
    assert "error: --as: no member has the login 'nobody'" in missing.stderr


def test_hooks_doc_closing_example_sees_plugin_actions_that_close(gridgov_make_platform, gridgov_issue):
    """The issue_changed example records every way a case ends, a plugin's closing action
    (like mediation's refer) included, and nothing else."""
    [code] = [code for module, code in doc_blocks("hooks.md") if module == "gridgov_closing"]
    closing = types.ModuleType("gridgov_closing")
    exec(compile(code, "docs/hooks.md:gridgov_closing", "exec"), closing.__dict__)

    @hookimpl
    def register_actions(register):
        register(Transition(action="refer", sources={"dispatched", "in_progress"}, target="closed",
                            permission="issue.resolve", scope="assignee", requires={"note"}))

    platform = gridgov_make_platform(builtins=(), plugins=[closing, make_plugin("referral", register_actions)])
    closed = gridgov_issue(platform=platform, to="closed")
    referred = gridgov_issue(platform=platform, to="in_progress")
    platform.issues.act(Actor.system(), referred.id, "refer", note="移送街道综合执法队")
    gridgov_issue(platform=platform, to="verified")
    rows = platform.table("closing_rating").rows(order_by="id")
    assert [(r["issue_id"], r["action"], r["rating"]) for r in rows] == [
        (closed.id, "close", "satisfied"), (referred.id, "refer", None)]


def test_hook_register_screens(gridgov_make_platform):
    def factory(app):
        return ("screen for", app)

    @hookimpl
    def register_screens(register):
        register(ScreenSpec(id="ledger.entries", title_zh="台账", title_en="ledger", factory=factory,
                            permission="issue.read"))

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("ledger", register_screens)])
    spec = platform.screens["ledger.entries"]
    assert (spec.plugin, spec.title_en, spec.permission) == ("ledger", "ledger", "issue.read")
    assert spec.factory("app") == ("screen for", "app")


def test_hook_register_palette_commands(gridgov_make_platform):
    ran = []

    @hookimpl
    def register_palette_commands(register):
        register(PaletteCommand(id="ledger.export", title_zh="导出台账", title_en="export ledger",
                                run=ran.append, help_en="write the ledger to CSV"))

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("ledger", register_palette_commands)])
    command = platform.palette_commands["ledger.export"]
    assert command.plugin == "ledger"
    command.run("app")
    assert ran == ["app"]


def test_hook_register_metrics(gridgov_make_platform):
    def compute(platform, actor, area_code, since, until):
        return {"open hazards": platform.issues.count(actor, area=area_code, status=sorted(OPEN_STATES))}

    @hookimpl
    def register_metrics(register):
        register(MetricSpec(id="safety.open", title_zh="安全隐患", title_en="open hazards", compute=compute))

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("safety", register_metrics)])
    report(platform, category="public.safety")
    platform.issues.report(platform.actor("worker_bnk01"), area="BNK01", category="public.safety", title="电线裸露")
    card = platform.metric_specs["safety.open"]
    assert card.plugin == "safety"
    dispatcher = platform.actor("dispatcher_sx")
    assert card.compute(platform, dispatcher, "SX", None, None) == {"open hazards": 1}
    assert card.compute(platform, Actor.system(), "PH", None, None) == {"open hazards": 2}


def test_hook_route_issue(gridgov_make_platform):
    @hookimpl
    def route_issue(platform, issue):
        if issue.category == "property.dispute" and issue.area_code.startswith("SX"):
            return Route(org_code="SXWY", reason="property of the SX compounds")
        return None

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("property", route_issue)])
    system = Actor.system()
    disputed = report(platform, category="property.dispute")
    other = report(platform, category="road.repair")
    assert platform.route(disputed) == Route(org_code="SXWY", reason="property of the SX compounds")
    for issue in (disputed, other):
        platform.issues.act(system, issue.id, "register")
    assert platform.issues.act(system, disputed.id, "dispatch").assignee_org == "SXWY"
    assert platform.issues.act(system, other.id, "dispatch").assignee_org == "ZJJ"  # core router


def test_hook_veto_action(gridgov_make_platform):
    seen = []

    @hookimpl
    def veto_action(platform, actor, issue, action, params):
        seen.append((action, issue.id))
        if action == "close" and params["rating"] == "satisfied" and issue.return_count:
            return "a returned case needs the requester's own rating"
        if action == "report" and "测试" in issue.title:
            return "test reports are not accepted"
        return None

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("quality", veto_action)])
    with pytest.raises(TransitionRefused) as refused:
        report(platform, title="测试一下")
    assert refused.value.reason == "vetoed by quality: test reports are not accepted"
    assert seen == [("report", None)]

    system = Actor.system()
    issue = report(platform)
    for action, params in [("register", {}), ("dispatch", {"org": "ZJJ"}), ("return", {"note": "不属本单位"}),
                           ("dispatch", {"org": "ZJJ"}), ("accept", {}), ("resolve", {"note": "已修补"}),
                           ("verify", {})]:
        platform.issues.act(system, issue.id, action, **params)
    with pytest.raises(TransitionRefused, match="a returned case needs the requester's own rating") as refused:
        platform.issues.act(system, issue.id, "close", rating="satisfied")
    assert (refused.value.issue_id, refused.value.action) == (issue.id, "close")
    assert platform.issues.get(system, issue.id).status == "verified"
    assert platform.issues.act(system, issue.id, "close", rating="basically_satisfied").status == "closed"


def test_hook_issue_created(gridgov_make_platform):
    migrations = Migrations("hotline")

    @migrations()
    def m001(schema):
        schema.create_table("ticket", {"id": "int", "issue_id": "int", "title": "text", "status": "text"})

    @hookimpl
    def register_migrations(register):
        register(migrations)

    @hookimpl
    def issue_created(platform, actor, issue):
        platform.table("hotline_ticket").insert(
            {"issue_id": issue.id, "title": f"{actor.login}: {issue.title}", "status": issue.status})

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("hotline", register_migrations, issue_created)])
    issue = report(platform, title="噪音扰民")
    assert platform.table("hotline_ticket").rows() == [
        {"id": 1, "issue_id": issue.id, "title": "worker_sx01: 噪音扰民", "status": "reported"}
    ]


def test_hook_issue_changed(gridgov_make_platform):
    seen = []

    @hookimpl
    def issue_changed(platform, actor, issue, event):
        seen.append((actor.login, event.action, event.from_status, issue.status, issue.version))

    platform = gridgov_make_platform(builtins=(), plugins=[make_plugin("watch", issue_changed)])
    issue = report(platform)
    dispatcher = platform.actor("dispatcher_sx")
    platform.issues.act(dispatcher, issue.id, "register")
    platform.issues.act(dispatcher, issue.id, "dispatch", org="ZJJ")
    assert seen == [
        ("dispatcher_sx", "register", "reported", "registered", 2),
        ("dispatcher_sx", "dispatch", "registered", "dispatched", 3),
    ]


def _one_table_migrations(namespace: str):
    """A ``register_migrations`` hook creating the plugin's table ``{namespace}_row``."""
    migrations = Migrations(namespace)

    @migrations()
    def m001(schema):
        schema.create_table("row", {"id": "int", "value": "int"})

    @hookimpl
    def register_migrations(register):
        register(migrations)

    return register_migrations


def test_hook_load_demo_data(gridgov_make_platform):
    from gridgov.core.demo import load_demo

    calls = []
    register_migrations = _one_table_migrations("demo")

    @hookimpl
    def load_demo_data(platform, scale, rng, progress):
        cases = platform.issues.count(Actor.system())
        count = {"small": 3}.get(scale, 10)
        with platform.transaction():
            platform.table("demo_row").insert_all([{"value": rng.randint(0, 10**6)} for _ in range(count)])
        progress("demo rows", count, count)
        calls.append((scale, cases))

    plugin = make_plugin("demo", load_demo_data, register_migrations)

    def values(seed: int, name: str) -> list[int]:
        platform = gridgov_make_platform(builtins=(), plugins=[plugin], with_sample=False, name=name)
        stages = []
        load_demo(platform, "small", seed=seed, issues=30, progress=lambda *a: stages.append(a))
        assert stages[-1] == ("demo rows", 3, 3)
        return [r["value"] for r in platform.table("demo_row").rows(order_by="id")]

    first, again, other = values(5, "a.db"), values(5, "b.db"), values(6, "c.db")
    assert calls == [("small", 30)] * 3  # called once per load, after the core's 30 cases
    assert len(first) == 3 and first == again and first != other


def test_a_plugin_whose_demo_data_fails_leaves_none_of_it(gridgov_make_platform):
    """Each plugin's demo records are written in a savepoint: one that fails half-way is
    reported and its rows undone; the core's cases and the other plugins' records stay."""
    from gridgov.core.demo import load_demo

    register_migrations = _one_table_migrations("broken")

    @hookimpl
    def load_demo_data(platform, scale, rng, progress):
        platform.table("broken_row").insert_all([{"value": 1}, {"value": 2}])
        raise RuntimeError("the demo generator broke half-way")

    platform = gridgov_make_platform(plugins=[make_plugin("broken", load_demo_data, register_migrations)],
                                     with_sample=False)
    platform.hooks.strict = False  # as deployed: a failing plugin is reported, not raised
    summary = load_demo(platform, "small", seed=5, issues=60)
    assert any("the demo generator broke half-way" in failure for failure in summary.plugin_failures)
    assert platform.table("broken_row").count() == 0
    assert platform._store.count("issue") >= 60
    assert platform.table("service_lists_need").count() > 0  # a built-in plugin's records


# -- the docs' examples run ------------------------------------------------------------

RUN_BLOCK = re.compile(r"<!-- run(?::\s*module\s+(?P<module>\w+))?\s*-->\s*\n```python\n(?P<code>.*?)```", re.S)


def doc_blocks(name: str) -> list[tuple[str | None, str]]:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    return [(m["module"], m["code"]) for m in RUN_BLOCK.finditer(text)]


def run_doc(name: str, request, monkeypatch) -> tuple[list[types.ModuleType], dict]:
    """Execute a doc's runnable blocks in order: ``<!-- run: module NAME -->`` blocks become
    importable modules, ``<!-- run -->`` blocks share one namespace whose ``test_*``
    functions are then called with the gridgov fixtures they name."""
    modules, namespace = [], {"__name__": f"docs_{name}"}
    for module_name, code in doc_blocks(name):
        if module_name:
            module = types.ModuleType(module_name)
            exec(compile(code, f"docs/{name}:{module_name}", "exec"), module.__dict__)
            monkeypatch.setitem(sys.modules, module_name, module)
            modules.append(module)
        else:
            exec(compile(code, f"docs/{name}", "exec"), namespace)
    for key, fn in list(namespace.items()):
        if key.startswith("test_") and callable(fn):
            fn(**{arg: request.getfixturevalue(arg) for arg in inspect.signature(fn).parameters})
    return modules, namespace


def test_plugins_doc_examples_run(request, monkeypatch):
    modules, namespace = run_doc("plugins.md", request, monkeypatch)
    assert modules, "docs/plugins.md has no runnable plugin module"
    assert [k for k in namespace if k.startswith("test_")], "docs/plugins.md has no runnable test"


def test_plugins_doc_documents_every_table_lookup():
    from gridgov.core import LOOKUPS

    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = text[text.index("### Plugin tables"):text.index("### Refusals and errors")]
    for lookup in LOOKUPS:
        assert f"__{lookup}" in section, f"docs/plugins.md does not document the lookup {lookup}"
    for name in ("any_of", "all_of", "count_by", "scope=actor", "unmasked", "expected_version",
                 "plugin_of_table"):
        assert name in section, name


def test_hooks_doc_examples_register_cleanly(gridgov_make_platform):
    blocks = [(module, code) for module, code in doc_blocks("hooks.md") if module]
    assert len(blocks) >= 10
    for i, (module_name, code) in enumerate(blocks):
        module = types.ModuleType(module_name)
        exec(compile(code, f"docs/hooks.md:{module_name}", "exec"), module.__dict__)
        platform = gridgov_make_platform(builtins=(), plugins=[module], name=f"hooks{i}.db", with_sample=False)
        assert platform.hooks.plugins(include_builtin=False)[0].hooks, module_name
