"""Where areas lie: GeoJSON polygons in WGS-84, their label points, and the offsets of
Chinese web maps.

gridgov stores and expects WGS-84 longitude/latitude, as GeoJSON (RFC 7946) and Open311
GeoReport v2 require: GeoJSON positions are ``[longitude, latitude]``, while every
function here that takes or returns one point uses ``(lat, lon)``, the order people and
Open311 write. Maps made for mainland China do not show WGS-84: AMap (Gaode), Tencent and
Google's China tiles use GCJ-02, Baidu uses BD-09, both offset from WGS-84 by a few hundred
metres. A client that picked a point on such a map converts it first with
:func:`gcj02_to_wgs84` or :func:`bd09_to_wgs84`; nothing in gridgov converts silently.

>>> lat, lon = wgs84_to_gcj02(22.543847, 113.912316)  # Shenzhen
>>> round(lat, 6), round(lon, 6)
(22.540796, 113.917176)
>>> back = gcj02_to_wgs84(lat, lon)
>>> round(back[0], 6), round(back[1], 6)
(22.543847, 113.912316)
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from .errors import ValidationError

__all__ = [
    "GEOMETRY_TYPES",
    "bd09_to_wgs84",
    "check_point",
    "gcj02_to_wgs84",
    "geometry_problem",
    "label_point",
    "point_problem",
    "shape_of",
    "to_geojson",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


# -- points -----------------------------------------------------------------------------------


def point_problem(field: str, value: Any) -> str | None:
    """Why ``value`` is not a latitude (``field`` ends in ``lat``) or longitude, or None."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        return f"{value!r} is not a number"
    limit = 90 if field.endswith("lat") else 180
    if not -limit <= float(value) <= limit:
        hint = " (latitude and longitude swapped?)" if limit == 90 and abs(float(value)) <= 180 else ""
        return f"{value} is out of range -{limit}…{limit}{hint}"
    return None


def check_point(lat: Any, lon: Any) -> tuple[float, float]:
    """``(lat, lon)`` as floats, or a :class:`ValidationError` naming ``lat`` or ``lon``."""
    for field, value in (("lat", lat), ("lon", lon)):
        problem = point_problem(field, value)
        if problem:
            raise ValidationError(field, problem)
    return float(lat), float(lon)


# -- GeoJSON polygons -------------------------------------------------------------------------


def geometry_problem(geometry: Any) -> str | None:
    """Why ``geometry`` is not a valid GeoJSON Polygon or MultiPolygon in WGS-84, or None.

    The structure and the coordinate ranges are checked first, so the reason names the
    first bad ring or position; then GEOS judges the polygon itself (self-intersections,
    holes outside the shell…) and :func:`shapely.validation.explain_validity` says where.

    Every area read from the database is validated again, and judging a polygon costs
    far more than reading it (a district's 24,000 areas took seconds), so verdicts are
    remembered by the geometry's ``repr``, which tells a list from a tuple and 1 from 1.0.
    """
    if type(geometry) is not dict:
        return _geometry_problem(geometry)
    key = repr(geometry)
    if key in _VERDICTS:
        return _VERDICTS[key]
    if len(_VERDICTS) >= _VERDICTS_KEPT:
        _VERDICTS.clear()
    verdict = _VERDICTS[key] = _geometry_problem(geometry)
    return verdict


_VERDICTS: dict[str, str | None] = {}
_VERDICTS_KEPT = 50_000


def _geometry_problem(geometry: Any) -> str | None:
    if not isinstance(geometry, dict):
        return "must be a GeoJSON object"
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        return f"{kind!r} is not a GeoJSON Polygon or MultiPolygon"
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return "has no coordinates"
    for p, rings in enumerate(polygons, 1):
        where = f"polygon {p} " if kind == "MultiPolygon" else ""
        problem = _rings_problem(rings)
        if problem:
            return where + problem
    shaped = shape(geometry)
    if not shaped.is_valid:
        return f"is not a valid polygon: {explain_validity(shaped)}"
    return None


def _rings_problem(rings: Any) -> str | None:
    if not isinstance(rings, list) or not rings:
        return "has no rings"
    for r, ring in enumerate(rings, 1):
        if not isinstance(ring, list) or len(ring) < 4:
            return f"ring {r} needs at least 4 positions (the last repeats the first)"
        for position in ring:
            if not isinstance(position, list | tuple) or len(position) not in (2, 3):
                return f"ring {r}: {position!r} is not a [longitude, latitude] position"
            for field, value in (("lon", position[0]), ("lat", position[1])):
                problem = point_problem(field, value)
                if problem:
                    name = "longitude" if field == "lon" else "latitude"
                    return f"ring {r}: {name} {problem} (positions are [longitude, latitude])"
        if list(ring[0][:2]) != list(ring[-1][:2]):
            return f"ring {r} is not closed: its last position must repeat the first"
    return None


def shape_of(geometry: dict[str, Any]) -> shapely.Geometry:
    """The shapely geometry of a GeoJSON mapping (x = longitude, y = latitude)."""
    return shape(geometry)


def to_geojson(polygonal: shapely.Geometry) -> dict[str, Any]:
    """A shapely Polygon or MultiPolygon as a GeoJSON mapping of plain lists, so it equals
    itself after a trip through JSON (shapely's own mapping uses tuples)."""
    mapping = shapely.geometry.mapping(polygonal)
    return {"type": mapping["type"], "coordinates": _lists(mapping["coordinates"])}


def _lists(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    return float(value)


def label_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """The ``(lat, lon)`` that stands for an area when it is one point: a pin on a map, the
    place an area's centre is reported, a point that locates to the area itself.

    This is shapely's ``representative_point()`` (GEOS ``point_on_surface``), not the
    centroid: the centroid of a concave or multi-part area (a crescent-shaped community, a
    grid split by a river) can fall outside it, inside a neighbour, while this point is
    guaranteed to lie inside the area. It is not the centre of mass, which nothing in gridgov
    needs.
    """
    point = shape(geometry).representative_point()
    return point.y, point.x


# -- Chinese map offsets ----------------------------------------------------------------------

# The public GCJ-02 obfuscation: a Krasovsky-ellipsoid offset of a fixed polynomial-and-sine
# field, applied only inside a rough rectangle around China.
_A = 6378245.0
_EE = 0.00669342162296594323
_BD_X_PI = math.pi * 3000.0 / 180.0


def _outside_china(lat: float, lon: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _gcj02_offset(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    waves = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + waves
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + waves
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    d_lat = d_lat * 180.0 / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * math.pi)
    d_lon = d_lon * 180.0 / (_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """A WGS-84 point as AMap/Tencent show it (GCJ-02); points outside China are unchanged."""
    lat, lon = check_point(lat, lon)
    if _outside_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _gcj02_offset(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """A GCJ-02 point (picked on AMap or Tencent maps) in WGS-84.

    GCJ-02 has no closed-form inverse; the forward offset is applied to a guess and the
    guess corrected by the miss until it is below 1e-9 degrees (0.1 mm), which takes three
    or four rounds. Points outside China are unchanged.
    """
    lat, lon = check_point(lat, lon)
    if _outside_china(lat, lon):
        return lat, lon
    guess_lat, guess_lon = lat, lon
    for _ in range(30):
        seen_lat, seen_lon = wgs84_to_gcj02(guess_lat, guess_lon)
        miss_lat, miss_lon = seen_lat - lat, seen_lon - lon
        if abs(miss_lat) < 1e-9 and abs(miss_lon) < 1e-9:
            break
        guess_lat, guess_lon = guess_lat - miss_lat, guess_lon - miss_lon
    return guess_lat, guess_lon


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """A BD-09 point (picked on Baidu maps) in WGS-84: Baidu's public offset from GCJ-02
    undone, then :func:`gcj02_to_wgs84`."""
    lat, lon = check_point(lat, lon)
    x, y = lon - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _BD_X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_X_PI)
    return gcj02_to_wgs84(z * math.sin(theta), z * math.cos(theta))


def wgs84_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """A WGS-84 point as Baidu maps show it (BD-09)."""
    lat, lon = wgs84_to_gcj02(lat, lon)
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _BD_X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065
