"""``gridgov lists …``: the three lists, suggestions, decisions, orders, projects, checks,
notices and figures, each acting as ``--as LOGIN`` through the plugin's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from gridgov.core import PRIORITIES, RATINGS, to_dict
from gridgov.core.cli import RECORD_ID, CommandContext, command, parse_day, printable

from . import metrics
from .orders import LIFECYCLE, STATUS_NAMES, OrderService
from .projects import ProjectService
from .records import (
    NEED_SOURCES,
    SERVICE_AUDIENCES,
    STATE_NAMES,
    Decision,
    Milestone,
    Need,
    Resource,
    Service,
)
from .service import ListsService

MOMENT = click.DateTime(formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"])


def _name(ctx: CommandContext, key: str, names: dict[str, tuple[str, str]] = STATE_NAMES) -> str:
    zh, en = names.get(key, (key, key))
    return ctx.t(zh, en)


def _day(value: str | None, field: str) -> dt.date | None:
    return parse_day(value, field) if value else None


@click.group("lists")
def lists() -> None:
    """Service lists (三张清单): needs, resources, services, orders and projects."""


# -- the three lists ---------------------------------------------------------------------


@command(lists, "need")
@click.option("--area", required=True)
@click.option("--title", required=True)
@click.option("--tags", required=True, help="Comma-separated tags, e.g. 助老,助餐.")
@click.option("--description", default="")
@click.option("--urgency", type=click.Choice(PRIORITIES), default="normal")
@click.option("--units", type=int, default=1, help="How much of a resource's capacity the need asks for.")
@click.option("--source", type=click.Choice(NEED_SOURCES), default="visit")
@click.option("--source-ref", help="The case id (source case) or the meeting topic.")
def need_(ctx: CommandContext, area, title, tags, description, urgency, units, source, source_ref) -> None:
    """Put a need on its area's list; prints the need's id."""
    row = ListsService(ctx.platform).add_need(ctx.actor, Need(
        area_code=area, title=title, tags=tags, description=description, urgency=urgency, units=units,
        source=source, source_ref=source_ref))
    ctx.echo(str(row["id"]))


@command(lists, "resource")
@click.option("--org", required=True, help="The organisation that offers it.")
@click.option("--title", required=True)
@click.option("--tags", required=True)
@click.option("--capacity", type=int, required=True, help="Units it can give over the period.")
@click.option("--starts", required=True, help="YYYY-MM-DD")
@click.option("--ends", required=True, help="YYYY-MM-DD")
@click.option("--serve", "serve", multiple=True, required=True, help="An area it may serve (with its subtree).")
def resource_(ctx: CommandContext, org, title, tags, capacity, starts, ends, serve) -> None:
    """List what an organisation offers; prints the resource's id."""
    row = ListsService(ctx.platform).add_resource(ctx.actor, Resource(
        org_code=org, title=title, tags=tags, capacity=capacity, starts=parse_day(starts, "--starts"),
        ends=parse_day(ends, "--ends"), serve_areas=serve))
    ctx.echo(str(row["id"]))


@command(lists, "service")
@click.option("--org", required=True, help="The offering unit or branch.")
@click.option("--title", required=True)
@click.option("--capacity", type=int, required=True, help="Orders it takes per month.")
@click.option("--area", "areas", multiple=True, required=True, help="An area whose residents may order it.")
@click.option("--audience", type=click.Choice(SERVICE_AUDIENCES), default="all")
@click.option("--weekdays", default="1,2,3,4,5", help="ISO weekdays it is given, 1 = Monday.")
def service_(ctx: CommandContext, org, title, capacity, areas, audience, weekdays) -> None:
    """List an orderable service on the menu; prints the service's id."""
    try:
        days = tuple(int(d) for d in weekdays.split(","))
    except ValueError:
        days = ()
    row = ListsService(ctx.platform).add_service(ctx.actor, Service(
        org_code=org, title=title, monthly_capacity=capacity, order_areas=areas, audience=audience, weekdays=days))
    ctx.echo(str(row["id"]))


@command(lists, "show")
@click.argument("which", type=click.Choice(["needs", "resources", "services"]))
@click.option("--area")
@click.option("--limit", type=int, default=50)
@click.option("--json", "as_json", is_flag=True)
def show(ctx: CommandContext, which, area, limit, as_json) -> None:
    """One of the three lists for your areas (or --area)."""
    service = ListsService(ctx.platform)
    rows = getattr(service, which)(ctx.actor, area=area, limit=limit)
    if as_json:
        ctx.echo_json(rows)
        return
    if which == "needs":
        ctx.table([ctx.t("编号", "id"), ctx.t("区域", "area"), ctx.t("状态", "status"), ctx.t("标签", "tags"),
                   ctx.t("需求", "need")],
                  [[r["id"], r["area_code"], _name(ctx, r["status"]), ",".join(r["tags"]), printable(r["title"])]
                   for r in rows])
    elif which == "resources":
        ctx.table([ctx.t("编号", "id"), ctx.t("单位", "org"), ctx.t("已用/容量", "used/capacity"), ctx.t("标签", "tags"),
                   ctx.t("资源", "resource")],
                  [[r["id"], r["org_code"], f"{r['used']}/{r['capacity']}", ",".join(r["tags"]), printable(r["title"])]
                   for r in rows])
    else:
        ctx.table([ctx.t("编号", "id"), ctx.t("单位", "org"), ctx.t("月容量", "per month"), ctx.t("对象", "audience"),
                   ctx.t("服务", "service")],
                  [[r["id"], r["org_code"], r["monthly_capacity"], r["audience"], printable(r["title"])] for r in rows])


# -- matching and projects -------------------------------------------------------------------


@command(lists, "suggest")
@click.argument("need_id", type=RECORD_ID)
@click.option("--limit", type=int, default=5)
@click.option("--json", "as_json", is_flag=True)
def suggest(ctx: CommandContext, need_id, limit, as_json) -> None:
    """Resources suggested for a need, best first, each with its reasons."""
    found = ListsService(ctx.platform).suggest(ctx.actor, need_id, limit=limit)
    if as_json:
        ctx.echo_json([{**to_dict(s), "reasons": [r.text(ctx.lang) for r in s.reasons]} for s in found])
        return
    for s in found:
        ctx.echo(f"{s.resource_id}\t{s.org_code}\t{s.score:.2f}\t{ctx.t('可提供', 'offers')} {s.units}\t{printable(s.title)}")
        ctx.echo(f"\t{s.reason_text(ctx.lang)}")


@command(lists, "decide")
@click.argument("need_id", type=RECORD_ID)
@click.argument("resource_id", type=RECORD_ID)
@click.option("--due", required=True, help="YYYY-MM-DD")
@click.option("--body", default="社区党委会", help="The body that decided.")
@click.option("--on", "decided_on", help="The day it decided (default today).")
@click.option("--note", default="", help="What the body decided.")
@click.option("--joint-decision", type=int, help="A joint-meetings decision's id, when that plugin is installed.")
@click.option("--units", type=int)
@click.option("--milestone", "milestones", multiple=True, help="TITLE@YYYY-MM-DD")
def decide(ctx: CommandContext, need_id, resource_id, due, body, decided_on, note, joint_decision, units,
           milestones) -> None:
    """Record the community body's decision: the need and the resource become a project."""
    steps = []
    for text in milestones:
        title, _, day = text.rpartition("@")
        steps.append(Milestone(title=title, due=parse_day(day, "--milestone")))
    decision = Decision(kind="joint_meeting" if joint_decision else "committee", body=body, note=note,
                        decided_on=_day(decided_on, "--on") or ctx.platform.today(), decision_ref=joint_decision)
    row = ProjectService(ctx.platform).decide(ctx.actor, need_id, resource_id, decision, due=parse_day(due, "--due"),
                                              units=units, milestones=steps)
    ctx.echo(str(row["id"]))


@command(lists, "projects")
@click.option("--area")
@click.option("--org", help="A unit you act for.")
@click.option("--status", type=click.Choice(["planned", "in_progress", "completed", "cancelled"]))
@click.option("--limit", type=int, default=50)
@click.option("--json", "as_json", is_flag=True)
def projects_(ctx: CommandContext, area, org, status, limit, as_json) -> None:
    """The project list."""
    rows = ProjectService(ctx.platform).list(ctx.actor, area=area, org=org, status=status, limit=limit)
    if as_json:
        ctx.echo_json(rows)
        return
    ctx.table([ctx.t("编号", "id"), ctx.t("区域", "area"), ctx.t("单位", "owner"), ctx.t("状态", "status"),
               ctx.t("进度", "done"), ctx.t("期限", "due"), ctx.t("项目", "project")],
              [[r["id"], r["area_code"], r["org_code"], _name(ctx, r["status"]), f"{r['percent']}%", r["due"],
                printable(r["title"])] for r in rows])


@command(lists, "progress")
@click.argument("project_id", type=RECORD_ID)
@click.option("--percent", type=int, required=True)
@click.option("--note", default="")
def progress(ctx: CommandContext, project_id, percent, note) -> None:
    """Report a project's progress (100 completes it)."""
    row = ProjectService(ctx.platform).report_progress(ctx.actor, project_id, percent=percent, note=note)
    ctx.echo(f"project {row['id']}: {row['percent']}% {row['status']}")


@command(lists, "timeline")
@click.argument("project_id", type=RECORD_ID)
def timeline(ctx: CommandContext, project_id) -> None:
    """A project's decision, progress reports, milestones and checks in time order."""
    for item in ProjectService(ctx.platform).timeline(ctx.actor, project_id):
        ctx.echo(f"{ctx.platform.time.format(item['at'])}\t{item['kind']}\t{printable(item['text'])}")


@command(lists, "check")
@click.option("--area", required=True)
def check(ctx: CommandContext, area) -> None:
    """This month's check of every running project in the area."""
    rows = ProjectService(ctx.platform).monthly_check(ctx.actor, area)
    by: dict[str, int] = {}
    for row in rows:
        by[row["state"]] = by.get(row["state"], 0) + 1
    ctx.echo(", ".join(f"{_name(ctx, k)} {v}" for k, v in sorted(by.items())) or ctx.t("没有在建项目", "no running projects"))


@command(lists, "notice")
@click.option("--area", required=True)
@click.option("--quarter", required=True, help="e.g. 2026Q3")
@click.option("--json", "as_json", is_flag=True)
def notice(ctx: CommandContext, area, quarter, as_json) -> None:
    """Issue the quarterly inspection notice of an area."""
    row = ProjectService(ctx.platform).quarterly_notice(ctx.actor, area, quarter)
    body = row["body"]
    if as_json:
        ctx.echo_json(body)
        return
    c = body["counts"]
    ctx.echo(ctx.t(f"{area} {quarter} 项目督查通报（截至{body['as_of']}）", f"{area} {quarter} inspection notice (as of {body['as_of']})"))
    ctx.echo("  ".join(f"{_name(ctx, k)} {c[k]}" for k in ("on_track", "late", "stalled", "completed")))
    for item in body["projects"]:
        if item["state"] in ("late", "stalled"):
            reason = item["reason_zh"] if ctx.lang == "zh" else item["reason_en"]
            ctx.echo(f"  {item['project_id']}\t{item['area_code']}\t{item['org_code']}\t{_name(ctx, item['state'])}\t"
                     f"{printable(item['title'])}: {printable(reason)}")


@command(lists, "rate-project")
@click.argument("project_id", type=RECORD_ID)
@click.option("--year", type=int, required=True)
@click.option("--satisfied", type=int, required=True)
@click.option("--basically-satisfied", type=int, default=0)
@click.option("--dissatisfied", type=int, default=0)
def rate_project(ctx: CommandContext, project_id, year, satisfied, basically_satisfied, dissatisfied) -> None:
    """Record the residents' year-end rating of a project."""
    row = ProjectService(ctx.platform).rate_year_end(ctx.actor, project_id, year=year, satisfied=satisfied,
                                                     basically_satisfied=basically_satisfied, dissatisfied=dissatisfied)
    ctx.echo(f"{row['share']:.1%}")


# -- orders --------------------------------------------------------------------------------


@command(lists, "order")
@click.argument("service_id", type=RECORD_ID)
@click.option("--area", required=True, help="The resident's area (building or grid).")
@click.option("--name", "resident", required=True, help="The resident's name.")
@click.option("--phone")
@click.option("--group", type=click.Choice(SERVICE_AUDIENCES), default="all")
@click.option("--request", default="")
@click.option("--priority", type=click.Choice(PRIORITIES), default="normal")
def order(ctx: CommandContext, service_id, area, resident, phone, group, request, priority) -> None:
    """Place a resident's order of a listed service; prints the order's id."""
    from .records import Order

    row = OrderService(ctx.platform).place(ctx.actor, Order(
        service_id=service_id, area_code=area, resident_name=resident, resident_phone=phone, resident_group=group,
        request=request, priority=priority))
    ctx.echo(str(row["id"]))


@command(lists, "move")
@click.argument("order_id", type=RECORD_ID)
@click.argument("name", type=click.Choice(list(LIFECYCLE.moves)))
@click.option("--note", default="")
@click.option("--rating", type=click.Choice(RATINGS))
@click.option("--at", "scheduled_for", type=MOMENT, help="schedule: YYYY-MM-DD HH:MM in the deployment's zone.")
def move(ctx: CommandContext, order_id, name, note, rating, scheduled_for) -> None:
    """Move an order: dispatch, take, schedule, complete, rate, decline, refer, cancel."""
    row = OrderService(ctx.platform).move(ctx.actor, order_id, name, note=note, rating=rating,
                                          scheduled_for=scheduled_for)
    extra = f" (case {row['issue_id']})" if row["issue_id"] else ""
    ctx.echo(f"order {row['id']}: {row['status']}{extra}")


@command(lists, "orders")
@click.option("--org", help="A unit's queue (one you act for).")
@click.option("--area")
@click.option("--all", "everything", is_flag=True, help="Closed orders too.")
@click.option("--limit", type=int, default=50)
@click.option("--json", "as_json", is_flag=True)
def orders_(ctx: CommandContext, org, area, everything, limit, as_json) -> None:
    """The orders queue, soonest due first."""
    service = OrderService(ctx.platform)
    rows = service.queue(ctx.actor, org=org, area=area, open_only=not everything, limit=limit)
    if as_json:
        ctx.echo_json(rows)
        return
    now = ctx.platform.now()
    ctx.table([ctx.t("编号", "id"), ctx.t("区域", "area"), ctx.t("单位", "unit"), ctx.t("状态", "status"),
               ctx.t("接单期限", "take by"), ctx.t("超期", "late"), ctx.t("居民", "resident")],
              [[r["id"], r["area_code"], r["org_code"], _name(ctx, r["status"], STATUS_NAMES),
                ctx.platform.time.format(r["take_due"]), ctx.t("是", "yes") if service.overdue(r, now) else "",
                printable(r["resident_name"])] for r in rows])


# -- figures -------------------------------------------------------------------------------


@command(lists, "stats")
@click.option("--area")
@click.option("--org", help="A unit's figures.")
@click.option("--since", help="YYYY-MM-DD (inclusive)")
@click.option("--until", help="YYYY-MM-DD (exclusive)")
@click.option("--json", "as_json", is_flag=True)
def stats(ctx: CommandContext, area, org, since, until, as_json) -> None:
    """Needs raised and matched, orders taken and completed on time, ratings, projects by
    state, resources used against capacity."""
    s = metrics.compute(ctx.platform, ctx.actor, area, _day(since, "--since"), _day(until, "--until"), org=org)
    if as_json:
        ctx.echo_json(s.as_dict())
        return

    def pct(v: Any) -> str:
        return "—" if v is None else f"{v:.1%}"

    lines = [
        (ctx.t("需求", "needs raised"), s.needs_raised), (ctx.t("已对接需求", "needs matched"), s.needs_matched),
        (ctx.t("点单", "orders placed"), s.orders_placed), (ctx.t("接单", "orders taken"), s.orders_taken),
        (ctx.t("办结", "orders completed"), s.orders_completed),
        (ctx.t("按期办结率", "completed on time"), f"{s.completed_on_time} ({pct(s.on_time_rate)})"),
        (ctx.t("转为案件", "unserved (cases)"), s.orders_unserved),
        (ctx.t("满意率", "satisfaction"), f"{s.orders_satisfied}/{s.orders_rated} ({pct(s.satisfaction_rate)})"),
        (ctx.t("项目", "projects"), ", ".join(f"{_name(ctx, k)} {v}" for k, v in s.projects.items())),
        (ctx.t("资源使用", "resources used"), f"{s.used}/{s.capacity} ({pct(s.use_rate)})"),
    ]
    for label, value in lines:
        ctx.echo(f"{label}: {value}")
