"""Matching a need with the resources that could meet it, each suggestion with its reasons.

Pure functions over plain values, so the rules can be tested on any input (hypothesis)
and the service only gathers the candidates. A resource is a candidate for a need when it
shares at least one tag, may serve the need's area (one of its serving areas is the
need's area or above it), is offered on the day asked about and has capacity left. The
suggestions are ranked by

* tag fit: the share of the need's tags the resource offers (weight 0.45);
* distance in the area tree between the need's area and the organisation's seat, in
  steps up and down (0 in the same area; weight 0.25, as 1 / (1 + steps));
* remaining capacity against what the need asks for (weight 0.15);
* past ratings: the residents' satisfaction share of the organisation's rated projects
  (weight 0.15; an organisation not yet rated counts as 0.5, neither good nor bad).

A suggestion offers ``min(units asked, capacity left)``: it never exceeds what is left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

WEIGHTS = {"tags": 0.45, "distance": 0.25, "capacity": 0.15, "rating": 0.15}
UNRATED = 0.5


@attrs.frozen(kw_only=True)
class Reason:
    """One reason for a suggestion, in both languages; ``kind`` is the ranking factor."""

    kind: str
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@attrs.frozen(kw_only=True)
class Candidate:
    """What matching needs to know of one resource."""

    resource_id: int
    org_code: str
    title: str
    tags: frozenset[str] = attrs.field(converter=frozenset)
    capacity: int
    used: int
    serve_paths: tuple[str, ...] = attrs.field(converter=tuple)
    home_path: str
    starts: dt.date
    ends: dt.date
    rating: float | None = None
    rated: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.used)


@attrs.frozen(kw_only=True)
class Suggestion:
    resource_id: int
    org_code: str
    title: str
    units: int
    score: float
    tag_fit: float
    shared_tags: tuple[str, ...]
    distance: int
    remaining: int
    rating: float | None
    reasons: tuple[Reason, ...]

    def reason_text(self, lang: str) -> str:
        return "；".join(r.zh for r in self.reasons) if lang == "zh" else "; ".join(r.en for r in self.reasons)


def segments(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


def tree_distance(a: str, b: str) -> int:
    """Steps between two areas of the tree: up from ``a`` to the nearest common ancestor,
    then down to ``b``."""
    sa, sb = segments(a), segments(b)
    common = 0
    for x, y in zip(sa, sb, strict=False):
        if x != y:
            break
        common += 1
    return (len(sa) - common) + (len(sb) - common)


def may_serve(serve_paths: Iterable[str], need_path: str) -> bool:
    """The need's area lies in the subtree of one of the serving areas."""
    return any(need_path.startswith(p) for p in serve_paths)


def _pct(value: float) -> str:
    return f"{value:.0%}"


def score(need_path: str, need_tags: frozenset[str], units: int, c: Candidate) -> Suggestion:
    shared = tuple(sorted(need_tags & c.tags))
    tag_fit = len(shared) / len(need_tags) if need_tags else 0.0
    distance = tree_distance(need_path, c.home_path)
    offered = min(units, c.remaining)
    capacity_fit = min(1.0, c.remaining / units) if units else 1.0
    rating = c.rating if c.rating is not None else UNRATED
    total = (WEIGHTS["tags"] * tag_fit + WEIGHTS["distance"] / (1 + distance)
             + WEIGHTS["capacity"] * capacity_fit + WEIGHTS["rating"] * rating)
    joined_zh, joined_en = "、".join(shared), ", ".join(shared)
    reasons = [
        Reason(kind="tags", zh=f"标签相符：{joined_zh}（{len(shared)}/{len(need_tags)}）",
               en=f"tags match: {joined_en} ({len(shared)} of {len(need_tags)})"),
        Reason(kind="distance",
               zh="同一区域" if distance == 0 else f"区域树上相距{distance}级",
               en="in the same area" if distance == 0 else f"{distance} steps away in the area tree"),
        Reason(kind="capacity", zh=f"剩余容量{c.remaining}/{c.capacity}，可提供{offered}",
               en=f"{c.remaining} of {c.capacity} units left, offers {offered}"),
        Reason(kind="rating",
               zh=f"以往满意率{_pct(c.rating)}（{c.rated}个项目）" if c.rating is not None else "尚无评价",
               en=f"past satisfaction {_pct(c.rating)} over {c.rated} projects" if c.rating is not None
               else "not rated yet"),
    ]  # fmt: skip
    return Suggestion(resource_id=c.resource_id, org_code=c.org_code, title=c.title, units=offered,
                      score=round(total, 4), tag_fit=round(tag_fit, 4), shared_tags=shared, distance=distance,
                      remaining=c.remaining, rating=c.rating, reasons=tuple(reasons))  # fmt: skip


def exclusion(need_path: str, need_tags: frozenset[str], on: dt.date, c: Candidate) -> str | None:
    """Why ``c`` cannot be suggested for the need, or None."""
    if not need_tags & c.tags:
        return "shares no tag with the need"
    if not may_serve(c.serve_paths, need_path):
        return "may not serve the need's area"
    if not c.starts <= on <= c.ends:
        return f"is offered {c.starts} to {c.ends}, not on {on}"
    if c.remaining < 1:
        return "has no capacity left"
    return None


def suggest(need_path: str, need_tags: Iterable[str], units: int, candidates: Iterable[Candidate],
            on: dt.date, *, limit: int = 10) -> list[Suggestion]:
    """The best ``limit`` suggestions for a need, highest score first (ties: lower id)."""
    tags = frozenset(need_tags)
    found = [score(need_path, tags, units, c) for c in candidates if exclusion(need_path, tags, on, c) is None]
    found.sort(key=lambda s: (-s.score, s.resource_id))
    return found[:limit]
