"""The area tree as arrays, for distances and subtree lookups over many pairs at once.

Tree distance (steps up to the nearest common ancestor and down again) is how far a unit
or a member is from an area: a building of the member's own grid is 2 steps from home, one
elsewhere in the community 4. Areas in separate trees are one step further than their
depths, as if joined by a common root.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from gridgov.core import ValidationError

from .planner_records import PlanArea


class AreaTree:
    """Index of areas: ``index[code]`` is the row of an area in every array."""

    def __init__(self, areas: Sequence[PlanArea]) -> None:
        self.areas = list(areas)
        self.codes = [a.code for a in self.areas]
        self.index: dict[str, int] = {}
        for i, area in enumerate(self.areas):
            if area.code in self.index:
                raise ValidationError("areas", f"area {area.code} is listed twice")
            self.index[area.code] = i
        n = len(self.areas)
        self.parent = np.full(n, -1, dtype=np.int64)
        for i, area in enumerate(self.areas):
            if area.parent_code is not None:
                if area.parent_code not in self.index:
                    raise ValidationError("parent_code", f"area {area.code}: parent {area.parent_code} is not listed")
                self.parent[i] = self.index[area.parent_code]
        self.depth = self._depths()
        height = int(self.depth.max()) + 1 if n else 1
        self.ancestors = np.full((height, n), -1, dtype=np.int64)
        rows = np.arange(n)
        node = rows.copy()
        for _ in range(height):
            alive = node >= 0
            self.ancestors[self.depth[node[alive]], rows[alive]] = node[alive]
            node = np.where(alive, self.parent[np.maximum(node, 0)], -1)
        self.level = [a.level for a in self.areas]
        self.households = np.array([a.households for a in self.areas], dtype=np.int64)

    def _depths(self) -> np.ndarray:
        depth = np.full(len(self.areas), -1, dtype=np.int64)
        for start in range(len(self.areas)):
            chain = []
            node = start
            while node >= 0 and depth[node] < 0:
                if node in chain:
                    raise ValidationError("parent_code", f"area {self.codes[node]} is its own ancestor")
                chain.append(node)
                node = int(self.parent[node])
            base = -1 if node < 0 else int(depth[node])
            for step, member in enumerate(reversed(chain), start=1):
                depth[member] = base + step
        return depth

    def at_level(self, level: str) -> list[int]:
        """Rows of the areas of ``level``, in input order."""
        return [i for i, name in enumerate(self.level) if name == level]

    def ancestor_at_level(self, row: int, level: str) -> int:
        """The ancestor-or-self of ``row`` at ``level``, or -1."""
        node = row
        while node >= 0:
            if self.level[node] == level:
                return node
            node = int(self.parent[node])
        return -1

    def is_under(self, rows: np.ndarray, top: int) -> np.ndarray:
        """For each of ``rows``: whether it is ``top`` or lies under it."""
        return self.ancestors[self.depth[top], rows] == top

    def distances(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Tree distance between each ``a[k]`` and ``b[k]``."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        common = np.full(a.shape, -1, dtype=np.int64)
        for d in range(self.ancestors.shape[0]):
            same = (self.ancestors[d, a] == self.ancestors[d, b]) & (self.ancestors[d, a] >= 0)
            common = np.where(same, d, common)
        return self.depth[a] + self.depth[b] - 2 * common

    def distance(self, a: int, b: int) -> int:
        return int(self.distances(np.array([a]), np.array([b]))[0])
