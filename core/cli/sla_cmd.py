"""``gridgov sla show|load``: the deployment's deadlines (SLA rules and the work calendar).

``show`` prints the stored rules and, for every category and priority, the deadlines a
case dispatched now would get and where they come from, so a supervisor can check a
rule file before and after loading it.
"""

from __future__ import annotations

import json
from typing import Any

import click

from ..models import PRIORITIES
from ..platform import Platform
from ..sla import SlaBook
from . import cli
from .context import AppContext, pass_app


@cli.group("sla")
def sla() -> None:
    """Deadlines: SLA rules per category and priority, and the work calendar."""


def effective(platform: Platform) -> list[dict[str, Any]]:
    """For each category and priority: the response and resolution hours that apply."""
    rows = []
    for code, category in sorted(platform.categories.items()):
        for priority in PRIORITIES:
            rule = platform.sla.rule_for(category, priority)
            from_rule = rule in platform.sla.rules
            rows.append(
                {
                    "category": code,
                    "priority": priority,
                    "response_hours": rule.response_hours,
                    "resolve_hours": rule.resolve_hours,
                    "working_hours": rule.working_hours,
                    "source": f"rule {rule.category}/{rule.priority}" if from_rule else "category default",
                }
            )
    return rows


@sla.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the rules, calendar and effective deadlines as JSON.")
@pass_app
def show(app: AppContext, as_json: bool) -> None:
    """Show the SLA rules, the work calendar and the deadline of each category."""
    platform = app.platform
    mapping = platform.sla.to_mapping()
    rows = effective(platform)
    if as_json:
        click.echo(json.dumps({**mapping, "effective": rows}, ensure_ascii=False, indent=2))
        return
    cal = mapping["calendar"]
    click.echo(f"work day {cal['work_start']}–{cal['work_end']}, weekdays {','.join(map(str, cal['weekdays']))}"
               f"; {len(cal['holidays'])} holidays, {len(cal['workdays'])} swapped working days")
    click.echo(f"{len(mapping['rule'])} rules")
    for rule in mapping["rule"]:
        clock = "working hours" if rule["working_hours"] else "hours"
        click.echo(f"  {rule['category']:<24} {rule['priority']:<8} respond {rule['response_hours']:g} / "
                   f"resolve {rule['resolve_hours']:g} {clock}")
    click.echo("effective deadlines (respond / resolve):")
    for row in rows:
        clock = " working" if row["working_hours"] else ""
        click.echo(f"  {row['category']:<24} {row['priority']:<8} {row['response_hours']:g} / "
                   f"{row['resolve_hours']:g} h{clock}  ({row['source']})")


@sla.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "login", default=None, help="Member login (needs sla.manage); default: the local operator.")
@pass_app
def load(app: AppContext, file: str, login: str | None) -> None:
    """Replace the deployment's SLA rules and calendar with those in FILE (TOML)."""
    book = SlaBook.from_toml(file)
    app.platform.set_sla(app.actor(login), book)
    click.echo(f"loaded {len(book.rules)} rules from {file}")
