"""Areas with geometry at Longgang scale: generating the demo polygons, building the spatial
index, and locating points one at a time and in bulk. Prints one JSON object.

    .venv/bin/python bench/geo_bench.py [--points 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from common import SEED, machine
from gridgov.core import Actor, Platform, PluginHost
from gridgov.core.converter import to_row
from gridgov.core.demo_directory import DirectoryBuilder
from gridgov.core.demo_geometry import OUTLINES, place_areas
from gridgov.core.demo_scales import SCALES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20_000)
    args = parser.parse_args()
    spec = SCALES["longgang"]
    started = time.perf_counter()
    builder = DirectoryBuilder(None, spec, random.Random(SEED), lambda *a: None, random.Random(SEED + 11))
    builder.build_tree()
    tree_and_places = time.perf_counter() - started
    started = time.perf_counter()
    areas = place_areas(builder.areas, OUTLINES["longgang"], random.Random(SEED + 11), levels=spec.levels,
                        handling_level=spec.handling_level)
    places = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        platform = Platform(Path(tmp) / "geo.db", hooks=PluginHost(builtins=(), entry_points=False), synchronous="OFF")
        system = Actor.system()
        with platform.transaction():
            platform.areas.set_levels(system, spec.levels)
            paths: dict[str, str] = {}
            levels: dict[str, str] = {}
            rows = []
            for area in areas:
                prepared = platform.areas.prepare(area, known_paths=paths, known_levels=levels)
                paths[area.code], levels[area.code] = prepared.path, prepared.level
                rows.append(to_row(prepared))
            platform._store.insert_many("area", rows)
        platform.areas.forget()
        started = time.perf_counter()
        index = platform.areas.spatial_index()
        build_seconds = time.perf_counter() - started
        outline = OUTLINES["longgang"]
        rng = random.Random(1)
        points = [(rng.uniform(outline.south, outline.north), rng.uniform(outline.west, outline.east))
                  for _ in range(args.points)]
        timings, found = [], 0
        for lat, lon in points:
            t = time.perf_counter()
            area = platform.areas.locate(lat, lon)
            timings.append(time.perf_counter() - t)
            found += area is not None
        started = time.perf_counter()
        bulk = index.locate_many([p[0] for p in points], [p[1] for p in points])
        bulk_seconds = time.perf_counter() - started
        one_by_one = [index.locate(lat, lon) for lat, lon in points]
        started = time.perf_counter()
        for lat, lon in points[:2000]:
            platform.areas.locate_path(lat, lon)
        path_seconds = (time.perf_counter() - started) / 2000
        platform.close()
    print(json.dumps({
        "benchmark": "area_geometry_longgang",
        "areas": len(areas),
        "polygons": len(index),
        "grids": sum(a.level == "grid" for a in areas),
        "directory_tree_with_polygons_seconds": round(tree_and_places, 3),
        "demo_polygons_seconds": round(places, 3),
        "index_build_seconds": round(build_seconds, 3),
        "locate_points": len(points),
        "located_share": round(found / len(points), 3),
        "locate_median_us": round(statistics.median(timings) * 1e6, 1),
        "locate_p95_us": round(sorted(timings)[int(0.95 * len(timings))] * 1e6, 1),
        "locate_path_mean_us": round(path_seconds * 1e6, 1),
        "locate_many_us_per_point": round(bulk_seconds / len(points) * 1e6, 2),
        "bulk_agrees_with_one_by_one": bulk == one_by_one,
        "machine": machine(),
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
