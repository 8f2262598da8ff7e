"""A year of cases up to the end of the demo period, simulated as the live path takes them.

Each case's life is a sequence of workflow steps. A step makes the event and the changed
case that :func:`~gridgov.core.workflow.make_event` and
:func:`~gridgov.core.workflow.apply_event` would, on a plain dict, with counters from
:func:`~gridgov.core.workflow.metric_deltas`; the case is validated once, as the
:class:`~gridgov.core.models.Issue` its row is made from. :class:`CheckedLife` takes every
step with the workflow's functions as well and fails on the first difference (the tests
simulate with it), so replaying any demo case gives its stored row. The year is cut into
chunks of whole days, each with its own seeded generator and a known first id, so chunks
can be simulated in worker processes and the database is the same whichever way they ran.

The period ends when the demo is loaded, so what it leaves open is today's queue: cases
reported in the last days and weeks, each left in a state it plausibly still waits in for
its category's deadlines (a fresh report, a dispatched case near its response deadline, a
case in progress some of which are late), never a case forgotten for months.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
import random
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs

from .converter import encode_instant, to_dict
from .demo_directory import Unit, World, spot
from .demo_scales import DEMO_DAYS
from .demo_vocabulary import ISSUE_TEMPLATES, issue_text, phone, requester_name
from .models import Issue
from .registry import Category
from .sla import SlaBook, SlaRule
from .timezone import DEFAULT_ZONE, instant
from .workflow import (
    apply_event,
    cohort_flags,
    due_key,
    event_row,
    issue_row,
    make_event,
    metric_deltas,
    to_row_json,
)

T = TypeVar("T")

CATEGORY_WEIGHTS = {
    "road.repair": 10, "elevator.retrofit": 3, "environment.sanitation": 16, "property.dispute": 9,
    "public.safety": 8, "facility.repair": 13, "greening": 6, "noise": 9, "parking": 10,
    "livelihood.help": 8, "mediation.dispute": 5, "finance.financing_need": 2, "hr.policy_question": 2,
}  # fmt: skip
# Share of cases settled at the handling level, one level up, two, three (grid → district).
SETTLE_WEIGHTS = (80, 15, 4, 1)
SOURCES = (("visit", 45), ("hotline", 20), ("walk_in", 10), ("member", 12), ("online", 10), ("meeting", 3))
_HOURS = tuple(range(24))
_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 13, 9, 10, 13, 14, 13, 11, 8, 7, 5, 4, 2, 1)
_REJECT_NOTES = ("不属于受理范围，已告知诉求人通过司法途径解决", "诉求人已自行解决，无需立案", "信息不全且无法联系诉求人，无法核实", "属于民事合同纠纷，已引导诉求人协商或起诉")
_ESCALATE_NOTES = ("涉及多个部门职责，网格层面无法协调，提请上一级统筹", "需要资金和项目支持，超出本级处置能力", "涉及区级部门审批，提请上移议题", "多次协调未果，提请上一级联席会议研究")
_RETURN_NOTES = ("不属于本单位职责范围，请重新派遣", "地址不在本单位管辖范围", "事项涉及其他部门，建议改派")
_RESOLVE_NOTES = ("已安排人员到现场处置完毕", "已修复，现场恢复正常", "已与诉求人沟通并答复，诉求人认可", "已协调相关单位完成整改", "已纳入年度计划并先行临时处置", "已上门办理，相关手续已完成")
_REWORK_NOTES = ("现场核查未整改到位，请返工", "诉求人反映问题仍然存在", "整改不彻底，请继续处置")
_URGE_NOTES = ("已超期，请尽快处置并反馈", "督办：请于今日内办结", "超期未办结，请说明原因并加快办理")
_REOPEN_NOTES = ("诉求人对处理结果不满意，重新办理", "回访不满意，问题未实际解决")
# The states recent cases are left in and their shares of the open queue, the states a
# case leaves soonest first.
OPEN_SHARES = (("reported", 0.07), ("registered", 0.07), ("dispatched", 0.12), ("returned", 0.05),
               ("verified", 0.07), ("resolved", 0.12), ("in_progress", 0.40), ("reopened", 0.10))
OPEN_WINDOW = dt.timedelta(days=21)
MOST_LATE = 21 * 24.0
"""Hours a late step comes after its deadline at most (before the day's slack)."""
"""Only cases reported this recently are ever left open on purpose."""


@attrs.frozen(kw_only=True)
class Chunk:
    index: int
    first_id: int
    days: tuple[tuple[str, int], ...]

    @property
    def size(self) -> int:
        return sum(n for _, n in self.days)


@attrs.frozen(kw_only=True)
class Setup:
    """Everything a worker process needs to simulate chunks (plain, picklable data)."""

    world: World
    categories: dict[str, Category]
    sla: SlaBook
    seed: int
    end: dt.datetime
    open_hours: float = 0.0
    zone: str = DEFAULT_ZONE
    issue_columns: tuple[str, ...] = ()
    """When given (with ``event_columns``), rows come back as tuples in this order."""
    event_columns: tuple[str, ...] = ()


def daily_counts(total: int, rng: random.Random, end: dt.datetime, zone: str = DEFAULT_ZONE) -> list[tuple[str, int]]:
    """``total`` cases over the period's days: fewer at weekends, more in the rainy season,
    and on the last day only the share of a day's cases reported before ``end``."""
    local_end = end.astimezone(ZoneInfo(zone))
    first = local_end.date() - dt.timedelta(days=DEMO_DAYS - 1)
    days = [first + dt.timedelta(days=i) for i in range(DEMO_DAYS)]
    weights = []
    for day in days:
        w = 1.15 if day.weekday() < 5 else 0.7
        w *= 1.15 if day.month in (6, 7, 8, 9) else 1.0
        weights.append(w * rng.uniform(0.85, 1.15))
    weights[-1] *= sum(_hour_weights(local_end.hour * 60 + local_end.minute)) / sum(_HOUR_WEIGHTS)
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(days) - 1), total - sum(counts)):  # whole days take the rest
        counts[i] += 1
    return [(d.isoformat(), n) for d, n in zip(days, counts, strict=True)]


def _hour_weights(minutes: int) -> list[float]:
    """Each hour's weight of a day's reports, counting only the ``minutes`` after midnight."""
    return [w * min(1.0, max(0.0, (minutes - h * 60) / 60)) for h, w in enumerate(_HOUR_WEIGHTS)]


def open_hours(counts: list[tuple[str, int]], end: dt.datetime, zone: str, wanted: int) -> float:
    """How many hours' worth of recent reports to leave open, so that about ``wanted``
    cases are: ``wanted`` over the recent cases per hour (see :meth:`Simulator.open_stop`)."""
    since = (end.astimezone(ZoneInfo(zone)) - OPEN_WINDOW).date().isoformat()
    recent = sum(n for day, n in counts if day >= since)
    return wanted / (recent / (OPEN_WINDOW.total_seconds() / 3600)) if recent else 0.0


def plan_chunks(counts: list[tuple[str, int]], size: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[tuple[str, int]] = []
    first, next_id = 1, 1
    for day, n in counts:
        current.append((day, n))
        next_id += n
        if next_id - first >= size:
            chunks.append(Chunk(index=len(chunks), first_id=first, days=tuple(current)))
            current, first = [], next_id
    if current:
        chunks.append(Chunk(index=len(chunks), first_id=first, days=tuple(current)))
    return chunks


class Simulator:
    """Simulates the cases of one chunk."""

    life_class: type[Life]

    def __init__(self, setup: Setup, chunk: Chunk) -> None:
        self.s = setup
        self.w = setup.world
        self.chunk = chunk
        self.rng = random.Random(setup.seed * 1_000_003 + chunk.index)
        cats = [c for c in setup.categories if c in ISSUE_TEMPLATES]
        self.cat_codes = cats
        self.cat_cum = list(itertools.accumulate(CATEGORY_WEIGHTS.get(c, 1) for c in cats))
        self.unit_cum = list(itertools.accumulate(u.weight for u in self.w.units))
        self.source_names = [s for s, _ in SOURCES]
        self.source_cum = list(itertools.accumulate(w for _, w in SOURCES))
        self.issues: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.counts: dict[tuple[str, str], dict[str, int]] = {}
        self.cohorts: dict[tuple[str, str], dict[str, int]] = {}
        self._days: dict[int, str] = {}
        self.closed_at: dict[int, dt.datetime | None] = {}
        self.previous: tuple[Issue | None, Unit | None] = (None, None)
        self.zone = ZoneInfo(setup.zone)
        self.left_open = dict.fromkeys((state for state, _ in OPEN_SHARES), 0)
        self._rules: dict[tuple[str, str], SlaRule] = {}
        self._metrics_texts: dict[tuple[tuple[str, int], ...], str] = {}

    def metrics_text(self, deltas: dict[str, int]) -> str:
        """An event's counters as stored; a year has a few dozen different ones."""
        key = tuple(deltas.items())
        text = self._metrics_texts.get(key)
        if text is None:
            text = self._metrics_texts[key] = to_row_json(deltas)
        return text

    def rule(self, cat: Category, priority: str) -> SlaRule:
        """The SLA rule of a category and priority, looked up once per chunk."""
        key = (cat.code, priority)
        if key not in self._rules:
            self._rules[key] = self.s.sla.rule_for(cat, priority)
        return self._rules[key]

    # -- who acts -----------------------------------------------------------------------

    def desk(self, unit: Unit, handling: str) -> str:
        """The login that registers, dispatches and closes at the handling area."""
        return unit.leader if handling == unit.code else self.w.dispatchers[handling]

    def route(self, category: str, unit: Unit, handling: str, avoid: str | None = None) -> str:
        level = self.w.levels_of[handling]
        choices: list[str] = []
        agency = self.w.category_agencies.get(category)
        if category in ("property.dispute", "facility.repair"):
            choices = [unit.property_org] if level in ("grid", "compound") else [agency or unit.property_org]
        elif category == "noise":
            choices = [self.w.police_stations[unit.subdistrict]]
        elif category == "livelihood.help":
            choices = [unit.branch] if unit.branch in self.w.handlers and self.rng.random() < 0.5 else []
        elif category == "mediation.dispute":
            choices = [self.w.mediation_committees[unit.community]]
        if not choices or choices[0] == avoid:
            choices = [agency] if agency and agency != avoid else [unit.property_org, self.w.police_stations[unit.subdistrict]]
        return choices[0] if choices[0] != avoid else choices[-1]

    # -- one case -----------------------------------------------------------------------

    def run(self) -> Chunk:
        issue_id = self.chunk.first_id
        end = self.s.end
        for day, n in self.chunk.days:
            for at in self.day_times(day, n):
                self.case(issue_id, at, recent=end - at <= OPEN_WINDOW)
                issue_id += 1
        return self.chunk

    def day_times(self, day: str, n: int) -> list[dt.datetime]:
        """When the ``n`` cases of ``day`` are reported (local time, sorted), none after the
        period's end."""
        start = dt.datetime.fromisoformat(day).replace(tzinfo=self.zone)
        minutes = int((self.s.end - start).total_seconds() // 60)
        weights = _hour_weights(minutes) if minutes < 24 * 60 else _HOUR_WEIGHTS
        if not any(weights):
            return [self.s.end - dt.timedelta(minutes=1)] * n
        hours = self.rng.choices(_HOURS, weights=weights, k=n)
        return sorted(start + dt.timedelta(hours=h, minutes=self.rng.randrange(min(60, minutes - h * 60)))
                      for h in hours)

    def open_stop(self, cat: Category, priority: str, at: dt.datetime) -> str | None:
        """The state a recent case is left in, or None for a case that runs its course.

        A state is open to cases reported at most as long ago as a case plausibly waits
        in it, given its category's deadlines (a report waits a weekend at most; a case in
        progress may be somewhat late). Each state takes its share of the open queue
        spread over that window, so the young states are as full as the long ones; a
        state with no case yet counts four times, so a small demo has a case in each."""
        rule = self.s.sla.rule_for(cat, priority)
        age = (self.s.end - at).total_seconds() / 3600
        longest = {
            "reported": 40, "registered": 48, "dispatched": rule.response_hours * 1.5 + 12, "returned": 40,
            "verified": 60, "resolved": 72, "in_progress": rule.resolve_hours * 1.2 + 6,
            "reopened": rule.resolve_hours * 1.5 + 120,
        }  # fmt: skip
        draw = self.rng.random()
        for state, share in OPEN_SHARES:
            if age <= longest[state]:
                draw -= self.s.open_hours * share / longest[state] * (1 if self.left_open[state] else 4)
                if draw < 0:
                    self.left_open[state] += 1
                    return state
        return None

    def case(self, issue_id: int, at: dt.datetime, recent: bool = False) -> None:
        rng, w = self.rng, self.w
        master, master_unit = self.previous
        ended = self.closed_at.get(_known(master.id)) if master else None
        if master and rng.random() < 0.02 and (ended is None or ended > at + dt.timedelta(hours=4)):
            unit = _known(master_unit)
            category, area, title, description = master.category, master.area_code, master.title, master.description
        else:
            master = None
            unit = w.units[_pick(self.unit_cum, rng)]
            category = self.cat_codes[_pick(self.cat_cum, rng)]
            area = rng.choice(unit.buildings) if rng.random() < w.scale.building_issue_share else unit.code
            place = unit.place + (f"{unit.buildings.index(area) + 1}栋" if area != unit.code else spot(rng))
            title, description = issue_text(rng, category, place)
        cat = self.s.categories[category]
        source = self.source_names[_pick(self.source_cum, rng)]
        reporter = {
            "visit": unit.worker, "hotline": w.dispatchers[w.district], "walk_in": w.dispatchers[unit.community],
            "member": w.building_heads.get(area, unit.worker), "online": unit.worker, "meeting": unit.leader,
        }[source]
        with_requester = source != "visit" or rng.random() < 0.6
        roll = rng.random()
        priority = "urgent" if roll < 0.02 else "high" if roll < 0.1 and cat.default_priority != "high" else cat.default_priority
        draft: dict[str, Any] = {
            **_DRAFT, "title": title, "description": description, "category": category, "priority": priority,
            "area_code": area, "area_path": w.paths[area], "handling_area": unit.code, "level": w.levels_of[unit.code],
            "source": source, "reporter": reporter, "requester_name": requester_name(rng) if with_requester else None,
            "requester_phone": phone(rng) if with_requester else None, "reported_at": instant(at), "payload": {},
        }
        stop = self.open_stop(cat, priority, at) if recent else None
        life = self.life_class(self, issue_id, draft, unit, cat, stop)
        life.duplicate_of = master.id if master else None
        life.live()
        final = life.result()
        self.issues.append(life.row(final))
        if final.registered_at is not None:
            flags = {k: v for k, v in cohort_flags(final).items() if v}
            bucket = self.cohorts.setdefault((final.area_code, self.local_day(final.registered_at)), {})
            for key, value in flags.items():
                bucket[key] = bucket.get(key, 0) + value
        self.closed_at[issue_id] = life.ended
        if final.status not in ("rejected", "merged"):
            self.previous = (final, unit)

    def count(self, area: str, at: dt.datetime, deltas: dict[str, int]) -> None:
        if not deltas:
            return
        bucket = self.counts.setdefault((area, self.local_day(at)), {})
        for key, value in deltas.items():
            bucket[key] = bucket.get(key, 0) + value

    def local_day(self, at: dt.datetime) -> str:
        """The deployment-zone day of ``at``, as text. Zones are offset from UTC by whole
        quarter hours and change offset on a quarter hour, so the day is looked up once
        per quarter hour of UTC rather than converted for each of millions of events."""
        quarter = int(at.timestamp()) // 900
        day = self._days.get(quarter)
        if day is None:
            day = self._days[quarter] = at.astimezone(self.zone).date().isoformat()
        return day


def _known(value: T | None) -> T:
    """A field a case always has at this point of its simulated life (an earlier step set it)."""
    assert value is not None
    return value


def _pick(cum: Sequence[float], rng: random.Random) -> int:
    import bisect

    return bisect.bisect_right(cum, rng.random() * cum[-1])


_QUOTE = json.encoder.encode_basestring  # a str as the encoder writes it with ensure_ascii=False


def changes_text(changes: dict[str, Any]) -> str:
    """:func:`~gridgov.core.workflow.to_row_json` of a step's changes. They hold text,
    whole numbers, nulls and an empty payload, written here directly at a third of the
    encoder's cost (a report's changes are the whole case); anything else goes to it."""
    parts = []
    for key in sorted(changes):
        value = changes[key]
        label = _LABELS.get(key)
        if label is None:
            label = _LABELS[key] = _QUOTE(key) + ": "
        if value is None:
            parts.append(label + "null")
        elif type(value) is str:
            parts.append(label + _QUOTE(value))
        elif type(value) is int:
            parts.append(label + str(value))
        elif type(value) is dict and not value:
            parts.append(label + "{}")
        else:
            return to_row_json(changes)
    return "{" + ", ".join(parts) + "}"


_LABELS: dict[str, str] = {}
"""Each field name as it starts its entry (``"title": ``), quoted once."""


_DRAFT = {field.name: field.default for field in attrs.fields(Issue)
          if field.name not in ("id", "status", "version") and field.default is not attrs.NOTHING
          and not isinstance(field.default, attrs.Factory)}  # type: ignore[arg-type]
"""A new case's fields at their defaults; a report fills in the rest (``payload`` too: a
fresh dict each). The case is validated when its life ends, as the :class:`Issue` its row
is made from: validating the report as well cost about 7 % of the simulation."""


class Stop(Exception):
    """The simulated period ended (or the case reached the state it should be left in)."""


class Fields:
    """A case's fields held in a plain dict, read as attributes (as the workflow's
    :func:`~gridgov.core.workflow.metric_deltas` and the steps below read an issue)."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None


class Life:
    """The steps of one case, from report to its state at the end of the period.

    A step does what :func:`~gridgov.core.workflow.make_event` and
    :func:`~gridgov.core.workflow.apply_event` do, on a dict instead of a validated
    :class:`Issue` per event: a million cases have 7.4 million events, and building and
    converting a record for each was most of the load's time. The case is validated once,
    as the :class:`Issue` its row is made from; :class:`CheckedLife` (the tests) runs
    the workflow's own functions beside each step and insists on the same rows."""

    def __init__(self, sim: Simulator, issue_id: int, draft: dict[str, Any], unit: Unit, cat: Category,
                 stop: str | None) -> None:
        self.sim, self.rng, self.id, self.unit, self.cat, self.stop = sim, sim.rng, issue_id, unit, cat, stop
        self.rule = sim.rule(cat, draft["priority"])
        self.draft = draft
        self.fields: dict[str, Any] | None = None
        self.texts: dict[str, str] = {}
        """The stored text of each instant the case holds, as its events wrote them."""
        self.issue: Fields = Fields(draft)
        self.t: dt.datetime = draft["reported_at"]
        self.ended: dt.datetime | None = None
        self.duplicate_of: int | None = None

    def step(self, action: str, to_status: str | None, actor: str, changes: dict[str, Any], note: str = "",
             after_hours: float = 0.0) -> None:
        at = self.t + dt.timedelta(seconds=int(after_hours * 3600))
        if at > self.sim.s.end:
            raise Stop
        before = self.fields
        stored: dict[str, Any] = {}
        texts = self.texts
        for key, value in changes.items():
            if isinstance(value, dt.datetime):
                if value.tzinfo is not dt.UTC or value.microsecond:
                    value = instant(value)
                    changes[key] = value
                stored[key] = texts[key] = encode_instant(value)
            else:
                stored[key] = value
                if value is None:
                    texts.pop(key, None)
        if before is None:
            after = {**changes, "id": self.id, "status": to_status, "version": 1}
            org, member = changes.get("assignee_org"), changes.get("assignee_member")
            level = changes.get("level", self.draft["level"])
        else:
            after = {**before, **changes, "status": to_status or before["status"], "version": before["version"] + 1}
            org = before["assignee_org"] if action == "return" else changes.get("assignee_org", before["assignee_org"])
            member = before["assignee_member"] if action == "return" else changes.get("assignee_member", before["assignee_member"])
            level = changes.get("level", before["level"])
        view = Fields(after)
        deltas = metric_deltas(Fields(before) if before is not None else None, view, action)  # type: ignore[arg-type]
        self.sim.events.append({
            "issue_id": self.id, "seq": after["version"], "at": encode_instant(at), "actor": actor, "action": action,
            "from_status": before["status"] if before is not None else None, "to_status": after["status"],
            "level": level, "note": note, "changes": changes_text(stored), "org": org, "member": member,
            "metrics": self.sim.metrics_text(deltas),
        })
        self.sim.count(after["area_code"], at, deltas)
        self.fields, self.issue, self.t = after, view, at
        if after["status"] in ("rejected", "merged", "closed"):
            self.ended = at
        if self.stop is not None and after["status"] == self.stop:
            raise Stop

    def result(self) -> Issue:
        """The case as it stands at the end of the period, validated."""
        return Issue(**_known(self.fields))

    def row(self, final: Issue) -> dict[str, Any]:
        """:func:`~gridgov.core.workflow.issue_row` of the validated ``final`` case, from
        the fields it was made of (its converters keep them as they are) and the text its
        events already made of each instant, rather than the converter's generic walk
        encoding a dozen instants again; :class:`CheckedLife` holds the two equal."""
        row = {**_known(self.fields), **self.texts}
        payload = row["payload"]
        row["payload"] = json.dumps(payload, ensure_ascii=False, sort_keys=True) if payload else "{}"
        row["is_open"] = int(final.is_open)
        row["due_at"] = due_key(final)
        return row

    def live(self) -> None:
        try:
            self._live()
        except Stop:
            pass

    def _live(self) -> None:
        rng, unit = self.rng, self.unit
        changes = dict(self.draft)
        changes["register_due"] = self._stage_due("register", self.t)
        self.step("report", "reported", changes["reporter"] or unit.worker, changes)
        desk = self.sim.desk(unit, unit.code)
        delay = rng.uniform(0.1, 3.0)
        if self.duplicate_of is not None and self.stop is None:
            self.step("merge", "merged", desk, {"merged_into": self.duplicate_of}, note=f"与#{self.duplicate_of}重复", after_hours=delay)
            return
        if self.stop is None and rng.random() < 0.03:
            self.step("reject", "rejected", desk, {}, note=rng.choice(_REJECT_NOTES), after_hours=delay)
            return
        registered_at = self.t + dt.timedelta(seconds=int(delay * 3600))
        self.step("register", "registered", desk,
                  {"registered_at": registered_at, "dispatch_due": self._stage_due("dispatch", registered_at)},
                  after_hours=delay)
        ups = rng.choices(range(len(SETTLE_WEIGHTS)), weights=SETTLE_WEIGHTS)[0]
        handling = unit.code
        returned_once = self.stop == "returned"
        if ups and rng.random() < 0.3:
            self.dispatch(handling)
            self.give_back()
            returned_once = True
        for _ in range(ups):
            parent = self.sim.w.paths[handling].rstrip("/").split("/")[-2]
            note, hours = rng.choice(_ESCALATE_NOTES), rng.uniform(2, 48)  # the seed's order of draws
            self.step("escalate", "registered", self.sim.desk(unit, handling),
                      self._escalation(parent, self.t + dt.timedelta(seconds=int(hours * 3600))),
                      note=note, after_hours=hours)
            handling = parent
        self.dispatch(handling)
        if not returned_once and rng.random() < 0.04 or self.stop == "returned":
            self.give_back()
            self.dispatch(handling, avoid=self.issue.assignee_org)
        self.work()
        self.finish(handling)

    def _stage_due(self, stage: str, at: dt.datetime) -> dt.datetime:
        """The register or dispatch deadline of a stage starting at ``at``, as the core's
        effects set it (core/effects.py)."""
        return self.sim.s.sla.rule_stage_deadline(self.rule, stage, at, self.sim.zone)

    def _escalation(self, parent: str, at: dt.datetime) -> dict[str, Any]:
        return {
            "handling_area": parent, "level": self.sim.w.levels_of[parent], "assignee_org": None,
            "assignee_member": None, "response_due": None, "resolve_due": None, "dispatched_at": None,
            "accepted_at": None, "escalation_count": self.issue.escalation_count + 1,
            "dispatch_due": self._stage_due("dispatch", at),
        }

    def dispatch(self, handling: str, avoid: str | None = None) -> None:
        org = self.sim.route(self.cat.code, self.unit, handling, avoid)
        after = self.rng.uniform(0.2, 6.0)
        at = self.t + dt.timedelta(seconds=int(after * 3600))
        response_due, resolve_due = self.sim.s.sla.rule_deadlines(self.rule, at, self.sim.zone)
        self.step("dispatch", "dispatched", self.sim.desk(self.unit, handling),
                  {"assignee_org": org, "assignee_member": None, "dispatched_at": at, "response_due": response_due,
                   "resolve_due": resolve_due, "accepted_at": None}, after_hours=after)

    def give_back(self) -> None:
        handler = self.sim.w.handlers.get(self.issue.assignee_org or "", self.unit.leader)
        note, hours = self.rng.choice(_RETURN_NOTES), self.rng.uniform(0.3, 6)
        at = self.t + dt.timedelta(seconds=int(hours * 3600))
        self.step("return", "returned", handler,
                  {"assignee_org": None, "assignee_member": None, "return_count": self.issue.return_count + 1,
                   "dispatch_due": self._stage_due("dispatch", at)},
                  note=note, after_hours=hours)

    def _late(self, due: dt.datetime, on_time_share: float, start: dt.datetime, latest: float = 0.92) -> float:
        """Hours from now until the next step: before ``due`` mostly, sometimes after."""
        window = max((due - start).total_seconds() / 3600, 0.2)
        if self.rng.random() < on_time_share:
            hours = window * self.rng.uniform(0.05, latest)
        else:  # late, by at most three weeks however long the deadline
            hours = window + min(window * self.rng.uniform(0.05, 1.5), MOST_LATE) + self.rng.uniform(1, 24)
        return max(hours - (self.t - start).total_seconds() / 3600, 0.05)

    def urge_if_late(self, due: dt.datetime, hours: float) -> float:
        """Urge a case that will be late, once it is overdue; returns the hours left."""
        next_at = self.t + dt.timedelta(hours=hours)
        urge_at = max(due, self.t) + dt.timedelta(hours=self.rng.uniform(1, 4))
        if urge_at < next_at and self.rng.random() < 0.8:
            gap = (urge_at - self.t).total_seconds() / 3600
            self.step("urge", None, self.sim.w.supervisor, {"urge_count": self.issue.urge_count + 1},
                      note=self.rng.choice(_URGE_NOTES), after_hours=gap)
            return max((next_at - self.t).total_seconds() / 3600, 0.05)
        return hours

    def work(self) -> None:
        issue, handler = self.issue, self.sim.w.handlers.get(self.issue.assignee_org or "", self.unit.leader)
        due, start = _known(issue.response_due), _known(issue.dispatched_at)
        hours = self.urge_if_late(due, self._late(due, 0.9, start))
        self.step("accept", "in_progress", handler, {"accepted_at": self.t + dt.timedelta(seconds=int(hours * 3600))},
                  after_hours=hours)
        self.resolve(handler)

    def resolve(self, handler: str) -> None:
        issue = self.issue
        due, start = _known(issue.resolve_due), _known(issue.dispatched_at)
        hours = self.urge_if_late(due, self._late(due, 0.9, start, 0.6))
        self.step("resolve", "resolved", handler, {"resolved_at": self.t + dt.timedelta(seconds=int(hours * 3600))},
                  note=self.rng.choice(_RESOLVE_NOTES), after_hours=hours)

    def _follow_up(self) -> float:
        """Hours to the on-site check or the closing: a small share of the case's deadline."""
        window = (_known(self.issue.resolve_due) - _known(self.issue.dispatched_at)).total_seconds() / 3600
        return max(0.3, min(window * self.rng.uniform(0.02, 0.12), 48.0))

    def finish(self, handling: str) -> None:
        rng, unit = self.rng, self.unit
        while True:
            if rng.random() < 0.05 and self.issue.rework_count < 2:
                self.step("rework", "in_progress", unit.worker, {"resolved_at": None, "rework_count": self.issue.rework_count + 1},
                          note=rng.choice(_REWORK_NOTES), after_hours=rng.uniform(1, 30))
                self.resolve(self.sim.w.handlers.get(self.issue.assignee_org or "", unit.leader))
                continue
            self.step("verify", "verified", unit.worker, {}, after_hours=self._follow_up())
            break
        roll = rng.random()
        wants_reopen = self.stop == "reopened"
        rating = "dissatisfied" if wants_reopen or roll < 0.008 else "basically_satisfied" if roll < 0.09 else "satisfied"
        close_after = self._follow_up()
        self.step("close", "closed", self.sim.desk(unit, handling),
                  {"closed_at": self.t + dt.timedelta(seconds=int(close_after * 3600)), "rating": rating},
                  after_hours=close_after)
        if rating == "dissatisfied" and (wants_reopen or rng.random() < 0.4) and self.issue.status == "closed":
            note, hours = rng.choice(_REOPEN_NOTES), rng.uniform(2, 72)
            self.step("reopen", "reopened", self.sim.desk(unit, handling),
                      {"closed_at": None, "rating": None, "resolved_at": None, "registered_at": self.issue.registered_at,
                       "dispatch_due": self._stage_due("dispatch", self.t + dt.timedelta(seconds=int(hours * 3600)))},
                      note=note, after_hours=hours)
            self.ended = None
            self.dispatch(handling)
            self.work()
            self.finish_again(handling)

    def finish_again(self, handling: str) -> None:
        rng = self.rng
        self.step("verify", "verified", self.unit.worker, {}, after_hours=self._follow_up())
        close_after = self._follow_up()
        self.step("close", "closed", self.sim.desk(self.unit, handling),
                  {"closed_at": self.t + dt.timedelta(seconds=int(close_after * 3600)),
                   "rating": "satisfied" if rng.random() < 0.7 else "basically_satisfied"},
                  after_hours=close_after)


Simulator.life_class = Life


class CheckedLife(Life):
    """A :class:`Life` that also takes each step with the workflow's own functions
    (``make_event``, ``apply_event``, ``metric_deltas``, ``event_row``) and fails on the
    first event row or issue that differs. The tests simulate demos with it, so the fast
    path stays the live path's twin."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.model: Issue | None = None

    def step(self, action: str, to_status: str | None, actor: str, changes: dict[str, Any], note: str = "",
             after_hours: float = 0.0) -> None:
        before, original, taken = self.model, dict(changes), len(self.sim.events)
        try:
            super().step(action, to_status, actor, changes, note, after_hours)
        except Stop:
            if len(self.sim.events) > taken:
                self._check(before, action, to_status, actor, original, note)
            raise
        self._check(before, action, to_status, actor, original, note)

    def _check(self, before: Issue | None, action: str, to_status: str | None, actor: str,
               changes: dict[str, Any], note: str) -> None:
        event = make_event(before, issue_id=self.id, action=action, to_status=to_status or _known(before).status,
                           actor=actor, at=self.t, changes=changes, note=note,
                           level=changes.get("level", before.level if before else self.draft["level"]))
        after = apply_event(before, event)
        expected = event_row(event, metric_deltas(before, after, action))
        got = self.sim.events[-1]
        if got != {column: expected[column] for column in got}:
            raise AssertionError(f"case {self.id} {action}: event row {got} is not the workflow's {expected}")
        if to_dict(self.result()) != to_dict(after):
            raise AssertionError(f"case {self.id} {action}: {self.result()} is not the workflow's {after}")
        self.model = after

    def row(self, final: Issue) -> dict[str, Any]:
        row = super().row(final)
        if row != issue_row(final):
            raise AssertionError(f"case {self.id}: row {row} is not the workflow's {issue_row(final)}")
        return row


Counters = list[tuple[str, str, dict[str, int]]]


def simulate(setup: Setup, chunk: Chunk) -> tuple[list[Any], list[Any], Counters, Counters]:
    """Issue rows, event rows (dicts, or tuples in the setup's column order), daily counters
    and cohort counters ``(area, day, deltas)`` of one chunk, added up the tree as the live
    path adds them; the cohorts are what
    :meth:`~gridgov.core.services.metrics.MetricsService.rebuild_cohorts` would count of
    these cases, by registration day."""
    sim = Simulator(setup, chunk)
    sim.run()
    issues: list[Any] = sim.issues
    events: list[Any] = sim.events
    if setup.issue_columns and setup.event_columns:
        take = operator.itemgetter(*setup.issue_columns)
        issues = [take(row) for row in issues]
        take = operator.itemgetter(*setup.event_columns)
        events = [take(row) for row in events]
    return issues, events, _up_the_tree(setup, sim.counts), _up_the_tree(setup, sim.cohorts)


def _up_the_tree(setup: Setup, counts: dict[tuple[str, str], dict[str, int]]) -> Counters:
    totals: dict[tuple[str, str], dict[str, int]] = {}
    paths = setup.world.paths
    lineage: dict[str, list[str]] = {}
    for (area, day), deltas in counts.items():
        codes = lineage.get(area)
        if codes is None:
            codes = lineage[area] = paths[area].strip("/").split("/")
        for code in codes:
            bucket = totals.get((code, day))
            if bucket is None:
                totals[(code, day)] = dict(deltas)
                continue
            for key, value in deltas.items():
                bucket[key] = bucket.get(key, 0) + value
    return [(code, day, deltas) for (code, day), deltas in totals.items()]


_SETUP: Setup | None = None


def _init_worker(setup: Setup) -> None:
    global _SETUP
    _SETUP = setup


def _simulate_in_worker(chunk: Chunk):
    assert _SETUP is not None
    return simulate(_SETUP, chunk)


def simulate_all(setup: Setup, chunks: list[Chunk], processes: int = 1) -> Iterator[tuple[Chunk, Any]]:
    """Simulated chunks in order; with ``processes`` > 1 in a pool of worker processes."""
    if processes <= 1 or len(chunks) < 3:
        for chunk in chunks:
            yield chunk, simulate(setup, chunk)
        return
    import collections
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes, initializer=_init_worker, initargs=(setup,)) as pool:
        # At most two chunks per worker in flight: the writer is slower than the workers,
        # and unbounded results would pile up in memory (3 GB for a million cases).
        waiting = iter(chunks)
        flight: collections.deque[tuple[Any, Any]] = collections.deque()
        for chunk in itertools.islice(waiting, 2 * processes):
            flight.append((chunk, pool.apply_async(_simulate_in_worker, (chunk,))))
        while flight:
            chunk, result = flight.popleft()
            following = next(waiting, None)
            if following is not None:
                flight.append((following, pool.apply_async(_simulate_in_worker, (following,))))
            yield chunk, result.get()
