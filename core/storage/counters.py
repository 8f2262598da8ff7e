"""Daily counters per area: what makes a subdistrict's metrics cost the same on ten
thousand or a million cases. Mixed into :class:`~.store.Store`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import ValidationError
from .schema import METRIC_COLUMNS


class MetricCounters:

    def add_metrics(self, area_codes: Sequence[str], day: dt.date, deltas: Mapping[str, int]) -> None:
        """Add ``deltas`` to the daily counters of each area (the issue's area and ancestors)."""
        if not deltas:
            return
        columns = [c for c in deltas if c in METRIC_COLUMNS]
        if len(columns) != len(deltas):
            raise ValidationError("metrics", f"unknown counters {set(deltas) - set(columns)}")
        sql = (
            f"INSERT INTO metric_daily (area_code, day, {', '.join(columns)}) "
            f"VALUES (?, ?, {', '.join('?' * len(columns))}) ON CONFLICT(area_code, day) DO UPDATE SET "
            + ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
        )
        values = [deltas[c] for c in columns]
        with self.write() as db:
            db.conn.executemany(sql, ([code, day.isoformat(), *values] for code in area_codes))

    def add_metrics_many(self, rows: Iterable[tuple[str, str, Mapping[str, int]]]) -> None:
        """Bulk form of :meth:`add_metrics` for imports: ``(area_code, day, deltas)``.

        Rows with the same counters share one prepared statement (one ``executemany``
        per set of counters), which is what makes a year of demo counters quick to write.
        """
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        for code, day, deltas in rows:
            columns = tuple(sorted(deltas))
            groups.setdefault(columns, []).append([code, dt.date.fromisoformat(day).isoformat(), *(deltas[c] for c in columns)])
        with self.write() as db:
            for columns, params in groups.items():
                if not columns:
                    continue
                unknown = set(columns) - set(METRIC_COLUMNS)
                if unknown:
                    raise ValidationError("metrics", f"unknown counters {unknown}")
                sql = (
                    f"INSERT INTO metric_daily (area_code, day, {', '.join(columns)}) "
                    f"VALUES (?, ?, {', '.join('?' * len(columns))}) ON CONFLICT(area_code, day) DO UPDATE SET "
                    + ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
                )
                db.conn.executemany(sql, params)

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
        return dict(zip(METRIC_COLUMNS, self.db.execute(sql, params).fetchone(), strict=True))

    def daily_metric(self, area_code: str, column: str, since: dt.date, until: dt.date) -> list[tuple[str, int]]:
        if column not in METRIC_COLUMNS:
            raise ValidationError("metric", f"unknown counter {column}")
        sql = f"SELECT day, {column} FROM metric_daily WHERE area_code = ? AND day >= ? AND day < ? ORDER BY day"
        return list(self.db.execute(sql, [area_code, since.isoformat(), until.isoformat()]))

    def clear_metrics(self) -> None:
        with self.write() as db:
            db.execute("DELETE FROM metric_daily")
