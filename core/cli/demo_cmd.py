"""``gridgov demo``: load a realistic sample deployment, seeded and repeatable."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from ..demo import DEFAULT_SEED, SCALES, load_demo
from ..errors import ValidationError
from ..platform import default_db_path
from . import cli
from .context import AppContext, pass_app
from .output import display_width, reports_errors, table


class ProgressBar:
    """One line on stderr, redrawn in place: the stage, a bar, and how far it is.

    Drawn only on a terminal, so logs and pipes get no carriage-return noise.
    """

    def __init__(self, stream=None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.width = width
        self.started = time.perf_counter()
        self._last = 0.0
        self._line = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // total if total else self.width
        text = (f"{stage[:24]:<24} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{done:>9,}/{total:<9,} {now - self.started:6.1f}s")
        pad = max(0, self._line - display_width(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._line = display_width(text)

    def finish(self) -> None:
        if self.enabled and self._line:
            self.stream.write("\n")
            self.stream.flush()


def _database_files(path: Path | str) -> list[Path]:
    path = Path(path)
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def parse_until(value: str | None) -> dt.date | dt.datetime | None:
    """``--until``: a day (``2026-12-01``) or a local wall-clock time (``2026-12-01T09:30``)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("until", f"{value!r} is neither a day (YYYY-MM-DD) nor a time (YYYY-MM-DDTHH:MM)") from None
    return moment


@cli.command("demo")
@click.option("--scale", type=click.Choice(list(SCALES)), default="small", show_default=True,
              help="small: seconds; district: Suyu's figures; longgang: Longgang's (takes minutes).")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed; the same seed gives the same database.")
@click.option("--issues", type=click.IntRange(min=0), default=None,
              help="Number of cases instead of the scale's year (benchmarks use this).")
@click.option("--until", "until_text", metavar="DAY",
              help="End the simulated year on this day (18:00 local time) or at YYYY-MM-DDTHH:MM "
                   "instead of now: the same seed and day give the same database.")
@click.option("--reset", is_flag=True, help="Delete the database file first and load into a new one.")
@pass_app
@reports_errors
def demo(app: AppContext, scale: str, seed: int, issues: int | None, until_text: str | None, reset: bool) -> None:
    """Load a demo deployment: area tree, organisations, members, posts, pairings and the
    year of cases up to now in every state; prints the logins to try it with, one per post.
    The database must be new: --reset replaces an existing one."""
    until = parse_until(until_text)
    path = Path(app.db_path) if app.db_path else default_db_path()
    if reset:
        app.close()
        for file in _database_files(path):
            file.unlink(missing_ok=True)
    platform = app.platform
    bar = ProgressBar()
    try:
        if isinstance(until, dt.datetime):
            until = platform.time.read(until, "until")
        summary = load_demo(platform, scale, seed=seed, issues=issues, until=until, progress=bar)
    finally:
        bar.finish()
    app.close()
    size = sum(int(f.stat().st_size) for f in _database_files(path) if f.exists())
    period = f"{platform.time.format(summary.start)} – {platform.time.format(summary.end)}"
    click.echo(f"loaded the {scale} demo (seed {seed}) for {period} into {path} in {summary.seconds:.1f} s; "
               f"database {size / 1e6:.1f} MB")
    click.echo(table(["records", "count"], [(name, f"{n:,}") for name, n in summary.counts.items()]))
    for failure in summary.plugin_failures:
        click.echo(f"warning: {failure}", err=True)
    zh = app.lang == "zh"
    roles = platform.roles
    rows = []
    for login in summary.logins:
        role = roles.get(login.post)
        post = (role.name_zh if zh else role.name_en) if role else login.post
        rows.append((post, login.login, login.name, f"{login.scope_name} ({login.scope})"))
    click.echo("")
    click.echo("演示账号（gridgov tui --as 登录名）:" if zh else "demo logins (gridgov tui --as LOGIN):")
    click.echo(table(["post", "login", "name", "scope"], rows))
