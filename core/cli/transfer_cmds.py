"""``gridgov import`` and ``gridgov export``: CSV or JSON in and out of the platform."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import ValidationError
from ..services.transfer_records import FORMATS, KINDS, format_of
from . import cli
from .context import AppContext, pass_app
from .output import as_option, reports_errors, resolve_actor

_KIND = click.Choice(list(KINDS))
_FORMAT = click.Choice(list(FORMATS))


class _Progress:
    """A progress bar on stderr when it is a terminal; silent when piped or in scripts."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty() or total == 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command("import")
@click.argument("kind", type=_KIND)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=_FORMAT, help="csv or json (default: from the file name).")
@click.option("--renumber", is_flag=True,
              help="Give records whose id already exists, or appears twice in FILE, a new id instead of "
                   "refusing the file (merges that name them follow).")
@as_option(required=False)
@pass_app
@reports_errors
def import_(app: AppContext, kind: str, file: str, fmt: str | None, renumber: bool, login: str | None) -> None:
    """Import KIND records from FILE (CSV with a header of field names, or a JSON list).

    \b
    KIND: areas, organisations, members, roles (role assignments), pairings,
    dual-registrations, issues.

    Imports are all-or-nothing: FILE is read as a stream and written in one transaction;
    one bad record stops the import with one line naming the file, the line, the field
    and the reason, and nothing is written. Areas and organisations may come in any order
    (parents are put first); an issue may be merged into one further down the file.

    Every record must lie inside the data.import scope of --as (an area in its parent, a
    member in the home area and the organisation's seat, an issue in its area…), and an
    imported post may carry no permission --as does not hold there.

    Ids that already exist or appear twice are refused unless --renumber is given; records
    without an id get new ones.

    Times: a value with an offset (2026-10-01T09:00:00+08:00, or Z for UTC) is that instant;
    a value without one is a wall-clock time of the deployment's zone (Asia/Shanghai unless
    the deployment sets another). Times after the platform's clock are refused.

    CSV: a field over 1 MB, a header naming a column twice, and a quote that runs across
    lines into other rows are refused; a cell exported as '=… (a neutralised formula) is
    read back without its leading '.
    """
    actor = resolve_actor(app, login)
    fmt = format_of(file, fmt)
    progress = _Progress(f"importing {kind}")
    try:
        count = app.platform.transfer.import_file(actor, kind, file, fmt=fmt, progress=progress, renumber=renumber)
    finally:
        progress.close()
    click.echo(f"imported {count} {kind} from {Path(file).name}")


@cli.command("export")
@click.argument("kind", type=_KIND)
@click.option("--format", "fmt", type=_FORMAT, help="csv or json (default: from --output, else csv).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
@click.option("--unmask", is_flag=True, help="Export phone and ID numbers in full (needs --reason; logged).")
@click.option("--reason", help="Why personal data is exported in full (written to the access log).")
@as_option(required=False)
@pass_app
@reports_errors
def export(app: AppContext, kind: str, fmt: str | None, output: str | None, unmask: bool,
           reason: str | None, login: str | None) -> None:
    """Export KIND records as CSV (header = field names) or JSON.

    Only the records inside the data.export scope of --as are exported. Phone and ID
    numbers are masked unless --unmask --reason is given by a member who may unmask
    personal data. Every export is written to the access log with its scope. CSV cells
    that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading ', which
    gridgov import takes off again.
    """
    if unmask and not (reason or "").strip():
        raise ValidationError("--reason", "--unmask needs a reason")
    if reason and not unmask:
        raise ValidationError("--reason", "is only used with --unmask")
    fmt = fmt or (format_of(output, None) if output else "csv")
    actor = resolve_actor(app, login)
    records = app.platform.transfer.export(actor, kind, unmask_reason=reason if unmask else None)
    if output is None:
        count = app.platform.transfer.write(kind, records, sys.stdout, fmt)
        return
    with open(output, "w", encoding="utf-8", newline="") as out:
        count = app.platform.transfer.write(kind, records, out, fmt)
    click.echo(f"exported {count} {kind} to {output}", err=True)
