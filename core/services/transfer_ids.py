"""Ids of imported records: kept when given and free, refused (or, with ``--renumber``,
replaced) when named twice or already taken, made up when missing.

New ids come from above every id in the database and every id the file gave so far, and
are remembered as runs, not one by one. Should a later line give an id that an earlier
record without one was handed, the import starts over (:class:`Restart`) with new ids above
every id of the file: that can only happen in a file that mixes records with and without
ids, and a second pass is cheaper than holding a million ids to avoid it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ValidationError
from .transfer_records import LOOKUP_CHUNK


class Restart(Exception):  # noqa: N818 (a signal, not an error)
    """An id made up for a record collides with one the file gives further down."""


class Ids:
    """The id bookkeeping of one import into an id-keyed table."""

    def __init__(self, store: Any, table: str, what: str, *, renumber: bool, floor: int,
                 written_here: Callable[[int], bool], first_seen: Callable[[int, str], str | None]) -> None:
        self.store = store
        self.table = table
        self.what = what
        self.renumber = renumber
        top = store.select(table, order_by="-id", limit=1)
        self.top = max(top[0]["id"] if top else 0, floor)
        self.given_max = 0
        self.runs: list[list[int]] = []  # [first, last] of ids made up, ascending
        self.renumbered: dict[int, int] = {}  # a taken id the file gave → the new id of its first record
        self.reserved: dict[int, str] = {}  # ids of records that wait to be written → where
        self.written_here = written_here
        self.first_seen = first_seen

    def new(self) -> int:
        number = max(self.top, self.given_max) + 1
        self.top = number
        if self.runs and self.runs[-1][1] == number - 1:
            self.runs[-1][1] = number
        else:
            self.runs.append([number, number])
        return number

    def made_up(self, number: int) -> bool:
        i = bisect.bisect_right(self.runs, [number, float("inf")]) - 1
        return i >= 0 and self.runs[i][0] <= number <= self.runs[i][1]

    def taken(self, numbers: Iterable[int]) -> set[int]:
        wanted = sorted(set(numbers))
        found: set[int] = set()
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            rows = self.store.select(self.table, id__in=wanted[start:start + LOOKUP_CHUNK])
            found.update(r["id"] for r in rows)
        return found

    def assign(self, batch: list[tuple[str, Any]]) -> list[int]:
        """The final id of each record of a batch (in order)."""
        taken = self.taken(r.id for _, r in batch if r.id is not None)
        in_batch: dict[int, str] = {}
        out = []
        for where, record in batch:
            given = record.id
            if given is None:
                number = self.new()
            else:
                self.given_max = max(self.given_max, given)
                clash = given in taken or given in in_batch or given in self.reserved
                if clash and self.made_up(given):
                    raise Restart
                if not clash:
                    number = given
                elif not self.renumber:
                    raise self._clash(where, given, in_batch)
                else:
                    number = self.new()
                    if given not in self.renumbered and given in taken and not self.written_here(given):
                        self.renumbered[given] = number
            in_batch[number] = where
            out.append(number)
        return out

    def _clash(self, where: str, given: int, in_batch: dict[int, str]) -> ValidationError:
        earlier = in_batch.get(given) or self.reserved.get(given)
        if earlier is None and self.written_here(given):
            earlier = self.first_seen(given, where) or "an earlier line"
        if earlier:
            return ValidationError("id", f"{self.what} {given} appears twice (also at {earlier})", record=where)
        return ValidationError("id", f"{self.what} {given} already exists (give --renumber to import it "
                               "under a new id)", record=where)
