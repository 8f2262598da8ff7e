"""A small, fixed deployment for tests, documentation examples and plugin authors.

One district, one subdistrict, two communities, three grids with buildings, the
organisations a case needs (agencies, a police station, a property company, party
branches paired with the grids, two enterprises) and one member for each core post.

The areas are rectangles near Pinghu (WGS-84), drawn so every case of locating a point
happens: the grids tile 山厦 (SX01 | SX02, sharing the meridian 114.115), 白泥坑's one grid
covers only its western half, and the subdistrict covers only the district's north::

    22.72 +------+------+------+------+------------+
          | SX01 | SX02 |BNK01 | BNK  |            |
          |      |      |      |      |     LG     |
    22.66 +------+------+------+------+            |
          |              LG                        |
    22.64 +----------------------------------------+
       114.10 114.115 114.13 114.145 114.16     114.20
"""

from __future__ import annotations

import datetime as dt

from .access import Actor
from .identifiers import make_uscc
from .models import Area, Member, Organisation, Pairing, RoleAssignment
from .platform import Platform

AREAS = (
    ("LG", "龙岗区", "district", None),
    ("PH", "平湖街道", "subdistrict", "LG"),
    ("SX", "山厦社区", "community", "PH"),
    ("BNK", "白泥坑社区", "community", "PH"),
    ("SX01", "山厦社区第01网格", "grid", "SX"),
    ("SX02", "山厦社区第02网格", "grid", "SX"),
    ("BNK01", "白泥坑社区第01网格", "grid", "BNK"),
    ("SX01-B1", "1栋", "building", "SX01"),
    ("SX01-B2", "2栋", "building", "SX01"),
    ("SX02-B1", "1栋", "building", "SX02"),
    ("BNK01-B1", "1栋", "building", "BNK01"),
)



def _box(west: float, south: float, east: float, north: float) -> dict:
    """A GeoJSON rectangle, its ring counter-clockwise as RFC 7946 asks."""
    return {"type": "Polygon",
            "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


GEOMETRIES = {
    "LG": _box(114.10, 22.64, 114.20, 22.72),
    "PH": _box(114.10, 22.66, 114.16, 22.72),
    "SX": _box(114.10, 22.66, 114.13, 22.72),
    "BNK": _box(114.13, 22.66, 114.16, 22.72),
    "SX01": _box(114.10, 22.66, 114.115, 22.72),
    "SX02": _box(114.115, 22.66, 114.13, 22.72),
    "BNK01": _box(114.13, 22.66, 114.145, 22.72),
}
# Buildings are points (lat, lon) inside their grids.
POINTS = {
    "SX01-B1": (22.69, 114.105),
    "SX01-B2": (22.70, 114.11),
    "SX02-B1": (22.69, 114.12),
    "BNK01-B1": (22.69, 114.14),
}

ORGANISATIONS = (
    dict(code="ZJJ", name="区住房和建设局", kind="agency", area_code="LG"),
    dict(code="CGJ", name="区城市管理和综合执法局", kind="agency", area_code="LG"),
    dict(code="PHPS", name="平湖派出所", kind="police_station", area_code="PH"),
    dict(code="SXWY", name="山厦物业服务有限公司", kind="property_company", area_code="SX"),
    dict(code="SX-PB01", name="山厦社区第一网格党支部", kind="party_branch", area_code="SX"),
    dict(code="SX-PB02", name="山厦社区第二网格党支部", kind="party_branch", area_code="SX"),
    dict(code="BNK-PB01", name="白泥坑社区网格党支部", kind="party_branch", area_code="BNK"),
    dict(code="ENT-HD", name="深圳市平湖恒达电子科技有限公司", kind="enterprise", area_code="SX01",
         uscc=make_uscc("91440300MA5DHD001"), industry="电子信息", size="small", headcount=120),
    dict(code="ENT-XL", name="深圳市鑫隆五金制品有限公司", kind="enterprise", area_code="BNK01",
         uscc=make_uscc("91440300MA5DXL002"), industry="智能制造", size="micro", headcount=12),
)

# login, name, organisation, post, scope area, scope organisation
MEMBERS = (
    ("admin", "系统管理员", None, "admin", "LG", None),
    ("supervisor", "督办员陈明", "ZJJ", "supervisor", "LG", None),
    ("dispatcher_ph", "街道派遣员林芳", None, "dispatcher", "PH", None),
    ("dispatcher_sx", "社区派遣员黄丽", None, "dispatcher", "SX", None),
    ("leader_sx01", "网格长张伟", "SX-PB01", "grid_leader", "SX01", None),
    ("worker_sx01", "网格员王小明", None, "grid_worker", "SX01", None),
    ("worker_sx02", "网格员李娜", None, "grid_worker", "SX02", None),
    ("worker_bnk01", "网格员赵强", None, "grid_worker", "BNK01", None),
    ("head_sx01b1", "楼长刘阿姨", None, "building_head", "SX01-B1", None),
    ("handler_zjj", "住建局处置员周杰", "ZJJ", "handler", None, "ZJJ"),
    ("handler_cgj", "城管局处置员吴刚", "CGJ", "handler", None, "CGJ"),
    ("handler_sxwy", "物业处置员郑洁", "SXWY", "handler", None, "SXWY"),
)

PAIRINGS = (
    dict(kind="branch_grid", org_code="SX-PB01", area_code="SX01", commitments="认领网格民生微实事"),
    dict(kind="branch_grid", org_code="SX-PB02", area_code="SX02"),
    dict(kind="branch_grid", org_code="BNK-PB01", area_code="BNK01"),
    dict(kind="agency_subdistrict", org_code="ZJJ", area_code="PH", voluntary=True),
)


def build(platform: Platform) -> dict[str, Actor]:
    """Load the sample into an empty platform; returns the actors by login."""
    system = Actor.system()
    with platform.transaction():
        for code, name, level, parent in AREAS:
            lat, lon = POINTS.get(code, (None, None))
            platform.areas.add(system, Area(code=code, name=name, level=level, parent_code=parent,
                                            geometry=GEOMETRIES.get(code), centroid_lat=lat, centroid_lon=lon))
        for spec in ORGANISATIONS:
            platform.organisations.add(system, Organisation(**spec))  # type: ignore[arg-type]
        for i, (login, name, org, post, area, scope_org) in enumerate(MEMBERS):
            platform.members.add(
                system,
                Member(login=login, name=name, org_code=org, party_member=i % 2 == 0,
                       home_area=area if area and area != "LG" else None, phone=f"1380000{i:04d}"),
            )
            platform.members.assign(
                system,
                RoleAssignment(login=login, post=post, area_code=area, org_code=scope_org,
                               starts=dt.date(2026, 1, 1)),
            )
        for pairing in PAIRINGS:
            platform.pairings.add(system, Pairing(**pairing))
    return {login: platform.actor(login) for login, *_ in MEMBERS}
