"""CSV/JSON import and export: all-or-nothing imports with one-line errors, masked and
logged exports, and round trips that give back the same records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
from pathlib import Path

import pytest
from cli_support import run
from gridgov.core import (
    Actor,
    DualRegistration,
    Organisation,
    Pairing,
    Platform,
    make_id_number,
    make_uscc,
    mask_id_number,
    mask_phone,
    sample,
)
from gridgov.core import demo_vocabulary as vocab
from gridgov.core.services.transfer_records import KINDS, field_names
from gridgov.core.storage.store import CORE_TABLES
from gridgov.core.testing import Clock
from gridgov.core.workflow import to_row_json

pytestmark = pytest.mark.usefixtures("core_cli_only")

SYSTEM = Actor.system()
ORDER = ("areas", "organisations", "members", "roles", "pairings", "dual-registrations", "issues")


def snapshot(path: str) -> dict[str, list[dict]]:
    with Platform(path) as platform:
        return {t: platform._store.select(t, order_by=k) for t, k in CORE_TABLES.items() if t != "setting"}


def write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


# -- a few hundred Chinese-named records -------------------------------------------------------


def directory(seed: int = 7) -> dict[str, list[dict]]:
    """A district of 325 areas, 300 organisations and 300 members, in shuffled order."""
    rng = random.Random(seed)
    areas = [{"code": "LG", "name": "龙岗区", "level": "district", "parent_code": ""}]
    orgs, grids, communities = [], [], set()
    for s, subdistrict in enumerate(vocab.LONGGANG_SUBDISTRICTS[:4]):
        areas.append({"code": f"S{s}", "name": subdistrict, "level": "subdistrict", "parent_code": "LG"})
        orgs.append({"code": f"S{s}-PC", "name": f"{subdistrict}党工委", "kind": "party_working_committee",
                     "area_code": f"S{s}", "parent_code": "", "uscc": ""})
        for c in range(5):
            community = vocab.community_name(rng, communities)
            ccode = f"S{s}C{c}"
            areas.append({"code": ccode, "name": community, "level": "community", "parent_code": f"S{s}"})
            orgs.append({"code": f"{ccode}-PB", "name": f"{community}党委", "kind": "party_committee",
                         "area_code": ccode, "parent_code": f"S{s}-PC", "uscc": ""})
            for g in range(1, 6):
                gcode = f"{ccode}G{g:02d}"
                grids.append(gcode)
                areas.append({"code": gcode, "name": vocab.grid_name(community, g), "level": "grid", "parent_code": ccode})
                for b in range(1, 3):
                    areas.append({"code": f"{gcode}-B{b}", "name": vocab.building_name(b), "level": "building",
                                  "parent_code": gcode})
    names: set[str] = set()
    for i in range(300 - len(orgs)):
        firm = vocab.enterprise(rng, names)
        orgs.append({"code": f"ENT{i:04d}", "name": firm["name"], "kind": "enterprise", "area_code": rng.choice(grids),
                     "parent_code": "", "uscc": firm["uscc"]})
    members, taken = [], set()
    for _ in range(300):
        name = vocab.person_name(rng)
        members.append({"login": vocab.pinyin_login(name, rng, taken), "name": name, "home_area": rng.choice(grids),
                        "org_code": rng.choice(orgs)["code"] if rng.random() < 0.5 else "",
                        "party_member": rng.choice(["true", "false"]), "phone": vocab.phone(rng),
                        "id_number": vocab.id_number(rng)})
    rng.shuffle(areas)
    rng.shuffle(orgs)
    return {"areas": areas, "organisations": orgs, "members": members}


def test_import_a_chinese_directory_then_list_its_members(tmp_path):
    data = directory()
    assert run("init").exit_code == 0
    for kind in ("areas", "organisations", "members"):
        path = write_csv(tmp_path / f"{kind}.csv", list(data[kind][0]), data[kind])
        result = run("import", kind, str(path))
        assert result.exit_code == 0, result.output
        assert result.stdout == f"imported {len(data[kind])} {kind} from {kind}.csv\n"
    listed = run("member", "list", "--json")
    assert listed.exit_code == 0
    members = {m["login"]: m for m in json.loads(listed.stdout)}
    assert len(members) == 300
    for given in data["members"]:
        got = members[given["login"]]
        assert (got["name"], got["home_area"]) == (given["name"], given["home_area"])
        assert got["phone"] == mask_phone(given["phone"])
        assert got["id_number"] == mask_id_number(given["id_number"])
        assert got["party_member"] == (given["party_member"] == "true")
    with Platform(os.environ["GRIDGOV_DB"]) as platform:
        assert platform.areas.count() == 325
        assert platform.areas.get("S3C4G05-B2").path == "/LG/S3/S3C4/S3C4G05/S3C4G05-B2/"
        assert platform.organisations.get("S2C1-PB").parent_code == "S2-PC"
        in_grid = platform.members.list(SYSTEM, area="S0C0G01", limit=None)
        assert {m.login for m in in_grid} == {m["login"] for m in data["members"] if m["home_area"] == "S0C0G01"}


# -- every kind of bad record leaves the database unchanged -------------------------------------

MEMBERS_HEADER = "login,name,org_code,home_area,phone,id_number,party_member\n"
GOOD_MEMBERS = "zhangsan,张三,ZJJ,SX01,13912345678,,true\nlisi,李四,,SX02,13912345679,,false\n"
AREAS_HEADER = "code,name,level,parent_code\n"
ORGS_HEADER = "code,name,kind,area_code,parent_code,uscc\n"
GOOD_ORG = "SX-ZY,山厦社区志愿者协会,social_organisation,SX,,\n"
ROLES_HEADER = "login,post,area_code,org_code,starts,ends\n"
ISSUES_HEADER = "title,category,area_code,reported_at,status,merged_into\n"
ISSUES_DESCRIBED = "title,description,category,area_code,reported_at,status,merged_into\n"
GOOD_ISSUE = "路面塌陷,road.repair,SX01,2026-10-01T09:00:00,reported,\n"
VALID_ID = make_id_number("440307", dt.date(1990, 1, 1), 123)

BAD_FILES = [
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "wangwu,王五,,SX01,12345,,\n",
     "members.csv line 4: phone: must be an 11-digit mobile number"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "zhangsan,张三丰,,SX01,,,\n",
     "members.csv line 4: login: login zhangsan appears twice (also at members.csv line 2)"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "worker_sx01,王小明,,SX01,,,\n",
     "members.csv line 4: login: login worker_sx01 already exists"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "wangwu,王五,,NOPE,,,\n",
     "members.csv line 4: home_area: unknown area NOPE"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "wangwu,王五,NOPE,SX01,,,\n",
     "members.csv line 4: org_code: unknown organisation NOPE"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "wangwu,王五,,SX01,,,maybe\n",
     "members.csv line 4: party_member: 'maybe' is not true or false"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "wangwu,,,SX01,,,\n",
     "members.csv line 4: name: is required"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "wangwu,王五,,SX01,139****5678,,\n",
     "members.csv line 4: phone: 139****5678 is masked"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + f"wangwu,王五,,SX01,,{VALID_ID[:-1]}0,\n",
     "members.csv line 4: id_number: check character should be"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "Wang Wu,王五,,SX01,,,\n",
     "members.csv line 4: login: 'Wang Wu' must be 2–64 lowercase letters"),
    ("members", "members.csv", "login,name,phon\nzhangsan,张三,13912345678\n",
     "members.csv line 2: phon: unknown field; members have login, name"),
    ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS + "wangwu,王五,,SX01,,,,extra\n",
     "members.csv line 4: row: has more cells than the header"),
    ("members", "members.json", '[{"login": "zhangsan", "name": }]', "members.json line 1: json: Expecting value"),
    ("members", "members.json", '{"login": "zhangsan"}', "members.json: json: must be a list of records"),
    ("members", "members.json", '[{"login": "zhangsan", "name": "张三"}, {"login": "lisi", "name": "李四", "phone": "1"}]',
     "members.json record 2: phone: must be an 11-digit"),
    ("areas", "areas.csv", AREAS_HEADER + "SX03,山厦社区第03网格,grid,SX\nX1,某网格,grid,NOPE\n",
     "areas.csv line 3: parent_code: unknown parent area NOPE"),
    ("areas", "areas.csv", AREAS_HEADER + "SX03,山厦社区第03网格,grid,SX\nA1,甲,community,B1\nB1,乙,community,A1\n",
     "areas.csv line 3: parent_code: cycle: A1 → B1 → A1"),
    ("areas", "areas.csv", AREAS_HEADER + "SX03,山厦社区第03网格,grid,SX\nJD,某街,street,LG\n",
     "areas.csv line 3: level: 'street' is not a level of this deployment"),
    ("areas", "areas.csv", AREAS_HEADER + "SX03,山厦社区第03网格,grid,SX\nG9,网格,grid,SX01-B1\n",
     "areas.csv line 3: level: grid cannot sit under building SX01-B1"),
    ("areas", "areas.csv", AREAS_HEADER + "SX03,山厦社区第03网格,grid,SX\nSX,山厦社区,community,PH\n",
     "areas.csv line 3: code: area SX already exists"),
    ("areas", "areas.csv", AREAS_HEADER + "SX03,山厦社区第03网格,grid,SX\nSX04,网格,grid,SX\nSX03,网格,grid,SX\n",
     "areas.csv line 4: code: area SX03 appears twice (also at areas.csv line 2)"),
    ("organisations", "organisations.csv", ORGS_HEADER + GOOD_ORG + "E1,某公司,enterprise,SX,,91440300MA5DHD0010\n",
     "organisations.csv line 3: uscc: check character should be"),
    ("organisations", "organisations.csv", ORGS_HEADER + GOOD_ORG + "E1,某公司,enterprise,SX,,\n",
     "organisations.csv line 3: uscc: an enterprise needs its unified social credit code"),
    ("organisations", "organisations.csv", ORGS_HEADER + GOOD_ORG + f"E1,某公司,enterprise,SX,,{make_uscc('91440300MA5DHD001')}\n",
     "organisations.csv line 3: uscc: credit code"),
    ("organisations", "organisations.csv", ORGS_HEADER + GOOD_ORG + "S1,小卖部,shop,SX,,\n",
     "organisations.csv line 3: kind: 'shop' is not one of"),
    ("organisations", "organisations.csv", ORGS_HEADER + GOOD_ORG + "S1,支部,party_branch,SX,NOPE,\n",
     "organisations.csv line 3: parent_code: unknown organisation NOPE"),
    ("roles", "roles.csv", ROLES_HEADER + "worker_sx02,grid_worker,SX02,,2026-01-01,\nworker_sx02,captain,SX02,,,\n",
     "roles.csv line 3: post: unknown post captain"),
    ("roles", "roles.csv", ROLES_HEADER + "worker_sx02,grid_worker,SX02,,2026-01-01,\nworker_sx02,grid_worker,SX02,,2026-01-01,2025-01-01\n",
     "roles.csv line 3: ends: 2025-01-01 is before starts 2026-01-01"),
    ("roles", "roles.csv", ROLES_HEADER + "worker_sx02,grid_worker,SX02,,2026-01-01,\nworker_sx02,grid_worker,SX02,,2026-13-01,\n",
     "roles.csv line 3: starts: month must be in 1..12"),
    ("roles", "roles.csv", ROLES_HEADER + "worker_sx02,grid_worker,SX02,,2026-01-01,\nnobody,grid_worker,SX02,,,\n",
     "roles.csv line 3: login: unknown member nobody"),
    ("pairings", "pairings.csv", "kind,org_code,area_code\nbranch_grid,SX-PB01,SX02\nbranch_grid,SX-PB01,SX\n",
     "pairings.csv line 3: area_code: a branch_grid pairing links to a grid or compound, SX is a community"),
    ("dual-registrations", "dual.csv", "login,paired_community,home_community,registered_on\n"
     "leader_sx01,BNK,SX,2026-03-01\nworker_sx02,SX01,SX,2026-03-01\n",
     "dual.csv line 3: paired_community: SX01 is a grid, not a community"),
    ("issues", "issues.csv", ISSUES_HEADER + GOOD_ISSUE + "井盖缺失,no.such,SX01,2026-10-01T09:00:00,reported,\n",
     "issues.csv line 3: category: unknown category no.such"),
    ("issues", "issues.csv", ISSUES_HEADER + GOOD_ISSUE + "井盖缺失,road.repair,NOPE,2026-10-01T09:00:00,reported,\n",
     "issues.csv line 3: area_code: unknown area NOPE"),
    ("issues", "issues.csv", ISSUES_HEADER + GOOD_ISSUE + "井盖缺失,road.repair,SX01,2026-10-01T09:00:00,done,\n",
     "issues.csv line 3: status: 'done' is not a state"),
    ("issues", "issues.csv", "title,category,area_code,reported_at,handling_area\n路面塌陷,road.repair,SX01,2026-10-01T09:00:00,SX\n"
     "井盖缺失,road.repair,SX01,2026-10-01T09:00:00,BNK\n",
     "issues.csv line 3: handling_area: BNK is not SX01 or above it"),
    ("issues", "issues.csv", ISSUES_HEADER + GOOD_ISSUE + "井盖缺失,road.repair,SX01,yesterday,reported,\n",
     "issues.csv line 3: reported_at: Invalid isoformat string"),
    ("issues", "issues.csv", ISSUES_HEADER + GOOD_ISSUE + "井盖缺失,road.repair,SX01,2026-10-01T09:00:00,merged,999\n",
     "issues.csv line 3: merged_into: unknown issue 999"),
    ("issues", "issues.csv", ISSUES_DESCRIBED + '路面塌陷,"雨后\n第二行",road.repair,SX01,2026-10-01T09:00:00,reported,\n'
     + "x,,road.repair,SX01,2026-10-01T09:00:00,reported,abc\n",
     "issues.csv line 4: merged_into: 'abc' is not a whole number"),
]


@pytest.mark.parametrize(("kind", "name", "text", "expected"), BAD_FILES, ids=[c[3].split(":")[0] + ":" + c[3].split(":")[1] for c in BAD_FILES])
def test_a_bad_record_stops_the_import_and_writes_nothing(sample_db, tmp_path, kind, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = snapshot(sample_db)
    result = run("import", kind, str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {expected}"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(sample_db) == before


def test_the_good_versions_of_those_files_import(sample_db, tmp_path):
    cases = [
        ("members", "members.csv", MEMBERS_HEADER + GOOD_MEMBERS, 2),
        ("areas", "areas.csv", AREAS_HEADER + "SX03-B1,1栋,building,SX03\nSX03,山厦社区第03网格,grid,SX\n", 2),
        ("organisations", "organisations.csv", ORGS_HEADER + "SX-ZY2,分会,social_organisation,SX,SX-ZY,\n" + GOOD_ORG, 2),
        ("roles", "roles.csv", ROLES_HEADER + "zhangsan,grid_worker,SX01,,2026-01-01,\n", 1),
        ("pairings", "pairings.csv", "kind,member_login,household,voluntary\nmember_household,zhangsan,SX01-B1-0301,true\n", 1),
        ("issues", "issues.csv", ISSUES_DESCRIBED + '路面塌陷,"雨后\n第二行",road.repair,SX01,2026-10-01T09:00:00,reported,\n', 1),
    ]
    for kind, name, text, count in cases:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = run("import", kind, str(path))
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"imported {count} {kind}")
    with Platform(sample_db) as platform:
        assert platform.areas.get("SX03-B1").path == "/LG/PH/SX/SX03/SX03-B1/"
        assert platform.members.assignments("zhangsan")[0].post == "grid_worker"
        assert platform.issues.list(SYSTEM, search="第二行")[0].description == "雨后\n第二行"


def test_import_needs_the_import_permission(sample_db, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS_HEADER + GOOD_MEMBERS, encoding="utf-8")
    before = snapshot(sample_db)
    result = run("import", "members", str(path), "--as", "worker_sx01")
    assert result.exit_code == 3
    assert result.stderr == "error: worker_sx01 lacks data.import\n"
    assert snapshot(sample_db) == before


def test_format_comes_from_the_option_or_the_file_name(sample_db, tmp_path):
    path = tmp_path / "members.txt"
    path.write_text(MEMBERS_HEADER + GOOD_MEMBERS, encoding="utf-8")
    unknown = run("import", "members", str(path))
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: format: cannot tell the format of members.txt")
    assert run("import", "members", str(path), "--format", "csv").exit_code == 0
    missing = run("import", "members", str(tmp_path / "gone.csv"))
    assert missing.exit_code == 2
    assert "file: does not exist" in missing.stderr


# -- export: masking and the access log --------------------------------------------------------


def access_log(path: str) -> list[tuple[str, str, str]]:
    with Platform(path) as platform:
        return [(e["actor"], e["what"], e["reason"]) for e in platform._store.select("access_log", order_by="id")]


def test_export_masks_personal_data_and_logs_every_export(sample_db, tmp_path):
    masked = run("export", "members")
    assert masked.exit_code == 0, masked.output
    rows = {r["login"]: r for r in csv.DictReader(io.StringIO(masked.stdout))}
    assert list(rows["worker_sx01"]) == field_names(KINDS["members"])
    assert rows["worker_sx01"]["phone"] == "138****0005"
    assert access_log(sample_db) == [("system", "export:members scope=/", "export")]

    out = tmp_path / "members.json"
    full = run("export", "members", "--output", str(out), "--unmask", "--reason", "年度备份", "--as", "admin")
    assert full.exit_code == 0, full.output
    assert full.stderr == f"exported 12 members to {out}\n"
    records = {r["login"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert records["worker_sx01"]["phone"] == "13800000005"
    assert access_log(sample_db)[-1] == ("admin", "export:members scope=/", "年度备份")


def test_refused_exports_leave_no_file_and_no_log(sample_db, tmp_path):
    out = tmp_path / "members.csv"
    no_reason = run("export", "members", "--unmask", "--output", str(out))
    assert no_reason.exit_code == 2
    assert no_reason.stderr == "error: --reason: --unmask needs a reason\n"
    denied = run("export", "members", "--output", str(out), "--as", "worker_sx01")
    assert denied.exit_code == 3
    assert denied.stderr == "error: worker_sx01 lacks data.export\n"
    assert not out.exists()
    assert access_log(sample_db) == []


def test_export_masks_the_requesters_phone(sample_db):
    with Platform(sample_db) as platform:
        platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="noise", title="夜间施工噪声",
                               requester_phone="13912345678")
    records = json.loads(run("export", "issues", "--format", "json").stdout)
    assert records[0]["requester_phone"] == "139****5678"
    assert records[0]["title"] == "夜间施工噪声"


# -- round trips ---------------------------------------------------------------------------------


def populated(path: Path) -> str:
    """The sample plus one record of each remaining shape: profiles, households, dual
    registration, ID numbers, and issues in several states."""
    clock = Clock()
    with Platform(path, clock=clock) as platform:
        sample.build(platform)
        platform.organisations.add(SYSTEM, Organisation(code="SX-YWH", name="山厦花园业主委员会", kind="owners_committee",
                                                        area_code="SX", profile={"联系人": "李经理", "届次": 2}))
        platform.members.update(SYSTEM, "worker_sx01", id_number=VALID_ID)
        platform.pairings.add(SYSTEM, Pairing(kind="member_household", member_login="head_sx01b1", household="SX01-B1-0301",
                                              voluntary=True, starts=dt.date(2026, 2, 1), commitments="每月走访"))
        platform.members.register_dual(SYSTEM, DualRegistration(login="leader_sx01", paired_community="BNK",
                                                                home_community="SX", registered_on=dt.date(2026, 3, 1)))
        worker, dispatcher, handler = (platform.actor(x) for x in ("worker_sx01", "dispatcher_sx", "handler_zjj"))
        closed = platform.issues.report(worker, area="SX01-B1", category="road.repair", title="路面塌陷",
                                        requester_name="王先生", requester_phone="13912345678", payload={"照片": 2})
        for action, actor, extra in (("register", dispatcher, {}), ("dispatch", dispatcher, {"org": "ZJJ"}),
                                     ("accept", handler, {}), ("resolve", handler, {"note": "已修复"}),
                                     ("verify", worker, {}), ("close", dispatcher, {"rating": "satisfied"})):
            clock.advance(hours=2)
            platform.issues.act(actor, closed.id, action, **extra)
        master = platform.issues.report(worker, area="SX01", category="noise", title="夜间施工噪声")
        duplicate = platform.issues.report(worker, area="SX01", category="noise", title="夜间施工噪声扰民")
        platform.issues.act(dispatcher, duplicate.id, "merge", merge_into=master.id)
        platform.issues.act(dispatcher, master.id, "register")
        platform.issues.act(dispatcher, master.id, "dispatch", member="handler_sxwy")
    return str(path)


def exported(path: str, kind: str) -> list[dict]:
    with Platform(path) as platform:
        return list(platform.transfer.export(SYSTEM, kind, unmask_reason="test"))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_an_empty_database_gives_the_same_records(tmp_path, fmt):
    source = populated(tmp_path / "source.db")
    target = str(tmp_path / "target.db")
    for kind in ORDER:
        out = tmp_path / f"{kind}.{fmt}"
        result = run("--db", source, "export", kind, "--output", str(out), "--unmask", "--reason", "迁移")
        assert result.exit_code == 0, result.output
        loaded = run("--db", target, "import", kind, str(out))
        assert loaded.exit_code == 0, loaded.output
    for kind in ORDER:
        before, after = exported(source, kind), exported(target, kind)
        assert len(before) > 0, kind
        if kind == "issues":
            assert [r["version"] for r in after] == [1] * len(after)
            before = [{k: v for k, v in r.items() if k != "version"} for r in before]
            after = [{k: v for k, v in r.items() if k != "version"} for r in after]
        assert after == before, kind
    with Platform(target) as platform:
        for issue_id in (1, 2, 3):
            stored = platform.issues.find_raw(issue_id)
            assert platform.issues.replay(Actor.system(), issue_id, unmask_reason="integrity check") == stored
            events = platform._store.events(issue_id)
            assert [(e["action"], json.loads(e["metrics"])) for e in events] == [("import", {"received": 1})]
            assert events[0]["changes"] == to_row_json(json.loads(events[0]["changes"]))  # the workflow's text
        assert platform.metrics.for_area(SYSTEM, "LG").counts["received"] == 3
        assert platform.metrics.for_area(SYSTEM, "SX01").counts["received"] == 3
        assert platform.metrics.for_area(SYSTEM, "BNK").counts["received"] == 0
        assert [i.id for i in platform.issues.list(platform.actor("handler_sxwy"))] == [2]


def test_imported_issues_keep_their_ids_and_get_their_place_from_the_tree(sample_db, tmp_path):
    with Platform(sample_db) as platform:
        platform.issues.report(platform.actor("worker_sx01"), area="SX01", category="noise", title="已有案件")
    base = {"category": "road.repair", "area_code": "SX01-B1", "reported_at": "2026-10-01T09:00:00"}
    records = [
        {**base, "id": 50, "title": "空闲编号"},
        {**base, "title": "没有编号，合并到50", "status": "merged", "merged_into": 50},
        {**base, "id": 7, "title": "合并到已有的1号", "status": "merged", "merged_into": 1},
        {**base, "id": 8, "title": "合并到文件里的50号", "status": "merged", "merged_into": 50},
    ]
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    result = run("import", "issues", str(path))
    assert result.exit_code == 0, result.output
    with Platform(sample_db) as platform:
        by_title = {i.title: i for i in platform.issues.iter_all(Actor.system(), unmask_reason="integrity check")}
        assert by_title["空闲编号"].id == 50
        assert (by_title["没有编号，合并到50"].id, by_title["没有编号，合并到50"].merged_into) == (51, 50)
        assert (by_title["合并到已有的1号"].id, by_title["合并到已有的1号"].merged_into) == (7, 1)
        assert (by_title["合并到文件里的50号"].id, by_title["合并到文件里的50号"].merged_into) == (8, 50)
        assert by_title["空闲编号"].handling_area == "SX01"
        assert by_title["空闲编号"].level == "grid"
        assert by_title["空闲编号"].area_path == "/LG/PH/SX/SX01/SX01-B1/"
        for issue in by_title.values():
            assert platform.issues.replay(Actor.system(), issue.id, unmask_reason="integrity check") == platform.issues.find_raw(issue.id)
        day = dt.date(2026, 10, 1)
        counts = platform.metrics.for_area(SYSTEM, "SX", since=day, until=day + dt.timedelta(days=1)).counts
        assert counts["received"] == 4


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from gridgov.core.cli.transfer_cmds import _Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr("sys.stderr", stream)
        progress = _Progress("importing members")
        for done in (0, 500, 1000):
            progress(done, 1000)
        progress.close()
        assert ("importing members" in stream.getvalue()) is shown


def test_import_reports_progress_in_order(sample_db):
    rows = [(f"m.csv line {i + 2}", {"login": f"user{i:03d}", "name": f"用户{i}", "home_area": "SX01"}) for i in range(2500)]
    calls: list[tuple[int, int]] = []
    with Platform(sample_db) as platform:
        count = platform.transfer.import_records(SYSTEM, "members", rows, progress=lambda d, t: calls.append((d, t)))
    assert count == 2500
    assert calls[-1] == (2500, 2500)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_the_fast_row_encoding_matches_the_workflows(tmp_path):
    from gridgov.core.services.transfer_records import RECEIVED, encoded_row, fast_issue_row
    from gridgov.core.workflow import event_row, issue_row, to_row_json

    with Platform(populated(tmp_path / "source.db")) as platform:
        for issue in platform.issues.iter_all(Actor.system(), unmask_reason="integrity check"):
            assert fast_issue_row(issue) == issue_row(issue)
            for event in platform.issues.events(SYSTEM, issue.id):
                assert {**encoded_row(event), "metrics": to_row_json(RECEIVED)} == event_row(event, RECEIVED)
