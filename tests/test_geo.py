"""Areas with geometry: validation, locating a point, the spatial index following changes,
import and export of polygons, the command line, and the Chinese map datums."""

from __future__ import annotations

import csv
import io
import json
import math

import attrs
import pytest
import shapely
from gridgov.core import Actor, Area, Platform, ValidationError, sample
from gridgov.core.geo import (
    bd09_to_wgs84,
    gcj02_to_wgs84,
    label_point,
    shape_of,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_support import run

SYSTEM = Actor.system()


def box(west: float, south: float, east: float, north: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


@pytest.fixture
def platform():
    with Platform(":memory:") as opened:
        sample.build(opened)
        yield opened


def codes(areas: list[Area]) -> list[str]:
    return [a.code for a in areas]


# -- locating -------------------------------------------------------------------------------------


def test_locate_returns_the_deepest_area_holding_the_point(platform):
    assert platform.areas.locate(22.69, 114.105).code == "SX01"
    assert codes(platform.areas.locate_path(22.69, 114.105)) == ["LG", "PH", "SX", "SX01"]
    assert codes(platform.areas.locate_path(22.69, 114.15)) == ["LG", "PH", "BNK"]  # BNK's half without a grid
    assert codes(platform.areas.locate_path(22.65, 114.15)) == ["LG"]  # south of the subdistrict


def test_locate_outside_every_area_finds_nothing(platform):
    assert platform.areas.locate(22.50, 114.10) is None
    assert platform.areas.locate_path(22.69, 114.25) == []
    assert platform.areas.locate(-33.87, 151.21) is None


def test_a_point_on_a_shared_border_goes_to_the_lowest_code(platform):
    assert platform.areas.locate(22.69, 114.13).code == "BNK01"  # SX02 | BNK01, across communities
    assert platform.areas.locate(22.69, 114.115).code == "SX01"  # SX01 | SX02
    assert platform.areas.locate(22.72, 114.115).code == "SX01"  # a corner of both
    assert platform.areas.locate(22.66, 114.12).code == "SX02"  # SX02's own edge, LG's inside


def test_the_index_follows_changes_of_the_tree(platform, tmp_path):
    areas = platform.areas
    index = areas.spatial_index()
    assert areas.locate(22.70, 114.12).code == "SX02"
    assert areas.spatial_index() is index  # built once, not per point
    areas.update(SYSTEM, "SX02", geometry=box(114.125, 22.66, 114.13, 22.72))
    assert areas.locate(22.70, 114.12).code == "SX"
    kept = areas.update(SYSTEM, "SX02", geometry=None)
    assert areas.locate(22.70, 114.127).code == "SX"
    assert kept.centroid == pytest.approx((22.69, 114.1275))  # its point stays
    areas.add(SYSTEM, Area(code="BNK02", name="白泥坑社区第02网格", level="grid", parent_code="BNK",
                           geometry=box(114.145, 22.66, 114.16, 22.69)))
    assert areas.locate(22.68, 114.15).code == "BNK02"
    assert areas.locate(22.71, 114.155).code == "BNK"
    path = tmp_path / "areas.json"
    path.write_text(json.dumps([{"code": "BNK03", "name": "白泥坑社区第03网格", "level": "grid", "parent_code": "BNK",
                                 "geometry": box(114.145, 22.69, 114.16, 22.72)}]), encoding="utf-8")
    platform.transfer.import_file(SYSTEM, "areas", path)
    assert areas.locate(22.71, 114.155).code == "BNK03"


def test_a_multipolygon_area_is_found_in_each_part(platform):
    parts = {"type": "MultiPolygon", "coordinates": [box(114.16, 22.66, 114.17, 22.67)["coordinates"],
                                                     box(114.18, 22.70, 114.19, 22.71)["coordinates"]]}
    platform.areas.add(SYSTEM, Area(code="PH-ISLE", name="飞地", level="community", parent_code="PH", geometry=parts))
    assert platform.areas.locate(22.665, 114.165).code == "PH-ISLE"
    assert platform.areas.locate(22.705, 114.185).code == "PH-ISLE"
    assert platform.areas.locate(22.69, 114.175).code == "LG"


@pytest.mark.parametrize(("lat", "lon", "field", "reason"), [
    (91, 114.1, "lat", "91 is out of range -90…90"),
    (-90.5, 114.1, "lat", "-90.5 is out of range"),
    (114.1, 22.69, "lat", "latitude and longitude swapped?"),
    (22.69, 181, "lon", "181 is out of range -180…180"),
    (float("nan"), 114.1, "lat", "is not a number"),
    ("22.69", 114.1, "lat", "is not a number"),
    (22.69, True, "lon", "is not a number"),
])  # fmt: skip
def test_locate_refuses_coordinates_out_of_range(platform, lat, lon, field, reason):
    with pytest.raises(ValidationError) as refused:
        platform.areas.locate(lat, lon)
    assert refused.value.field == field
    assert reason in refused.value.reason


# -- the geometry of an area ----------------------------------------------------------------------

BOWTIE = {"type": "Polygon", "coordinates": [[[114.10, 22.66], [114.12, 22.68], [114.12, 22.66], [114.10, 22.68],
                                              [114.10, 22.66]]]}


@pytest.mark.parametrize(("geometry", "reason"), [
    (BOWTIE, "is not a valid polygon: Self-intersection[114.11 22.67]"),
    ({"type": "Polygon", "coordinates": [[[114.1, 22.6], [114.2, 22.6], [114.2, 22.7], [114.1, 22.7]]]},
     "ring 1 is not closed"),
    ({"type": "Polygon", "coordinates": [[[114.1, 22.6], [114.2, 22.6], [114.1, 22.6]]]}, "at least 4 positions"),
    ({"type": "Polygon", "coordinates": [[[114.1, 91], [114.2, 22.6], [114.2, 22.7], [114.1, 91]]]},
     "latitude 91 is out of range"),
    ({"type": "Polygon", "coordinates": [[[22.6, 114.1], [22.6, 114.2], [22.7, 114.2], [22.6, 114.1]]]},
     "positions are [longitude, latitude]"),
    ({"type": "Polygon", "coordinates": []}, "has no rings"),
    ({"type": "MultiPolygon", "coordinates": []}, "has no coordinates"),
    ({"type": "Polygon", "coordinates": [[["114.1", 22.6], [114.2, 22.6], [114.2, 22.7], ["114.1", 22.6]]]},
     "is not a number"),
    ({"type": "Point", "coordinates": [114.1, 22.6]}, "'Point' is not a GeoJSON Polygon or MultiPolygon"),
    ({"type": "Feature", "geometry": box(114.1, 22.6, 114.2, 22.7)}, "'Feature' is not a GeoJSON Polygon"),
    ({"type": "MultiPolygon", "coordinates": [box(114.1, 22.6, 114.2, 22.7)["coordinates"], [[[114.3, 22.6]]]]},
     "polygon 2 ring 1 needs at least 4 positions"),
    ("POLYGON ((114.1 22.6, 114.2 22.6, 114.2 22.7, 114.1 22.6))", "must be a GeoJSON object"),
])  # fmt: skip
def test_an_area_refuses_a_bad_geometry(geometry, reason):
    with pytest.raises(ValidationError) as refused:
        Area(code="X1", name="某网格", level="grid", geometry=geometry)
    assert refused.value.field == "geometry"
    assert reason in refused.value.reason


@pytest.mark.parametrize(("centroid", "field", "reason"), [
    ({"centroid_lat": 91.0, "centroid_lon": 114.1}, "centroid_lat", "out of range"),
    ({"centroid_lat": 22.6, "centroid_lon": -200.0}, "centroid_lon", "out of range"),
    ({"centroid_lat": 22.6}, "centroid_lon", "is required with centroid_lat"),
    ({"centroid_lon": 114.1}, "centroid_lat", "is required with centroid_lon"),
    ({"centroid_lat": "north", "centroid_lon": 114.1}, "centroid_lat", "is not a number"),
])  # fmt: skip
def test_an_area_refuses_a_bad_centroid(centroid, field, reason):
    with pytest.raises(ValidationError) as refused:
        Area(code="B1", name="1栋", level="building", **centroid)
    assert (refused.value.field, reason in refused.value.reason) == (field, True)


def test_a_missing_centroid_is_a_point_inside_even_a_concave_area():
    # A U-shaped community: its centre of mass lies in the notch, outside it.
    u_shape = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]]}
    area = Area(code="U", name="U形社区", level="community", geometry=u_shape)
    polygon = shape_of(u_shape)
    assert not polygon.contains(polygon.centroid)
    assert polygon.contains(shapely.Point(area.centroid_lon, area.centroid_lat))
    assert area.centroid == label_point(u_shape)
    given_point = Area(code="U", name="U形社区", level="community", geometry=u_shape, centroid_lat=0.5, centroid_lon=2)
    assert given_point.centroid == (0.5, 2.0)


def test_a_new_geometry_gets_a_new_centroid_unless_one_is_given(platform):
    moved = platform.areas.update(SYSTEM, "SX01", geometry=box(114.10, 22.70, 114.11, 22.72))
    assert moved.centroid == pytest.approx((22.71, 114.105))
    assert platform._store.get("area", "SX01")["centroid_lat"] == 22.71  # stored, not only computed
    pinned = platform.areas.update(SYSTEM, "SX01", geometry=box(114.10, 22.66, 114.115, 22.72),
                                   centroid_lat=22.70, centroid_lon=114.101)
    assert pinned.centroid == (22.70, 114.101)
    with pytest.raises(ValidationError, match="geometry: is not a valid polygon"):
        platform.areas.update(SYSTEM, "SX01", geometry=BOWTIE)
    assert platform.areas.get("SX01").centroid == (22.70, 114.101)


def test_a_building_is_a_point_without_a_polygon(platform):
    building = platform.areas.get("SX01-B1")
    assert (building.geometry, building.centroid) == (None, (22.69, 114.105))
    assert platform.areas.locate(*building.centroid).code == "SX01"


# -- import and export ----------------------------------------------------------------------------


def test_geometry_travels_through_csv_and_json(tmp_path, sample_db):
    csv_text = run("export", "areas", "--format", "csv").stdout
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(csv_text))}
    assert json.loads(rows["SX01"]["geometry"]) == sample.GEOMETRIES["SX01"]  # one GeoJSON text cell
    assert (float(rows["SX01-B1"]["centroid_lat"]), float(rows["SX01-B1"]["centroid_lon"])) == (22.69, 114.105)
    assert rows["SX01-B1"]["geometry"] == ""
    json_records = json.loads(run("export", "areas", "--format", "json").stdout)
    assert next(r for r in json_records if r["code"] == "SX01")["geometry"] == sample.GEOMETRIES["SX01"]
    for fmt, text in (("csv", csv_text), ("json", json.dumps(json_records, ensure_ascii=False))):
        source = tmp_path / f"areas.{fmt}"
        source.write_text(text, encoding="utf-8")
        with Platform(tmp_path / f"from-{fmt}.db") as target:
            target.transfer.import_file(SYSTEM, "areas", source)
            assert [attrs.evolve(a, version=1) for a in target.areas.subtree("LG")] == \
                   [attrs.evolve(a, version=1) for a in Platform(sample_db).areas.subtree("LG")]
            assert target.areas.locate(22.69, 114.13).code == "BNK01"


def write_csv(path, rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["code", "name", "level", "parent_code", "geometry", "centroid_lat", "centroid_lon"],
                                   *rows])


def test_importing_a_bad_geometry_names_the_line_and_writes_nothing(tmp_path):
    path = tmp_path / "areas.csv"
    district = ["LG", "龙岗区", "district", "", json.dumps(box(114.0, 22.6, 114.4, 22.9)), "", ""]
    write_csv(path, [district, ["PH", "平湖街道", "subdistrict", "LG", json.dumps(BOWTIE), "", ""]])
    with Platform(tmp_path / "target.db") as target:
        with pytest.raises(ValidationError) as refused:
            target.transfer.import_file(SYSTEM, "areas", path)
        assert str(refused.value).startswith("areas.csv line 3: geometry: is not a valid polygon: Self-intersection")
        write_csv(path, [district, ["SX", "山厦社区", "community", "LG", "", "north", "114.1"]])
        with pytest.raises(ValidationError, match=r"areas.csv line 3: centroid_lat: 'north' is not a number"):
            target.transfer.import_file(SYSTEM, "areas", path)
        write_csv(path, [district, ["SX", "山厦社区", "community", "LG", "{not json", "", ""]])
        with pytest.raises(ValidationError, match=r"areas.csv line 3: geometry: is not JSON"):
            target.transfer.import_file(SYSTEM, "areas", path)
        assert target._store.count("area") == 0


# -- the command line -----------------------------------------------------------------------------


def test_area_locate_prints_the_path_with_names(sample_db, core_cli_only):
    result = run("area", "locate", "22.69", "114.105")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["level", "code", "name"]
    assert [line.split() for line in lines[2:]] == [
        ["district", "LG", "龙岗区"], ["subdistrict", "PH", "平湖街道"], ["community", "SX", "山厦社区"],
        ["grid", "SX01", "山厦社区第01网格"]]  # fmt: skip


def test_area_locate_json(sample_db, core_cli_only):
    found = json.loads(run("area", "locate", "22.69", "114.13", "--json").stdout)
    assert found["area"] == "BNK01"
    assert [(a["code"], a["level"]) for a in found["path"]] == [
        ("LG", "district"), ("PH", "subdistrict"), ("BNK", "community"), ("BNK01", "grid")]
    assert found["path"][-1]["name"] == "白泥坑社区第01网格"
    nowhere = run("area", "locate", "--json", "-33.87", "151.21")
    assert nowhere.exit_code == 1
    assert json.loads(nowhere.stdout) == {"lat": -33.87, "lon": 151.21, "area": None, "path": []}


def test_area_locate_outside_every_area_exits_1(sample_db, core_cli_only):
    result = run("area", "locate", "22.5", "114.1")
    assert (result.exit_code, result.stdout) == (1, "no area holds 22.5, 114.1\n")


@pytest.mark.parametrize(("args", "message"), [
    (("91", "114.1"), "error: lat: 91.0 is out of range -90…90 (latitude and longitude swapped?)\n"),
    (("22.69", "east"), "error: lon: 'east' is not a number (decimal degrees)\n"),
    (("nan", "114.1"), "error: lat: 'nan' is not a number (decimal degrees)\n"),
])  # fmt: skip
def test_area_locate_refuses_bad_coordinates_in_one_line(sample_db, core_cli_only, args, message):
    result = run("area", "locate", *args)
    assert (result.exit_code, result.stderr) == (2, message)


def test_area_locate_converts_points_from_chinese_maps(sample_db, core_cli_only):
    lat, lon = wgs84_to_gcj02(22.69, 114.1125)  # SX01 in WGS-84; on AMap the spot lies in SX02
    assert json.loads(run("area", "locate", str(lat), str(lon), "--json").stdout)["area"] == "SX02"
    converted = json.loads(run("area", "locate", str(lat), str(lon), "--datum", "gcj02", "--json").stdout)
    assert converted["area"] == "SX01"
    assert math.isclose(converted["lat"], 22.69, abs_tol=1e-8)
    lat, lon = wgs84_to_bd09(22.69, 114.1125)
    assert json.loads(run("area", "locate", str(lat), str(lon), "--datum", "bd09", "--json").stdout)["area"] == "SX01"


# -- Chinese map datums ---------------------------------------------------------------------------

# Published pairs (WGS-84 lat, lon → GCJ-02 lat, lon): the test points of the eviltransform
# project (Shanghai, Shenzhen, Beijing) and the example of the coordtransform project (Beijing).
GCJ02_REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),
]


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


@pytest.mark.parametrize(("wgs", "gcj"), GCJ02_REFERENCE)
def test_gcj02_matches_published_reference_points(wgs, gcj):
    assert metres(wgs84_to_gcj02(*wgs), gcj) < 0.001
    assert metres(gcj02_to_wgs84(*gcj), wgs) < 0.01  # the iterated inverse: well inside 1 m


def test_bd09_matches_published_reference_points():
    # coordtransform's example: BD-09 (39.915, 116.404) is GCJ-02 (39.90865673957631, 116.39762729119315),
    # and GCJ-02 (39.915, 116.404) is BD-09 (39.92133699351021, 116.41036949371029).
    assert metres(wgs84_to_gcj02(*bd09_to_wgs84(39.915, 116.404)), (39.90865673957631, 116.39762729119315)) < 0.01
    assert metres(wgs84_to_bd09(*gcj02_to_wgs84(39.915, 116.404)), (39.92133699351021, 116.41036949371029)) < 0.01


@given(st.floats(18.0, 53.0), st.floats(74.0, 134.0))
def test_gcj02_round_trips_inside_china(lat, lon):
    assert metres(gcj02_to_wgs84(*wgs84_to_gcj02(lat, lon)), (lat, lon)) < 0.01
    assert metres(wgs84_to_gcj02(lat, lon), (lat, lon)) > 1  # it is an offset, not the identity


def test_points_outside_china_are_not_offset():
    assert wgs84_to_gcj02(51.4779, -0.0015) == (51.4779, -0.0015)
    assert gcj02_to_wgs84(-33.87, 151.21) == (-33.87, 151.21)
    with pytest.raises(ValidationError, match="lat: 95 is out of range"):
        gcj02_to_wgs84(95, 114.1)
