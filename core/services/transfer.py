"""Import and export of areas, organisations, members, role assignments, pairings, dual
registrations and issues, as CSV or JSON.

**Imports** are all-or-nothing and streamed. The file is read one record at a time
(:mod:`.transfer_read`); each record is checked by its own validators, against the database
and the rest of the file, and against the actor's ``data.import`` scope
(:mod:`.transfer_scope`), then written in large batches (:mod:`.transfer_load`), all inside
one transaction. The first bad record stops the import with one error naming the file, the
line or record, the field and the reason, and the transaction is rolled back, so nothing is
written. One pass over the file is enough: checking and writing in the same pass costs the
file's parsing once, where checking first and writing in a second pass would parse it twice,
and the transaction makes a failure at line 900,000 as clean as one at line 2.

Imported issues start a new event log: one ``import`` event whose changes rebuild the row
(replay equals the stored issue), counted as ``received`` on the day reported. Plugins'
``issue_created`` hooks do not run for imported cases.

**Exports** return only the records inside the actor's ``data.export`` scope, mask phone and
ID numbers unless the actor holds ``personal.unmask`` and gives a reason, and every export is
written to the access log with the scope it covered. CSV cells that a spreadsheet would run
as a formula are neutralised (:func:`~.transfer_cells.escape_formula`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sized
from pathlib import Path
from typing import Any, TextIO

from ..access import EXPORT, IMPORT, Actor
from ..converter import from_dict, to_dict
from ..errors import AccessDenied, ValidationError
from .base import Service
from .transfer_cells import deployment_zone, escape_formula
from .transfer_ids import Restart
from .transfer_load import LOADERS
from .transfer_read import Located, read_records
from .transfer_records import CHUNK, Kind, ProgressFn, build_record, cell_text, field_names, kind_of
from .transfer_scope import Places, Scope


class TransferService(Service):
    """CSV and JSON in and out of the platform (``platform.transfer``)."""

    def _scope(self, actor: Actor, permission: str) -> Scope:
        roots = [r["path"] for r in self.store.select("area", parent_code=None)]
        return Scope(actor, permission, roots)

    # -- export -------------------------------------------------------------------------

    def export(self, actor: Actor, kind: str, *, unmask_reason: str | None = None) -> Iterator[dict[str, Any]]:
        """The records of a kind inside the actor's export scope, as dicts, personal data
        masked unless unmasked with a reason.

        Checks the permission and writes the access-log entry (with the scope) before
        returning the (lazy) records, so a refused export leaves no trace and an allowed
        one always does.
        """
        spec = kind_of(kind)
        scope = self._scope(actor, EXPORT)
        if not scope.whole and not scope.paths:
            raise AccessDenied(f"{actor.login} lacks {EXPORT}")
        if unmask_reason is not None:
            self.platform.members.unmask_check(actor, unmask_reason, None if scope.whole else list(scope.paths))
        self.platform.log_access(actor, f"export:{spec.name} scope={scope.label}", unmask_reason or "export",
                                 path=None if scope.whole or len(scope.paths) != 1 else next(iter(scope.paths)))
        return self._export_rows(spec, scope, unmask=unmask_reason is not None)

    def _export_rows(self, spec: Kind, scope: Scope, *, unmask: bool) -> Iterator[dict[str, Any]]:
        places = Places(self.store)
        for row in self._rows_in(spec, scope):
            record: Any = from_dict(spec.model, row)
            if not scope.whole and not scope.contains(places.of(spec.table, record)):
                continue
            data = to_dict(record)
            if not unmask:
                for field, mask in spec.personal.items():
                    data[field] = mask(data[field])
            yield data

    def _rows_in(self, spec: Kind, scope: Scope) -> Iterator[dict[str, Any]]:
        """Candidate rows in key order: a subtree query per scope path where the table has
        one (areas, issues), else the whole table (the directory), filtered by the caller."""
        column = {"area": "path", "issue": "area_path"}.get(spec.table)
        if scope.whole or column is None:
            yield from self._pages(spec, lambda **where: self.store.select(spec.table, **where))
            return
        for path in scope.paths:
            yield from self._pages(spec, lambda path=path, **where: self.store.subtree(
                spec.table, path, column=column, **{k: v for k, v in where.items() if k != "order_by"},
                order_by=spec.order))

    def _pages(self, spec: Kind, select: Any) -> Iterator[dict[str, Any]]:
        last = None
        while True:
            where: dict[str, Any] = {f"{spec.order}__gt": last} if last is not None else {}
            rows = select(order_by=spec.order, limit=CHUNK, **where)
            if not rows:
                return
            yield from rows
            last = rows[-1][spec.order]

    def write(self, kind: str, records: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
        """Write exported records as CSV (header = field names, RFC 4180 line ends, formula
        cells neutralised) or a JSON list; returns the count."""
        spec = kind_of(kind)
        count = 0
        if fmt == "csv":
            # "\r\n" ends rows, so the writer quotes a lone "\r" inside a field as well.
            writer = csv.writer(out, lineterminator="\r\n")
            names = field_names(spec)
            writer.writerow(names)
            for record in records:
                writer.writerow([_safe(cell_text(record.get(n))) for n in names])
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
                    progress: ProgressFn | None = None, renumber: bool = False) -> int:
        """Import a CSV or JSON file, all-or-nothing; returns the number of records written.
        ``progress(bytes read, file size)`` is called as the file is read."""
        kind_of(kind)
        actor.require(IMPORT, anywhere=True)
        records = read_records(path, fmt)
        return self.import_records(actor, kind, records, source=records.name, progress=progress, renumber=renumber)

    def import_records(self, actor: Actor, kind: str, located: Iterable[Located], *, source: str = "import",
                       progress: ProgressFn | None = None, renumber: bool = False) -> int:
        """Import raw records (each with its location for errors), all-or-nothing.

        ``located`` may be a list, a file's records (:func:`~.transfer_read.read_records`)
        or any iterable; it is read once, or twice in the rare case described in
        :mod:`.transfer_ids`, which needs an iterable that can be read again.
        ``renumber`` gives records whose id is taken or repeated a new id instead of
        refusing them. ``progress(done, total)`` counts records (bytes for a file).
        """
        spec = kind_of(kind)
        actor.require(IMPORT, anywhere=True)
        floor = 0
        try:
            return _Run(self, actor, spec, located, source, renumber, floor, progress).load()
        except Restart:
            if iter(located) is located:
                raise ValidationError("id", "an id given further down the file was already handed to a record "
                                      "without one; import from a file or a list, or give every record an id",
                                      record=source) from None
            floor = _largest_id(located)
            return _Run(self, actor, spec, located, source, renumber, floor, progress).load()


def _safe(cell: Any) -> Any:
    if isinstance(cell, str):
        return escape_formula(cell) if cell and cell[0] in "=+-@\t\r'" else cell
    if isinstance(cell, int) and cell < 0:
        return escape_formula(str(cell))
    return cell


def _largest_id(located: Iterable[Located]) -> int:
    """The largest id the records give (a light pass: the ids only)."""
    largest = 0
    for _, raw in located:
        value = raw.get("id")
        try:
            largest = max(largest, int(value)) if value not in (None, "") else largest
        except (TypeError, ValueError):
            continue
    return largest


class _Run:
    """One pass of an import: what the loaders share."""

    def __init__(self, service: TransferService, actor: Actor, spec: Kind, located: Iterable[Located],
                 source: str, renumber: bool, floor: int, progress: ProgressFn | None) -> None:
        self.platform = service.platform
        self.actor = actor
        self.spec = spec
        self.located = located
        self.source = source
        self.renumber = renumber
        self.floor = floor
        self.tick = progress or (lambda done, total: None)
        self.zone = deployment_zone(self.platform)
        self.places = Places(self.platform._store)
        self.scope = service._scope(actor, IMPORT)

    def _progress(self, count: int) -> tuple[int, int]:
        if hasattr(self.located, "progress"):
            return self.located.progress()
        total = len(self.located) if isinstance(self.located, Sized) else count
        return count, total

    def load(self) -> int:
        spec, zone = self.spec, self.zone
        store = self.platform._store
        count = 0
        with store.write(), store.bulk_load():
            loader = LOADERS[spec.table](self)
            for where, raw in self.located:
                try:
                    record = build_record(spec, raw, zone)
                except ValidationError as exc:
                    raise exc.at(where) from None
                loader.add(where, record)
                count += 1
                if count % CHUNK == 0:
                    self.tick(*self._progress(count))
            loader.finish()
        done, total = self._progress(count)
        self.tick(total, total)
        return count

    def first_seen(self, number: int, before: str) -> str | None:
        """Where the file first gives ``number`` as an id, before ``before`` (for an error)."""
        if iter(self.located) is self.located:
            return None
        for where, raw in self.located:
            if where == before:
                return None
            try:
                if int(raw.get("id") or 0) == number:
                    return where
            except (TypeError, ValueError):
                continue
        return None
