"""Joint-meetings metrics against an independent recount of the rows, the season
generator of the demo on the sample's small area set, cadence flags at month and quarter
edges in the deployment's time zone, and co-building commitments and things done."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from gridgov.core import Actor, ValidationError
from gridgov.core.testing import local_time
from gridgov.plugins.joint_meetings import cadence, metrics
from gridgov.plugins.joint_meetings.cobuild import CoBuildingService
from gridgov.plugins.joint_meetings.demo import SeasonTargets, run_season
from gridgov.plugins.joint_meetings.service import JointMeetingsService

SYSTEM = Actor.system()
SMALL = SeasonTargets(meetings=9, settled_own=13, moved=4, solved=3, two_level=1, from_community=1,
                      cobuild_bodies=2, units=5, deeds=12, value=15_000)


def recount(platform, path="/"):
    """The figures counted row by row in Python, without the plugin's queries."""
    zone = platform.time
    inside = [r for r in platform.table("joint_meetings_topic").rows() if r["area_path"].startswith(path)]
    history = [r for r in platform.table("joint_meetings_topic_history").rows() if r["area_path"].startswith(path)]
    meetings = [r for r in platform.table("joint_meetings_meeting").rows() if r["area_path"].startswith(path)]
    decisions = [r for r in platform.table("joint_meetings_decision").rows() if r["area_path"].startswith(path)]
    deeds = [r for r in platform.table("joint_meetings_deed").rows() if r["area_path"].startswith(path)]
    today = zone.day_of(platform.now())
    return {
        "meetings": sum(r["status"] == "held" for r in meetings),
        "settled_own_level": sum(r["status"] == "settled" and r["body_id"] == r["origin_body_id"] for r in inside),
        "moved_up": len({r["record_id"] for r in history if r["move"] == "move_up"}),
        "solved_after_moving_up": sum(r["status"] == "settled" and r["body_id"] != r["origin_body_id"] for r in inside),
        "decisions_overdue": sum(r["status"] == "open" and r["due"] < today for r in decisions),
        "things_done": len(deeds),
        "value": sum(r["value"] for r in deeds),
    }


@pytest.fixture
def season(gridgov_platform):
    run_season(gridgov_platform, SMALL, random.Random(7))
    return gridgov_platform


def test_the_season_generator_meets_its_targets_from_stored_rows(season):
    stats = metrics.compute(season, SYSTEM)
    assert (stats.meetings, stats.settled_own_level, stats.moved_up, stats.solved_after_moving_up) == (9, 13, 4, 3)
    assert (stats.cobuilding_bodies, stats.member_units) == (2, 5)
    assert stats.things_done >= 12 and stats.value >= 15_000
    again = recount(season)
    assert {k: getattr(stats, k) for k in again} == again
    # per level: the grids moved topics up, the community and the subdistrict solved them
    assert stats.by_level["grid"]["moved_up"] == 3 and stats.by_level["community"]["moved_up"] == 2
    assert sum(level["solved_after_moving_up"] for level in stats.by_level.values()) == 3
    assert stats.by_level["subdistrict"]["solved_after_moving_up"] == 2  # one climbed two levels, one from SX/BNK
    two_levels = [t for t in season.table("joint_meetings_topic").rows() if t["moves"] == 2]
    assert len(two_levels) == 1 and two_levels[0]["status"] == "settled"


def test_metrics_of_a_subtree_and_a_period_match_the_recount(season):
    service = JointMeetingsService(season)
    sx = metrics.compute(season, SYSTEM, area="SX")
    again = recount(season, season.areas.path_of("SX"))
    assert {k: getattr(sx, k) for k in again} == again
    # a period: only the meetings held in it
    first = min(m.held_at for b in service.bodies(SYSTEM) for m in service.meetings(SYSTEM, b.id))
    day = season.time.day_of(first) + dt.timedelta(days=1)
    before, after = metrics.compute(season, SYSTEM, until=day), metrics.compute(season, SYSTEM, since=day)
    assert before.meetings + after.meetings == 9 and before.meetings >= 1
    worker = season.actor("worker_sx01")
    mine = metrics.compute(season, worker)
    assert mine.meetings == sum(1 for r in season.table("joint_meetings_meeting").rows()
                                if r["area_path"].startswith("/LG/PH/SX/SX01/"))


def test_the_home_card_counts_overdue_bodies(season):
    card = metrics.card(season, SYSTEM, "LG", None, None)
    assert card["meetings held"] == 9 and card["moved up"] == 4
    late = cadence.flags(season, SYSTEM, overdue_only=True)
    assert card["bodies overdue"] == len(late)
    assert "joint_meetings" in season.metric_specs


@pytest.fixture
def grid_body(gridgov_platform):
    service = JointMeetingsService(gridgov_platform)
    return service, service.add_body(SYSTEM, area="SX01", name="网格联席会议"), \
        service.add_body(SYSTEM, area="SX", name="社区大党委")


def hold(service, body, at):
    meeting = service.schedule(SYSTEM, body.id, at=at, place="会议室")
    return service.record_minutes(SYSTEM, meeting.id, minutes="例会")


def test_cadence_flags_at_the_month_edge_in_the_deployment_zone(gridgov_platform, grid_body):
    service, grid, _ = grid_body
    # 23:30 on 31 October in Beijing is 15:30 UTC: October's meeting, not November's
    hold(service, grid, local_time(2026, 10, 31, 23, 30))
    [flag] = cadence.flags(gridgov_platform, SYSTEM, level="grid")
    assert (flag.cadence, flag.period_start, flag.last_held, flag.overdue) == ("month", dt.date(2026, 11, 1),
                                                                               dt.date(2026, 10, 31), True)
    [october] = cadence.flags(gridgov_platform, SYSTEM, level="grid", on=dt.date(2026, 10, 31))
    assert not october.overdue
    # 00:30 on 1 November in Beijing is still 31 October in UTC, yet it is November's
    hold(service, grid, local_time(2026, 11, 1, 0, 30))
    [flag] = cadence.flags(gridgov_platform, SYSTEM, level="grid")
    assert (flag.overdue, flag.held_in_period, flag.last_held) == (False, 1, dt.date(2026, 11, 1))
    assert [f.body.id for f in cadence.flags(gridgov_platform, SYSTEM, overdue_only=True)] == [grid_body[2].id]


def test_cadence_flags_at_the_quarter_edge(gridgov_platform, grid_body):
    service, _, community = grid_body
    hold(service, community, local_time(2026, 9, 30, 23, 50))  # Q3 in Beijing, 15:50 UTC
    [flag] = cadence.flags(gridgov_platform, SYSTEM, level="community")
    assert (flag.cadence, flag.period_start, flag.overdue) == ("quarter", dt.date(2026, 10, 1), True)
    [september] = cadence.flags(gridgov_platform, SYSTEM, level="community", on=dt.date(2026, 9, 30))
    assert september.period_start == dt.date(2026, 7, 1) and not september.overdue
    hold(service, community, local_time(2026, 10, 1, 0, 10))  # Q4 in Beijing, still 30 Sep in UTC
    [flag] = cadence.flags(gridgov_platform, SYSTEM, level="community")
    assert not flag.overdue and flag.last_held == dt.date(2026, 10, 1)


def test_cadence_is_configurable_per_level(gridgov_make_platform):
    platform = gridgov_make_platform(name="cadence.db")
    platform.config = {"plugins": {"joint_meetings": {"cadence": {"community": "month", "grid": ""}}}}
    service = JointMeetingsService(platform)
    assert service.add_body(SYSTEM, area="SX", name="社区").cadence == "month"
    assert service.add_body(SYSTEM, area="SX01", name="网格").cadence is None


@pytest.mark.parametrize(("month", "start"), [(1, 1), (3, 1), (4, 4), (6, 4), (7, 7), (9, 7), (10, 10), (12, 10)])
def test_quarter_starts(month, start):
    assert cadence.period_start(dt.date(2026, month, 15), "quarter") == dt.date(2026, start, 1)
    assert cadence.period_start(dt.date(2026, month, 15), "month") == dt.date(2026, month, 1)


def test_cobuilding_commitments_and_things_done(gridgov_platform):
    service = JointMeetingsService(gridgov_platform)
    cobuild = CoBuildingService(gridgov_platform)
    body = service.add_body(SYSTEM, area="SX", kind="cobuild", name="山厦社区联建共同体",
                            members=[{"org_code": "SXWY"}, {"org_code": "ENT-HD"}])
    promise = cobuild.commit(SYSTEM, body.id, org_code="ENT-HD", kind="money", text="出资修缮活动室", amount=20_000,
                             signed_on=dt.date(2026, 9, 1), due=dt.date(2026, 12, 31))
    with pytest.raises(ValidationError, match="org_code: ZJJ is not a member unit"):
        cobuild.record_deed(SYSTEM, body.id, org_code="ZJJ", done_on=dt.date(2026, 10, 1), text="x")
    with pytest.raises(ValidationError, match="due: 2026-08-01 is before the signing date"):
        cobuild.commit(SYSTEM, body.id, org_code="SXWY", kind="services", text="x", signed_on=dt.date(2026, 9, 1),
                       due=dt.date(2026, 8, 1))
    with pytest.raises(ValidationError, match="commitment_id: .* is not SXWY's"):
        cobuild.record_deed(SYSTEM, body.id, org_code="SXWY", done_on=dt.date(2026, 10, 1), text="x",
                            commitment_id=promise.id)
    cobuild.record_deed(SYSTEM, body.id, org_code="ENT-HD", done_on=dt.date(2026, 10, 8), text="修缮活动室",
                        value=18_000, commitment_id=promise.id)
    cobuild.record_deed(SYSTEM, body.id, org_code="SXWY", done_on=dt.date(2026, 10, 20), text="义务清洁", value=600)
    assert [c.status for c in cobuild.commitments(SYSTEM, body.id)] == ["kept"]
    stats = metrics.compute(gridgov_platform, SYSTEM, area="SX")
    assert (stats.cobuilding_bodies, stats.member_units, stats.commitments, stats.commitments_kept) == (1, 2, 1, 1)
    assert (stats.things_done, stats.value) == (2, 18_600)
    october = metrics.compute(gridgov_platform, SYSTEM, since=dt.date(2026, 10, 10), until=dt.date(2026, 11, 1))
    assert (october.things_done, october.value) == (1, 600)
    with pytest.raises(ValidationError, match="body: .* is a co-building body"):
        service.schedule(SYSTEM, body.id, at=local_time(2026, 10, 1, 9), place="x")
