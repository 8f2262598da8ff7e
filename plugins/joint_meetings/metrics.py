"""Metrics of the axis per level and period, and of the co-building bodies.

- meetings held: held meetings whose time lies in the period, by the body's level;
- settled at their own level: topics settled in the period at the body that raised them;
- moved up: moves in the period, by the level moved from (a topic moved up twice counts
  at both levels); the total counts each topic once;
- solved after moving up: topics settled in the period after at least one move, by the
  level that settled them;
- decisions overdue: decisions taken in the period, still open, due before today;
- co-building: bodies and their member units, commitments signed in the period and kept,
  things done in the period and their value (yuan).

Every figure is a count or sum over the plugin's rows (indexed by area path and time), so
an independent recount of the rows gives the same numbers; the tests check that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from gridgov.core import Actor, Platform

from .rows import subtree_range
from .tables import BODY, BODY_MEMBER, COMMITMENT, DECISION, DEED, MEETING, TOPIC, TOPIC_HISTORY

LEVEL_FIGURES = ("meetings", "settled_own_level", "moved_up", "solved_after_moving_up", "decisions_overdue")


@attrs.frozen(kw_only=True)
class AxisStats:
    """Figures for one area subtree and period; ``by_level`` maps each level to the
    figures of ``LEVEL_FIGURES``."""

    scope: str
    since: dt.date | None
    until: dt.date | None
    by_level: dict[str, dict[str, int]]
    meetings: int
    settled_own_level: int
    moved_up: int
    solved_after_moving_up: int
    decisions: int
    decisions_overdue: int
    cobuilding_bodies: int
    member_units: int
    commitments: int
    commitments_kept: int
    things_done: int
    value: int

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        return data



def compute(platform: Platform, actor: Actor, area: str | None = None, since: dt.date | None = None,
            until: dt.date | None = None) -> AxisStats:
    """The axis's figures for ``area``'s subtree (default: the actor's scope) over the
    deployment-zone days ``[since, until)``."""
    period = platform.time.period_lookups
    by_level: dict[str, dict[str, int]] = {}

    def add(level: str, figure: str, n: int) -> None:
        by_level.setdefault(level, dict.fromkeys(LEVEL_FIGURES, 0))[figure] += n

    today = platform.today()
    moved_topics: set[int] = set()
    decisions = units = bodies = commitments = kept = deeds = value = 0
    for path in platform.metrics.read_paths(actor, area):
        rng = subtree_range(path)
        for level, n in platform.table(MEETING).count_by("level", status="held", **rng, **period("held_at", since, until)).items():
            add(level, "meetings", n)
        topics = platform.table(TOPIC)
        for level, n in topics.count_by("level", status="settled", moves=0, **rng, **period("settled_at", since, until)).items():
            add(level, "settled_own_level", n)
        for level, n in topics.count_by("level", status="settled", moves__gt=0, **rng,
                                        **period("settled_at", since, until)).items():
            add(level, "solved_after_moving_up", n)
        for row in platform.table(TOPIC_HISTORY).iter_rows(move="move_up", **rng, **period("at", since, until)):
            add(row["level"], "moved_up", 1)
            moved_topics.add(row["record_id"])
        decided = period("decided_at", since, until)
        decisions += platform.table(DECISION).count(**rng, **decided)
        for level, n in platform.table(DECISION).count_by("level", status="open", due__lt=today, **rng, **decided).items():
            add(level, "decisions_overdue", n)
        cobuild = platform.table(BODY).rows(kind="cobuild", **rng)
        bodies += len(cobuild)
        for row in cobuild:
            units += platform.table(BODY_MEMBER).distinct("org_code", body_id=row["id"], org_code__isnull=False)
        signed = period("signed_on", since, until, dates=True)
        commitments += platform.table(COMMITMENT).count(**rng, **signed)
        kept += platform.table(COMMITMENT).count(status="kept", **rng, **signed)
        done = period("done_on", since, until, dates=True)
        deeds += platform.table(DEED).count(**rng, **done)
        value += int(platform.table(DEED).sum("value", **rng, **done) or 0)
    total = {figure: sum(levels[figure] for levels in by_level.values()) for figure in LEVEL_FIGURES}
    order = {name: i for i, name in enumerate(platform.areas.levels())}
    return AxisStats(
        scope=f"area:{area}" if area else "all", since=since, until=until,
        by_level=dict(sorted(by_level.items(), key=lambda kv: order.get(kv[0], 99))),
        meetings=total["meetings"], settled_own_level=total["settled_own_level"], moved_up=len(moved_topics),
        solved_after_moving_up=total["solved_after_moving_up"], decisions=decisions,
        decisions_overdue=total["decisions_overdue"], cobuilding_bodies=bodies, member_units=units,
        commitments=commitments, commitments_kept=kept, things_done=deeds, value=value,
    )  # fmt: skip


LABELS_ZH = {
    "meetings held": "召开会议", "settled at own level": "本级议决", "moved up": "议题上移",
    "solved after moving up": "上移后解决", "decisions overdue": "决定逾期", "bodies overdue": "未按期开会",
    "things done": "共建实事", "value (yuan)": "折合金额（元）",
}


def card(platform: Platform, actor: Actor, area_code: str, since: dt.date | None,
         until: dt.date | None) -> dict[str, Any]:
    """The home card (``register_metrics``): the period's figures, and how many bodies in
    the area have not met in their current month or quarter."""
    from . import cadence

    stats = compute(platform, actor, area_code, since, until)
    late = cadence.flags(platform, actor, area=area_code, overdue_only=True)
    return {
        "meetings held": stats.meetings, "settled at own level": stats.settled_own_level,
        "moved up": stats.moved_up, "solved after moving up": stats.solved_after_moving_up,
        "decisions overdue": stats.decisions_overdue, "bodies overdue": len(late),
        "things done": stats.things_done, "value (yuan)": stats.value,
    }  # fmt: skip
