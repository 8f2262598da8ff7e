"""The demo deployments' polygons: every area down to the handling level has one, children
tile their parent exactly, every point locates to its own area, and one seed gives the same
coordinates in any process."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys

import pytest
import shapely
from gridgov.core import Platform, PluginHost
from gridgov.core.converter import to_row
from gridgov.core.demo_directory import DirectoryBuilder, build_directory
from gridgov.core.demo_geometry import OUTLINES
from gridgov.core.demo_scales import SCALES
from gridgov.core.geo import shape_of
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st


def _quiet(*_args) -> None:
    return None


def demo_areas(scale: str, seed: int = 7):
    """The areas of a demo deployment as ``gridgov demo`` generates them (nothing written)."""
    builder = DirectoryBuilder(None, SCALES[scale], random.Random(seed), _quiet, random.Random(seed + 11))
    builder.build_tree()
    return builder.areas


@pytest.fixture(scope="module", params=["small", "district", "longgang"])
def generated(request):
    return request.param, demo_areas(request.param)


def test_every_area_down_to_the_handling_level_has_a_polygon_and_buildings_a_point(generated):
    scale, areas = generated
    spec = SCALES[scale]
    depth = spec.levels.index(spec.handling_level)
    for area in areas:
        assert area.centroid is not None, area.code
        assert (area.geometry is not None) == (spec.levels.index(area.level) <= depth), area.code
    outline = OUTLINES[scale]
    district = shape_of(areas[0].geometry)
    west, south, east, north = district.bounds
    assert outline.west <= west < east <= outline.east and outline.south <= south < north <= outline.north
    assert sum(a.level == spec.handling_level for a in areas) == spec.units


def test_children_tile_their_parent_without_gaps_or_overlaps(generated):
    _, areas = generated
    by_code = {a.code: a for a in areas}
    children: dict[str, list] = {}
    for area in areas:
        if area.parent_code:
            children.setdefault(area.parent_code, []).append(area)
    tiled = 0
    for code, kids in children.items():
        parent = shape_of(by_code[code].geometry)
        cells = [shape_of(k.geometry) for k in kids if k.geometry]
        for kid in kids:
            if kid.geometry is None:  # a building: its point lies inside the parent
                assert parent.contains(shapely.Point(kid.centroid_lon, kid.centroid_lat)), kid.code
        if not cells:
            continue
        tiled += 1
        assert all(cell.is_valid for cell in cells)
        assert sum(cell.area for cell in cells) == pytest.approx(parent.area, rel=1e-9), code
        assert shapely.union_all(cells).symmetric_difference(parent).area < 1e-9 * parent.area, code
        assert shapely.coverage_is_valid(cells), code  # no overlaps, shared edges match exactly
    assert tiled == sum(1 for a in areas if children.get(a.code) and children[a.code][0].geometry)


def test_the_small_demo_lies_in_pinghu_and_suyu_in_suqian(generated):
    scale, areas = generated
    lat, lon = areas[0].centroid
    expected = {"small": (22.66, 22.72, 114.09, 114.15), "district": (33.9, 34.05, 118.2, 118.4),
                "longgang": (22.6, 22.85, 114.05, 114.45)}[scale]
    assert expected[0] < lat < expected[1] and expected[2] < lon < expected[3]


# -- locating in a loaded demo ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    """The small demo's directory written to a database (no cases: they do not matter here)."""
    path = tmp_path_factory.mktemp("geo") / "small.db"
    platform = Platform(path, hooks=PluginHost(builtins=(), entry_points=False))
    build_directory(platform, SCALES["small"], random.Random(7), _quiet, places=random.Random(18))
    grids = platform.areas.subtree(platform.areas.roots()[0].code, level="grid")
    yield platform, grids
    platform.close()


def test_every_grid_and_building_point_locates_to_its_grid(small_demo):
    platform, grids = small_demo
    for grid in grids:
        assert platform.areas.locate(*grid.centroid).code == grid.code
        for building in platform.areas.children(grid.code):
            assert platform.areas.locate(*building.centroid).code == grid.code


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(pick=st.integers(0, 10_000), u=st.floats(0, 1), v=st.floats(0, 1))
def test_a_point_inside_a_demo_grid_locates_to_that_grid(small_demo, pick, u, v):
    platform, grids = small_demo
    grid = grids[pick % len(grids)]
    polygon = shape_of(grid.geometry)
    west, south, east, north = polygon.bounds
    point = shapely.Point(west + u * (east - west), south + v * (north - south))
    assume(polygon.contains(point) and polygon.boundary.distance(point) > 1e-9)
    found = platform.areas.locate_path(point.y, point.x)
    assert [a.code for a in found][-1] == grid.code
    assert [a.level for a in found] == ["district", "subdistrict", "community", "grid"]


def test_demo_areas_point_locations_agree_with_the_polygons_in_bulk(small_demo):
    platform, grids = small_demo
    index = platform.areas.spatial_index()
    assert index.locate_many([g.centroid_lat for g in grids], [g.centroid_lon for g in grids]) == [g.code for g in grids]
    assert index.locate_many([0.0, 22.69], [0.0, 200.0]) == [None, None]


# -- repeatable -------------------------------------------------------------------------------------

FINGERPRINT = """
import hashlib, json, random, sys
from gridgov.core.converter import to_row
from gridgov.core.demo_directory import DirectoryBuilder
from gridgov.core.demo_scales import SCALES
for scale in sys.argv[1:]:
    builder = DirectoryBuilder(None, SCALES[scale], random.Random(7), lambda *a: None, random.Random(18))
    builder.build_tree()
    rows = [to_row(a) for a in builder.areas]
    print(scale, hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest())
"""


def fingerprint(areas) -> str:
    return hashlib.sha256(json.dumps([to_row(a) for a in areas], ensure_ascii=False).encode()).hexdigest()


def test_one_seed_gives_the_same_polygons_in_every_process():
    scales = ["small", "district"]  # longgang runs the same code, three seconds longer per process
    runs = [subprocess.Popen([sys.executable, "-c", FINGERPRINT, *scales], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": hash_seed}) for hash_seed in ("1", "4242")]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert len(outputs[0].splitlines()) == 2
    assert outputs[0] == outputs[1]
    assert outputs[0].splitlines()[0] == f"small {fingerprint(demo_areas('small'))}"


def test_another_seed_gives_other_polygons():
    one = demo_areas("small", seed=7)
    other = DirectoryBuilder(None, SCALES["small"], random.Random(7), _quiet, random.Random(99))
    other.build_tree()
    assert [a.code for a in one] == [a.code for a in other.areas]
    assert [a.geometry for a in one] != [a.geometry for a in other.areas]
    assert [a.centroid for a in one] != [a.centroid for a in other.areas]
