"""Imports refuse what a careless file gets wrong: stray quotes that swallow rows, columns or
keys named twice, impossible times and counts, ids named twice or already taken, numbers
SQLite cannot hold and fields no record needs. Each refusal is one line naming the file, the
line, the field and the reason, and nothing is written."""

from __future__ import annotations

import json

import pytest
from cli_support import run
from gridgov.core import Actor, Platform
from gridgov.core.storage.store import CORE_TABLES

pytestmark = pytest.mark.usefixtures("core_cli_only")

ISSUE = {"category": "road.repair", "area_code": "SX01-B1", "reported_at": "2026-10-01T09:00:00"}


def snapshot(path: str) -> dict[str, list[dict]]:
    with Platform(path) as platform:
        return {t: platform._store.select(t, order_by=k) for t, k in CORE_TABLES.items() if t != "setting"}


def refused(db: str, path, kind: str, expected: str, *options: str) -> None:
    before = snapshot(db)
    result = run("import", kind, str(path), *options)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {expected}"), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert snapshot(db) == before


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def issues_json(tmp_path, records: list[dict]):
    return write(tmp_path, "issues.json", json.dumps(records, ensure_ascii=False))


# -- 3: a stray quote --------------------------------------------------------------------------


STRAY = [
    ("members.csv", "members", 'login,name,id_number\nfz_a,张三,\nfz_b,"李四,44030700100101\nfz_c,王五,\n',
     "members.csv line 3: name: the quote opened on this line runs across 2 lines"),
    ("members.csv", "members", 'login,name,home_area\nfz_a,张三,SX01\nfz_b,"李四,SX01\nfz_c,王五",SX01\n',
     "members.csv line 3: name: the quote opened on this line runs across 2 lines"),
    ("issues.csv", "issues", 'title,description,category,area_code,reported_at\n'
     '标题,"第一行\n第二行",road.repair,"SX01,2026-10-01T09:00:00\n'
     '下一条,,road.repair,SX01,2026-10-01T09:00:00\n',
     "issues.csv line 3: area_code: the quote opened on this line runs across 2 lines"),
]


@pytest.mark.parametrize(("name", "kind", "text", "expected"), STRAY, ids=["unclosed", "closed later", "later column"])
def test_a_stray_quote_that_swallows_rows_is_refused_where_it_opened(sample_db, tmp_path, name, kind, text, expected):
    refused(sample_db, write(tmp_path, name, text), kind, expected)


def test_text_columns_keep_their_line_breaks(sample_db, tmp_path):
    path = write(tmp_path, "issues.csv", 'title,description,category,area_code,reported_at\n'
                 '积水,"第一行\n第二行\r\n第三行",road.repair,SX01,2026-10-01T09:00:00\n')
    assert run("import", "issues", str(path)).exit_code == 0
    with Platform(sample_db) as platform:
        assert next(platform.issues.iter_all(Actor.system())).description == "第一行\n第二行\r\n第三行"


# -- 4: duplicates, impossible times and counts -----------------------------------------------------


def test_a_header_that_names_a_column_twice_is_refused(sample_db, tmp_path):
    path = write(tmp_path, "members.csv", "login,name,login\nzhangsan,张三,lisi\n")
    refused(sample_db, path, "members", "members.csv line 1: login: the header names this column twice")


def test_a_json_record_that_names_a_key_twice_is_refused(sample_db, tmp_path):
    path = write(tmp_path, "members.json", '[{"login": "zhangsan", "name": "张三"},\n'
                 ' {"login": "lisi", "name": "李四", "login": "wangwu"}]')
    refused(sample_db, path, "members", "members.json record 2: login: the record names this key twice")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"reported_at": "2099-10-01T09:00:00"}, "reported_at: 2099-10-01 09:00:00+08:00 is in the future"),
    ({"closed_at": "2099-10-01T09:00:00", "status": "closed"}, "closed_at: 2099-10-01 09:00:00+08:00 is in the future"),
    ({"rework_count": -3}, "rework_count: must be a whole number ≥ 0, got -3"),
    ({"return_count": "-1"}, "return_count: must be a whole number ≥ 0, got -1"),
    ({"closed_at": "2026-09-30T09:00:00", "status": "closed"},
     "closed_at: 2026-09-30 09:00:00+08:00 is before reported_at 2026-10-01 09:00:00+08:00"),
    ({"registered_at": "2026-10-02T09:00:00", "dispatched_at": "2026-10-01T12:00:00", "status": "dispatched"},
     "dispatched_at: 2026-10-01 12:00:00+08:00 is before registered_at 2026-10-02 09:00:00+08:00"),
    ({"accepted_at": "2026-10-03T09:00:00", "resolved_at": "2026-10-02T09:00:00", "status": "resolved"},
     "resolved_at: 2026-10-02 09:00:00+08:00 is before accepted_at 2026-10-03 09:00:00+08:00"),
    ({"id": 0}, "id: 0 is not a record id (a whole number from 1 to 9223372036854775807)"),
], ids=["future report", "future close", "negative rework", "negative returns", "closed before reported",
        "dispatched before registered", "resolved before accepted", "id zero"])
def test_impossible_times_and_counts_are_refused(sample_db, tmp_path, changes, expected):
    records = [{**ISSUE, "title": "好的"}, {**ISSUE, "title": "坏的", **changes}]
    refused(sample_db, issues_json(tmp_path, records), "issues", f"issues.json record 2: {expected}")


def test_an_id_named_twice_in_the_file_is_refused(sample_db, tmp_path):
    records = [{**ISSUE, "id": 50, "title": "甲"}, {**ISSUE, "id": 51, "title": "乙"}, {**ISSUE, "id": 50, "title": "丙"}]
    refused(sample_db, issues_json(tmp_path, records), "issues",
            "issues.json record 3: id: issue 50 appears twice (also at issues.json record 1)")


def test_an_id_that_already_exists_is_refused(sample_db, tmp_path):
    with Platform(sample_db) as platform:
        platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="noise", title="已有案件")
    records = [{**ISSUE, "id": 50, "title": "甲"}, {**ISSUE, "id": 1, "title": "乙"}]
    refused(sample_db, issues_json(tmp_path, records), "issues",
            "issues.json record 2: id: issue 1 already exists (give --renumber to import it under a new id)")


def test_role_ids_are_checked_the_same_way(sample_db, tmp_path):
    path = write(tmp_path, "roles.csv", "id,login,post,area_code\n1,worker_sx02,viewer,SX02\n")
    refused(sample_db, path, "roles", "roles.csv line 2: id: role assignment 1 already exists")


def test_renumber_gives_taken_and_repeated_ids_new_numbers(sample_db, tmp_path):
    with Platform(sample_db) as platform:
        platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="noise", title="已有案件")
    records = [
        {**ISSUE, "id": 1, "title": "编号已被占用"},
        {**ISSUE, "id": 50, "title": "空闲编号"},
        {**ISSUE, "title": "没有编号，合并到50", "status": "merged", "merged_into": 50},
        {**ISSUE, "id": 7, "title": "合并到文件里的1号", "status": "merged", "merged_into": 1},
        {**ISSUE, "id": 50, "title": "文件里重复的50"},
    ]
    result = run("import", "issues", str(issues_json(tmp_path, records)), "--renumber")
    assert result.exit_code == 0, result.output
    with Platform(sample_db) as platform:
        by_title = {i.title: i for i in platform.issues.iter_all(Actor.system())}
        assert by_title["已有案件"].id == 1
        assert by_title["编号已被占用"].id == 2
        assert by_title["空闲编号"].id == 50
        assert (by_title["没有编号，合并到50"].id, by_title["没有编号，合并到50"].merged_into) == (51, 50)
        assert (by_title["合并到文件里的1号"].id, by_title["合并到文件里的1号"].merged_into) == (7, 2)
        assert by_title["文件里重复的50"].id == 52
        for issue in by_title.values():
            assert platform.issues.replay(Actor.system(), issue.id) == platform.issues.get(Actor.system(), issue.id)


def test_records_without_ids_never_take_an_id_given_further_down(sample_db, tmp_path):
    records = [{**ISSUE, "title": "没有编号"}, {**ISSUE, "id": 1, "title": "一号"}, {**ISSUE, "id": 2, "title": "二号"}]
    result = run("import", "issues", str(issues_json(tmp_path, records)))
    assert result.exit_code == 0, result.output
    with Platform(sample_db) as platform:
        assert {i.title: i.id for i in platform.issues.iter_all(Actor.system())} == {"一号": 1, "二号": 2, "没有编号": 3}


def test_a_merge_into_a_later_record_of_the_file_resolves(sample_db, tmp_path):
    records = [{**ISSUE, "id": 10, "title": "重复", "status": "merged", "merged_into": 11}, {**ISSUE, "id": 11, "title": "主案"}]
    assert run("import", "issues", str(issues_json(tmp_path, records))).exit_code == 0
    loop = [{**ISSUE, "id": 20, "title": "甲", "status": "merged", "merged_into": 21},
            {**ISSUE, "id": 21, "title": "乙", "status": "merged", "merged_into": 20}]
    refused(sample_db, issues_json(tmp_path, loop), "issues", "issues.json record 1: merged_into: cycle: 20 → 21 → 20")
    missing = [{**ISSUE, "id": 30, "title": "甲", "status": "merged", "merged_into": 31}, {**ISSUE, "id": 32, "title": "乙"}]
    refused(sample_db, issues_json(tmp_path, missing), "issues", "issues.json record 1: merged_into: unknown issue 31")


def test_import_help_documents_renumber_and_the_zone(sample_db):
    text = run("import", "--help").stdout
    assert "--renumber" in text
    assert "Asia/Shanghai" in text


# -- 5: numbers and fields that end in a traceback -------------------------------------------------


def test_an_id_sqlite_cannot_hold_is_refused(sample_db, tmp_path):
    csv_path = write(tmp_path, "issues.csv", "id,title,category,area_code,reported_at\n"
                     f"{2**63},积水,road.repair,SX01,2026-10-01T09:00:00\n")
    refused(sample_db, csv_path, "issues",
            f"issues.csv line 2: id: {2**63} is not a record id (a whole number from 1 to 9223372036854775807)")
    refused(sample_db, issues_json(tmp_path, [{**ISSUE, "id": 2**64, "title": "积水"}]), "issues",
            f"issues.json record 1: id: {2**64} is not a record id")
    areas = write(tmp_path, "areas.json", json.dumps([{"code": "SX09", "name": "网格", "level": "grid",
                                                        "parent_code": "SX", "population": 2**70}]))
    refused(sample_db, areas, "areas", f"areas.json record 1: population: {2**70} is too large")


def test_a_ten_megabyte_field_is_refused_with_its_line_and_field(sample_db, tmp_path):
    big = "长" * (10 * 1024 * 1024)
    path = write(tmp_path, "issues.csv", "title,category,area_code,reported_at\n积水,road.repair,SX01,2026-10-01T09:00:00\n"
                 f'"{big}",road.repair,SX01,2026-10-01T09:00:00\n')
    refused(sample_db, path, "issues", "issues.csv line 3: title: is larger than 1 MB, the most a CSV field may hold")
    unquoted = write(tmp_path, "members.csv", f"login,name,home_area\nzhangsan,张三,SX01\nlisi,{big},SX01\n")
    refused(sample_db, unquoted, "members", "members.csv line 3: name: is larger than 1 MB")
