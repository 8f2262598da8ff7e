"""Plans from a deployment: read through the public services, stored with explanations
and the rotation diff against last year's stored plan, applied as core pairings in one
transaction (all or nothing), through the CLI too."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from assessment_oracle import plan_problems
from gridgov.core import AccessDenied, Actor, Member, ValidationError
from gridgov.plugins.assessment.planner import PlanInfeasible
from gridgov.plugins.assessment.plans import PlanService

SYSTEM = Actor.system()


@pytest.fixture
def platform(gridgov_platform):
    for code, households in (("SX01", 300), ("SX02", 320), ("BNK01", 280)):
        gridgov_platform.areas.update(SYSTEM, code, households=households)
    homes = ["SX01-B1", "SX01-B2", "SX02-B1", "BNK01-B1"]
    for i in range(6):
        gridgov_platform.members.add(SYSTEM, Member(login=f"pm{i}", name=f"党员{i}", org_code="SX-PB01",
                                                    party_member=True, in_service=True, home_area=homes[i % 4]))
    return gridgov_platform


@pytest.fixture
def service(platform):
    return PlanService(platform)


def test_the_input_comes_from_the_deployment(service):
    request, previous_id = service.build_input(2027)
    assert previous_id is None
    assert {u.code: u.kind for u in request.units} == {"ZJJ": "agency", "CGJ": "agency", "SX-PB01": "branch",
                                                       "SX-PB02": "branch", "BNK-PB01": "branch"}
    homes = {u.code: u.home for u in request.units if u.kind == "branch"}
    assert homes == {"SX-PB01": "SX", "SX-PB02": "SX", "BNK-PB01": "BNK"}  # where each served last year
    assert {a.code: a.households for a in request.areas if a.level in ("subdistrict", "grid")} == {
        "PH": 900, "SX01": 300, "SX02": 320, "BNK01": 280}
    assert sorted(m.login for m in request.members) == [f"pm{i}" for i in range(6)]
    assert ("SX-PB01", "SX01", "unit") in {(k.subject, k.area, k.kind) for k in request.previous}


def test_a_plan_is_stored_with_explanations_and_its_diff(platform, service):
    stored, result = service.make(SYSTEM, 2027)
    request, _ = service.build_input(2027)
    assert plan_problems(request, result) == []
    assert stored.status == "draft" and stored.year == 2027
    links = service.plan_links(SYSTEM, stored.id, kind="unit")
    assert len(links) == len(result.unit_links) == 5
    assert all(k["explanation"].startswith(f"{k['subject']} → {k['area_code']}: ") for k in links)
    members = service.plan_links(SYSTEM, stored.id, kind="member")
    assert len(members) == 6 and all(m["area_code"].startswith("SX0") or m["area_code"].startswith("BNK")
                                     for m in members)
    counts = service.diff_counts(SYSTEM, stored.id)["unit"]
    assert counts == {"kept": 4, "new": 1}  # CGJ had no subdistrict last year
    branch = {r["subject"]: r["change"] for r in service.diff(SYSTEM, stored.id, kind="unit") if r["rule"] == "branch-grid"}
    assert branch == {"SX-PB01": "kept", "SX-PB02": "kept", "BNK-PB01": "kept"}  # rotation: keep, nothing asked otherwise
    assert service.diff_counts(SYSTEM, stored.id)["member"] == {"new": 6}


@pytest.mark.gridgov_engines
def test_applying_writes_the_pairings_once_and_the_next_year_diffs_against_it(platform, service):
    before = platform.pairings.count()
    stored, result = service.make(SYSTEM, 2027)
    applied = service.apply(SYSTEM, stored.id)
    written = len(result.unit_links) + len(result.member_links)
    assert (applied.status, applied.pairings) == ("applied", written)
    assert platform.pairings.count() == before + written
    new = [p for p in platform.pairings.list(SYSTEM, kind="branch_grid") if p.starts == dt.date(2027, 1, 1)]
    assert len(new) == 3 and all(p.ends == dt.date(2027, 12, 31) for p in new)
    assert len([p for p in platform.pairings.list(SYSTEM, kind="member_building") if p.starts == dt.date(2027, 1, 1)]) == 6
    with pytest.raises(ValidationError, match="only a draft can be applied"):
        service.apply(SYSTEM, stored.id)
    again, _ = service.make(SYSTEM, 2027)
    with pytest.raises(ValidationError, match=f"plan {stored.id} is already applied for 2027"):
        service.apply(SYSTEM, again.id)

    service.set_wish(SYSTEM, 2028, "SX-PB01", prefer=["SX02"])
    later, result = service.make(SYSTEM, 2028)
    _, previous_id = service.build_input(2028)
    assert previous_id == stored.id  # last year's stored plan, not the core's pairings
    rotated = service.diff(SYSTEM, later.id, change="rotated", kind="unit")
    assert [(r["subject"], r["before_area"], r["after_area"]) for r in rotated] == [("SX-PB01", "SX01", "SX02"),
                                                                                   ("SX-PB02", "SX02", "SX01")]
    why = {r["subject"]: r["why"] for r in rotated}
    assert why["SX-PB01"].startswith("now SX02: wish #1 of 1 (area SX02)")
    moved = service.diff(SYSTEM, later.id, kind="member")
    assert {r["after_area"] for r in moved} == {"SX02-B1"} and {r["change"] for r in moved} == {"rotated"}


@pytest.mark.gridgov_engines
def test_applying_is_all_or_nothing(platform, service, monkeypatch):
    stored, _ = service.make(SYSTEM, 2027)
    before = platform.pairings.count()
    real, calls = platform.pairings.add, []

    def flaky(actor, pairing):
        calls.append(pairing)
        if len(calls) == 4:
            raise AccessDenied("refused for the test")
        return real(actor, pairing)

    monkeypatch.setattr(platform.pairings, "add", flaky)
    with pytest.raises(AccessDenied):
        service.apply(SYSTEM, stored.id)
    assert platform.pairings.count() == before
    assert service.get(SYSTEM, stored.id).status == "draft"


def test_planning_needs_the_permission_over_the_whole_area(platform, service):
    with pytest.raises(AccessDenied):
        service.make(platform.actor("dispatcher_sx"), 2027)
    with pytest.raises(AccessDenied):
        service.set_wish(platform.actor("worker_sx01"), 2027, "SX-PB01", prefer=["SX02"])


def test_a_rule_that_cannot_hold_is_named_and_nothing_is_stored(platform, service):
    platform.areas.update(SYSTEM, "SX02", households=3000)
    with pytest.raises(PlanInfeasible, match=r"^branch-grid.balance: grid SX02's 3,000 households exceed"):
        service.make(SYSTEM, 2027)
    assert service.list(SYSTEM) == []


def test_the_cli_plans_diffs_and_applies(platform, gridgov_cli):
    done = gridgov_cli(["assessment", "plan", "--year", "2027", "--json"], as_="admin", platform=platform)
    assert done.exit_code == 0, done.output
    made = json.loads(done.stdout)
    assert made["unit_links"] == 5 and made["member_links"] == 6 and made["changes"]["kept"] == 4
    shown = gridgov_cli(["assessment", "show", str(made["plan"]), "--subject", "SX-PB01"], as_="admin", platform=platform)
    assert shown.stdout.startswith("SX-PB01 → SX01: ")
    diff = gridgov_cli(["assessment", "diff", str(made["plan"]), "--json"], as_="admin", platform=platform)
    assert json.loads(diff.stdout)["counts"]["unit"] == {"kept": 4, "new": 1}
    applied = gridgov_cli(["assessment", "apply", str(made["plan"])], as_="admin", platform=platform)
    assert applied.exit_code == 0 and "11 pairings written" in applied.stdout
    refused = gridgov_cli(["assessment", "apply", str(made["plan"])], as_="admin", platform=platform)
    assert refused.exit_code != 0 and "only a draft can be applied" in refused.stderr
