"""Daily counters per area: what makes a subdistrict's metrics cost the same on ten
thousand or a million cases. Mixed into :class:`~.store.Store`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..errors import ValidationError
from .parts import StoreParts
from .schema import COHORT_COLUMNS, METRIC_COLUMNS
from .tables import _encode


class MetricCounters(StoreParts):

    def add_metrics(self, area_codes: Sequence[str], day: dt.date, deltas: Mapping[str, int]) -> None:
        """Add ``deltas`` to the daily counters of each area (the issue's area and ancestors)."""
        if deltas:
            self._upsert_counters("metric_daily", METRIC_COLUMNS, [(code, day.isoformat(), deltas) for code in area_codes])

    def add_metrics_many(self, rows: Iterable[tuple[str, str, Mapping[str, int]]]) -> None:
        """Bulk form of :meth:`add_metrics` for imports: ``(area_code, day, deltas)``.

        Rows with the same counters share one prepared statement (one ``executemany``
        per set of counters), which is what makes a year of demo counters quick to write.
        """
        self._upsert_counters("metric_daily", METRIC_COLUMNS,
                              [(code, dt.date.fromisoformat(day).isoformat(), deltas) for code, day, deltas in rows])

    def sum_metrics(self, area_code: str, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
        """Counters of one area summed over ``[since, until)``."""
        sql = f"SELECT {', '.join(f'coalesce(sum({c}), 0)' for c in METRIC_COLUMNS)} FROM metric_daily WHERE area_code = ?"
        params: list[Any] = [area_code]
        if since:
            sql += " AND day >= ?"
            params.append(since.isoformat())
        if until:
            sql += " AND day < ?"
            params.append(until.isoformat())
        return dict(zip(METRIC_COLUMNS, self.sql.execute(sql, params).fetchone(), strict=True))

    def daily_metric(self, area_code: str, column: str, since: dt.date, until: dt.date) -> list[tuple[str, int]]:
        if column not in METRIC_COLUMNS:
            raise ValidationError("metric", f"unknown counter {column}")
        sql = f"SELECT day, {column} FROM metric_daily WHERE area_code = ? AND day >= ? AND day < ? ORDER BY day"
        return list(self.sql.execute(sql, [area_code, since.isoformat(), until.isoformat()]))

    def clear_metrics(self) -> None:
        with self.write() as db:
            db.execute("DELETE FROM metric_daily")

    # -- cohorts: what the cases registered on each day amount to now ---------------------

    def add_cohorts(self, area_codes: Sequence[str], changes: Iterable[tuple[dt.date, Mapping[str, int]]]) -> None:
        """Add each ``(registration day, deltas)`` to the cohort counters of every area
        (deltas may be negative: a reopened case is no longer closed)."""
        rows = [(code, day.isoformat(), deltas) for day, deltas in changes if deltas for code in area_codes]
        if rows:
            self._upsert_counters("metric_cohort", COHORT_COLUMNS, rows)

    def add_cohorts_many(self, rows: Iterable[tuple[str, str, Mapping[str, int]]]) -> None:
        """Bulk form for rebuilds: ``(area_code, day, deltas)``."""
        self._upsert_counters("metric_cohort", COHORT_COLUMNS, list(rows))

    def add_counters_full(self, table: str, rows: Sequence[tuple[str, str, Mapping[str, int]]]) -> None:
        """Bulk form for many rows with differing counters (a demo's year): every row
        with all the table's counters in one statement, zeros where a row has none.
        ``day`` is ISO text already."""
        known = {"metric_daily": METRIC_COLUMNS, "metric_cohort": COHORT_COLUMNS}[table]
        if not rows:
            return
        unknown = {key for _, _, deltas in rows for key in deltas} - set(known)
        if unknown:
            raise ValidationError("metrics", f"unknown counters {sorted(unknown)}")
        with self.write() as db:
            db.executemany(_adding(table, known), ([code, day, *(deltas.get(c, 0) for c in known)] for code, day, deltas in rows))

    def _upsert_counters(self, table: str, known: Sequence[str],
                         rows: Sequence[tuple[str, str, Mapping[str, int]]]) -> None:
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        for code, day, deltas in rows:
            columns = tuple(sorted(deltas))
            groups.setdefault(columns, []).append([code, day, *(deltas[c] for c in columns)])
        with self.write() as db:
            for columns, params in groups.items():
                unknown = set(columns) - set(known)
                if unknown:
                    raise ValidationError("metrics", f"unknown counters {sorted(unknown)}")
                if not columns:
                    continue
                db.executemany(_adding(table, columns), params)

    def sum_cohorts(self, area_code: str, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
        """Cohort counters of one area over registration days ``[since, until)``."""
        sql = f"SELECT {', '.join(f'coalesce(sum({c}), 0)' for c in COHORT_COLUMNS)} FROM metric_cohort WHERE area_code = ?"
        params: list[Any] = [area_code]
        if since:
            sql += " AND day >= ?"
            params.append(since.isoformat())
        if until:
            sql += " AND day < ?"
            params.append(until.isoformat())
        return dict(zip(COHORT_COLUMNS, self.sql.execute(sql, params).fetchone(), strict=True))

    def clear_cohorts(self) -> None:
        with self.write() as db:
            db.execute("DELETE FROM metric_cohort")

    def cohort_rows(self, *, batch: int = 5000) -> Iterator[dict[str, Any]]:
        """The columns cohort flags are computed from, for every registered case."""
        cursor = self.sql.execute(
            "SELECT id, area_path, status, registered_at, accepted_at, response_due, closed_at, "
            "resolve_due, rating, rework_count FROM issue WHERE registered_at IS NOT NULL ORDER BY id"
        )
        names = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(batch):
            for r in rows:
                yield dict(zip(names, r, strict=True))

    def dispatched_issues(self, *, org: str | None = None, member: str | None = None,
                          since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Cases dispatched to an organisation or a member in ``[since, until)``, once
        each, with the columns cohort flags need (an organisation's cohort)."""
        column, value = ("org", org) if org else ("member", member)
        sql = (
            "SELECT i.id, i.area_path, i.status, i.registered_at, i.accepted_at, i.response_due, "
            "i.closed_at, i.resolve_due, i.rating, i.rework_count FROM issue i WHERE i.id IN "
            f"(SELECT issue_id FROM issue_event WHERE {column} = ? AND action = 'dispatch'"
        )
        params: list[Any] = [value]
        if since:
            sql += " AND at >= ?"
            params.append(_encode(since))
        if until:
            sql += " AND at < ?"
            params.append(_encode(until))
        cursor = self.sql.execute(sql + ") ORDER BY i.id", params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor]


def _adding(table: str, columns: Sequence[str]) -> str:
    """The statement that adds ``columns`` to a row of ``table``, creating it at zero."""
    return (f"INSERT INTO {table} (area_code, day, {', '.join(columns)}) VALUES (?, ?, {', '.join('?' * len(columns))}) "
            "ON CONFLICT(area_code, day) DO UPDATE SET " + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns))
