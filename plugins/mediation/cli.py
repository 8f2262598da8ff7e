"""``gridgov mediation …``: disputes, sessions, outcomes, follow-ups, calendar and stats."""

from __future__ import annotations

from typing import Any

import attrs
import click
from gridgov.core import ValidationError, to_dict
from gridgov.core.cli import LIMIT, RECORD_ID, CommandContext, command

from . import metrics
from .records import DISPUTE_KINDS, DISPUTE_STATUSES, KIND_NAMES, REFERRAL_TARGETS, Party
from .service import MediationService

DAY = click.DateTime(formats=["%Y-%m-%d"])
MOMENT = click.DateTime(formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"])
_PARTY_KEYS = {"phone": "phone", "id": "id_number", "member": "member_login", "household": "household", "role": "role"}


def parse_party(text: str, default_role: str) -> Party:
    """``王芳,phone=13812345678,id=…,household=SX01-B1-301,member=login,role=respondent``."""
    name, *pairs = [p.strip() for p in text.split(",")]
    values: dict[str, Any] = {"name": name, "role": default_role}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in _PARTY_KEYS:
            raise ValidationError("party", f"{pair!r}: use key=value with keys {', '.join(_PARTY_KEYS)}")
        values[_PARTY_KEYS[key]] = value or None
    return Party(**values)


@click.group("mediation")
def mediation() -> None:
    """People's mediation: disputes, sessions, outcomes, follow-up visits, metrics."""


def _command(name: str):
    """A ``mediation`` command; without ``--as`` the local operator acts."""
    return command(mediation, name, as_required=False)


@_command("open")
@click.option("--area", required=True, help="Area code where the dispute arose.")
@click.option("--kind", type=click.Choice(DISPUTE_KINDS), required=True)
@click.option("--title", required=True)
@click.option("--summary", default="")
@click.option("--party", "parties", multiple=True, required=True,
              help="NAME[,phone=…][,id=…][,household=…][,member=LOGIN][,role=…]; the first is the applicant.")
def open_cmd(ctx: CommandContext, area, kind, title, summary, parties):
    """Take in a dispute (reports a mediation.dispute case); prints the dispute id."""
    found = [parse_party(p, "applicant" if i == 0 else "respondent") for i, p in enumerate(parties)]
    dispute = MediationService(ctx.platform).open_dispute(ctx.actor, area=area, kind=kind, title=title,
                                                          summary=summary, parties=found)  # fmt: skip
    ctx.echo(str(dispute.id))


@_command("list")
@click.option("--status", type=click.Choice(DISPUTE_STATUSES))
@click.option("--area")
@click.option("--kind", type=click.Choice(DISPUTE_KINDS))
@click.option("--limit", type=LIMIT, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_cmd(ctx: CommandContext, status, area, kind, limit, as_json):
    """Disputes in your scope, newest first."""
    rows = MediationService(ctx.platform).list(ctx.actor, area=area, status=status, kind=kind, limit=limit)
    if as_json:
        ctx.echo_json([to_dict(d) for d in rows])
        return
    for d in rows:
        ctx.echo(f"{d.id}\t#{d.issue_id}\t{ctx.platform.time.local(d.opened_at):%Y-%m-%d}\t{d.status}\t{d.level or ''}\t"
                   f"{d.area_code}\t{ctx.t(*KIND_NAMES[d.kind])}\t{d.summary[:40]}")  # fmt: skip


@_command("show")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--unmask", "reason", metavar="REASON", help="Show parties' phone and ID in full (logged).")
@click.option("--json", "as_json", is_flag=True)
def show_cmd(ctx: CommandContext, dispute_id, reason, as_json):
    """A dispute with its parties, sessions, outcome and follow-ups."""
    service, actor = MediationService(ctx.platform), ctx.actor
    dispute = service.get(actor, dispute_id, unmask_reason=reason)
    sessions = service.sessions(actor, dispute_id)
    outcome = service.outcome(actor, dispute_id)
    visits = service.follow_ups(actor, dispute_id)
    if as_json:
        ctx.echo_json({"dispute": to_dict(dispute), "sessions": [to_dict(s) for s in sessions],
                    "outcome": to_dict(outcome) if outcome else None, "follow_ups": [to_dict(v) for v in visits]})  # fmt: skip
        return
    ctx.echo(f"dispute {dispute.id} (case #{dispute.issue_id}) {ctx.t(*KIND_NAMES[dispute.kind])} — {dispute.status}")
    ctx.echo(f"  area {dispute.area_code}, level {dispute.level}, body {dispute.body_org or '—'}, opened {dispute.opened_at}")
    ctx.echo(f"  {dispute.summary}")
    for p in dispute.parties:
        ctx.echo("  party: " + " ".join(v for v in (p.role, p.name, p.phone, p.id_number, p.household) if v))
    for s in sessions:
        ctx.echo(f"  session {s.id} {ctx.platform.time.local(s.at):%Y-%m-%d %H:%M} @ {s.place}: {', '.join(s.mediators)} — {s.notes}")
    if outcome:
        ctx.echo(f"  outcome: {outcome.kind} {ctx.platform.time.local(outcome.at):%Y-%m-%d} at {outcome.level} level")
        if outcome.kind == "agreement":
            done = f"performed {outcome.performed_on}" if outcome.performed_on else "not yet performed"
            ctx.echo(f"    terms: {outcome.terms}; signed {outcome.signed_on}; perform by {outcome.perform_by}; {done}")
        elif outcome.kind == "referred":
            ctx.echo(f"    referred to {outcome.referred_to}: {outcome.receiving_body} — {outcome.note}")
        else:
            ctx.echo(f"    {outcome.note}")
    for v in visits:
        ctx.echo(f"  follow-up {v.id} due {v.due_on} by {v.by_login}: {v.visited_on or 'pending'} {v.notes}")


@_command("session")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--at", "at", type=MOMENT, required=True, help="YYYY-MM-DD HH:MM, in the deployment's time zone")
@click.option("--place", required=True)
@click.option("--mediator", "mediators", multiple=True, required=True)
@click.option("--attendee", "attendees", multiple=True)
@click.option("--notes", default="")
def session_cmd(ctx: CommandContext, dispute_id, at, place, mediators, attendees, notes):
    """Record a mediation session; prints its id."""
    session = MediationService(ctx.platform).record_session(
        ctx.actor, dispute_id, at=ctx.platform.time.read(at, "--at"), place=place, mediators=mediators,
        attendees=attendees, notes=notes)
    ctx.echo(str(session.id))


@_command("agree")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--terms", required=True)
@click.option("--signed-on", type=DAY, required=True)
@click.option("--perform-by", type=DAY, required=True)
def agree_cmd(ctx: CommandContext, dispute_id, terms, signed_on, perform_by):
    """Record a mediation agreement (resolves the case)."""
    outcome = MediationService(ctx.platform).record_agreement(
        ctx.actor, dispute_id, terms=terms, signed_on=signed_on.date(), perform_by=perform_by.date())
    ctx.echo(f"agreement at {outcome.level} level")


@_command("refer")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--to", "to", type=click.Choice(REFERRAL_TARGETS), required=True)
@click.option("--body", required=True, help="The receiving body (court, arbitration commission, police station).")
@click.option("--note", required=True, help="Why mediation failed.")
def refer_cmd(ctx: CommandContext, dispute_id, to, body, note):
    """Mediation failed: refer the dispute (closes the case as referred)."""
    outcome = MediationService(ctx.platform).record_referral(ctx.actor, dispute_id, to=to,
                                                             receiving_body=body, note=note)  # fmt: skip
    ctx.echo(f"referred to {outcome.referred_to} at {outcome.level} level")


@_command("withdraw")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--note", required=True)
def withdraw_cmd(ctx: CommandContext, dispute_id, note):
    """The parties withdrew the dispute (closes the case)."""
    MediationService(ctx.platform).record_withdrawal(ctx.actor, dispute_id, note=note)
    ctx.echo("withdrawn")


@_command("performed")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--on", "on", type=DAY, required=True)
def performed_cmd(ctx: CommandContext, dispute_id, on):
    """Record that the agreement was performed."""
    outcome = MediationService(ctx.platform).record_performance(ctx.actor, dispute_id, performed_on=on.date())
    ctx.echo("on time" if outcome.performed_on_time else "late")


@_command("follow-up")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--due", type=DAY, required=True)
@click.option("--by", "by_login", help="Who visits (default: you).")
@click.option("--notes", default="")
def follow_up_cmd(ctx: CommandContext, dispute_id, due, by_login, notes):
    """Schedule a follow-up visit after an agreement; prints its id."""
    visit = MediationService(ctx.platform).schedule_follow_up(ctx.actor, dispute_id, due_on=due.date(),
                                                              by_login=by_login, notes=notes)  # fmt: skip
    ctx.echo(str(visit.id))


@_command("visit")
@click.argument("follow_up_id", type=RECORD_ID)
@click.option("--on", "on", type=DAY, required=True)
@click.option("--notes", required=True)
def visit_cmd(ctx: CommandContext, follow_up_id, on, notes):
    """Record a follow-up visit as done."""
    MediationService(ctx.platform).record_visit(ctx.actor, follow_up_id, visited_on=on.date(), notes=notes)
    ctx.echo("visited")


@_command("calendar")
@click.option("--mediator", help="Whose sessions (default: yours).")
@click.option("--since", type=DAY)
@click.option("--until", type=DAY)
@click.option("--json", "as_json", is_flag=True)
def calendar_cmd(ctx: CommandContext, mediator, since, until, as_json):
    """A mediator's sessions in time order."""
    entries = MediationService(ctx.platform).calendar(
        ctx.actor, mediator, since=since.date() if since else None, until=until.date() if until else None)
    if as_json:
        ctx.echo_json([{**to_dict(s), "dispute": to_dict(attrs.evolve(d, parties=()))} for s, d in entries])
        return
    for session, dispute in entries:
        ctx.echo(f"{ctx.platform.time.local(session.at):%Y-%m-%d %H:%M}\t{session.place}\tdispute {dispute.id}\t"
                   f"{ctx.t(*KIND_NAMES[dispute.kind])}\t{dispute.area_code}")  # fmt: skip


@_command("stats")
@click.option("--area")
@click.option("--since", type=DAY)
@click.option("--until", type=DAY)
@click.option("--json", "as_json", is_flag=True)
def stats_cmd(ctx: CommandContext, area, since, until, as_json):
    """Disputes received, agreement rate, the Fengqiao ratios, days to agreement, performance."""
    stats = metrics.compute(ctx.platform, ctx.actor, area, since.date() if since else None,
                            until.date() if until else None)  # fmt: skip
    if as_json:
        ctx.echo_json(stats.as_dict())
        return

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1%}"

    ratios = stats.fengqiao_ratios
    zh = ctx.lang == "zh"
    lines = [
        ("受理纠纷" if zh else "disputes received", stats.received),
        ("调解中" if zh else "still open", stats.open),
        ("达成协议" if zh else "agreements", stats.agreements),
        ("调解成功率" if zh else "agreement rate", pct(stats.agreement_rate)),
        ("调解不成移送" if zh else "referred", stats.referred),
        ("撤回" if zh else "withdrawn", stats.withdrawn),
        ("网格化解" if zh else "settled in the grid", f"{stats.settled_grid} ({pct(ratios['grid'])})"),
        ("社区化解" if zh else "settled in the community", f"{stats.settled_community} ({pct(ratios['community'])})"),
        ("上级化解" if zh else "settled higher", f"{stats.settled_higher} ({pct(ratios['higher'])})"),
        ("平均调解天数" if zh else "mean days to agreement", stats.mean_days_to_agreement or "—"),
        ("协议按期履行率" if zh else "agreements performed on time",
         f"{stats.performed_on_time}/{stats.performance_due} ({pct(stats.on_time_performance_rate)})"),
    ]
    for label, value in lines:
        ctx.echo(f"{label}: {value}")
