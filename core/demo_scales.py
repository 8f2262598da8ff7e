"""The three demo deployments and the figures each one follows.

``small`` is for trying the terminal UI in seconds; ``district`` follows Suyu's figures
(SEEDS 001); ``longgang`` follows Longgang's (SEEDS 000). Every count below is a target
the generator meets exactly, so tests can check the loaded deployment against it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs

from .demo_vocabulary import LONGGANG_SUBDISTRICTS, SUYU_SUBDISTRICTS

# A demo simulates the DEMO_DAYS that end when it is loaded, or at CLOSING_TIME on the day
# ``gridgov demo --until DAY`` names. Benchmarks pass DEMO_END so their databases stay the
# same from run to run; one seed and one end give the same database.
DEMO_DAYS = 365
CLOSING_TIME = dt.time(18, 0)
DEMO_END = dt.datetime(2026, 10, 31, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@attrs.frozen(kw_only=True)
class Scale:
    """Targets for one demo deployment.

    ``units`` are the areas at the handling level (grids, or compounds in Suyu); each has
    ``buildings`` buildings. ``agency_members`` are members of agencies (in-service party
    members paired with a building); staff posts come on top of them.
    """

    name: str
    district_code: str
    district_name: str
    city: str
    levels: tuple[str, ...]
    handling_level: str
    subdistricts: tuple[str, ...]
    communities: int
    units: int
    buildings: tuple[int, int]
    agencies: int
    branches: int
    agency_members: int
    issues: int
    enterprises: int
    dual_registrations: int
    household_members: int = 0
    households: int = 0
    agency_subdistrict_pairs: int | None = None
    total_members: int | None = None
    building_head_share: float = 0.3
    building_issue_share: float = 0.4

    @property
    def unit_level(self) -> str:
        return self.handling_level


SCALES: dict[str, Scale] = {
    "small": Scale(
        name="small",
        district_code="440307",
        district_name="龙岗区",
        city="深圳市",
        levels=("district", "subdistrict", "community", "grid", "building"),
        handling_level="grid",
        subdistricts=LONGGANG_SUBDISTRICTS[:1],
        communities=3,
        units=12,
        buildings=(3, 5),
        agencies=14,
        branches=6,
        agency_members=60,
        issues=2500,
        enterprises=24,
        dual_registrations=12,
        household_members=6,
        households=5,
    ),
    "district": Scale(
        name="district",
        district_code="321311",
        district_name="宿豫区",
        city="宿迁市",
        levels=("district", "subdistrict", "community", "compound", "building"),
        handling_level="compound",
        subdistricts=SUYU_SUBDISTRICTS,
        communities=10,
        units=59,
        buildings=(6, 14),
        agencies=87,
        branches=59,
        agency_members=0,
        total_members=8263,
        issues=36_000,
        enterprises=300,
        dual_registrations=3800,
        household_members=362,
        households=287,
        agency_subdistrict_pairs=22,
        building_head_share=0.5,
    ),
    "longgang": Scale(
        name="longgang",
        district_code="440307",
        district_name="龙岗区",
        city="深圳市",
        levels=("district", "subdistrict", "community", "grid", "building"),
        handling_level="grid",
        subdistricts=LONGGANG_SUBDISTRICTS,
        communities=110,
        units=4000,
        buildings=(3, 7),
        agencies=733,
        branches=1120,
        agency_members=21_000,
        issues=1_000_000,
        enterprises=2000,
        dual_registrations=5000,
        household_members=600,
        households=480,
        building_head_share=0.25,
        building_issue_share=0.3,
    ),
}
