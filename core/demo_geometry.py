"""Where the demo's areas lie: seeded polygons that nest exactly, and points for buildings.

The district gets a smooth irregular outline inside the real district's bounding box. Each
area's polygon is then split among its children: a Voronoi diagram of seeded points inside
the polygon, relaxed twice towards the cells' centroids (Lloyd's method, so neighbouring
grids come out of similar size, as grids drawn by household counts do), every cell clipped
to the parent. The cells of one diagram share their edges and together cover the parent,
so children tile their parent without gaps or overlaps, level by level down to the handling
level (grids; Suyu's compounds). Areas below it (buildings) get a point inside their parent.

Everything is drawn from one ``random.Random`` in the order of the area list and computed
by GEOS, so one seed gives the same coordinates in every process (no set or ``hash()`` is
involved). Longgang's ~4,000 grids take about a second.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import attrs
import shapely
from shapely.geometry import Polygon

from .geo import to_geojson
from .models import Area


@attrs.frozen(kw_only=True)
class Outline:
    """Where a demo district lies (WGS-84 bounding box of its outline) and, optionally,
    rough positions ``(lat, lon)`` of its subdistricts in the order they are created."""

    south: float
    west: float
    north: float
    east: float
    anchors: tuple[tuple[float, float], ...] = ()


# Longgang district, Shenzhen; the anchors are rough positions of its eleven subdistricts
# (平湖 坂田 布吉 南湾 横岗 龙城 龙岗 坪地 宝龙 园山 吉华), enough for a recognisable layout, not
# survey data.
LONGGANG = Outline(
    south=22.60, west=114.05, north=22.85, east=114.45,
    anchors=((22.70, 114.12), (22.64, 114.07), (22.62, 114.11), (22.61, 114.16), (22.66, 114.21),
             (22.73, 114.25), (22.72, 114.30), (22.77, 114.33), (22.70, 114.35), (22.67, 114.26),
             (22.65, 114.12)),
)  # fmt: skip
OUTLINES = {
    # One subdistrict of Longgang (平湖), about its size, in its real place.
    "small": Outline(south=22.665, west=114.09, north=22.72, east=114.15),
    # Suyu district, Suqian: its three urban subdistricts.
    "district": Outline(south=33.92, west=118.23, north=34.03, east=118.37),
    "longgang": LONGGANG,
}
RELAXATIONS = 2


def place_areas(areas: Sequence[Area], outline: Outline, rng: random.Random, *, levels: Sequence[str],
                handling_level: str) -> list[Area]:
    """``areas`` (parents before children, one root) with geometry down to the handling
    level and a centroid everywhere; areas deeper than the handling level get a point."""
    children: dict[str | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_code, []).append(area)
    (root,) = children[None]
    deepest = levels.index(handling_level)
    shapes: dict[str, shapely.Geometry] = {root.code: _outline(outline, rng)}
    points: dict[str, tuple[float, float]] = {}
    for area in areas:  # parents come first, so each parent's shape is ready
        kids = children.get(area.code, [])
        if not kids:
            continue
        if area.code not in shapes:
            raise ValueError(f"{area.code} has children but is below the handling level")
        parent = shapes[area.code]
        polygonal = [k for k in kids if levels.index(k.level) <= deepest]
        anchors = outline.anchors if area is root and len(outline.anchors) == len(polygonal) else ()
        for kid, cell in zip(polygonal, split(parent, len(polygonal), rng, anchors=anchors), strict=True):
            shapes[kid.code] = cell
        pointed = [k for k in kids if levels.index(k.level) > deepest]
        for kid, (lon, lat) in zip(pointed, points_inside(parent, len(pointed), rng), strict=True):
            points[kid.code] = (lat, lon)
    codes = list(shapes)
    oriented = shapely.orient_polygons([shapes[c] for c in codes], exterior_cw=False)
    labels = shapely.point_on_surface(oriented)
    geometry = {code: (to_geojson(shape), (label.y, label.x)) for code, shape, label in zip(codes, oriented, labels, strict=True)}
    placed = []
    for area in areas:
        if area.code in geometry:
            shape, (lat, lon) = geometry[area.code]
            placed.append(attrs.evolve(area, geometry=shape, centroid_lat=lat, centroid_lon=lon))
        elif area.code in points:
            lat, lon = points[area.code]
            placed.append(attrs.evolve(area, centroid_lat=lat, centroid_lon=lon))
        else:
            placed.append(area)
    return placed


def _outline(outline: Outline, rng: random.Random, vertices: int = 64) -> Polygon:
    """A smooth, irregular, star-shaped outline filling the bounding box: a circle whose
    radius wobbles by a few low harmonics (so it is always a simple polygon)."""
    waves = [(k, rng.uniform(0.03, 0.09), rng.uniform(0, 2 * math.pi)) for k in range(2, 6)]
    ring = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        radius = 1 + sum(a * math.cos(k * angle + phase) for k, a, phase in waves)
        ring.append((radius * math.cos(angle), radius * math.sin(angle)))
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    sx = (outline.east - outline.west) / (max(xs) - min(xs))
    sy = (outline.north - outline.south) / (max(ys) - min(ys))
    return Polygon([(outline.west + (x - min(xs)) * sx, outline.south + (y - min(ys)) * sy) for x, y in ring])


def split(polygon: shapely.Geometry, parts: int, rng: random.Random, *,
          anchors: Sequence[tuple[float, float]] = ()) -> list[shapely.Geometry]:
    """``polygon`` cut into ``parts`` cells that tile it, one per seed point, in seed order.

    ``anchors`` (lat, lon) that lie inside the polygon are used as seeds as given (not
    relaxed); otherwise seeds are drawn inside the polygon and relaxed."""
    if parts == 1:
        return [polygon]
    shapely.prepare(polygon)
    fixed = [(lon, lat) for lat, lon in anchors if shapely.contains_xy(polygon, lon, lat)]
    if anchors and len(fixed) == parts:
        return _cells(fixed, polygon)
    seeds = points_inside(polygon, parts, rng)
    for _ in range(RELAXATIONS):
        cells = _cells(seeds, polygon)
        centres = shapely.centroid(cells)
        seeds = [(c.x, c.y) if shapely.contains_xy(polygon, c.x, c.y) else seed
                 for c, seed in zip(centres, seeds, strict=True)]
    return _cells(seeds, polygon)


def _cells(seeds: Sequence[tuple[float, float]], polygon: shapely.Geometry) -> list[shapely.Geometry]:
    diagram = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=polygon, ordered=True)
    clipped = shapely.intersection(list(diagram.geoms), polygon)
    return [_polygonal(cell) for cell in clipped]


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a clipped cell (an intersection may add stray lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and not p.is_empty]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def points_inside(polygon: shapely.Geometry, count: int, rng: random.Random) -> list[tuple[float, float]]:
    """``count`` seeded points ``(lon, lat)`` drawn uniformly inside ``polygon``."""
    west, south, east, north = polygon.bounds
    shapely.prepare(polygon)
    found: list[tuple[float, float]] = []
    while len(found) < count:
        batch = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(2 * (count - len(found)) + 4)]
        inside = shapely.contains_xy(polygon, [x for x, _ in batch], [y for _, y in batch])
        found += [point for point, ok in zip(batch, inside.tolist(), strict=True) if ok]
    return found[:count]
