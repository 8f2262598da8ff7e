"""``gridgov joint-meetings …``: bodies, upcoming meetings, the agenda builder, minutes and
decisions, moving a topic up, the topic-chain view, cadence flags, co-building and metrics.
Times given on the command line are the deployment's local time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import click
from gridgov.core import ValidationError, to_dict
from gridgov.core.cli import CommandContext, command, fields_block, parse_day, printable

from . import cadence, metrics
from .cobuild import CoBuildingService
from .records import (
    CADENCE_NAMES,
    COMMITMENT_KINDS,
    COMMITMENT_NAMES,
    ORIGIN_NAMES,
    TOPIC_ORIGINS,
    TOPIC_STATUS_NAMES,
    Attendance,
    name,
)
from .service import JointMeetingsService

MOVE_NAMES = {"raise": ("提出", "raised"), "move_up": ("上移", "moved up"), "settle": ("议决", "settled"),
              "withdraw": ("撤回", "withdrawn")}  # fmt: skip
PROPOSAL_NAMES = {"moved_up": ("下级上移", "moved up"), "open": ("本级待议", "open here"),
                  "case": ("上移案件", "escalated case")}  # fmt: skip


def moment(ctx: CommandContext, value: str | None, field: str) -> dt.datetime | None:
    """``YYYY-MM-DD HH:MM`` (or a day, meaning 09:00) in the deployment's zone."""
    if value is None:
        return None
    try:
        local = dt.datetime.fromisoformat(value.replace("T", " "))
    except ValueError:
        raise ValidationError(field, f"{value!r} is not YYYY-MM-DD HH:MM") from None
    if len(value) <= 10:
        local = local.replace(hour=9)
    return ctx.platform.time.at(local.date(), local.time())


def _service(ctx: CommandContext) -> JointMeetingsService:
    return JointMeetingsService(ctx.platform)


@click.group("joint-meetings")
def joint_meetings() -> None:
    """Joint meetings: bodies per level, meetings, topics that move up, decisions, co-building."""


@command(joint_meetings, "bodies")
@click.option("--area", help="Bodies in this area's subtree (default: your areas).")
@click.option("--level")
@click.option("--kind", type=click.Choice(["joint", "cobuild"]))
@click.option("--json", "as_json", is_flag=True)
def bodies(ctx: CommandContext, area: str | None, level: str | None, kind: str | None, as_json: bool) -> None:
    """Standing bodies and co-building bodies, top of the tree first."""
    found = _service(ctx).bodies(ctx.actor, area=area, level=level, kind=kind)
    if as_json:
        ctx.echo_json([to_dict(b) for b in found])
        return
    ctx.table([ctx.t("编号", "id"), ctx.t("层级", "level"), ctx.t("区域", "area"), ctx.t("名称", "name"),
               ctx.t("召集人", "convener"), ctx.t("频次", "cadence")],
              [(b.id, b.level, b.area_code, printable(b.name), b.convener or "—",
                name(CADENCE_NAMES[b.cadence], ctx.lang) if b.cadence else "—") for b in found])  # fmt: skip


@command(joint_meetings, "upcoming")
@click.option("--area")
@click.option("--json", "as_json", is_flag=True)
def upcoming(ctx: CommandContext, area: str | None, as_json: bool) -> None:
    """Planned meetings from now on, soonest first."""
    found = _service(ctx).upcoming(ctx.actor, area=area)
    if as_json:
        ctx.echo_json([{**to_dict(m), "body": b.name} for m, b in found])
        return
    ctx.table([ctx.t("会议", "meeting"), ctx.t("时间", "when"), ctx.t("机构", "body"), ctx.t("地点", "place")],
              [(m.id, ctx.platform.time.format(m.held_at), printable(b.name), printable(m.place)) for m, b in found])


@command(joint_meetings, "schedule")
@click.argument("body", type=int)
@click.option("--at", "at_", required=True, help="YYYY-MM-DD HH:MM, local time.")
@click.option("--place", required=True)
def schedule(ctx: CommandContext, body: int, at_: str, place: str) -> None:
    """Plan a meeting of a body; prints the meeting id."""
    ctx.echo(str(_service(ctx).schedule(ctx.actor, body, at=moment(ctx, at_, "--at"), place=place).id))


@command(joint_meetings, "agenda")
@click.argument("body", type=int)
@click.option("--meeting", type=int, help="Put every proposal on this planned meeting's agenda.")
@click.option("--json", "as_json", is_flag=True)
def agenda(ctx: CommandContext, body: int, meeting: int | None, as_json: bool) -> None:
    """Build the agenda: topics moved up from below, the body's open topics, escalated cases."""
    service = _service(ctx)
    proposals = service.build_agenda(ctx.actor, body)
    if meeting is not None:
        for p in proposals:
            topic_id = p.topic_id
            if topic_id is None:
                topic_id = service.raise_topic(ctx.actor, body, title=p.title, origin="case", issue_id=p.issue_id).id
            service.add_to_agenda(ctx.actor, meeting, topic_id)
        proposals = service.build_agenda(ctx.actor, body)
    if as_json:
        ctx.echo_json([attrs.asdict(p) for p in proposals])
        return
    ctx.table([ctx.t("来源", "kind"), ctx.t("议题", "topic"), ctx.t("案件", "case"), ctx.t("标题", "title"),
               ctx.t("上移自", "from")],
              [(name(PROPOSAL_NAMES[p.kind], ctx.lang), p.topic_id or "—", p.issue_id or "—", printable(p.title),
                printable(p.from_body or "—")) for p in proposals])  # fmt: skip


@command(joint_meetings, "raise")
@click.argument("body", type=int)
@click.option("--title", required=True)
@click.option("--origin", type=click.Choice(TOPIC_ORIGINS), required=True)
@click.option("--case", "issue_id", type=int, help="The core case the topic comes from.")
@click.option("--text", default="")
@click.option("--meeting", type=int, help="Also put it on this meeting's agenda.")
def raise_(ctx: CommandContext, body: int, title: str, origin: str, issue_id: int | None, text: str,
           meeting: int | None) -> None:
    """Put a topic to a body; prints the topic id."""
    service = _service(ctx)
    topic = service.raise_topic(ctx.actor, body, title=title, origin=origin, issue_id=issue_id, text=text)
    if meeting is not None:
        service.add_to_agenda(ctx.actor, meeting, topic.id)
    ctx.echo(str(topic.id))


@command(joint_meetings, "minutes")
@click.argument("meeting", type=int)
@click.option("--text", required=True, help="The minutes.")
@click.option("--present", multiple=True, help="An organisation code or login that came.")
@click.option("--absent", multiple=True, help="CODE_OR_LOGIN:reason.")
def minutes(ctx: CommandContext, meeting: int, text: str, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    """Record a meeting's minutes and attendance (the meeting is then held)."""
    people = []
    for who, came in [(p, True) for p in present] + [(a, False) for a in absent]:
        key, _, reason = who.partition(":")
        is_org = ctx.platform.organisations.find(key) is not None
        people.append(Attendance(org_code=key if is_org else None, login=None if is_org else key, present=came,
                                 reason=reason))
    held = _service(ctx).record_minutes(ctx.actor, meeting, minutes=text, attendees=people)
    ctx.echo(ctx.t(f"会议 {held.id} 已召开", f"meeting {held.id} held"))


@command(joint_meetings, "decide")
@click.argument("meeting", type=int)
@click.option("--text", required=True)
@click.option("--owner", required=True, help="The organisation that carries it out.")
@click.option("--due", required=True, help="YYYY-MM-DD")
@click.option("--topic", type=int)
@click.option("--no-settle", is_flag=True, help="The decision does not settle the topic.")
def decide(ctx: CommandContext, meeting: int, text: str, owner: str, due: str, topic: int | None,
           no_settle: bool) -> None:
    """Record a decision; on a topic it settles it and goes back down the chain; prints its id."""
    decision = _service(ctx).decide(ctx.actor, meeting, text=text, owner_org=owner, due=parse_day(due, "--due"),
                                    topic_id=topic, settles=not no_settle)
    ctx.echo(str(decision.id))


@command(joint_meetings, "move-up")
@click.argument("topic", type=int)
@click.option("--meeting", type=int, help="The meeting whose minutes go with the topic.")
@click.option("--to", "to_body", type=int, help="The body it goes to (must be the parent level's).")
@click.option("--note", default="")
def move_up(ctx: CommandContext, topic: int, meeting: int | None, to_body: int | None, note: str) -> None:
    """Move a topic to the parent level's body, with the meeting's minutes."""
    moved = _service(ctx).move_up(ctx.actor, topic, meeting_id=meeting, to_body=to_body, note=note)
    ctx.echo(ctx.t(f"议题 {moved.id} 已上移至机构 {moved.body_id}", f"topic {moved.id} moved up to body {moved.body_id}"))


@command(joint_meetings, "chain")
@click.argument("topic", type=int)
@click.option("--json", "as_json", is_flag=True)
def chain(ctx: CommandContext, topic: int, as_json: bool) -> None:
    """The whole chain of a topic across levels, its decisions and its case."""
    found = _service(ctx).chain(ctx.actor, topic)
    if as_json:
        ctx.echo_json(to_dict(found))
        return
    t = found.topic
    ctx.echo(fields_block([
        (ctx.t("议题", "topic"), f"{t.id} {printable(t.title)}"),
        (ctx.t("来源", "origin"), name(ORIGIN_NAMES[t.origin], ctx.lang) + (f" #{t.issue_id}" if t.issue_id else "")),
        (ctx.t("状态", "status"), name(TOPIC_STATUS_NAMES[t.status], ctx.lang)),
        (ctx.t("案件状态", "case status"), found.case_status or "—"),
    ]))  # fmt: skip
    ctx.echo()
    ctx.table([ctx.t("时间", "when"), ctx.t("步骤", "step"), ctx.t("层级", "level"), ctx.t("机构", "body"),
               ctx.t("会议", "meeting"), ctx.t("纪要/说明", "minutes / note")],
              [(ctx.platform.time.format(s.at), name(MOVE_NAMES[s.move], ctx.lang), s.level,
                printable(s.body_name + (f" → {s.to_body_name}" if s.to_body_name else "")), s.meeting_id or "—",
                printable((s.minutes or s.note)[:60])) for s in found.steps])  # fmt: skip
    for d in found.decisions:
        ctx.echo(ctx.t(f"决定 {d.id}：{printable(d.text)}（{d.owner_org}，{d.due} 前，{d.status}）",
                       f"decision {d.id}: {printable(d.text)} ({d.owner_org}, due {d.due}, {d.status})"))
    if found.reported_back_to:
        ctx.echo(ctx.t("已反馈：", "reported back to: ") + "、".join(found.reported_back_to))


@command(joint_meetings, "overdue")
@click.option("--area")
@click.option("--all", "show_all", is_flag=True, help="Every body, not only the overdue.")
@click.option("--json", "as_json", is_flag=True)
def overdue(ctx: CommandContext, area: str | None, show_all: bool, as_json: bool) -> None:
    """Bodies that have not met in their month or quarter (deployment time zone)."""
    flags = cadence.flags(ctx.platform, ctx.actor, area=area, overdue_only=not show_all)
    if as_json:
        ctx.echo_json([{"body": f.body.id, "name": f.body.name, "level": f.body.level, "cadence": f.cadence,
                        "period_start": f.period_start.isoformat(), "last_held": f.last_held.isoformat() if f.last_held else None,
                        "overdue": f.overdue} for f in flags])  # fmt: skip
        return
    ctx.table([ctx.t("机构", "body"), ctx.t("层级", "level"), ctx.t("频次", "cadence"), ctx.t("本期起", "period"),
               ctx.t("上次召开", "last held"), ctx.t("逾期", "overdue")],
              [(printable(f.body.name), f.body.level, name(CADENCE_NAMES[f.cadence], ctx.lang), f.period_start,
                f.last_held or "—", ctx.t("是", "yes") if f.overdue else ctx.t("否", "no")) for f in flags])  # fmt: skip


@command(joint_meetings, "cobuild")
@click.argument("body", type=int)
@click.option("--json", "as_json", is_flag=True)
def cobuild(ctx: CommandContext, body: int, as_json: bool) -> None:
    """A co-building body's commitments and the things its units did."""
    service = CoBuildingService(ctx.platform)
    promises, deeds = service.commitments(ctx.actor, body), service.deeds(ctx.actor, body)
    if as_json:
        ctx.echo_json({"commitments": [to_dict(c) for c in promises], "deeds": [to_dict(d) for d in deeds]})
        return
    ctx.table([ctx.t("单位", "unit"), ctx.t("类别", "kind"), ctx.t("承诺", "commitment"), ctx.t("金额", "amount"),
               ctx.t("状态", "status")],
              [(c.org_code, name(COMMITMENT_NAMES[c.kind], ctx.lang), printable(c.text), c.amount or "—", c.status)
               for c in promises])  # fmt: skip
    ctx.echo(ctx.t(f"实事 {len(deeds)} 件，折合 {sum(d.value for d in deeds)} 元",
                   f"{len(deeds)} things done, worth {sum(d.value for d in deeds)} yuan"))


@command(joint_meetings, "commit")
@click.argument("body", type=int)
@click.option("--org", required=True)
@click.option("--kind", type=click.Choice(COMMITMENT_KINDS), required=True)
@click.option("--text", required=True)
@click.option("--amount", type=int)
@click.option("--signed", required=True, help="YYYY-MM-DD")
@click.option("--due", required=True, help="YYYY-MM-DD")
def commit(ctx: CommandContext, body: int, org: str, kind: str, text: str, amount: int | None, signed: str,
           due: str) -> None:
    """A member unit signs a commitment; prints its id."""
    made = CoBuildingService(ctx.platform).commit(ctx.actor, body, org_code=org, kind=kind, text=text, amount=amount,
                                                  signed_on=parse_day(signed, "--signed"), due=parse_day(due, "--due"))
    ctx.echo(str(made.id))


@command(joint_meetings, "deed")
@click.argument("body", type=int)
@click.option("--org", required=True)
@click.option("--text", required=True)
@click.option("--value", type=int, default=0)
@click.option("--on", "on_", required=True, help="YYYY-MM-DD")
@click.option("--commitment", type=int)
def deed(ctx: CommandContext, body: int, org: str, text: str, value: int, on_: str, commitment: int | None) -> None:
    """Record a thing a member unit did, and its value in yuan; prints its id."""
    done = CoBuildingService(ctx.platform).record_deed(ctx.actor, body, org_code=org, text=text, value=value,
                                                       done_on=parse_day(on_, "--on"), commitment_id=commitment)
    ctx.echo(str(done.id))


@command(joint_meetings, "metrics")
@click.option("--area")
@click.option("--since", help="YYYY-MM-DD (inclusive)")
@click.option("--until", help="YYYY-MM-DD (exclusive)")
@click.option("--json", "as_json", is_flag=True)
def metrics_(ctx: CommandContext, area: str | None, since: str | None, until: str | None, as_json: bool) -> None:
    """Meetings, topics settled, moved up and solved, overdue decisions, co-building, per level."""
    stats = metrics.compute(ctx.platform, ctx.actor, area, parse_day(since, "--since"), parse_day(until, "--until"))
    if as_json:
        ctx.echo_json(stats.as_dict())
        return
    heads = {"meetings": ("召开会议", "meetings"), "settled_own_level": ("本级议决", "settled here"),
             "moved_up": ("上移", "moved up"), "solved_after_moving_up": ("上移后解决", "solved after moving"),
             "decisions_overdue": ("决定逾期", "decisions overdue")}  # fmt: skip
    rows: list[tuple[Any, ...]] = [(level, *figures.values()) for level, figures in stats.by_level.items()]
    rows.append((ctx.t("合计", "total"), stats.meetings, stats.settled_own_level, stats.moved_up,
                 stats.solved_after_moving_up, stats.decisions_overdue))
    ctx.table([ctx.t("层级", "level"), *(name(heads[k], ctx.lang) for k in metrics.LEVEL_FIGURES)], rows)
    ctx.echo()
    ctx.echo(fields_block([
        (ctx.t("共建体", "co-building bodies"), stats.cobuilding_bodies),
        (ctx.t("成员单位", "member units"), stats.member_units),
        (ctx.t("承诺（已兑现）", "commitments (kept)"), f"{stats.commitments} ({stats.commitments_kept})"),
        (ctx.t("实事", "things done"), stats.things_done),
        (ctx.t("折合金额（元）", "value (yuan)"), stats.value),
    ]))  # fmt: skip
