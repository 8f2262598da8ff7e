"""``gridgov demo``: a realistic, seeded, repeatable sample deployment.

Three scales (:data:`~gridgov.core.demo_scales.SCALES`): ``small`` loads in seconds,
``district`` follows Suyu's figures, ``longgang`` Longgang's. The directory is generated
first (:mod:`.demo_directory`, the areas' polygons by :mod:`.demo_geometry`), then a year of
cases simulated step by step as the workflow's own functions take them (:mod:`.demo_issues`;
the tests run the workflow beside it), in worker processes for large loads, and written by
the store's bulk path in one transaction with the indexes built at its end, then each plugin
adds its records through the ``load_demo_data`` hook.

The simulated year ends when the demo is loaded, so its figures of the last 30 days and
its queue are today's; ``until`` (``gridgov demo --until DAY``) fixes the end instead, and
the same seed and end give the same database in any process.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable
from typing import Any

import attrs

from .demo_directory import World, build_directory
from .demo_issues import Setup, daily_counts, open_hours, plan_chunks, simulate_all
from .demo_scales import CLOSING_TIME, DEMO_DAYS, DEMO_END, SCALES, Scale
from .errors import ValidationError

__all__ = ["DEFAULT_SEED", "DEMO_END", "SCALES", "DemoLogin", "DemoSummary", "demo_end", "demo_logins", "load_demo"]

DEFAULT_SEED = 20261031
Progress = Callable[[str, int, int], None]


@attrs.frozen(kw_only=True)
class DemoLogin:
    """One account to try the demo with: a post, who holds it, and where."""

    post: str
    login: str
    name: str
    scope: str
    scope_name: str


@attrs.frozen(kw_only=True)
class DemoSummary:
    scale: str
    seed: int
    start: dt.datetime
    end: dt.datetime
    counts: dict[str, int]
    logins: tuple[DemoLogin, ...]
    seconds: float
    plugin_failures: tuple[str, ...] = ()


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


def demo_end(platform, until: dt.date | dt.datetime | None = None) -> dt.datetime:
    """The end of the simulated period: now (to the minute), the end of the working day
    (18:00 in the deployment's zone) of the day ``until`` names, or ``until`` itself when
    it is an aware instant."""
    if until is None:
        end = platform.now()
    elif isinstance(until, dt.datetime):
        if until.tzinfo is None or until.utcoffset() is None:
            raise ValidationError("until", "needs a time zone (or give a day)")
        end = until
    elif isinstance(until, dt.date):
        end = platform.time.at(until, CLOSING_TIME)
    else:
        raise ValidationError("until", f"{until!r} is neither a day nor an instant")
    return end.astimezone(dt.UTC).replace(second=0, microsecond=0)


def load_demo(
    platform,
    scale: str = "small",
    *,
    seed: int = DEFAULT_SEED,
    issues: int | None = None,
    until: dt.date | dt.datetime | None = None,
    progress: Progress | None = None,
    processes: int | None = None,
    chunk_size: int = 10_000,
) -> DemoSummary:
    """Load the demo deployment ``scale`` into an empty platform.

    The simulated year ends now, or as :func:`demo_end` reads ``until`` (benchmarks and
    tests pass a fixed day, so the database is the same from run to run). ``issues``
    overrides the scale's number of cases (benchmarks build 10k/100k/1M databases on one
    tree this way); ``processes`` > 1 simulates chunks in worker processes (the default
    uses two for large loads when two cores are there).
    """
    spec = _scale(scale, issues)
    end = demo_end(platform, until)
    start = end - dt.timedelta(days=DEMO_DAYS)
    if platform._store.count("area") or platform._store.count("issue"):
        raise ValidationError("database", "is not empty; load the demo into a new database (gridgov demo --reset)")
    progress = progress or _quiet
    started = time.perf_counter()
    with platform._store.bulk_load():
        return _load(platform, scale, spec, seed, start, end, progress, processes, chunk_size, started)


def _load(platform, scale: str, spec: Scale, seed: int, start: dt.datetime, end: dt.datetime, progress: Progress,
          processes: int | None, chunk_size: int, started: float) -> DemoSummary:
    world = build_directory(platform, spec, random.Random(seed), progress, places=random.Random(seed + 11),
                            start_day=platform.time.day_of(start))
    if processes is None:
        processes = min(2, os.cpu_count() or 1) if spec.issues >= 50_000 else 1
    _load_issues(platform, world, spec, seed, end, progress, processes, chunk_size)
    failures_before = len(platform.hooks.failures)
    # Plugins write their demo records as of the end of the period (their "now"), so
    # one seed and one end give the same database whatever the wall clock says.
    clock = platform._clock
    platform.set_clock(lambda: end)
    platform._store.set_setting("demo_period", {"start": platform.time.local(start).isoformat(),
                                               "end": platform.time.local(end).isoformat()})
    store = platform._store
    try:
        # One transaction for all plugins, a savepoint for each: their services commit
        # nothing one by one, and a plugin that fails half-way leaves none of its records.
        with store.write():
            platform.hooks.call("load_demo_data", platform=platform, scale=scale, rng=random.Random(seed + 1),
                                progress=progress, wrap=lambda _plugin: store.write(savepoint=True))
    finally:
        platform.set_clock(clock)
    failures = tuple(str(f) for f in platform.hooks.failures[failures_before:])
    logins = _pick_logins(platform, world)
    platform._store.set_setting("demo", {
        "scale": scale, "seed": seed, "issues": spec.issues, "end": platform.time.local(end).isoformat(),
        "logins": [attrs.asdict(login) for login in logins],
    })
    counts = {table: platform._store.count(table) for table in
              ("area", "organisation", "member", "role_assignment", "pairing", "dual_registration", "issue", "issue_event")}
    return DemoSummary(scale=scale, seed=seed, start=start, end=end, counts=counts, logins=logins,
                       seconds=round(time.perf_counter() - started, 2), plugin_failures=failures)


def _scale(name: str, issues: int | None) -> Scale:
    spec = SCALES.get(name)
    if spec is None:
        raise ValidationError("scale", f"{name!r} is not one of {', '.join(SCALES)}")
    if issues is not None:
        if issues < 0:
            raise ValidationError("issues", "must be a whole number ≥ 0")
        spec = attrs.evolve(spec, issues=issues)
    return spec


def _load_issues(platform, world: World, spec: Scale, seed: int, end: dt.datetime, progress: Progress,
                 processes: int, chunk_size: int) -> None:
    total = spec.issues
    if total == 0:
        return
    zone = platform.time.name
    counts = daily_counts(total, random.Random(seed + 7), end, zone)
    chunks = plan_chunks(counts, chunk_size)
    setup = Setup(world=world, categories=dict(platform.categories), sla=platform.sla, seed=seed, end=end,
                  open_hours=open_hours(counts, end, zone, max(30, total // 150)), zone=zone,
                  issue_columns=platform._store.issue_columns, event_columns=platform._store.event_columns)
    store = platform._store
    done = 0
    progress("issues", 0, total)
    with store.bulk_load(defer=("issue", "issue_event")):
        counters, cohorts = _Counters(), _Counters()
        for i, (chunk, (issue_rows, event_rows, chunk_counters, chunk_cohorts)) in enumerate(
                simulate_all(setup, chunks, processes)):
            with platform.transaction():
                store.bulk_insert_issue_values(issue_rows, event_rows)
                counters.add(chunk_counters)
                cohorts.add(chunk_cohorts)
                following = chunks[i + 1].days[0][0] if i + 1 < len(chunks) else None
                store.add_counters_full("metric_daily", counters.settled(before=following))
                store.add_counters_full("metric_cohort", cohorts.settled(before=following))
            done += chunk.size
            progress("issues", done, total)


class _Counters:
    """Daily counters of the chunks so far, written once a day can change no more.

    Chunks are whole days in order, and a case's events (its registration too) come
    after its report, so once a chunk is simulated no later chunk adds to a day before
    the next chunk's first: those rows are final and written once, instead of every chunk
    adding to the same rows (and the cohorts need no recount of a million cases after)."""

    def __init__(self) -> None:
        self.pending: dict[str, dict[str, dict[str, int]]] = {}

    def add(self, rows: list[tuple[str, str, dict[str, int]]]) -> None:
        for code, day, deltas in rows:
            areas = self.pending.get(day)
            if areas is None:
                areas = self.pending[day] = {}
            bucket = areas.get(code)
            if bucket is None:
                areas[code] = dict(deltas)
                continue
            for key, value in deltas.items():
                bucket[key] = bucket.get(key, 0) + value

    def settled(self, *, before: str | None) -> list[tuple[str, str, dict[str, int]]]:
        """The rows of days before ``before`` (every row when None), taken out, in key order."""
        days = sorted(day for day in self.pending if before is None or day < before)
        rows = [(code, day, deltas) for day in days for code, deltas in self.pending.pop(day).items()]
        rows.sort(key=lambda row: row[0])
        return rows


def _pick_logins(platform, world: World) -> tuple[DemoLogin, ...]:
    """One account per post, chosen so they work together: the first unit's grid staff,
    its community's and subdistrict's dispatchers, the handlers its cases go to."""
    unit = world.units[0]
    picks: list[tuple[str, str, str | None]] = [
        ("admin", "admin", world.district),
        ("supervisor", world.supervisor, world.district),
        ("dispatcher", world.dispatchers[world.district], world.district),
        ("dispatcher", world.dispatchers[unit.subdistrict], unit.subdistrict),
        ("dispatcher", world.dispatchers[unit.community], unit.community),
        ("grid_leader", unit.leader, unit.code),
        ("grid_worker", unit.worker, unit.code),
    ]
    heads = [(b, world.building_heads[b]) for u in world.units[:20] for b in u.buildings if b in world.building_heads]
    if heads:
        picks.append(("building_head", heads[0][1], heads[0][0]))
    if unit.code in world.first_secretaries:
        picks.append(("first_secretary", world.first_secretaries[unit.code], unit.code))
    for org in (world.category_agencies.get("road.repair"), unit.property_org, world.police_stations[unit.subdistrict]):
        if org and org in world.handlers:
            picks.append(("handler", world.handlers[org], org))
    seen = {post for post, _, _ in picks}
    for row in platform._store.select("role_assignment", order_by="id"):
        if row["post"] not in seen:
            seen.add(row["post"])
            picks.append((row["post"], row["login"], row["area_code"] or row["org_code"]))
    out = []
    for post, login, scope in picks:
        member = platform._store.get("member", login)
        scope_row = platform._store.find("area", scope) or platform._store.find("organisation", scope) or {}
        out.append(DemoLogin(post=post, login=login, name=member["name"], scope=scope or "",
                             scope_name=scope_row.get("name", "")))
    return tuple(out)


def demo_logins(platform) -> list[dict[str, Any]]:
    """The accounts printed at the end of ``gridgov demo`` (empty if no demo is loaded)."""
    return list((platform._store.setting("demo") or {}).get("logins", []))
