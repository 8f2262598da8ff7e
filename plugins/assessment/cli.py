"""``gridgov assessment …``: plan, apply, diff, duties, check-in, calendar, coverage,
rate, sheets — each a ``@command`` (``--as``, ``--json``, one-line errors)."""

from __future__ import annotations

import click
from gridgov.core import to_dict
from gridgov.core.cli import LIMIT, RECORD_ID, CommandContext, command

from .duties import DutyService
from .plans import PlanService
from .records import DUTY_KINDS, POST_DUTIES, RATER_KINDS, RATING_SIDES, Duty, duty_name
from .sheets import SheetService, export

MOMENT = click.DateTime(formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"])
DAY = click.DateTime(formats=["%Y-%m-%d"])
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")

def _year(ctx: CommandContext, year: int | None) -> int:
    return year or ctx.platform.today().year

@click.group("assessment")
def assessment() -> None:
    """Pairing plans, duties and check-ins, ratings and yearly sheets."""

# -- plans --------------------------------------------------------------------------------

@command(assessment, "plan")
@click.option("--year", type=int, help="The plan's year (default: next year).")
@click.option("--area", help="Plan this area's subtree (default: the whole deployment).")
@click.option("--time-limit", type=float, default=60.0, show_default=True, help="Seconds per part's MIP.")
@JSON
def plan_cmd(ctx: CommandContext, year, area, time_limit, as_json):
    """Solve and store a draft pairing plan; prints its id, counts and time."""
    year = year or ctx.platform.today().year + 1
    stored, result = PlanService(ctx.platform).make(ctx.actor, year, root=area, time_limit=time_limit)
    counts = {c: sum(1 for x in result.changes if x.change == c and x.kind == "unit")
              for c in ("kept", "rotated", "new", "ended")}
    if as_json:
        ctx.echo_json({"plan": stored.id, "year": year, "unit_links": len(result.unit_links),
                       "member_links": len(result.member_links), "notes": len(result.notes),
                       "changes": counts, "seconds": result.seconds, "stats": [to_dict(s) for s in result.stats]})
        return
    ctx.echo(ctx.t(f"方案 {stored.id}（{year}年）：单位结对 {len(result.unit_links)}，党员到楼栋 {len(result.member_links)}，"
                   f"未满足意愿 {len(result.notes)}，用时 {result.seconds['total']:.1f} 秒",
                   f"plan {stored.id} ({year}): {len(result.unit_links)} unit links, {len(result.member_links)} members "
                   f"placed, {len(result.notes)} wishes not met, {result.seconds['total']:.1f} s"))
    ctx.echo(ctx.t("轮换：", "rotation: ") + ", ".join(f"{k} {v}" for k, v in counts.items()))

@command(assessment, "plans", as_required=False)
@click.option("--year", type=int)
@JSON
def plans_cmd(ctx: CommandContext, year, as_json):
    """Stored plans, newest first."""
    found = PlanService(ctx.platform).list(ctx.actor, year=year)
    if as_json:
        ctx.echo_json([{"id": p.id, "year": p.year, "area": p.area_code, "status": p.status,
                        "pairings": p.pairings, "seconds": p.seconds.get("total")} for p in found])
        return
    ctx.table([ctx.t("编号", "id"), ctx.t("年度", "year"), ctx.t("区域", "area"), ctx.t("状态", "status"),
               ctx.t("结对数", "pairings")], [(p.id, p.year, p.area_code, p.status, p.pairings or "") for p in found])

@command(assessment, "show", as_required=False)
@click.argument("plan_id", type=RECORD_ID)
@click.option("--subject", help="Only this unit's or member's links.")
@click.option("--kind", type=click.Choice(["unit", "member"]))
@click.option("--limit", type=LIMIT, default=50, show_default=True)
@JSON
def show_cmd(ctx: CommandContext, plan_id, subject, kind, limit, as_json):
    """A plan's links, each with its explanation."""
    rows = PlanService(ctx.platform).plan_links(ctx.actor, plan_id, subject=subject, kind=kind, limit=limit)
    if as_json:
        ctx.echo_json(rows)
        return
    for row in rows:
        ctx.echo(row["explanation"])

@command(assessment, "diff", as_required=False)
@click.argument("plan_id", type=RECORD_ID)
@click.option("--change", type=click.Choice(["kept", "rotated", "new", "ended"]))
@click.option("--kind", type=click.Choice(["unit", "member"]), default="unit", show_default=True)
@click.option("--limit", type=LIMIT, default=50, show_default=True)
@JSON
def diff_cmd(ctx: CommandContext, plan_id, change, kind, limit, as_json):
    """The rotation diff against last year's plan: what stayed, rotated, is new or ended, and why."""
    service = PlanService(ctx.platform)
    rows = service.diff(ctx.actor, plan_id, change=change, kind=kind, limit=limit)
    if as_json:
        ctx.echo_json({"counts": service.diff_counts(ctx.actor, plan_id), "changes": rows})
        return
    ctx.table([ctx.t("对象", "subject"), ctx.t("变化", "change"), ctx.t("原", "before"), ctx.t("现", "after"),
               ctx.t("原因", "why")],
              [(r["subject"], r["change"], r["before_area"] or "", r["after_area"] or "", r["why"]) for r in rows])

@command(assessment, "apply")
@click.argument("plan_id", type=RECORD_ID)
@click.option("--version", "expected_version", type=int, help="The plan version you saw.")
def apply_cmd(ctx: CommandContext, plan_id, expected_version):
    """Write the plan's pairings into the core, all in one transaction."""
    stored = PlanService(ctx.platform).apply(ctx.actor, plan_id, expected_version=expected_version)
    ctx.echo(ctx.t(f"方案 {stored.id} 已生效：写入结对 {stored.pairings} 条",
                   f"plan {stored.id} applied: {stored.pairings} pairings written"))

@command(assessment, "wish")
@click.argument("subject")
@click.option("--year", type=int)
@click.option("--area-needs", is_flag=True, help="SUBJECT is an area and --tag its needs.")
@click.option("--tag", "tags", multiple=True, help="A function (unit) or a need (area).")
@click.option("--prefer", multiple=True, help="An area code or tag:<need>, best first.")
@click.option("--avoid", multiple=True)
def wish_cmd(ctx: CommandContext, subject, year, area_needs, tags, prefer, avoid):
    """Record a unit's functions and wishes, or an area's needs, for the year's plan."""
    year = year or ctx.platform.today().year + 1
    PlanService(ctx.platform).set_wish(ctx.actor, year, subject, kind="area" if area_needs else "unit",
                                       tags=tags, prefer=prefer, avoid=avoid)
    ctx.echo(ctx.t(f"{subject} 的 {year} 年意愿已记录", f"{subject}: wishes for {year} recorded"))

# -- duties and check-ins -----------------------------------------------------------------

@command(assessment, "duty-add")
@click.option("--subject", required=True, help="A member's login, or a unit's code with --unit.")
@click.option("--unit", "is_unit", is_flag=True)
@click.option("--duty", type=click.Choice(DUTY_KINDS), required=True)
@click.option("--area", required=True)
@click.option("--starts", type=DAY, help="Default: today.")
def duty_add_cmd(ctx: CommandContext, subject, is_unit, duty, area, starts):
    """Give a member or unit a recurring duty over an area; prints the duty id."""
    record = DutyService(ctx.platform).add_duty(ctx.actor, Duty(
        subject=subject, subject_kind="unit" if is_unit else "member", duty=duty, area_code=area,
        starts=starts.date() if starts else ctx.platform.today()))
    ctx.echo(str(record.id))

@command(assessment, "post-duties")
@click.argument("post", type=click.Choice(sorted(POST_DUTIES)))
@click.option("--area")
@click.option("--starts", type=DAY)
def post_duties_cmd(ctx: CommandContext, post, area, starts):
    """Give every holder of POST the duties the post carries."""
    added = DutyService(ctx.platform).duties_of_post(ctx.actor, post, area=area,
                                                     starts=starts.date() if starts else ctx.platform.today())
    ctx.echo(ctx.t(f"新增职责 {len(added)} 项", f"{len(added)} duties added"))

@command(assessment, "duties", as_required=False)
@click.option("--subject")
@click.option("--area")
@JSON
def duties_cmd(ctx: CommandContext, subject, area, as_json):
    """Duties in your scope (or your own with --subject LOGIN)."""
    found = DutyService(ctx.platform).list_duties(ctx.actor, subject=subject, area=area)
    if as_json:
        ctx.echo_json([to_dict(d) for d in found])
        return
    ctx.table(["id", ctx.t("对象", "subject"), ctx.t("职责", "duty"), ctx.t("区域", "area"), ctx.t("起", "starts")],
              [(d.id, d.subject, duty_name(d.duty, ctx.lang), d.area_code, d.starts) for d in found])

@command(assessment, "check-in")
@click.argument("duty_id", type=RECORD_ID)
@click.option("--at", "at", type=MOMENT, help="When it was done, deployment time (default: now).")
@click.option("--period", help="The period it was for (2026-W05, 2026-03, 2026-Q1); default: the one holding --at.")
@click.option("--household", help="The household visited (household visits).")
@click.option("--area", help="The household's grid or building.")
@click.option("--note", default="")
@JSON
def check_in_cmd(ctx: CommandContext, duty_id, at, period, household, area, note, as_json):
    """Record a duty done; says when it was late."""
    when = ctx.platform.time.read(at, "at") if at else None
    record = DutyService(ctx.platform).check_in(ctx.actor, duty_id, at=when, period=period, household=household,
                                                area=area, note=note, channel="cli")
    if as_json:
        ctx.echo_json(to_dict(record))
        return
    due = ctx.platform.time.format(record.due_at)
    ctx.echo(ctx.t(f"打卡 {record.id}：{record.period}" + ("（迟交，截止 " + due + "）" if record.late else ""),
                   f"check-in {record.id}: {record.period}" + (f" (late: due {due})" if record.late else "")))

@command(assessment, "calendar", as_required=False)
@click.argument("duty_id", type=RECORD_ID)
@click.option("--until", type=DAY)
@JSON
def calendar_cmd(ctx: CommandContext, duty_id, until, as_json):
    """Every period of a duty: on time, late, missed or open."""
    states = DutyService(ctx.platform).calendar(ctx.actor, duty_id, until=until.date() if until else None)
    if as_json:
        ctx.echo_json([to_dict(s) for s in states])
        return
    ctx.table([ctx.t("周期", "period"), ctx.t("状态", "state"), ctx.t("截止", "due"), ctx.t("次数", "check-ins")],
              [(s.period, s.state, ctx.platform.time.format(s.due_at), s.checkins) for s in states])

@command(assessment, "overdue", as_required=False)
@click.option("--area")
@JSON
def overdue_cmd(ctx: CommandContext, area, as_json):
    """Periods missed or checked in late, over the duties in your scope."""
    states = DutyService(ctx.platform).overdue(ctx.actor, area=area)
    if as_json:
        ctx.echo_json([to_dict(s) for s in states])
        return
    ctx.table([ctx.t("对象", "subject"), ctx.t("职责", "duty"), ctx.t("周期", "period"), ctx.t("状态", "state")],
              [(s.subject, duty_name(s.duty, ctx.lang), s.period, s.state) for s in states])

@command(assessment, "coverage", as_required=False)
@click.argument("area")
@click.option("--level", help="Break down by this level (default: the area's children).")
@JSON
def coverage_cmd(ctx: CommandContext, area, level, as_json):
    """Household-visit coverage: distinct households visited of the households, per area."""
    rows, total = DutyService(ctx.platform).coverage(ctx.actor, area, level=level)
    if as_json:
        ctx.echo_json({"areas": [to_dict(r) for r in rows], "total": to_dict(total)})
        return
    pct = lambda r: "—" if r.rate is None else f"{r.rate:.1%}"  # noqa: E731
    ctx.table([ctx.t("区域", "area"), ctx.t("户数", "households"), ctx.t("已走访", "visited"), ctx.t("覆盖率", "coverage")],
              [(r.area, r.households, r.visited, pct(r)) for r in [*rows, total]])

# -- ratings and sheets -------------------------------------------------------------------

@command(assessment, "rate-member")
@click.argument("login")
@click.option("--side", type=click.Choice(RATING_SIDES), required=True)
@click.option("--score", type=float, required=True)
@click.option("--area", required=True, help="The branch's seat or the community served.")
@click.option("--year", type=int)
def rate_member_cmd(ctx: CommandContext, login, side, score, area, year):
    """Rate a member for the year, as their branch or as the community served."""
    SheetService(ctx.platform).rate_member(ctx.actor, _year(ctx, year), login, side=side, score=score, area=area)
    ctx.echo(ctx.t("已评分", "rated"))

@command(assessment, "rate-unit")
@click.argument("unit")
@click.option("--rater", required=True, help="The resident's or member's id.")
@click.option("--rater-kind", type=click.Choice(RATER_KINDS), required=True)
@click.option("--score", type=float, required=True)
@click.option("--area", required=True, help="The community where the score was collected.")
@click.option("--year", type=int)
def rate_unit_cmd(ctx: CommandContext, unit, rater, rater_kind, score, area, year):
    """Record one resident's or member's year-end score of a unit."""
    SheetService(ctx.platform).rate_unit(ctx.actor, _year(ctx, year), unit, rater=rater, rater_kind=rater_kind,
                                         score=score, area=area)
    ctx.echo(ctx.t("已评分", "rated"))

@command(assessment, "sheets", as_required=False)
@click.option("--year", type=int)
@click.option("--units", "of_units", is_flag=True, help="Units' sheets (default: members').")
@click.option("--area")
@click.option("--subject", "subjects", multiple=True, help="Only these members or units.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def sheets_cmd(ctx: CommandContext, year, of_units, area, subjects, fmt):
    """Yearly sheets of members or units (export with --format csv|json)."""
    service = SheetService(ctx.platform)
    year = _year(ctx, year)
    chosen = list(subjects) or None
    sheets = service.unit_sheets(ctx.actor, year, chosen, area=area) if of_units else \
        service.member_sheets(ctx.actor, year, chosen, area=area)
    if fmt != "table":
        click.echo(export(sheets, fmt), nl=False)
        return
    num = lambda v: "—" if v is None else f"{v:.1f}"  # noqa: E731
    ctx.table([ctx.t("对象", "subject"), ctx.t("评分", "rating"), ctx.t("工作", "work"), ctx.t("履职", "duties"),
               ctx.t("总分", "total"), ctx.t("备注", "remarks")],
              [(getattr(s, "login", None) or getattr(s, "unit", ""), num(s.rating), num(s.work.score),
                num(s.duty_score), num(s.total), "; ".join(s.remarks)) for s in sheets])

__all__ = ["assessment"]
