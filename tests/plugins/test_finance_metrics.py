"""Finance figures: the source document's totals reproduced from demo data, and every
figure checked against a plain recount of the consultations, per station, area and period."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from gridgov.core import AccessDenied, Actor
from gridgov.plugins.finance_station import demo
from gridgov.plugins.finance_station.metrics import figures, require_reader
from gridgov.plugins.finance_station.records import Consultation
from gridgov.plugins.finance_station.service import FinanceService
from gridgov.plugins.finance_station.tables import CONSULTATION, EVENT, STATION
from hypothesis import given, settings
from hypothesis import strategies as st
from test_finance_workflow import PLUGIN, finance  # noqa: F401  (fixture)


def recount(platform, *, station=None, area=None, since=None, until=None, rows=None) -> dict:
    """The figures computed the slow, obvious way: every row, in Python."""
    rows = (
        rows
        if rows is not None
        else [Consultation.from_row(r) for r in platform.table(CONSULTATION).rows()]
    )
    path = platform.areas.path_of(area) if area else None
    start = platform.time.start_of(since)
    end = platform.time.start_of(until)

    def in_scope(c):
        return (station is None or c.station == station) and (
            path is None or c.area_path.startswith(path)
        )

    def in_period(when):
        return when is not None and (start is None or when >= start) and (end is None or when < end)

    opened = [c for c in rows if in_scope(c) and in_period(c.opened_at)]
    granted = [c for c in rows if in_scope(c) and c.status == "granted" and in_period(c.closed_at)]
    seconds = sum(int((c.closed_at - c.opened_at).total_seconds()) for c in granted)
    return {
        "consultations": len(opened),
        "firms_served": len({c.enterprise for c in opened}),
        "granted": len(granted),
        "firms_granted": len({c.enterprise for c in granted}),
        "credit_fen": sum(c.granted_amount for c in granted),
        "inclusive_fen": sum(c.granted_amount for c in granted if c.inclusive),
        "mean_days": round(seconds / len(granted) / 86400, 1) if granted else None,
    }


def as_recount(f) -> dict:
    return {
        "consultations": f.consultations, "firms_served": f.firms_served, "granted": f.granted,
        "firms_granted": f.firms_granted, "credit_fen": f.credit_fen, "inclusive_fen": f.inclusive_fen,
        "mean_days": f.mean_days_to_credit,
    }  # fmt: skip


@pytest.fixture
def longgang(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=(PLUGIN,))
    demo.load(platform, "longgang", random.Random(2026))
    return platform


def test_longgang_demo_reproduces_the_source_figures(longgang):
    f = figures(longgang)
    assert f.consultations == 5_986  # 近6000次
    assert f.firms_granted == 4_216  # 4200多家
    assert f.credit_fen == 958_300_000_000  # 95.83亿元
    assert f.inclusive_fen == 475_300_000_000  # 47.53亿元
    assert f.events == 23  # 20余场
    assert longgang.table(STATION).count() == 25
    assert str(f.inclusive_share) == "0.4960"
    assert f.as_dict()["credit"] == "95.83亿元" and f.as_dict()["inclusive"] == "47.53亿元"
    assert as_recount(f) == recount(longgang)
    assert_consistent(longgang)


def assert_consistent(longgang):
    """Inclusive loans went to small and micro firms, referrals to station partners, nothing
    ends in the future, and the cases that came through the closed loop were answered."""
    rows = [Consultation.from_row(r) for r in longgang.table(CONSULTATION).rows()]
    firms = {o.code: o for o in longgang.organisations.list(kind="enterprise")}
    service = FinanceService(longgang)
    partners = {s.code: set(s.partners) for s in service.stations()}
    for c in rows:
        if c.inclusive:
            assert firms[c.enterprise].size in ("small", "micro")
        if c.institution:
            assert c.institution in partners[c.station]
        assert c.closed_at is None or c.closed_at <= longgang.now()
    linked = [c for c in rows if c.issue_id is not None]
    assert 2 <= len(linked) <= 60
    for c in linked:
        case = longgang.issues.get(Actor.system(), c.issue_id)
        assert (
            case.status == "resolved" and case.assignee_org == service.station(c.station).host_org
        )
    clusters = {s.cluster for s in service.stations()}
    assert {"电子信息", "智能制造"} <= clusters
    assert len({f.uscc for f in firms.values()}) == len(firms)


@pytest.mark.parametrize(("scale", "consultations", "firms", "credit", "inclusive", "events"), [
    ("district", 599, 422, 95_830_000_000, 47_530_000_000, 2),
    ("small", 60, 42, 9_583_000_000, 4_753_000_000, 2),
])  # fmt: skip
def test_smaller_scales_take_a_tenth_and_a_hundredth(
    gridgov_make_platform, scale, consultations, firms, credit, inclusive, events
):
    platform = gridgov_make_platform(builtins=(PLUGIN,))
    demo.load(platform, scale, random.Random(1))
    f = figures(platform)
    assert (f.consultations, f.firms_granted, f.credit_fen, f.inclusive_fen, f.events) == (
        consultations,
        firms,
        credit,
        inclusive,
        events,
    )
    demo.load(platform, scale, random.Random(1))
    assert figures(platform) == f, "loading twice adds nothing"


def test_demo_is_repeatable(gridgov_make_platform):
    def load(name):
        platform = gridgov_make_platform(builtins=(PLUGIN,), name=name)
        demo.load(platform, "small", random.Random(5))
        return [
            {k: v for k, v in r.items() if k != "id"}
            for r in platform.table(CONSULTATION).rows(order_by="id")
        ]

    assert load("a.db") == load("b.db")


def test_figures_match_a_recount_per_station_area_and_period(gridgov_make_platform):
    platform = gridgov_make_platform(builtins=(PLUGIN,))
    demo.load(platform, "district", random.Random(3))
    now = platform.today()
    periods = [(None, None), (now - dt.timedelta(days=365), None), (None, now - dt.timedelta(days=200)),
               (now - dt.timedelta(days=400), now - dt.timedelta(days=100))]  # fmt: skip
    stations = [None, *(s.code for s in FinanceService(platform).stations()[:6])]
    rows = [Consultation.from_row(r) for r in platform.table(CONSULTATION).rows()]
    for since, until in periods:
        for station in stations:
            for area in (None, "PH", "SX", "BNK01"):
                got = as_recount(
                    figures(platform, station=station, area=area, since=since, until=until)
                )
                assert got == recount(
                    platform, station=station, area=area, since=since, until=until, rows=rows
                ), (station, area, since, until)
    total = figures(platform)
    by_station = [figures(platform, station=s.code) for s in FinanceService(platform).stations()]
    assert sum(f.credit_fen for f in by_station) == total.credit_fen
    assert sum(f.consultations for f in by_station) == total.consultations
    assert sum(f.events for f in by_station) == total.events == platform.table(EVENT).count()


def test_figures_follow_live_grants_without_drift(finance):  # noqa: F811
    service, officer = finance.service, finance.officer
    expected = {"credit": 0, "inclusive": 0}

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(st.integers(min_value=1, max_value=10**11), st.booleans()),
            min_size=1,
            max_size=4,
        )
    )
    def grant_some(grants):
        for fen, inclusive in grants:
            c = service.open(officer, enterprise="ENT-HD" if inclusive else "ENT-XL", amount=fen)
            service.refer(officer, c.id, finance.bank)
            service.grant(officer, c.id, fen, inclusive=inclusive)
            expected["credit"] += fen
            expected["inclusive"] += fen if inclusive else 0
        f = figures(finance.platform)
        assert (f.credit_fen, f.inclusive_fen) == (expected["credit"], expected["inclusive"])
        assert as_recount(f) == recount(finance.platform)

    grant_some()


def test_the_dashboard_card_and_who_may_read_it(finance):  # noqa: F811
    c = finance.consultation(amount="300万")
    finance.service.refer(finance.officer, c.id, finance.bank)
    finance.service.grant(finance.officer, c.id, "2.5亿", inclusive=True)
    card = finance.platform.metric_specs["finance.credit"]
    values = card.compute(finance.platform, finance.officer, "LG", None, None)
    assert values["credit granted"] == "2.5亿元" and values["inclusive share"] == "100.0%"
    assert values["firms granted credit"] == 1
    worker = finance.platform.actor("worker_sx01")
    assert card.compute(finance.platform, worker, "SX01", None, None)["consultations"] == 1
    assert card.compute(finance.platform, worker, "BNK01", None, None) == {}
    with pytest.raises(AccessDenied):
        require_reader(finance.platform, worker, "BNK01")
    after = card.compute(
        finance.platform,
        finance.officer,
        "LG",
        finance.platform.today() + dt.timedelta(days=1),
        None,
    )
    assert after["consultations"] == 0 and after["mean days to credit"] == "—"
