"""Import and export of areas, organisations, members, role assignments, pairings, dual
registrations and issues, as CSV or JSON.

Imports are all-or-nothing. Every record of a file is checked first, in Python: the
record's own validators (through :func:`~gridgov.core.converter.from_dict`), then its
references (parent areas, organisations, members…) against the database and the rest of
the same file. The first bad record stops the import with one error naming the file, the
line or record number, the field and the reason, and nothing is written. Only then are the
rows written, in large batches inside one transaction, so a district's directory loads in
seconds instead of the minutes per-record service calls would take.

Imported issues start a new event log: one ``import`` event whose changes rebuild the row
(replay equals the stored issue), counted as ``received`` on the day reported. Plugins'
``issue_created`` hooks do not run for imported cases.

Exports mask phone and ID numbers unless the actor holds ``personal.unmask`` and gives a
reason, and every export is written to the access log.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..access import EXPORT, IMPORT, Actor
from ..converter import from_dict, to_dict
from ..errors import ValidationError
from ..models import Area, DualRegistration, Issue, Member, Organisation, Pairing, RoleAssignment
from ..workflow import STATES, make_event, to_row_json
from .base import Service
from .pairings import _EXPECTED as PAIRING_LEVELS
from .transfer_records import (
    CHANGED_BY_IMPORT,
    CHUNK,
    LOOKUP_CHUNK,
    RECEIVED,
    Kind,
    Located,
    ProgressFn,
    build_record,
    cell_text,
    chunks,
    encoded_row,
    fast_issue_row,
    field_names,
    kind_of,
    parent_first,
    read_records,
    record_row,
)

# -- the service ----------------------------------------------------------------------------


class TransferService(Service):
    """CSV and JSON in and out of the platform (``platform.transfer``)."""

    # -- export -------------------------------------------------------------------------

    def export(self, actor: Actor, kind: str, *, unmask_reason: str | None = None) -> Iterator[dict[str, Any]]:
        """The records of a kind as dicts, personal data masked unless unmasked with a reason.

        Checks the permission and writes the access-log entry before returning the
        (lazy) records, so a refused export leaves no trace and an allowed one always does.
        """
        spec = kind_of(kind)
        actor.require(EXPORT, anywhere=True)
        if unmask_reason is not None:
            self.platform.members.unmask_check(actor, unmask_reason)
        self.platform.log_access(actor, f"export:{spec.name}", unmask_reason or "export")
        return self._export_rows(spec, unmask=unmask_reason is not None)

    def _export_rows(self, spec: Kind, *, unmask: bool) -> Iterator[dict[str, Any]]:
        last = None
        while True:
            where = {f"{spec.order}__gt": last} if last is not None else {}
            rows = self.store.select(spec.table, order_by=spec.order, limit=CHUNK, **where)
            if not rows:
                return
            for row in rows:
                record = to_dict(from_dict(spec.model, row))
                if not unmask:
                    for field, mask in spec.personal.items():
                        record[field] = mask(record[field])
                yield record
            last = rows[-1][spec.order]

    def write(self, kind: str, records: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
        """Write exported records as CSV (header = field names) or a JSON list; returns the count."""
        spec = kind_of(kind)
        count = 0
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\n")
            names = field_names(spec)
            writer.writerow(names)
            for record in records:
                writer.writerow([cell_text(record.get(n)) for n in names])
                count += 1
            return count
        out.write("[")
        for record in records:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count

    # -- import -------------------------------------------------------------------------

    def import_file(self, actor: Actor, kind: str, path: str | Path, *, fmt: str | None = None,
                    progress: ProgressFn | None = None) -> int:
        """Import a CSV or JSON file, all-or-nothing; returns the number of records written."""
        kind_of(kind)
        actor.require(IMPORT, anywhere=True)
        return self.import_records(actor, kind, read_records(path, fmt), source=Path(path).name, progress=progress)

    def import_records(self, actor: Actor, kind: str, located: Sequence[Located], *, source: str = "import",
                       progress: ProgressFn | None = None) -> int:
        """Import raw records (each with its location for errors), all-or-nothing.

        ``progress(done, total)`` counts two units per record: checked, then written.
        """
        spec = kind_of(kind)
        actor.require(IMPORT, anywhere=True)
        total = 2 * len(located)
        tick = progress or (lambda done, total: None)
        records = []
        for i, (where, raw) in enumerate(located, 1):
            try:
                records.append((where, build_record(spec, raw)))
            except ValidationError as exc:
                raise exc.at(where) from None
            if i % 1000 == 0:
                tick(i, total)
        plan = getattr(self, "_plan_" + spec.table)
        batches = plan(actor, records, source)
        tick(len(located), total)
        written = 0
        with self.platform.transaction():
            for table, rows in batches:
                if table == "issue":
                    pairs, counts = rows
                    while batch := list(itertools.islice(pairs, CHUNK)):
                        self.store.bulk_insert_issues([i for i, _ in batch], [e for _, e in batch])
                        written += len(batch)
                        tick(len(located) + written, total)
                    self.store.add_metrics_many((code, day, {"received": n}) for (code, day), n in sorted(counts.items()))
                    continue
                for chunk in chunks(rows, CHUNK):
                    self.store.insert_many(table, chunk)
                    written += len(chunk)
                    tick(len(located) + written, total)
        if spec.table == "area":
            self.platform.areas.forget()
        return len(records)

    # -- lookups ------------------------------------------------------------------------

    def _existing(self, table: str, column: str, values: Iterable[Any]) -> dict[Any, dict[str, Any]]:
        """Rows of ``table`` whose ``column`` is one of ``values``, by that value."""
        wanted = sorted({v for v in values if v is not None}, key=str)
        found: dict[Any, dict[str, Any]] = {}
        for chunk in chunks(wanted, LOOKUP_CHUNK):
            for row in self.store.select(table, **{f"{column}__in": list(chunk)}):
                found[row[column]] = row
        return found

    def _unique(self, records: list[tuple[str, Any]], field: str, what: str, table: str,
                column: str | None = None) -> None:
        """Refuse a value that appears twice in the file or already exists in the database."""
        seen: dict[Any, str] = {}
        for where, record in records:
            value = getattr(record, field)
            if value is None:
                continue
            if value in seen:
                raise ValidationError(field, f"{what} {value} appears twice (also at {seen[value]})", record=where)
            seen[value] = where
        for value in self._existing(table, column or field, seen):
            raise ValidationError(field, f"{what} {value} already exists", record=seen[value])

    def _references(self, records: list[tuple[str, Any]], field: str, table: str, what: str,
                    also: Iterable[Any] = ()) -> dict[Any, dict[str, Any]]:
        """Check that every non-empty ``field`` names a row of ``table`` (or one of ``also``)."""
        also = set(also)
        found = self._existing(table, CORE_KEYS[table], (getattr(r, field) for _, r in records))
        for where, record in records:
            value = getattr(record, field)
            if value is not None and value not in found and value not in also:
                raise ValidationError(field, f"unknown {what} {value}", record=where)
        return found

    def _ids(self, table: str, records: list[tuple[str, Any]]) -> list[int]:
        """Ids for id-keyed records: the given id when it is free, else a new one."""
        given = [r.id for _, r in records if r.id is not None]
        taken = set(self._existing(table, "id", given))
        top = self.store.select(table, order_by="-id", limit=1)
        next_id = max([top[0]["id"] if top else 0, *given]) + 1
        ids, used = [], set()
        for _, record in records:
            if record.id is not None and record.id not in taken and record.id not in used:
                ids.append(record.id)
            else:
                ids.append(next_id)
                next_id += 1
            used.add(ids[-1])
        return ids

    # -- plans: checked rows, per table, in insertion order ------------------------------

    def _plan_area(self, actor: Actor, records: list[tuple[str, Area]], source: str) -> list:
        self._unique(records, "code", "area", "area")
        levels = self.platform.areas.levels()
        in_file = {r.code for _, r in records}
        outside = self._existing("area", "code", (r.parent_code for _, r in records if r.parent_code not in in_file))
        paths = {code: row["path"] for code, row in outside.items()}
        level_of = {code: row["level"] for code, row in outside.items()}
        for where, area in records:
            if area.level not in levels:
                raise ValidationError("level", f"{area.level!r} is not a level of this deployment "
                                      f"({', '.join(levels)}); see gridgov init --levels", record=where)
            if area.parent_code and area.parent_code not in in_file and area.parent_code not in paths:
                raise ValidationError("parent_code", f"unknown parent area {area.parent_code}", record=where)
        rows = []
        for where, area in parent_first(records, lambda a: a.code, lambda a: a.parent_code):
            if area.parent_code:
                parent_level = level_of[area.parent_code]
                if levels.index(area.level) <= levels.index(parent_level):
                    raise ValidationError("level", f"{area.level} cannot sit under {parent_level} "
                                          f"{area.parent_code}", record=where)
                path = f"{paths[area.parent_code]}{area.code}/"
            else:
                path = f"/{area.code}/"
            paths[area.code], level_of[area.code] = path, area.level
            rows.append(record_row(area, path=path))
        return [("area", rows)]

    def _plan_organisation(self, actor: Actor, records: list[tuple[str, Organisation]], source: str) -> list:
        self._unique(records, "code", "organisation", "organisation")
        self._unique(records, "uscc", "credit code", "organisation")
        self._references(records, "area_code", "area", "area")
        self._references(records, "parent_code", "organisation", "organisation", also={r.code for _, r in records})
        ordered = parent_first(records, lambda o: o.code, lambda o: o.parent_code)
        return [("organisation", [record_row(org) for _, org in ordered])]

    def _plan_member(self, actor: Actor, records: list[tuple[str, Member]], source: str) -> list:
        self._unique(records, "login", "login", "member")
        self._references(records, "org_code", "organisation", "organisation")
        self._references(records, "home_area", "area", "area")
        return [("member", [record_row(m) for _, m in records])]

    def _plan_role_assignment(self, actor: Actor, records: list[tuple[str, RoleAssignment]], source: str) -> list:
        for where, assignment in records:
            if assignment.post not in self.platform.roles:
                raise ValidationError("post", f"unknown post {assignment.post}; known: "
                                      f"{', '.join(sorted(self.platform.roles))}", record=where)
        self._references(records, "login", "member", "member")
        self._references(records, "area_code", "area", "area")
        self._references(records, "org_code", "organisation", "organisation")
        ids = self._ids("role_assignment", records)
        return [("role_assignment", [record_row(r, id=i) for (_, r), i in zip(records, ids, strict=True)])]

    def _plan_pairing(self, actor: Actor, records: list[tuple[str, Pairing]], source: str) -> list:
        self._references(records, "org_code", "organisation", "organisation")
        self._references(records, "member_login", "member", "member")
        areas = self._references(records, "area_code", "area", "area")
        levels = self.platform.areas.levels()
        for where, pairing in records:
            expected = PAIRING_LEVELS.get(pairing.kind)
            if not (pairing.area_code and expected and any(level in levels for level in expected)):
                continue
            level = areas[pairing.area_code]["level"]
            if level not in expected:
                raise ValidationError("area_code", f"a {pairing.kind} pairing links to a {' or '.join(expected)}, "
                                      f"{pairing.area_code} is a {level}", record=where)
        ids = self._ids("pairing", records)
        return [("pairing", [record_row(r, id=i) for (_, r), i in zip(records, ids, strict=True)])]

    def _plan_dual_registration(self, actor: Actor, records: list[tuple[str, DualRegistration]], source: str) -> list:
        self._references(records, "login", "member", "member")
        for field in ("paired_community", "home_community"):
            areas = self._references(records, field, "area", "area")
            for where, registration in records:
                area = areas[getattr(registration, field)]
                if area["level"] != "community":
                    raise ValidationError(field, f"{area['code']} is a {area['level']}, not a community", record=where)
        seen: dict[tuple[str, str], str] = {}
        for where, r in records:
            pair = (r.login, r.paired_community)
            if pair in seen:
                raise ValidationError("paired_community", f"{r.login} is registered with {r.paired_community} twice "
                                      f"(also at {seen[pair]})", record=where)
            seen[pair] = where
        stored = self._existing_rows("dual_registration", "login", {login for login, _ in seen})
        for row in stored:
            pair = (row["login"], row["paired_community"])
            if pair in seen:
                raise ValidationError("paired_community", f"{pair[0]} is already registered with {pair[1]}",
                                      record=seen[pair])
        ids = self._ids("dual_registration", records)
        return [("dual_registration", [record_row(r, id=i) for (_, r), i in zip(records, ids, strict=True)])]

    def _existing_rows(self, table: str, column: str, values: Iterable[Any]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for chunk in chunks(sorted(set(values)), LOOKUP_CHUNK):
            rows += self.store.select(table, **{f"{column}__in": list(chunk)})
        return rows

    def _plan_issue(self, actor: Actor, records: list[tuple[str, Issue]], source: str) -> list:
        states = set(STATES) | {t.target for t in self.platform.transitions.values() if t.target}
        for where, issue in records:
            if issue.category not in self.platform.categories:
                raise ValidationError("category", f"unknown category {issue.category}; see gridgov issue categories",
                                      record=where)
            if issue.status not in states:
                raise ValidationError("status", f"{issue.status!r} is not a state ({', '.join(sorted(states))})",
                                      record=where)
        areas = self._references(records, "area_code", "area", "area")
        areas.update(self._references(records, "handling_area", "area", "area"))
        self._references(records, "assignee_org", "organisation", "organisation")
        self._references(records, "assignee_member", "member", "member")
        ids = self._ids("issue", records)
        new_id = {r.id: i for (_, r), i in zip(records, ids, strict=True) if r.id is not None}
        masters = self._existing("issue", "id", (r.merged_into for _, r in records if r.merged_into not in new_id))
        handling: dict[str, str] = {}
        prepared: list[tuple[str, Issue]] = []
        for (where, issue), issue_id in zip(records, ids, strict=True):
            master = issue.merged_into
            if master is not None:
                if master not in new_id and master not in masters:
                    raise ValidationError("merged_into", f"unknown issue {master}", record=where)
                master = new_id.get(master, master)
            hand = issue.handling_area
            if hand is not None and f"/{hand}/" not in areas[issue.area_code]["path"]:
                raise ValidationError("handling_area", f"{hand} is not {issue.area_code} or above it", record=where)
            if hand is None:
                hand = handling.get(issue.area_code)
                if hand is None:
                    hand = handling[issue.area_code] = self.platform.issues.handling_area_for(issue.area_code)
                    if hand not in areas:
                        areas[hand] = self.store.get("area", hand)
            derived = {"id": issue_id, "area_path": areas[issue.area_code]["path"], "handling_area": hand,
                       "level": issue.level or areas[hand]["level"], "merged_into": master, "version": 1}
            prepared.append((where, (issue, derived)))
        ordered = parent_first(prepared, lambda r: r[1]["id"], lambda r: r[1]["merged_into"], field="merged_into")
        counts: dict[tuple[str, str], int] = defaultdict(int)
        received = to_row_json(RECEIVED)

        def rows() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
            """Issue and event rows, made as they are written (a million rows do not wait in memory)."""
            for _, (issue, derived) in ordered:
                # The derived fields come from the database, so they are set on the row rather
                # than through attrs.evolve, which would run every validator a second time.
                row = fast_issue_row(issue)
                row.update(derived)
                changes = {name: row[name] for name in CHANGED_BY_IMPORT}
                changes["payload"] = issue.payload
                event = make_event(None, issue_id=derived["id"], action="import", to_status=issue.status,
                                   actor=actor.login, at=issue.reported_at, changes=changes,
                                   note=f"imported from {source}", level=derived["level"])
                day = row["reported_at"][:10]
                for code in derived["area_path"].strip("/").split("/"):
                    counts[(code, day)] += 1
                yield row, {**encoded_row(event), "metrics": received}

        return [("issue", (rows(), counts))]


CORE_KEYS = {"area": "code", "organisation": "code", "member": "login", "issue": "id"}
