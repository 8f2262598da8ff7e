"""Mediation metrics against a recount of the rows, the dashboard card, and the demo data."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from gridgov.core import AccessDenied, Actor
from gridgov.core.testing import FIXED_NOW
from gridgov.plugins.mediation import demo, metrics

SYSTEM = Actor.system()


@pytest.fixture
def demo_platform(gridgov_platform):
    demo.load(gridgov_platform, "small", random.Random(11), lambda *_: None)
    return gridgov_platform


def recount(platform, path: str, since: dt.date | None = None, until: dt.date | None = None, grid: str = "grid") -> dict:
    """The figures computed the slow, obvious way: every row, filtered in Python."""

    def within(at: dt.datetime) -> bool:
        day = platform.time.day_of(at)
        return (since is None or day >= since) and (until is None or day < until)

    disputes = {r["id"]: r for r in platform.table("mediation_dispute").rows()}
    mine = [r for r in disputes.values() if r["area_path"].startswith(path) and within(r["opened_at"])]
    outcomes = [o for o in platform.table("mediation_outcome").rows()
                if disputes[o["dispute_id"]]["area_path"].startswith(path) and within(o["at"])]  # fmt: skip
    agreements = [o for o in outcomes if o["kind"] == "agreement"]
    days = [(o["at"] - disputes[o["dispute_id"]]["opened_at"]).total_seconds() / 86400 for o in agreements]
    today = FIXED_NOW.date()
    performed = [o for o in agreements if o["performed_on"]]
    overdue = [o for o in agreements if not o["performed_on"] and o["perform_by"] < today]
    return {
        "received": len(mine),
        "open": sum(1 for r in mine if r["status"] == "open"),
        "agreements": len(agreements),
        "referred": sum(1 for o in outcomes if o["kind"] == "referred"),
        "withdrawn": sum(1 for o in outcomes if o["kind"] == "withdrawn"),
        "settled_grid": sum(1 for o in agreements if o["level"] == grid),
        "settled_community": sum(1 for o in agreements if o["level"] == "community"),
        "settled_higher": sum(1 for o in agreements if o["level"] not in (grid, "community")),
        "mean_days_to_agreement": round(sum(days) / len(days), 2) if days else None,
        "performed_on_time": sum(1 for o in performed if o["performed_on"] <= o["perform_by"]),
        "performance_due": len(performed) + len(overdue),
    }


def figures(stats: metrics.MediationStats) -> dict:
    keys = ("received", "open", "agreements", "referred", "withdrawn", "settled_grid", "settled_community",
            "settled_higher", "mean_days_to_agreement", "performed_on_time", "performance_due")  # fmt: skip
    return {k: getattr(stats, k) for k in keys}


SCOPES = (
    ("LG", "/LG/", None, None),
    ("SX", "/LG/PH/SX/", None, None),
    ("BNK01", "/LG/PH/BNK/BNK01/", None, None),
    ("LG", "/LG/", dt.date(2026, 9, 1), dt.date(2026, 10, 15)),
)


def test_stats_match_a_recount_of_the_rows(demo_platform):
    for area, path, since, until in SCOPES:
        stats = metrics.compute(demo_platform, SYSTEM, area, since, until)
        assert figures(stats) == recount(demo_platform, path, since, until), (area, since, until)
        assert stats.received > 0


def test_the_demo_season_exercises_every_outcome_and_level(demo_platform):
    stats = metrics.compute(demo_platform, SYSTEM, "LG")
    assert stats.received == 40
    assert min(stats.agreements, stats.referred, stats.withdrawn, stats.settled_grid, stats.settled_community) > 0
    assert stats.settled_grid > stats.settled_community  # small matters stay in the grid
    assert stats.agreement_rate == round(stats.agreements / (stats.agreements + stats.referred), 4)
    shares = stats.fengqiao_ratios
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert stats.on_time_performance_rate == round(stats.performed_on_time / stats.performance_due, 4)


def test_rates_are_undefined_without_agreements(gridgov_platform):
    stats = metrics.compute(gridgov_platform, SYSTEM, "LG")
    assert (stats.received, stats.agreement_rate, stats.mean_days_to_agreement) == (0, None, None)
    assert stats.fengqiao_ratios == {"grid": None, "community": None, "higher": None}


def test_the_dashboard_card_and_its_scope(demo_platform, gridgov_actors):
    spec = demo_platform.metric_specs["mediation"]
    assert spec.plugin == "mediation"
    card = spec.compute(demo_platform, gridgov_actors["dispatcher_sx"], "SX", None, None)
    stats = metrics.compute(demo_platform, SYSTEM, "SX")
    assert card["disputes received"] == stats.received
    assert card["agreement rate"] == f"{stats.agreement_rate:.0%}"
    assert card["settled in the grid"] == f"{stats.fengqiao_ratios['grid']:.0%}"
    with pytest.raises(AccessDenied):
        spec.compute(demo_platform, gridgov_actors["dispatcher_sx"], "BNK", None, None)
    # an actor without an area given sees the sum over their scope
    assert metrics.compute(demo_platform, gridgov_actors["dispatcher_sx"]).received == stats.received


def test_demo_data_is_consistent_with_the_areas_and_the_core(demo_platform):
    platform = demo_platform
    areas = platform.areas.paths()
    disputes = platform.table("mediation_dispute").rows()
    for row in disputes:
        assert areas[row["area_code"]] == row["area_path"]
        issue = platform.issues.get(SYSTEM, row["issue_id"])
        assert issue.category == "mediation.dispute" and issue.area_code == row["area_code"]
        outcome = platform.table("mediation_outcome").rows(dispute_id=row["id"])
        assert bool(outcome) == (row["status"] != "open")
        if row["status"] == "agreed":
            assert issue.status in ("resolved", "verified", "closed")
        elif row["status"] in ("referred", "withdrawn"):
            assert issue.status == "closed"
        assert platform.issues.replay(Actor.system(), row["issue_id"], unmask_reason="integrity check") == platform.issues.get(SYSTEM, row["issue_id"], unmask_reason="demo check")
    service = demo.MediationService(platform)
    for link in platform.table("mediation_session_mediator").rows():
        session = platform.table("mediation_session").get(link["session_id"])
        issue_id = platform.table("mediation_dispute").get(session["dispute_id"])["issue_id"]
        assert service.is_mediator(link["login"]) and service.conflict(issue_id, link["login"]) is None
    times = [r["opened_at"] for r in disputes]
    assert max(times) <= FIXED_NOW and min(times) >= FIXED_NOW - dt.timedelta(days=demo.SEASON_DAYS)


def test_the_demo_is_repeatable(gridgov_make_platform):
    runs = []
    for name in ("a.db", "b.db"):
        platform = gridgov_make_platform(name=name)
        demo.load(platform, "small", random.Random(5), lambda *_: None)
        runs.append(metrics.compute(platform, SYSTEM, "LG").as_dict())
    assert runs[0] == runs[1]


def test_demo_through_the_hook_on_a_deployment_whose_smallest_level_is_the_compound(gridgov_make_platform):
    """Donggang's tree (city/subdistrict/community/compound): the compound plays the grid."""
    from gridgov.core import Area

    platform = gridgov_make_platform(with_sample=False, builtins=("gridgov.plugins.mediation",))
    platform.areas.set_levels(SYSTEM, ("city", "subdistrict", "community", "compound"))
    tree = [("DG", "东港市", "city", None), ("XC", "新城街道", "subdistrict", "DG"),
            ("HB", "海滨社区", "community", "XC"), ("HB1", "海滨一区", "compound", "HB"), ("HB2", "海滨二区", "compound", "HB")]  # fmt: skip
    for code, name, level, parent in tree:
        platform.areas.add(SYSTEM, Area(code=code, name=name, level=level, parent_code=parent))
    progress = []
    platform.hooks.call("load_demo_data", platform=platform, scale="small", rng=random.Random(3),
                        progress=lambda label, done, total: progress.append((label, done, total)))  # fmt: skip
    assert not platform.plugin_failures
    assert progress[-1] == ("mediation disputes", 40, 40)
    assert {o.code for o in platform.organisations.list(kind="mediation_committee")} == {"MED-XC", "MED-HB", "MEDR-HB1", "MEDR-HB2"}
    stats = metrics.compute(platform, SYSTEM, "DG")
    assert stats.received == 40 and stats.settled_grid > 0
    assert figures(stats) == recount(platform, "/DG/", grid="compound")
    levels = {r["level"] for r in platform.table("mediation_outcome").rows(kind="agreement")}
    assert "compound" in levels and levels <= {"compound", "community", "subdistrict"}


def test_the_core_demo_leaves_no_dispute_case_without_its_record(gridgov_make_platform):
    """``gridgov demo`` writes its year of cases in bulk, where no hook runs; the plugin's
    demo hook adopts those cases, so every dispute case has its dispute record."""
    from gridgov.core.demo import load_demo

    platform = gridgov_make_platform(with_sample=False, builtins=("gridgov.plugins.mediation",))
    summary = load_demo(platform, "small")
    assert summary.plugin_failures == ()
    cases = platform.issues.list(SYSTEM, category="mediation.dispute", limit=10_000)
    rows = {r["issue_id"]: r for r in platform.table("mediation_dispute").rows()}
    assert cases and {c.id for c in cases} == set(rows)
    for case in cases:
        row = rows[case.id]
        assert (row["area_path"], row["level"]) == (case.area_path, case.level)
        assert (row["status"] == "agreed") == (case.resolved_at is not None and case.status in ("resolved", "verified", "closed"))
    root = platform.areas.roots()[0]
    stats = metrics.compute(platform, SYSTEM, root.code)
    assert figures(stats) == recount(platform, root.path)
    assert stats.received == len(cases)
