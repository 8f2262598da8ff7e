"""``gridgov stats``: the closed loop's metrics for an area, an organisation or a member."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ..access import Actor
from ..errors import ValidationError
from ..platform import Platform
from ..services.metrics import Metrics
from . import cli
from .context import AppContext, pass_app
from .output import (
    as_option,
    cell,
    echo_json,
    fields_block,
    parse_day,
    reports_errors,
    resolve_actor,
    table,
)

_RATE_NAMES = {
    "response_rate": ("response rate", "响应率"),
    "on_time_response_rate": ("on-time response rate", "按时响应率"),
    "closure_rate": ("closure rate", "结案率"),
    "on_time_closure_rate": ("on-time closure rate", "按期结案率"),
    "satisfaction_rate": ("satisfaction rate", "满意率"),
    "rework_rate": ("rework rate", "返工率"),
}


@cli.command("stats")
@click.option("--area", metavar="CODE", help="Area whose subtree is counted (default: the actor's top scope).")
@click.option("--since", metavar="DATE", help="First day counted (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Day after the last one counted (YYYY-MM-DD).")
@click.option("--org", metavar="CODE", help="Metrics of the cases handled by this organisation.")
@click.option("--member", "member_login", metavar="LOGIN", help="Metrics of the cases handled by this member.")
@click.option("--json", "as_json", is_flag=True, help="Metrics as JSON, with plugin cards under \"plugins\".")
@as_option()
@pass_app
@reports_errors
def stats(app: AppContext, area: str | None, since: str | None, until: str | None, org: str | None,
          member_login: str | None, as_json: bool, login: str) -> None:
    """Received, registered, closed; response, closure, on-time and satisfaction rates;
    mean handling time and the share settled at each level."""
    actor = resolve_actor(app, login)
    platform = app.platform
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if first and last and last <= first:
        raise ValidationError("--until", f"{last} is not after --since {first}")
    if sum(x is not None for x in (area, org, member_login)) > 1:
        raise ValidationError("--area", "give one of --area, --org, --member")
    cards: dict[str, Any] = {}
    if org:
        if platform.organisations.find(org) is None:
            raise ValidationError("--org", f"unknown organisation {org}")
        metrics = platform.metrics.for_org(actor, org, since=first, until=last)
    elif member_login:
        if platform._store.find("member", member_login) is None:
            raise ValidationError("--member", f"unknown member {member_login}")
        metrics = platform.metrics.for_member(actor, member_login, since=first, until=last)
    else:
        area = area or default_area(platform, actor)
        platform.areas.require_exists(area, "--area")
        metrics = platform.metrics.for_area(actor, area, since=first, until=last)
        cards = plugin_cards(platform, actor, area, first, last)
    if as_json:
        echo_json({**metrics.as_dict(), "plugins": cards})
        return
    click.echo(render(metrics, cards, app.lang))


def default_area(platform: Platform, actor: Actor) -> str:
    """The area of the actor's widest metrics scope (the tree's root for the local operator)."""
    paths = actor.paths_for("metrics.read")
    if not paths:
        raise ValidationError("--area", f"{actor.login} may not read metrics anywhere")
    code = paths[0].strip("/").split("/")[-1]
    if code:
        return code
    roots = platform.areas.roots()
    if not roots:
        raise ValidationError("--area", "there are no areas yet; import or create some first")
    return roots[0].code


def plugin_cards(platform: Platform, actor: Actor, area: str, since: dt.date | None,
                 until: dt.date | None) -> dict[str, Any]:
    """Each plugin metric card for the area; a card that fails shows its error, not a crash."""
    cards: dict[str, Any] = {}
    for spec_id, spec in platform.metric_specs.items():
        try:
            values = dict(spec.compute(platform, actor, area, since, until))
        except Exception as exc:  # a plugin's bug must not hide the core's metrics
            values = {"error": f"{type(exc).__name__}: {exc}"}
        cards[spec_id] = {"title_zh": spec.title_zh, "title_en": spec.title_en, "plugin": spec.plugin,
                          "values": values}
    return cards


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def period_text(since: dt.date | None, until: dt.date | None, zh: bool) -> str:
    """The period in words: open ends say so instead of printing ``…``."""
    last = until - dt.timedelta(days=1) if until else None
    if since and last:
        return f"{since} – {last}"
    if since:
        return f"{since} 起" if zh else f"from {since}"
    if last:
        return f"截至 {last}" if zh else f"up to {last}"
    return "全部" if zh else "all time"


def render(metrics: Metrics, cards: dict[str, Any], lang: str) -> str:
    zh = lang == "zh"
    period = period_text(metrics.since, metrics.until, zh)
    lines = [fields_block([("scope", metrics.scope), ("period", period)]), ""]
    counts = {k: v for k, v in metrics.counts.items() if not k.startswith("settled_depth_")}
    shown = [(k, v) for k, v in counts.items() if v and k != "close_seconds"]
    lines.append("流量（本期发生）" if zh else "flow counts (what happened in the period)")
    lines.append(table(("counter", "count"), shown or [("received", 0)]))
    lines.append("")
    c = metrics.cohort
    lines.append(f"本期立案的 {c['registered']} 件案件的现状（比率）" if zh
                 else f"cohort rates (the {c['registered']} cases registered in the period, as they stand now)")
    rates = [(_RATE_NAMES[k][1 if zh else 0], _percent(v)) for k, v in metrics.rates.items()]
    hours = metrics.mean_hours_to_close
    rates.append(("平均办结时长" if zh else "mean hours to close", "–" if hours is None else f"{hours:g} h"))
    lines.append(fields_block(rates))
    if metrics.settled_by_level:
        lines.append("")
        lines.append(table(("settled at", "cases", "share"),
                           [(level, n, _percent(metrics.level_shares.get(level)))
                            for level, n in metrics.settled_by_level.items()]))
    for card in cards.values():
        lines.append("")
        lines.append(f"[{card['title_zh'] if zh else card['title_en']}]")
        lines.append(fields_block((str(k), cell(v)) for k, v in card["values"].items()))
    return "\n".join(lines)
