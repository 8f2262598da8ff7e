"""Which area holds a point: the areas' polygons in a shapely ``STRtree``.

The index is built from the stored rows in one pass (GEOS parses the GeoJSON text itself)
and answers a point with the deepest area whose polygon covers it. It holds codes and
depths only, so the area service hands out current records and can drop the index
whenever the tree changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import shapely


class AreaIndex:
    """The polygons of every area that has one.

    A point on a border is covered by both neighbours (``covered_by`` counts the boundary,
    so no point between two grids falls through to their community); the deeper area wins,
    and between equally deep areas the lowest code, so the answer never depends on the
    order the tree returns candidates in.
    """

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        codes, depths, texts = [], [], []
        for row in rows:
            codes.append(row["code"])
            depths.append(row["path"].count("/") - 1)
            texts.append(row["geometry"])
        self._codes = codes
        # One sort key per polygon: deeper first, then by code.
        order = sorted(range(len(codes)), key=lambda i: (-depths[i], codes[i]))
        self._rank = np.empty(len(codes), dtype=np.int64)
        self._rank[order] = np.arange(len(codes))
        self._tree = shapely.STRtree(shapely.from_geojson(texts) if texts else [])

    def __len__(self) -> int:
        return len(self._codes)

    def locate(self, lat: float, lon: float) -> str | None:
        """The code of the deepest area covering the point, or None."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="covered_by")
        if not len(hits):
            return None
        return self._codes[hits[np.argmin(self._rank[hits])]]

    def locate_many(self, lats: Iterable[float], lons: Iterable[float]) -> list[str | None]:
        """:meth:`locate` for many points in one query (imports, benchmarks)."""
        points = shapely.points(np.asarray(list(lons), dtype=float), np.asarray(list(lats), dtype=float))
        found: list[str | None] = [None] * len(points)
        point_i, area_i = self._tree.query(points, predicate="covered_by")
        best: dict[int, int] = {}
        for p, a in zip(point_i.tolist(), area_i.tolist(), strict=True):
            if p not in best or self._rank[a] < self._rank[best[p]]:
                best[p] = a
        for p, a in best.items():
            found[p] = self._codes[a]
        return found
