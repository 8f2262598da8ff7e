"""Loading checked records into the database, kind by kind, inside the import's transaction.

Each loader takes records one at a time (:meth:`Loader.add`), checks what needs the
database (references, scope, uniqueness), and writes them in batches of
:data:`~.transfer_records.CHUNK` rows; :meth:`Loader.finish` writes the rest and checks
what only the end of the file can tell (forward references, cycles). An error anywhere
rolls the transaction back, so nothing is written.

Areas and organisations form trees whose parents may come after their children in the
file, so those two kinds are held until the end and then written parent first; a district's
directory is a few tens of thousands of records. Every other kind streams: its memory does
not grow with the file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..errors import ValidationError
from ..models import Issue
from ..workflow import STATES, cohort_flags, to_row_json
from .pairings import _EXPECTED as PAIRING_LEVELS
from .transfer_cells import future_limit, shown
from .transfer_ids import Ids
from .transfer_records import (
    CHANGED_BY_IMPORT,
    CHUNK,
    RECEIVED,
    fast_issue_row,
    parent_first,
    record_row,
)
from .transfer_scope import Places, Scope

HAPPENED = ("reported_at", "registered_at", "dispatched_at", "accepted_at", "resolved_at", "closed_at")
"""The steps of a case in the order they happen."""
COUNTS = ("rework_count", "return_count", "escalation_count", "urge_count")


class Loader:
    """The part of an import that needs the database, for one kind of record."""

    table = ""
    what = ""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.platform = run.platform
        self.store = run.platform._store
        self.places: Places = run.places
        self.scope: Scope = run.scope
        self.batch: list[tuple[str, Any]] = []
        self.written = 0
        self.known: dict[str, dict[Any, Any]] = defaultdict(dict)

    def add(self, where: str, record: Any) -> None:
        self.check(where, record)
        self.batch.append((where, record))
        if len(self.batch) >= CHUNK:
            self.flush()

    def check(self, where: str, record: Any) -> None:
        self.scope.require(where, self.places.of(self.table, record))

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            self.write(batch)

    def write(self, batch: list[tuple[str, Any]]) -> None:
        rows = [record_row(r) for _, r in batch]
        self.store.insert_many(self.table, rows)
        self.written += len(rows)

    def finish(self) -> None:
        self.flush()

    # -- helpers ------------------------------------------------------------------------------

    def exists(self, table: str, key: Any) -> bool:
        """Whether a row of ``table`` has primary key ``key`` (cached: directory tables)."""
        cache = self.known[table]
        if key not in cache:
            cache[key] = self.store.find(table, key) is not None
        return cache[key]

    def reference(self, where: str, field: str, table: str, what: str, value: Any) -> None:
        if value is not None and not self.exists(table, value):
            raise ValidationError(field, f"unknown {what} {value}", record=where)


class KeyedLoader(Loader):
    """Records keyed by a code or login: refused when the key appears twice or exists."""

    key = ""

    def unique(self, where: str, field: str, what: str, value: Any, column: str | None = None) -> None:
        if value is None:
            return
        seen = self.known[f"{field}:seen"]
        if value in seen:
            raise ValidationError(field, f"{what} {value} appears twice (also at {seen[value]})", record=where)
        seen[value] = where
        if self.store.select(self.table, limit=1, **{column or field: value}):
            raise ValidationError(field, f"{what} {value} already exists", record=where)


class AreaLoader(KeyedLoader):
    table, what = "area", "area"

    def check(self, where: str, record: Any) -> None:
        self.unique(where, "code", "area", record.code)

    def finish(self) -> None:
        records, self.batch = self.batch, []
        levels = self.platform.areas.levels()
        in_file = {r.code for _, r in records}
        level_of: dict[str, str] = {}
        for where, area in records:
            if area.level not in levels:
                raise ValidationError("level", f"{area.level!r} is not a level of this deployment "
                                      f"({', '.join(levels)}); see gridgov init --levels", record=where)
            parent = area.parent_code
            if parent and parent not in in_file:
                row = self.store.find("area", parent)
                if row is None:
                    raise ValidationError("parent_code", f"unknown parent area {parent}", record=where)
                level_of[parent] = row["level"]
                self.places.paths[parent] = row["path"]
        rows = []
        for where, area in parent_first(records, lambda a: a.code, lambda a: a.parent_code):
            if area.parent_code:
                parent_level = level_of[area.parent_code]
                if levels.index(area.level) <= levels.index(parent_level):
                    raise ValidationError("level", f"{area.level} cannot sit under {parent_level} "
                                          f"{area.parent_code}", record=where)
            self.scope.require(where, self.places.of("area", area))
            path = f"{self.places.path(area.parent_code)}{area.code}/" if area.parent_code else f"/{area.code}/"
            self.places.paths[area.code], level_of[area.code] = path, area.level
            rows.append(record_row(area, path=path))
        for start in range(0, len(rows), CHUNK):
            self.store.insert_many("area", rows[start:start + CHUNK])
        self.written = len(rows)
        self.platform.areas.forget()


class OrganisationLoader(KeyedLoader):
    table, what = "organisation", "organisation"

    def check(self, where: str, record: Any) -> None:
        self.unique(where, "code", "organisation", record.code)
        self.unique(where, "uscc", "credit code", record.uscc)
        self.reference(where, "area_code", "area", "area", record.area_code)
        self.scope.require(where, self.places.of("organisation", record))

    def finish(self) -> None:
        records, self.batch = self.batch, []
        in_file = {r.code for _, r in records}
        for where, org in records:
            if org.parent_code not in in_file:
                self.reference(where, "parent_code", "organisation", "organisation", org.parent_code)
        ordered = parent_first(records, lambda o: o.code, lambda o: o.parent_code)
        rows = [record_row(org) for _, org in ordered]
        for start in range(0, len(rows), CHUNK):
            self.store.insert_many("organisation", rows[start:start + CHUNK])
        self.written = len(rows)


class MemberLoader(KeyedLoader):
    table, what = "member", "member"

    def check(self, where: str, record: Any) -> None:
        self.unique(where, "login", "login", record.login)
        self.reference(where, "org_code", "organisation", "organisation", record.org_code)
        self.reference(where, "home_area", "area", "area", record.home_area)
        self.scope.require(where, self.places.of("member", record))


class IdLoader(Loader):
    """Records keyed by an id (role assignments, pairings, dual registrations, issues)."""

    def __init__(self, run: Any) -> None:
        super().__init__(run)
        self.ids_written: set[int] = set()
        self.ids = Ids(self.store, self.table, self.what, renumber=run.renumber, floor=run.floor,
                       written_here=self.written_here, first_seen=run.first_seen)

    def written_here(self, number: int) -> bool:
        return number in self.ids_written

    def write(self, batch: list[tuple[str, Any]]) -> None:
        numbers = self.ids.assign(batch)
        rows = [record_row(r, id=n) for (_, r), n in zip(batch, numbers, strict=True)]
        self.store.insert_many(self.table, rows)
        self.ids_written.update(numbers)
        self.written += len(rows)


class RoleLoader(IdLoader):
    table, what = "role_assignment", "role assignment"

    def check(self, where: str, record: Any) -> None:
        role = self.platform.roles.get(record.post)
        if role is None:
            raise ValidationError("post", f"unknown post {record.post}; known: "
                                  f"{', '.join(sorted(self.platform.roles))}", record=where)
        self.reference(where, "login", "member", "member", record.login)
        self.reference(where, "area_code", "area", "area", record.area_code)
        self.reference(where, "org_code", "organisation", "organisation", record.org_code)
        places = self.places.of("role_assignment", record)
        self.scope.require(where, places)
        self.scope.require_grantable(where, role.permissions, record.post, places[0])


class PairingLoader(IdLoader):
    table, what = "pairing", "pairing"

    def check(self, where: str, record: Any) -> None:
        self.reference(where, "org_code", "organisation", "organisation", record.org_code)
        self.reference(where, "member_login", "member", "member", record.member_login)
        self.reference(where, "area_code", "area", "area", record.area_code)
        expected = PAIRING_LEVELS.get(record.kind)
        levels = self.platform.areas.levels()
        if record.area_code and expected and any(level in levels for level in expected):
            level = self.store.get("area", record.area_code)["level"]
            if level not in expected:
                raise ValidationError("area_code", f"a {record.kind} pairing links to a {' or '.join(expected)}, "
                                      f"{record.area_code} is a {level}", record=where)
        self.scope.require(where, self.places.of("pairing", record))


class DualRegistrationLoader(IdLoader):
    table, what = "dual_registration", "dual registration"

    def __init__(self, run: Any) -> None:
        super().__init__(run)
        self.pairs: dict[tuple[str, str], str] = {}

    def check(self, where: str, record: Any) -> None:
        self.reference(where, "login", "member", "member", record.login)
        for field in ("paired_community", "home_community"):
            code = getattr(record, field)
            row = self.store.find("area", code)
            if row is None:
                raise ValidationError(field, f"unknown area {code}", record=where)
            if row["level"] != "community":
                raise ValidationError(field, f"{code} is a {row['level']}, not a community", record=where)
        pair = (record.login, record.paired_community)
        if pair in self.pairs:
            raise ValidationError("paired_community", f"{record.login} is registered with {record.paired_community} "
                                  f"twice (also at {self.pairs[pair]})", record=where)
        self.pairs[pair] = where
        if self.store.select("dual_registration", login=record.login, paired_community=record.paired_community):
            raise ValidationError("paired_community", f"{record.login} is already registered with "
                                  f"{record.paired_community}", record=where)
        self.scope.require(where, self.places.of("dual_registration", record))


_CHANGES = tuple(sorted(CHANGED_BY_IMPORT))
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=False).encode
"""``changes`` are built in key order, so they need no sorting to match the workflow's text."""


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


class IssueLoader(IdLoader):
    """Issues start a new event log: one ``import`` event whose changes rebuild the row,
    counted as ``received`` on the day reported. A merge may name an issue further down the
    file: the merged case waits until its master is written."""

    table, what = "issue", "issue"

    def __init__(self, run: Any) -> None:
        super().__init__(run)
        platform = self.platform
        self.states = set(STATES) | {t.target for t in platform.transitions.values() if t.target}
        self.categories = platform.categories
        self.limit = future_limit(platform.now(), run.zone)
        self.zone = run.zone
        self.areas: dict[str, dict[str, Any]] = {}
        self.handling: dict[str, str] = {}
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        self.cohorts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.waiting: dict[int, list[tuple[str, Issue, int]]] = defaultdict(list)
        self.event_floor = self._last_event()
        self.note = f"imported from {run.source}"
        self.received = to_row_json(RECEIVED)
        self.actor = run.actor.login

    def _last_event(self) -> int:
        last = self.store.select("issue_event", order_by="-id", limit=1)
        return last[0]["id"] if last else 0

    def written_here(self, number: int) -> bool:
        return bool(self.store.select("issue_event", issue_id=number, id__gt=self.event_floor, limit=1))

    def area(self, where: str, field: str, code: str) -> dict[str, Any]:
        row = self.areas.get(code)
        if row is None:
            row = self.store.find("area", code)
            if row is None:
                raise ValidationError(field, f"unknown area {code}", record=where)
            self.areas[code] = row
        return row

    def check(self, where: str, issue: Issue) -> None:
        if issue.category not in self.categories:
            raise ValidationError("category", f"unknown category {issue.category}; see gridgov issue categories",
                                  record=where)
        if issue.status not in self.states:
            raise ValidationError("status", f"{issue.status!r} is not a state ({', '.join(sorted(self.states))})",
                                  record=where)
        for field in COUNTS:
            value = getattr(issue, field)
            if value < 0:
                raise ValidationError(field, f"must be a whole number ≥ 0, got {value}", record=where)
        before = None
        for field in HAPPENED:
            moment = getattr(issue, field)
            if moment is None:
                continue
            if moment > self.limit:
                raise ValidationError(field, f"{shown(moment, self.zone)} is in the future (the platform's clock "
                                      f"says {shown(self.platform.now(), self.zone)})", record=where)
            if before is not None and moment < before[1]:
                raise ValidationError(field, f"{shown(moment, self.zone)} is before {before[0]} "
                                      f"{shown(before[1], self.zone)}", record=where)
            before = (field, moment)
        path = self.area(where, "area_code", issue.area_code)["path"]
        if issue.handling_area is not None:
            self.area(where, "handling_area", issue.handling_area)
            if f"/{issue.handling_area}/" not in path:
                raise ValidationError("handling_area", f"{issue.handling_area} is not {issue.area_code} or above it",
                                      record=where)
        self.reference(where, "assignee_org", "organisation", "organisation", issue.assignee_org)
        self.reference(where, "assignee_member", "member", "member", issue.assignee_member)
        if not self.scope.whole:
            self.scope.require(where, [("area_code", path, issue.area_code)])

    def write(self, batch: list[tuple[str, Any]]) -> None:
        numbers = self.ids.assign(batch)
        renumbered = self.ids.renumbered
        masters = {renumbered.get(r.merged_into, r.merged_into) for _, r in batch if r.merged_into is not None}
        stored = self.ids.taken(masters) if masters else set()
        ready: list[tuple[str, Issue, int, int | None]] = []
        placed: set[int] = set()
        for (where, issue), number in zip(batch, numbers, strict=True):
            master = issue.merged_into
            if master is not None:
                master = renumbered.get(master, master)
                if master not in placed and master not in stored:
                    self.waiting[master].append((where, issue, number))
                    self.ids.reserved[number] = where
                    continue
            self._place(ready, placed, where, issue, number, master)
        self._insert(ready)

    def _place(self, ready: list, placed: set[int], where: str, issue: Issue, number: int, master: int | None) -> None:
        """Put a case in the batch, then every case that waited for it (recursively)."""
        stack = [(where, issue, number, master)]
        while stack:
            item = stack.pop()
            ready.append(item)
            placed.add(item[2])
            self.ids.reserved.pop(item[2], None)
            for w, waiting, n in reversed(self.waiting.pop(item[2], [])):
                stack.append((w, waiting, n, item[2]))

    def _insert(self, ready: list[tuple[str, Issue, int, int | None]]) -> None:
        if not ready:
            return
        issues, events = [], []
        counts = self.counts
        for _, issue, number, master in ready:
            info = self.areas[issue.area_code]
            hand = issue.handling_area or self._handling_area(issue.area_code)
            level = issue.level or self.areas[hand]["level"]
            row = fast_issue_row(issue)
            row.update(id=number, area_path=info["path"], handling_area=hand, level=level, merged_into=master,
                       version=1)
            changes = {name: row[name] for name in _CHANGES}
            if issue.payload:
                changes["payload"] = _sorted(issue.payload)
            else:
                changes["payload"] = {}
            issues.append(row)
            events.append({
                "issue_id": number, "seq": 1, "at": row["reported_at"], "actor": self.actor, "action": "import",
                "from_status": None, "to_status": issue.status, "level": level, "note": self.note,
                "changes": _JSON(changes), "org": issue.assignee_org, "member": issue.assignee_member,
                "metrics": self.received,
            })
            day = self.platform.time.day_of(issue.reported_at).isoformat()
            flags = cohort_flags(issue)
            cohort_day = self.platform.time.day_of(issue.registered_at).isoformat() if flags else ""
            for code in info["path"][1:-1].split("/"):
                counts[(code, day)] += 1
                if flags:
                    bucket = self.cohorts[(code, cohort_day)]
                    for key, value in flags.items():
                        bucket[key] += value
        self.store.bulk_insert_issues(issues, events)
        self.written += len(issues)
        if len(counts) > 100_000:
            self._count()

    def _handling_area(self, code: str) -> str:
        hand = self.handling.get(code)
        if hand is None:
            hand = self.handling[code] = self.platform.issues.handling_area_for(code)
            if hand not in self.areas:
                self.areas[hand] = self.store.get("area", hand)
        return hand

    def _count(self) -> None:
        """Write the counters gathered so far: ``received`` on each case's report day, and
        each registered case's cohort flags on its registration day (deployment zone)."""
        counts, self.counts = self.counts, defaultdict(int)
        self.store.add_metrics_many((code, day, {"received": n}) for (code, day), n in sorted(counts.items()))
        cohorts, self.cohorts = self.cohorts, defaultdict(lambda: defaultdict(int))
        self.store.add_cohorts_many((code, day, {k: v for k, v in flags.items() if v})
                                    for (code, day), flags in sorted(cohorts.items()))

    def finish(self) -> None:
        self.flush()
        if self.waiting:
            self._unresolved()
        self._count()

    def _unresolved(self) -> None:
        """The first case still waiting names a master that never came, or a loop of merges."""
        by_number = {n: (w, i, master) for master, items in self.waiting.items() for w, i, n in items}
        where, issue, number = min((item for items in self.waiting.values() for item in items),
                                   key=lambda item: _order(item[0]))
        chain = [number]
        master = self.ids.renumbered.get(issue.merged_into, issue.merged_into) if issue.merged_into is not None else None
        while master in by_number and master not in chain:
            chain.append(master)
            master = by_number[master][2]
        if master in chain:
            loop = chain[chain.index(master):] + [master]
            raise ValidationError("merged_into", f"cycle: {' → '.join(map(str, loop))}", record=where)
        culprit = by_number[chain[-1]][0] if len(chain) > 1 else where
        raise ValidationError("merged_into", f"unknown issue {master}", record=culprit)


def _order(where: str) -> tuple[int, str]:
    """Lines and records sort by their number, not as text."""
    tail = where.rsplit(" ", 1)[-1]
    return (int(tail), where) if tail.isdigit() else (0, where)


LOADERS: dict[str, Callable[[Any], Loader]] = {
    "area": AreaLoader,
    "organisation": OrganisationLoader,
    "member": MemberLoader,
    "role_assignment": RoleLoader,
    "pairing": PairingLoader,
    "dual_registration": DualRegistrationLoader,
    "issue": IssueLoader,
}
