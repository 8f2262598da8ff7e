"""``gridgov hr …``: the catalogue, sessions, attendance, questions, subscriptions, stats."""

from __future__ import annotations

import json
from typing import Any

import attrs
import click
from gridgov.core import ValidationError
from gridgov.core.cli import LIMIT, RECORD_ID, echo_json, parse_day, pass_app

from .bureau import ensure_bureau
from .eligibility import describe
from .records import TOPICS, Policy, topic_name
from .service import HrPolicyService

AS = click.option("--as", "login", default=None, help="Act as this member (default: the local operator).")
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _rules(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError("rules", f"not JSON: {exc.msg}") from None


def _service(app) -> HrPolicyService:
    return HrPolicyService(app.platform)


def _notices_out(app, notices, as_json: bool) -> None:
    if as_json:
        echo_json([attrs.asdict(n) for n in notices])
        return
    click.echo(f"notice list: {len(notices)} firms")
    for n in notices:
        org = app.platform.organisations.find(n.firm)
        click.echo(f"  {n.firm}\t{n.reason}\t{org.name if org else ''}")


@click.group()
def hr() -> None:
    """HR policy outreach: policies that walk to the firms."""


@hr.command("setup")
@click.option("--area", required=True, help="Seat area of the HR bureau (usually the district).")
@AS
@pass_app
def setup(app, area: str, login: str | None) -> None:
    """Mark or create the HR bureau and its three branches."""
    for role, code in ensure_bureau(app.platform, app.actor(login), area).items():
        click.echo(f"{role}\t{code}")


# -- catalogue --------------------------------------------------------------------------


@hr.group("policy")
def policy() -> None:
    """The policy catalogue."""


@policy.command("list")
@click.option("--topic", type=click.Choice(TOPICS))
@click.option("--in-force", is_flag=True, help="Only policies in force today.")
@AS
@JSON
@pass_app
def policy_list(app, topic: str | None, in_force: bool, login: str | None, as_json: bool) -> None:
    svc = _service(app)
    svc.require_read(app.actor(login))
    found = svc.policies(topic=topic, in_force_on=svc.today() if in_force else None)
    if as_json:
        echo_json([attrs.asdict(p) for p in found])
        return
    for p in found:
        until = p.effective_until or "…"
        click.echo(f"{p.code}\t{topic_name(p.topic, app.lang)}\t{p.title(app.lang)}\t"
                   f"{p.effective_from}–{until}\t{describe(p.rules, app.lang)}")


@policy.command("show")
@click.argument("code")
@AS
@JSON
@pass_app
def policy_show(app, code: str, login: str | None, as_json: bool) -> None:
    svc = _service(app)
    svc.require_read(app.actor(login))
    p = svc.policy(code)
    if as_json:
        echo_json(attrs.asdict(p))
        return
    click.echo(f"{p.code} v{p.version}  {p.title_zh} / {p.title_en}")
    click.echo(f"topic: {topic_name(p.topic, app.lang)}; department: {p.department}; "
               f"in force {p.effective_from} – {p.effective_until or 'open'}")
    click.echo(f"eligibility: {describe(p.rules, app.lang)}")
    if p.summary:
        click.echo(p.summary)


@policy.command("add")
@click.option("--code", required=True)
@click.option("--title-zh", required=True)
@click.option("--title-en", required=True)
@click.option("--topic", type=click.Choice(TOPICS), required=True)
@click.option("--department", required=True, help="Issuing organisation code.")
@click.option("--from", "effective_from", required=True, help="Effective from (YYYY-MM-DD).")
@click.option("--until", "effective_until", default=None)
@click.option("--rules", default="{}", help='Eligibility rules as JSON, e.g. {"size_in": ["small"]}.')
@click.option("--summary", default="")
@AS
@JSON
@pass_app
def policy_add(app, code, title_zh, title_en, topic, department, effective_from, effective_until, rules,
               summary, login, as_json) -> None:
    """Publish a policy; prints the notice list of firms to reach."""
    record = Policy(code=code, title_zh=title_zh, title_en=title_en, topic=topic, department=department,
                    effective_from=parse_day(effective_from, "from"), effective_until=parse_day(effective_until, "until"),
                    rules=_rules(rules), summary=summary)
    _notices_out(app, _service(app).publish(app.actor(login), record), as_json)


@policy.command("change")
@click.argument("code")
@click.option("--title-zh")
@click.option("--title-en")
@click.option("--until", "effective_until")
@click.option("--rules")
@click.option("--summary")
@AS
@JSON
@pass_app
def policy_change(app, code, title_zh, title_en, effective_until, rules, summary, login, as_json) -> None:
    """Change a policy (a new version); prints the notice list of firms to reach."""
    changes: dict[str, Any] = {k: v for k, v in (("title_zh", title_zh), ("title_en", title_en),
                                                  ("summary", summary)) if v is not None}
    if effective_until is not None:
        changes["effective_until"] = parse_day(effective_until, "until")
    if rules is not None:
        changes["rules"] = _rules(rules)
    if not changes:
        raise click.UsageError("nothing to change")
    _notices_out(app, _service(app).change(app.actor(login), code, **changes), as_json)


@hr.command("notices")
@click.argument("code")
@click.option("--version", type=int)
@AS
@JSON
@pass_app
def notices(app, code: str, version: int | None, login: str | None, as_json: bool) -> None:
    """The stored notice list of a policy version: the firms in your scope."""
    svc = _service(app)
    actor = app.actor(login)
    svc.require_read(actor)
    _notices_out(app, svc.notices_in_scope(actor, code, version), as_json)


# -- eligibility ------------------------------------------------------------------------


@hr.command("firm")
@click.argument("firm")
@click.option("--all", "all_policies", is_flag=True, help="Also the policies it does not qualify for.")
@AS
@JSON
@pass_app
def firm_view(app, firm: str, all_policies: bool, login: str | None, as_json: bool) -> None:
    """The policies a firm may qualify for, and why."""
    judged = _service(app).policies_for_firm(app.actor(login), firm, all_policies=all_policies)
    if as_json:
        echo_json([{"policy": p.code, "eligible": v.eligible,
                     "reasons": [attrs.asdict(r) for r in v.reasons]} for p, v in judged])
        return
    for p, v in judged:
        mark = "✓" if v.eligible else "✗"
        click.echo(f"{mark} {p.code}\t{p.title(app.lang)}")
        for r in v.reasons:
            click.echo(f"    {'+' if r.met else '-'} {r.text(app.lang)}")


@hr.command("candidates")
@click.argument("policy_code")
@click.option("--area", help="Only firms seated in this area's subtree.")
@click.option("--include-reached", is_flag=True)
@click.option("--limit", type=LIMIT)
@AS
@JSON
@pass_app
def candidates(app, policy_code, area, include_reached, limit, login, as_json) -> None:
    """Firms that may qualify for a policy and have not been reached yet."""
    found = _service(app).candidates(app.actor(login), policy_code, area=area, include_reached=include_reached)
    found = found[:limit] if limit else found
    if as_json:
        echo_json([{"firm": f.code, "name": f.name, "area": f.area_code,
                     "reasons": [r.text(app.lang) for r in v.reasons]} for f, v in found])
        return
    click.echo(f"{len(found)} firms")
    for f, _ in found:
        click.echo(f"{f.code}\t{f.area_code}\t{f.size}\t{f.headcount}\t{f.name}")


# -- sessions ---------------------------------------------------------------------------


@hr.group("session")
def session() -> None:
    """Outreach sessions."""


@session.command("plan")
@click.option("--title", required=True)
@click.option("--date", "held_on", required=True)
@click.option("--venue-area", required=True)
@click.option("--venue", required=True)
@click.option("--host", "hosts", multiple=True, required=True, help="Hosting branch (repeat).")
@click.option("--policy", "policies", multiple=True, required=True, help="Policy covered (repeat).")
@click.option("--invite", "invite", multiple=True, help="Firm to invite (repeat).")
@click.option("--invite-eligible", type=int, default=0,
              help="Also invite up to N eligible, not yet reached firms of the venue area.")
@AS
@pass_app
def session_plan(app, title, held_on, venue_area, venue, hosts, policies, invite, invite_eligible, login) -> None:
    """Plan a session; prints its id and the number of firms invited."""
    svc = _service(app)
    actor = app.actor(login)
    firms = list(invite)
    if invite_eligible:
        firms += [c.firm.code for c in svc.invitation_list(actor, policies, area=venue_area, limit=invite_eligible)]
    made = svc.plan_session(actor, title=title, held_on=parse_day(held_on, "date"), venue_area=venue_area,
                            venue=venue, hosts=hosts, policies=policies, invite=firms)
    click.echo(f"{made.id}\tinvited {len(svc.attendance(made.id))}")


@session.command("list")
@click.option("--area")
@AS
@JSON
@pass_app
def session_list(app, area: str | None, login: str | None, as_json: bool) -> None:
    """Sessions held at venues in your scope (in AREA with --area)."""
    svc = _service(app)
    actor = app.actor(login)
    svc.require_read(actor, area)
    found = svc.sessions_in_scope(actor, area=area)
    if as_json:
        echo_json([attrs.asdict(s) for s in found])
        return
    for s in found:
        rows = svc.attendance(s.id)
        came = [a for a in rows if a.attended]
        click.echo(f"{s.id}\t{s.held_on}\t{s.status}\t{s.venue}\t{sum(a.invited for a in rows)} invited\t"
                   f"{len(came)} firms\t{sum(a.attendees for a in came)} people\t{s.title}")


@session.command("show")
@click.argument("session_id", type=RECORD_ID)
@AS
@JSON
@pass_app
def session_show(app, session_id: int, login: str | None, as_json: bool) -> None:
    """A session and its attendance (needs hr.read over the venue)."""
    svc = _service(app)
    s = svc.session(session_id)
    svc.require_read(app.actor(login), s.venue_area)
    rows = svc.attendance(session_id)
    if as_json:
        echo_json({**attrs.asdict(s), "attendance": [attrs.asdict(a) for a in rows]})
        return
    click.echo(f"{s.id} {s.title} — {s.held_on} at {s.venue} ({s.venue_area}), {s.status}")
    click.echo(f"hosts: {', '.join(s.hosts)}; policies: {', '.join(s.policies)}")
    for a in rows:
        click.echo(f"  {a.firm}\t{'invited' if a.invited else 'walk-in'}\t"
                   f"{a.attendees if a.attended else 'absent'}")


@hr.command("attend")
@click.argument("session_id", type=RECORD_ID)
@click.argument("firm")
@click.argument("people", type=click.IntRange(min=0))
@click.option("--contact", default="")
@AS
@pass_app
def attend(app, session_id: int, firm: str, people: int, contact: str, login: str | None) -> None:
    """Record a firm's attendance at a session (PEOPLE 0 marks it absent)."""
    record = _service(app).record_attendance(app.actor(login), session_id, firm, people, contact=contact)
    click.echo(f"{record.firm}\t{'attended' if record.attended else 'absent'}\t{record.attendees}")


# -- questions --------------------------------------------------------------------------


@hr.group("question")
def question() -> None:
    """Questions raised at sessions (each a core issue)."""


@question.command("raise")
@click.argument("session_id", type=RECORD_ID)
@click.argument("firm")
@click.argument("text")
@click.option("--policy")
@click.option("--topic", type=click.Choice(TOPICS))
@click.option("--asked-by", default="")
@AS
@pass_app
def question_raise(app, session_id, firm, text, policy, topic, asked_by, login) -> None:
    """Record a question; prints the question id and its issue id."""
    q = _service(app).raise_question(app.actor(login), session_id, firm, text, policy=policy, topic=topic,
                                     asked_by=asked_by)
    click.echo(f"{q.id}\tissue {q.issue_id}\tdue {q.due_at or '-'}")


@question.command("list")
@click.option("--status", type=click.Choice(["open", "answered", "closed", "withdrawn"]))
@click.option("--overdue", is_flag=True)
@AS
@JSON
@pass_app
def question_list(app, status, overdue, login, as_json) -> None:
    found = _service(app).questions(app.actor(login), status=status, overdue=overdue)
    if as_json:
        echo_json([attrs.asdict(q) for q in found])
        return
    for q in found:
        click.echo(f"{q.id}\tissue {q.issue_id}\t{q.status}\tdue {q.due_at or '-'}\t{q.firm}\t{q.text[:40]}")


@question.command("answer")
@click.argument("question_id", type=RECORD_ID)
@click.argument("text")
@AS
@pass_app
def question_answer(app, question_id: int, text: str, login: str | None) -> None:
    """Answer a question: resolves its issue with the answer as the note."""
    q = _service(app).answer(app.actor(login), question_id, text)
    on_time = "on time" if q.answered_on_time else "late"
    click.echo(f"{q.id}\t{q.status}\t{on_time}")


# -- subscriptions and stats ------------------------------------------------------------


@hr.command("subscribe")
@click.argument("firm")
@click.argument("topic", type=click.Choice(TOPICS))
@click.option("--remove", is_flag=True, help="Stop following the topic.")
@AS
@pass_app
def subscribe(app, firm: str, topic: str, remove: bool, login: str | None) -> None:
    """Let a firm follow a topic (or stop with --remove)."""
    svc = _service(app)
    if remove:
        click.echo("removed" if svc.unsubscribe(app.actor(login), firm, topic) else "not subscribed")
    else:
        sub = svc.subscribe(app.actor(login), firm, topic)
        click.echo(f"{sub.firm} follows {sub.topic} since {sub.since}")


@hr.command("stats")
@click.option("--area")
@click.option("--since", help="First day (YYYY-MM-DD).")
@click.option("--until", help="Day after the last (YYYY-MM-DD).")
@AS
@JSON
@pass_app
def stats(app, area, since, until, login, as_json) -> None:
    """Sessions, firms reached, people, questions answered on time, coverage per policy."""
    from .metrics import compute

    m = compute(app.platform, app.actor(login), area, parse_day(since, "since"), parse_day(until, "until")).as_dict()
    if as_json:
        echo_json(m)
        return
    for key in ("sessions", "firms_invited", "firms_reached", "people", "questions", "answered",
                "answered_on_time", "open_overdue", "answer_rate", "on_time_rate", "coverage_rate"):
        click.echo(f"{key}\t{m[key]}")
    for code, c in m["coverage"].items():
        click.echo(f"coverage {code}\t{c['reached']}/{c['eligible']}\t{c['rate']}")
