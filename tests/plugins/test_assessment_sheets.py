"""Stored ratings and yearly sheets: the minimum of raters and the two-way weights against
an independent recount, work records from the core's closed cases, check-ins counted for
the period they were for, and the CSV/JSON export."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from gridgov.core import AccessDenied, Actor, ValidationError
from gridgov.core.testing import local_time
from gridgov.plugins.assessment.duties import DutyService
from gridgov.plugins.assessment.records import Duty
from gridgov.plugins.assessment.sheets import SheetService, export

SYSTEM = Actor.system()


@pytest.fixture
def service(gridgov_platform):
    return SheetService(gridgov_platform)


def test_a_unit_score_counts_only_with_enough_raters(service):
    rng = random.Random(3)
    scores = {"ZJJ": [rng.randint(60, 100) for _ in range(50)], "CGJ": [rng.randint(60, 100) for _ in range(49)]}
    for unit, given in scores.items():
        for i, score in enumerate(given):
            service.rate_unit(SYSTEM, 2026, unit, rater=f"r{i}", rater_kind="resident" if i % 3 else "member",
                              score=score, area="SX")
    sheets = {s.unit: s for s in service.unit_sheets(SYSTEM, 2026)}
    assert sheets["ZJJ"].rating == pytest.approx(sum(scores["ZJJ"]) / 50)
    assert (sheets["ZJJ"].resident_raters, sheets["ZJJ"].member_raters) == (33, 17)
    assert sheets["CGJ"].rating is None and sheets["CGJ"].rating_text == "not enough raters (49 of 50)"
    with pytest.raises(ValidationError, match="r0 has scored ZJJ for 2026 already"):
        service.rate_unit(SYSTEM, 2026, "ZJJ", rater="r0", rater_kind="resident", score=90, area="SX")


def test_the_minimum_comes_from_the_configuration(gridgov_platform, service, monkeypatch):
    monkeypatch.setitem(gridgov_platform.config, "plugins", {"assessment": {"min_raters": 3, "branch_weight": 0.7,
                                                                            "community_weight": 0.3}})
    for i in range(3):
        service.rate_unit(SYSTEM, 2026, "ZJJ", rater=f"r{i}", rater_kind="resident", score=80 + i, area="SX")
    assert service.unit_sheets(SYSTEM, 2026, ["ZJJ"])[0].rating == pytest.approx(81)
    for score in (90, 70):
        service.rate_member(SYSTEM, 2026, "leader_sx01", side="branch", score=score, area="SX")
    service.rate_member(SYSTEM, 2026, "leader_sx01", side="community", score=60, area="SX")
    sheet = service.member_sheets(SYSTEM, 2026, ["leader_sx01"])[0]
    assert sheet.rating == pytest.approx(0.7 * 80 + 0.3 * 60)  # recount: branch mean 80, community 60


def test_sheets_take_closed_cases_from_the_core_and_check_ins(gridgov_platform, service, gridgov_issue):
    closed = gridgov_issue(to="closed")  # dispatched to the route's organisation, closed as satisfied
    org = gridgov_platform.issues.get(SYSTEM, closed.id).assignee_org
    unit = service.unit_sheets(SYSTEM, 2026, [org])[0]
    assert (unit.work.handled, unit.work.on_time, unit.work.rated, unit.work.satisfied) == (1, 1, 1, 1)
    assert unit.work.score == pytest.approx(100)
    duties = DutyService(gridgov_platform)
    duty = duties.add_duty(SYSTEM, Duty(subject="leader_sx01", duty="monthly_summary", area_code="SX01",
                                        starts=local_time(2026, 1, 1).date()))
    duties.check_in(SYSTEM, duty.id, at=local_time(2026, 10, 2, 10), period="2026-09")  # late, still September's
    duties.check_in(SYSTEM, duty.id, at=local_time(2026, 10, 20, 10))
    sheet = service.member_sheets(SYSTEM, 2026, ["leader_sx01"])[0]
    monthly = next(line for line in sheet.duties if line.duty == "monthly_summary")
    assert (monthly.done, monthly.expected) == (2, 12)
    assert sheet.rating is None and "no rating by the branch and community: two-way rating left out" in sheet.remarks
    assert [s.login for s in service.member_sheets(SYSTEM, 2026)] == ["leader_sx01"]  # those holding duties


def test_rating_needs_the_permission_where_it_is_collected(gridgov_platform, service):
    with pytest.raises(AccessDenied):
        service.rate_unit(gridgov_platform.actor("worker_sx01"), 2026, "ZJJ", rater="r1", rater_kind="resident",
                          score=80, area="SX")
    with pytest.raises(ValidationError, match="score from 0 to 100"):
        service.rate_member(SYSTEM, 2026, "leader_sx01", side="branch", score=120, area="SX")


def test_sheets_export_as_csv_and_json(service, gridgov_cli):
    for i in range(2):
        service.rate_unit(SYSTEM, 2026, "ZJJ", rater=f"r{i}", rater_kind="resident", score=70 + 10 * i, area="SX")
    sheets = service.unit_sheets(SYSTEM, 2026)
    rows = list(csv.DictReader(io.StringIO(export(sheets, "csv"))))
    assert rows[0]["unit"] == "ZJJ" and rows[0]["raters"] == "2" and rows[0]["rating_text"] == "not enough raters (2 of 50)"
    assert rows[0]["quarterly_visit_expected"] == "4"
    assert json.loads(export(sheets, "json"))[0]["raters"] == 2
    done = gridgov_cli(["assessment", "sheets", "--year", "2026", "--units", "--format", "csv"], as_="admin")
    assert done.exit_code == 0 and done.stdout.splitlines()[1].startswith("ZJJ,2026,2,")
    with pytest.raises(ValidationError):
        export(sheets, "xlsx")
