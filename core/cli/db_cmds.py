"""``gridgov db copy`` (move a deployment between engines) and ``gridgov doctor`` (check one)."""

from __future__ import annotations

import random
import sys
from typing import Any

import click

from ..access import Actor
from ..errors import ValidationError
from ..platform import Platform
from ..storage.copy import copy_deployment, copy_tables, row_counts, target_is_empty
from ..storage.doctor import diagnose
from . import cli
from .context import AppContext, pass_app
from .output import echo_json, reports_errors


@cli.group("db")
def db_group() -> None:
    """Move a deployment between SQLite and PostgreSQL."""


@db_group.command("copy")
@click.argument("source")
@click.argument("target")
@click.option("--sample", "sample_size", default=200, show_default=True, type=click.IntRange(0, 100_000),
              help="Cases whose event log is replayed on the target to check the copy.")
@reports_errors
def copy_cmd(source: str, target: str, sample_size: int) -> None:
    """Copy a whole deployment (core and plugin tables, events, access log) from SOURCE to
    TARGET: each a SQLite file path or a postgresql:// URL. TARGET must be empty (a new
    file or a new database); its tables are made by its own migrations. The copy runs in one
    transaction on the target, in batches of constant memory, and ends by comparing row
    counts and replaying a sample of cases."""
    if source == target:
        raise ValidationError("TARGET", "is the source; copy into another database")
    with Platform(source) as src, Platform(target) as dst:
        tables = copy_tables(src._store)
        busy = target_is_empty(dst._store, tables)
        if busy:
            raise ValidationError("TARGET", f"is not empty ({', '.join(busy[:4])} hold rows); copy into a new database")
        counts = row_counts(src._store, tables)
        with _Bar(sum(counts.values())) as bar:
            copied = copy_deployment(src._store, dst._store, tables, progress=bar.advance)
    with Platform(source) as src, Platform(target) as dst:
        after = row_counts(dst._store, tables)
        wrong = {t: (counts[t], after[t]) for t in tables if t != "setting" and counts[t] != after[t]}
        if wrong:
            raise ValidationError("copy", f"row counts differ: {wrong}")
        checked = _replay_sample(src, dst, sample_size)
    rows = sum(copied.values())
    click.echo(f"copied {rows} rows in {len(tables)} tables; counts equal; {checked} replayed cases equal their rows")


def _replay_sample(source: Platform, target: Platform, size: int) -> int:
    """Replay a seeded sample of cases on the target; each must equal its row there and
    the source's row."""
    top = source._store.max_issue_id()
    if not top or not size:
        return 0
    operator = Actor.system()
    ids = sorted(random.Random(top).sample(range(1, top + 1), min(size, top)))
    checked = 0
    for issue_id in ids:
        there = target.issues.find_raw(issue_id)
        if there is None:
            continue
        replayed = target.issues.replay(operator, issue_id)
        if replayed != target.issues.mask(there) or there != source.issues.find_raw(issue_id):
            raise ValidationError("copy", f"issue {issue_id} differs after the copy")
        checked += 1
    return checked


class _Bar:
    """A progress bar on stderr when it is a terminal (silent in scripts)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> _Bar:
        if sys.stderr.isatty() and self.total:
            self.bar = click.progressbar(length=self.total, label="copying", file=sys.stderr)
            self.bar.__enter__()
        return self

    def advance(self, _table: str, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(rows)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="The findings as JSON.")
@pass_app
def doctor_cmd(app: AppContext, as_json: bool) -> None:
    """Check a deployment: engine and version, schema versions, extensions, the append-only
    triggers, the time zone, plugin failures and counts; says what is wrong. Exit status 1
    when something is."""
    report = diagnose(app.platform)
    if as_json:
        echo_json(report)
    else:
        for check in report["checks"]:
            mark = "ok  " if check["ok"] else "FAIL"
            click.echo(f"{mark} {check['name']}: {check['detail']}")
        for name, count in report["counts"].items():
            click.echo(f"     {name}: {count}")
    if not all(c["ok"] for c in report["checks"]):
        sys.exit(1)
