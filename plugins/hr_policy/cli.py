"""``gridgov hr …``: the catalogue, sessions, attendance, questions, subscriptions, stats."""

from __future__ import annotations

import json
from typing import Any

import attrs
import click
from gridgov.core import ValidationError
from gridgov.core.cli import LIMIT, RECORD_ID, CommandContext, command, parse_day

from .bureau import ensure_bureau
from .eligibility import describe
from .records import TOPICS, Policy, topic_name
from .service import HrPolicyService

JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _rules(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError("rules", f"not JSON: {exc.msg}") from None


def _service(ctx: CommandContext) -> HrPolicyService:
    return HrPolicyService(ctx.platform)


def _notices_out(ctx: CommandContext, notices, as_json: bool) -> None:
    if as_json:
        ctx.echo_json([attrs.asdict(n) for n in notices])
        return
    click.echo(f"notice list: {len(notices)} firms")
    for n in notices:
        org = ctx.platform.organisations.find(n.firm)
        click.echo(f"  {n.firm}\t{n.reason}\t{org.name if org else ''}")


@click.group()
def hr() -> None:
    """HR policy outreach: policies that walk to the firms."""


@command(hr, "setup", as_required=False)
@click.option("--area", required=True, help="Seat area of the HR bureau (usually the district).")
def setup(ctx: CommandContext, area: str) -> None:
    """Mark or create the HR bureau and its three branches."""
    for role, code in ensure_bureau(ctx.platform, ctx.actor, area).items():
        click.echo(f"{role}\t{code}")


# -- catalogue --------------------------------------------------------------------------


@hr.group("policy")
def policy() -> None:
    """The policy catalogue."""


@command(policy, "list", as_required=False)
@click.option("--topic", type=click.Choice(TOPICS))
@click.option("--in-force", is_flag=True, help="Only policies in force today.")
@JSON
def policy_list(ctx: CommandContext, topic: str | None, in_force: bool, as_json: bool) -> None:
    svc = _service(ctx)
    svc.require_read(ctx.actor)
    found = svc.policies(topic=topic, in_force_on=svc.today() if in_force else None)
    if as_json:
        ctx.echo_json([attrs.asdict(p) for p in found])
        return
    for p in found:
        until = p.effective_until or "…"
        click.echo(f"{p.code}\t{topic_name(p.topic, ctx.lang)}\t{p.title(ctx.lang)}\t"
                   f"{p.effective_from}–{until}\t{describe(p.rules, ctx.lang)}")


@command(policy, "show", as_required=False)
@click.argument("code")
@JSON
def policy_show(ctx: CommandContext, code: str, as_json: bool) -> None:
    svc = _service(ctx)
    svc.require_read(ctx.actor)
    p = svc.policy(code)
    if as_json:
        ctx.echo_json(attrs.asdict(p))
        return
    click.echo(f"{p.code} v{p.version}  {p.title_zh} / {p.title_en}")
    click.echo(f"topic: {topic_name(p.topic, ctx.lang)}; department: {p.department}; "
               f"in force {p.effective_from} – {p.effective_until or 'open'}")
    click.echo(f"eligibility: {describe(p.rules, ctx.lang)}")
    if p.summary:
        click.echo(p.summary)


@command(policy, "add", as_required=False)
@click.option("--code", required=True)
@click.option("--title-zh", required=True)
@click.option("--title-en", required=True)
@click.option("--topic", type=click.Choice(TOPICS), required=True)
@click.option("--department", required=True, help="Issuing organisation code.")
@click.option("--from", "effective_from", required=True, help="Effective from (YYYY-MM-DD).")
@click.option("--until", "effective_until", default=None)
@click.option("--rules", default="{}", help='Eligibility rules as JSON, e.g. {"size_in": ["small"]}.')
@click.option("--summary", default="")
@JSON
def policy_add(ctx: CommandContext, code, title_zh, title_en, topic, department, effective_from, effective_until, rules,
               summary, as_json) -> None:
    """Publish a policy; prints the notice list of firms to reach."""
    record = Policy(code=code, title_zh=title_zh, title_en=title_en, topic=topic, department=department,
                    effective_from=parse_day(effective_from, "from"), effective_until=parse_day(effective_until, "until"),
                    rules=_rules(rules), summary=summary)
    _notices_out(ctx, _service(ctx).publish(ctx.actor, record), as_json)


@command(policy, "change", as_required=False)
@click.argument("code")
@click.option("--title-zh")
@click.option("--title-en")
@click.option("--until", "effective_until")
@click.option("--rules")
@click.option("--summary")
@JSON
def policy_change(ctx: CommandContext, code, title_zh, title_en, effective_until, rules, summary, as_json) -> None:
    """Change a policy (a new version); prints the notice list of firms to reach."""
    changes: dict[str, Any] = {k: v for k, v in (("title_zh", title_zh), ("title_en", title_en),
                                                  ("summary", summary)) if v is not None}
    if effective_until is not None:
        changes["effective_until"] = parse_day(effective_until, "until")
    if rules is not None:
        changes["rules"] = _rules(rules)
    if not changes:
        raise click.UsageError("nothing to change")
    _notices_out(ctx, _service(ctx).change(ctx.actor, code, **changes), as_json)


@command(hr, "notices", as_required=False)
@click.argument("code")
@click.option("--version", type=int)
@JSON
def notices(ctx: CommandContext, code: str, version: int | None, as_json: bool) -> None:
    """The stored notice list of a policy version: the firms in your scope."""
    svc = _service(ctx)
    actor = ctx.actor
    svc.require_read(actor)
    _notices_out(ctx, svc.notices_in_scope(actor, code, version), as_json)


# -- eligibility ------------------------------------------------------------------------


@command(hr, "firm", as_required=False)
@click.argument("firm")
@click.option("--all", "all_policies", is_flag=True, help="Also the policies it does not qualify for.")
@JSON
def firm_view(ctx: CommandContext, firm: str, all_policies: bool, as_json: bool) -> None:
    """The policies a firm may qualify for, and why."""
    judged = _service(ctx).policies_for_firm(ctx.actor, firm, all_policies=all_policies)
    if as_json:
        ctx.echo_json([{"policy": p.code, "eligible": v.eligible,
                     "reasons": [attrs.asdict(r) for r in v.reasons]} for p, v in judged])
        return
    for p, v in judged:
        mark = "✓" if v.eligible else "✗"
        click.echo(f"{mark} {p.code}\t{p.title(ctx.lang)}")
        for r in v.reasons:
            click.echo(f"    {'+' if r.met else '-'} {r.text(ctx.lang)}")


@command(hr, "candidates", as_required=False)
@click.argument("policy_code")
@click.option("--area", help="Only firms seated in this area's subtree.")
@click.option("--include-reached", is_flag=True)
@click.option("--limit", type=LIMIT)
@JSON
def candidates(ctx: CommandContext, policy_code, area, include_reached, limit, as_json) -> None:
    """Firms that may qualify for a policy and have not been reached yet."""
    found = _service(ctx).candidates(ctx.actor, policy_code, area=area, include_reached=include_reached)
    found = found[:limit] if limit else found
    if as_json:
        ctx.echo_json([{"firm": f.code, "name": f.name, "area": f.area_code,
                     "reasons": [r.text(ctx.lang) for r in v.reasons]} for f, v in found])
        return
    click.echo(f"{len(found)} firms")
    for f, _ in found:
        click.echo(f"{f.code}\t{f.area_code}\t{f.size}\t{f.headcount}\t{f.name}")


# -- sessions ---------------------------------------------------------------------------


@hr.group("session")
def session() -> None:
    """Outreach sessions."""


@command(session, "plan", as_required=False)
@click.option("--title", required=True)
@click.option("--date", "held_on", required=True)
@click.option("--venue-area", required=True)
@click.option("--venue", required=True)
@click.option("--host", "hosts", multiple=True, required=True, help="Hosting branch (repeat).")
@click.option("--policy", "policies", multiple=True, required=True, help="Policy covered (repeat).")
@click.option("--invite", "invite", multiple=True, help="Firm to invite (repeat).")
@click.option("--invite-eligible", type=int, default=0,
              help="Also invite up to N eligible, not yet reached firms of the venue area.")
def session_plan(ctx: CommandContext, title, held_on, venue_area, venue, hosts, policies, invite, invite_eligible) -> None:
    """Plan a session; prints its id and the number of firms invited."""
    svc = _service(ctx)
    actor = ctx.actor
    firms = list(invite)
    if invite_eligible:
        firms += [c.firm.code for c in svc.invitation_list(actor, policies, area=venue_area, limit=invite_eligible)]
    made = svc.plan_session(actor, title=title, held_on=parse_day(held_on, "date"), venue_area=venue_area,
                            venue=venue, hosts=hosts, policies=policies, invite=firms)
    click.echo(f"{made.id}\tinvited {len(svc.attendance(made.id))}")


@command(session, "list", as_required=False)
@click.option("--area")
@JSON
def session_list(ctx: CommandContext, area: str | None, as_json: bool) -> None:
    """Sessions held at venues in your scope (in AREA with --area)."""
    svc = _service(ctx)
    actor = ctx.actor
    svc.require_read(actor, area)
    found = svc.sessions_in_scope(actor, area=area)
    if as_json:
        ctx.echo_json([attrs.asdict(s) for s in found])
        return
    for s in found:
        rows = svc.attendance(s.id)
        came = [a for a in rows if a.attended]
        click.echo(f"{s.id}\t{s.held_on}\t{s.status}\t{s.venue}\t{sum(a.invited for a in rows)} invited\t"
                   f"{len(came)} firms\t{sum(a.attendees for a in came)} people\t{s.title}")


@command(session, "show", as_required=False)
@click.argument("session_id", type=RECORD_ID)
@JSON
def session_show(ctx: CommandContext, session_id: int, as_json: bool) -> None:
    """A session and its attendance (needs hr.read over the venue)."""
    svc = _service(ctx)
    s = svc.session(session_id)
    svc.require_read(ctx.actor, s.venue_area)
    rows = svc.attendance(session_id)
    if as_json:
        ctx.echo_json({**attrs.asdict(s), "attendance": [attrs.asdict(a) for a in rows]})
        return
    click.echo(f"{s.id} {s.title} — {s.held_on} at {s.venue} ({s.venue_area}), {s.status}")
    click.echo(f"hosts: {', '.join(s.hosts)}; policies: {', '.join(s.policies)}")
    for a in rows:
        click.echo(f"  {a.firm}\t{'invited' if a.invited else 'walk-in'}\t"
                   f"{a.attendees if a.attended else 'absent'}")


@command(hr, "attend", as_required=False)
@click.argument("session_id", type=RECORD_ID)
@click.argument("firm")
@click.argument("people", type=click.IntRange(min=0))
@click.option("--contact", default="")
def attend(ctx: CommandContext, session_id: int, firm: str, people: int, contact: str) -> None:
    """Record a firm's attendance at a session (PEOPLE 0 marks it absent)."""
    record = _service(ctx).record_attendance(ctx.actor, session_id, firm, people, contact=contact)
    click.echo(f"{record.firm}\t{'attended' if record.attended else 'absent'}\t{record.attendees}")


# -- questions --------------------------------------------------------------------------


@hr.group("question")
def question() -> None:
    """Questions raised at sessions (each a core issue)."""


@command(question, "raise", as_required=False)
@click.argument("session_id", type=RECORD_ID)
@click.argument("firm")
@click.argument("text")
@click.option("--policy")
@click.option("--topic", type=click.Choice(TOPICS))
@click.option("--asked-by", default="")
def question_raise(ctx: CommandContext, session_id, firm, text, policy, topic, asked_by) -> None:
    """Record a question; prints the question id and its issue id."""
    q = _service(ctx).raise_question(ctx.actor, session_id, firm, text, policy=policy, topic=topic,
                                     asked_by=asked_by)
    click.echo(f"{q.id}\tissue {q.issue_id}\tdue {q.due_at or '-'}")


@command(question, "list", as_required=False)
@click.option("--status", type=click.Choice(["open", "answered", "closed", "withdrawn"]))
@click.option("--overdue", is_flag=True)
@JSON
def question_list(ctx: CommandContext, status, overdue, as_json) -> None:
    found = _service(ctx).questions(ctx.actor, status=status, overdue=overdue)
    if as_json:
        ctx.echo_json([attrs.asdict(q) for q in found])
        return
    for q in found:
        click.echo(f"{q.id}\tissue {q.issue_id}\t{q.status}\tdue {q.due_at or '-'}\t{q.firm}\t{q.text[:40]}")


@command(question, "answer", as_required=False)
@click.argument("question_id", type=RECORD_ID)
@click.argument("text")
def question_answer(ctx: CommandContext, question_id: int, text: str) -> None:
    """Answer a question: resolves its issue with the answer as the note."""
    q = _service(ctx).answer(ctx.actor, question_id, text)
    on_time = "on time" if q.answered_on_time else "late"
    click.echo(f"{q.id}\t{q.status}\t{on_time}")


# -- subscriptions and stats ------------------------------------------------------------


@command(hr, "subscribe", as_required=False)
@click.argument("firm")
@click.argument("topic", type=click.Choice(TOPICS))
@click.option("--remove", is_flag=True, help="Stop following the topic.")
def subscribe(ctx: CommandContext, firm: str, topic: str, remove: bool) -> None:
    """Let a firm follow a topic (or stop with --remove)."""
    svc = _service(ctx)
    if remove:
        click.echo("removed" if svc.unsubscribe(ctx.actor, firm, topic) else "not subscribed")
    else:
        sub = svc.subscribe(ctx.actor, firm, topic)
        click.echo(f"{sub.firm} follows {sub.topic} since {sub.since}")


@command(hr, "stats", as_required=False)
@click.option("--area")
@click.option("--since", help="First day (YYYY-MM-DD).")
@click.option("--until", help="Day after the last (YYYY-MM-DD).")
@JSON
def stats(ctx: CommandContext, area, since, until, as_json) -> None:
    """Sessions, firms reached, people, questions answered on time, coverage per policy."""
    from .metrics import compute

    m = compute(ctx.platform, ctx.actor, area, parse_day(since, "since"), parse_day(until, "until")).as_dict()
    if as_json:
        ctx.echo_json(m)
        return
    for key in ("sessions", "firms_invited", "firms_reached", "people", "questions", "answered",
                "answered_on_time", "open_overdue", "answer_rate", "on_time_rate", "coverage_rate"):
        click.echo(f"{key}\t{m[key]}")
    for code, c in m["coverage"].items():
        click.echo(f"coverage {code}\t{c['reached']}/{c['eligible']}\t{c['rate']}")
