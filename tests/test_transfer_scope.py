"""Scoped import and export: an administrator over one part of the tree moves only the
records that lie there, and grants no post that carries more than he holds himself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from cli_support import run
from gridgov.core import AccessDenied, Actor, Grant, Member, Platform, RoleAssignment
from gridgov.core.services.transfer_records import KINDS

pytestmark = pytest.mark.usefixtures("core_cli_only")

SYSTEM = Actor.system()


@pytest.fixture
def scoped_db(sample_db) -> str:
    """The sample plus an administrator over the SX community and one case in each community."""
    with Platform(sample_db) as platform:
        platform.members.add(SYSTEM, Member(login="admin_sx", name="社区管理员", home_area="SX"))
        platform.members.assign(SYSTEM, RoleAssignment(login="admin_sx", post="admin", area_code="SX",
                                                       starts=dt.date(2026, 1, 1)))
        platform.members.add(SYSTEM, Member(login="resident_bnk", name="白泥坑居民", home_area="BNK01"))
        platform.members.add(SYSTEM, Member(login="staff_zjj", name="住建局职员", org_code="ZJJ", home_area="SX01"))
        platform.issues.report(platform.actor("worker_sx01"), area="SX01-B1", category="road.repair", title="山厦的案件")
        platform.issues.report(platform.actor("worker_bnk01"), area="BNK01", category="road.repair", title="白泥坑的案件")
    return sample_db


def exported(kind: str, login: str) -> list[dict]:
    result = run("export", kind, "--format", "json", "--as", login)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_an_export_returns_only_the_rows_inside_the_export_scope(scoped_db):
    assert {a["code"] for a in exported("areas", "admin_sx")} == {"SX01", "SX02", "SX01-B1", "SX01-B2", "SX02-B1"}
    assert {o["code"] for o in exported("organisations", "admin_sx")} == {"SXWY", "SX-PB01", "SX-PB02", "ENT-HD"}
    members = {m["login"] for m in exported("members", "admin_sx")}
    assert {"worker_sx01", "leader_sx01", "admin_sx", "dispatcher_sx"} <= members
    # Home in BNK01; or seated with an agency of the whole district: outside the community.
    assert not members & {"resident_bnk", "worker_bnk01", "staff_zjj", "admin", "handler_zjj"}
    assert {(r["login"], r["area_code"] or r["org_code"]) for r in exported("roles", "admin_sx")} == {
        ("admin_sx", "SX"), ("dispatcher_sx", "SX"), ("leader_sx01", "SX01"), ("worker_sx01", "SX01"),
        ("worker_sx02", "SX02"), ("head_sx01b1", "SX01-B1"), ("handler_sxwy", "SXWY")}
    assert {p["area_code"] for p in exported("pairings", "admin_sx")} == {"SX01", "SX02"}
    assert [i["title"] for i in exported("issues", "admin_sx")] == ["山厦的案件"]
    assert len(exported("issues", "admin")) == 2  # the district's admin: everything


def test_the_access_log_says_which_scope_was_exported(scoped_db):
    exported("issues", "admin_sx")
    run("export", "issues")
    with Platform(scoped_db) as platform:
        log = [(e["actor"], e["what"]) for e in platform._store.select("access_log", order_by="id")]
    assert log == [("admin_sx", "export:issues scope=/LG/PH/SX/"), ("system", "export:issues scope=/")]


def import_as(login: str, kind: str, name: str, text: str, tmp_path):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run("import", kind, str(path), "--as", login)


OUTSIDE = [
    ("areas", "areas.csv", "code,name,level,parent_code\nSX03,网格,grid,SX\nBNK02,网格,grid,BNK\n",
     "areas.csv line 3: parent_code: BNK lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
    ("areas", "areas.csv", "code,name,level,parent_code\nSX03,网格,grid,SX\nNEW,新区,district,\n",
     "areas.csv line 3: parent_code: a root area needs data.import over the whole tree"),
    ("organisations", "orgs.csv", "code,name,kind,area_code\nSX-ZY,志愿者协会,social_organisation,SX01\n"
     "BNK-ZY,志愿者协会,social_organisation,BNK01\n",
     "orgs.csv line 3: area_code: BNK01 lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
    ("organisations", "orgs.csv", "code,name,kind,area_code\nSX-ZY,志愿者协会,social_organisation,SX01\n"
     "FREE,无驻地协会,social_organisation,\n",
     "orgs.csv line 3: area_code: an organisation without a seat area needs data.import over the whole tree"),
    ("members", "members.csv", "login,name,home_area,org_code\nzhang,张三,SX01,\nli,李四,BNK01,\n",
     "members.csv line 3: home_area: BNK01 lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
    ("members", "members.csv", "login,name,home_area,org_code\nzhang,张三,SX01,\nli,李四,SX01,ZJJ\n",
     "members.csv line 3: org_code: ZJJ (seated in LG) lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
    ("members", "members.csv", "login,name,home_area,org_code\nzhang,张三,SX01,\nli,李四,,\n",
     "members.csv line 3: home_area: a member with no home area and no organisation needs data.import over the whole tree"),
    ("roles", "roles.csv", "login,post,area_code,org_code\nworker_sx02,viewer,SX02,\nworker_sx02,viewer,BNK01,\n",
     "roles.csv line 3: area_code: BNK01 lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
    ("roles", "roles.csv", "login,post,area_code,org_code\nworker_sx02,viewer,SX02,\nworker_sx02,handler,,ZJJ\n",
     "roles.csv line 3: org_code: ZJJ (seated in LG) lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
    ("pairings", "pairings.csv", "kind,org_code,member_login,area_code,household\nbranch_grid,SX-PB01,,SX02,\n"
     "branch_grid,BNK-PB01,,BNK01,\n",
     "pairings.csv line 3: area_code: BNK01 lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
    ("pairings", "pairings.csv", "kind,org_code,member_login,area_code,household\nbranch_grid,SX-PB01,,SX02,\n"
     "member_household,,worker_bnk01,,BNK01-B1-0101\n",
     "pairings.csv line 3: member_login: worker_bnk01's home area BNK01 lies outside admin_sx's data.import scope"),
    ("dual-registrations", "dual.csv", "login,paired_community,home_community,registered_on\n"
     "worker_sx02,SX,BNK,2026-03-01\n",
     "dual.csv line 2: home_community: BNK lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
    ("issues", "issues.csv", "title,category,area_code,reported_at\n积水,road.repair,SX01,2026-10-01T09:00:00\n"
     "积水,road.repair,BNK01,2026-10-01T09:00:00\n",
     "issues.csv line 3: area_code: BNK01 lies outside admin_sx's data.import scope (/LG/PH/SX/)"),
]


@pytest.mark.parametrize(("kind", "name", "text", "expected"), OUTSIDE, ids=[c[3].split(": ", 2)[1] + " " + c[0] for c in OUTSIDE])
def test_an_import_refuses_a_record_outside_the_import_scope(scoped_db, tmp_path, kind, name, text, expected):
    with Platform(scoped_db) as platform:
        before = platform._store.count(KINDS[kind].table)
    result = import_as("admin_sx", kind, name, text, tmp_path)
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"error: {expected}"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    with Platform(scoped_db) as platform:
        assert platform._store.count(KINDS[kind].table) == before


def test_the_same_files_inside_the_scope_import(scoped_db, tmp_path):
    for kind, name, text in [
        ("areas", "areas.csv", "code,name,level,parent_code\nSX03,网格,grid,SX\nSX03-B1,1栋,building,SX03\n"),
        ("members", "members.csv", "login,name,home_area,org_code\nzhang,张三,SX01,SXWY\n"),
        ("roles", "roles.csv", "login,post,area_code,org_code\nzhang,grid_worker,SX03,\nzhang,handler,,SXWY\n"),
        ("issues", "issues.csv", "title,category,area_code,reported_at\n积水,road.repair,SX03,2026-10-01T09:00:00\n"),
    ]:
        result = import_as("admin_sx", kind, name, text, tmp_path)
        assert result.exit_code == 0, result.output


def test_the_district_admin_may_add_a_root_area_as_he_holds_every_root(scoped_db, tmp_path):
    result = import_as("admin", "areas", "areas.csv", "code,name,level,parent_code\nNEW,新区,district,\n", tmp_path)
    assert result.exit_code == 0, result.output


CLERK = Actor(login="clerk_sx", name="社区文员", grants=(
    Grant(post="clerk", permissions=frozenset({"data.import", "issue.read", "metrics.read"}), area_code="SX",
          area_path="/LG/PH/SX/"),
))


def test_an_import_grants_no_post_with_more_than_the_importer_holds(scoped_db):
    rows = [("roles.csv line 2", {"login": "worker_sx02", "post": "viewer", "area_code": "SX02"}),
            ("roles.csv line 3", {"login": "worker_sx02", "post": "grid_worker", "area_code": "SX02"})]
    with Platform(scoped_db) as platform:
        before = platform._store.count("role_assignment")
        with pytest.raises(AccessDenied) as refused:
            platform.transfer.import_records(CLERK, "roles", rows)
        assert str(refused.value).startswith(
            "roles.csv line 3: post: grid_worker carries issue.attach, which clerk_sx does not hold over SX02")
        assert platform._store.count("role_assignment") == before
        assert platform.transfer.import_records(CLERK, "roles", rows[:1]) == 1
        admin_row = [("roles.csv line 2", {"login": "worker_sx02", "post": "admin", "area_code": "SX02"})]
        with pytest.raises(AccessDenied, match=r"post: admin carries \*, which clerk_sx does not hold over SX02"):
            platform.transfer.import_records(CLERK, "roles", admin_row)


def test_an_export_refused_without_any_export_scope_leaves_no_log(scoped_db):
    with Platform(scoped_db) as platform:
        with pytest.raises(AccessDenied, match="clerk_sx lacks data.export"):
            platform.transfer.export(CLERK, "members")
        assert platform._store.count("access_log") == 0


def test_a_scoped_csv_export_holds_only_its_rows(scoped_db, tmp_path):
    out = run("export", "issues", "--as", "admin_sx")
    assert out.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["title"] for r in rows] == ["山厦的案件"]
