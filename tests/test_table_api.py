"""The plugin table API: checked columns, reserved namespaces, lookups, scope, personal
columns and versions (the contract every plugin's storage rests on)."""

from __future__ import annotations

import pytest
from gridgov.core import (
    AccessDenied,
    Actor,
    Migrations,
    StaleUpdate,
    ValidationError,
    all_of,
    any_of,
    hookimpl,
)
from gridgov.core.testing import local_time

pytestmark = pytest.mark.gridgov_engines


def notes_plugin(name: str = "notes"):
    migrations = Migrations(name)

    @migrations()
    def m001(schema):
        schema.create_table(
            "note",
            {"id": "int", "title": "text", "status": "text", "area_path": "text", "org": "text",
             "phone": "text", "urgent": "bool", "version": "int", "at": "datetime"},
            scope_path="area_path", scope_org="org", personal={"phone": "phone"},
        )

    class Plugin:
        __name__ = name

        @hookimpl
        def register_migrations(self, register):
            register(migrations)

    return Plugin()


@pytest.fixture
def platform(gridgov_make_platform):
    return gridgov_make_platform(builtins=(), plugins=[notes_plugin()])


@pytest.fixture
def notes(platform):
    table = platform.table("notes_note")
    for i, (title, status, path, org, urgent) in enumerate([
        ("井盖缺失", "open", "/LG/PH/SX/SX01/", None, True),
        ("路灯_不亮", "open", "/LG/PH/SX/SX02/", "SXWY", False),
        ("100%满意", "closed", "/LG/PH/BNK/BNK01/", None, False),
        ("加装电梯", "open", "/LG/PH/BNK/BNK01/", "ZJJ", True),
    ], start=1):
        table.insert({"id": i, "title": title, "status": status, "area_path": path, "org": org, "urgent": urgent,
                      "phone": "13812345678", "at": local_time(2026, 11, 1, 9 + i)})
    return table


def test_a_column_name_that_is_not_declared_is_refused_everywhere(notes):
    """The injection from the review: a crafted column name copied members' phones."""
    evil = 'note") SELECT phone FROM member WHERE 1=? --'
    with pytest.raises(ValidationError, match="is not a column of notes_note"):
        notes.insert({evil: 1})
    with pytest.raises(ValidationError, match="is not a column"):
        notes.update(1, {evil: 1})
    with pytest.raises(ValidationError, match="is not a column"):
        notes.rows(**{evil: 1})
    with pytest.raises(ValidationError, match="is not a column"):
        notes.rows(order_by=evil)
    for method in (notes.sum, notes.distinct, notes.count_by):
        with pytest.raises(ValidationError, match="is not a column"):
            method(evil)
    assert notes.count() == 4


@pytest.mark.parametrize("namespace", ["role", "access", "issue", "metric", "area", "member", "setting", "dual"])
def test_a_plugin_cannot_take_a_namespace_that_names_core_tables(namespace):
    with pytest.raises(ValidationError, match="reserved by the core"):
        Migrations(namespace)


def test_two_plugins_cannot_own_the_same_table(gridgov_make_platform):
    """``hr`` + ``x_note`` and ``hr_x`` + ``note`` both make ``hr_x_note``: the second is refused."""
    first_set = Migrations("hr")

    @first_set()
    def m001_first(schema):
        schema.create_table("x_note", {"id": "int"})

    class First:
        __name__ = "hr"

        @hookimpl
        def register_migrations(self, register):
            register(first_set)

    first = First()
    migrations = Migrations("hr_x")

    @migrations()
    def m001(schema):
        schema.create_table("note", {"id": "int"})

    class Second:
        __name__ = "hr_x"

        @hookimpl
        def register_migrations(self, register):
            register(migrations)

    platform = gridgov_make_platform(builtins=(), plugins=[first, Second()], strict=False)
    assert platform.plugin_of_table == {"hr_x_note": "hr"}
    [failure] = [f for f in platform.plugin_failures if f.plugin == "hr_x"]
    assert "table hr_x_note already belongs to plugin hr" in failure.error


def test_lookups_under_contains_startswith_and_groups(notes):
    assert [r["id"] for r in notes.rows(area_path__under="/LG/PH/SX/", order_by="id")] == [1, 2]
    assert [r["id"] for r in notes.rows(title__contains="_")] == [2]  # _ is a character, not a wildcard
    assert [r["id"] for r in notes.rows(title__contains="%")] == [3]
    assert [r["id"] for r in notes.rows(title__startswith="路灯")] == [2]
    either = notes.rows(any_of(status="closed", urgent=True), order_by="id")
    assert [r["id"] for r in either] == [1, 3, 4]
    nested = notes.rows(any_of(all_of(status="open", urgent=False), org="ZJJ"), order_by="-id")
    assert [r["id"] for r in nested] == [4, 2]
    assert notes.count(any_of()) == 0 and notes.count(all_of()) == 4
    with pytest.raises(ValidationError, match="unknown lookup"):
        notes.rows(title__like="%")


def test_count_by_gives_a_dashboard_card_in_one_query(notes):
    assert notes.count_by("status") == {"closed": 1, "open": 3}
    assert notes.count_by("urgent", area_path__under="/LG/PH/BNK/") == {False: 1, True: 1}


def test_rows_in_scope_follow_the_actors_area_and_organisation_posts(platform, notes):
    worker = platform.actor("worker_sx01")  # grid SX01
    assert [r["id"] for r in notes.rows(scope=worker)] == [1]
    dispatcher = platform.actor("dispatcher_sx")  # community SX
    assert sorted(r["id"] for r in notes.rows(scope=dispatcher)) == [1, 2]
    handler = platform.actor("handler_zjj")  # org-scoped post in ZJJ
    assert [r["id"] for r in notes.rows(scope=handler)] == [4]
    assert notes.count(scope=Actor.system()) == 4
    assert notes.count(status="open", scope=worker) == 1


def test_personal_columns_come_back_masked_unless_unmasked_with_a_reason(platform, notes):
    assert {r["phone"] for r in notes.rows()} == {"138****5678"}
    admin = platform.actor("admin")
    with pytest.raises(AccessDenied):
        notes.unmasked(platform, platform.actor("worker_sx01"), "回访", path="/LG/PH/SX/SX01/")
    with pytest.raises(ValidationError, match="reason"):
        notes.unmasked(platform, admin, "  ")
    full = notes.unmasked(platform, admin, "核实联系方式", path="/LG/PH/")
    assert full.get(1)["phone"] == "13812345678"
    assert platform.access_log(admin)[0]["what"] == "table:notes_note"


def test_a_versioned_table_detects_a_stale_form(notes):
    row = notes.get(2)
    assert row["version"] == 1
    notes.update(2, {"status": "closed"}, expected_version=1)
    with pytest.raises(StaleUpdate, match="notes_note 2 was changed by someone else: you had version 1"):
        notes.update(2, {"status": "open"}, expected_version=1)
    assert notes.get(2)["version"] == 2 and notes.get(2)["status"] == "closed"


def test_instants_must_be_aware(notes):
    import datetime as dt

    with pytest.raises(ValidationError, match="no time zone"):
        notes.insert({"id": 9, "title": "x", "status": "open", "area_path": "/LG/", "at": dt.datetime(2026, 11, 1, 9)})
    assert notes.get(1)["at"] == local_time(2026, 11, 1, 10) and notes.get(1)["at"].tzinfo is not None


def test_a_row_by_key_comes_back_decoded_or_not_found(notes):
    from gridgov.core import NotFound

    row = notes.get(4)
    assert (row["title"], row["urgent"], row["phone"]) == ("加装电梯", True, "138****5678")
    assert row["at"] == local_time(2026, 11, 1, 13)
    assert notes.find(4) == row and notes.find(99) is None and notes.find(None) is None
    with pytest.raises(NotFound, match="99"):
        notes.get(99)
