"""``gridgov mediation …``: disputes, sessions, outcomes, follow-ups, calendar and stats."""

from __future__ import annotations

import json
from typing import Any

import attrs
import click
from gridgov.core import ValidationError, to_dict
from gridgov.core.cli import LIMIT, RECORD_ID, pass_app

from . import metrics
from .records import DISPUTE_KINDS, KIND_NAMES, REFERRAL_TARGETS, Party
from .service import MediationService

DAY = click.DateTime(formats=["%Y-%m-%d"])
MOMENT = click.DateTime(formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"])
_PARTY_KEYS = {"phone": "phone", "id": "id_number", "member": "member_login", "household": "household", "role": "role"}


def as_option(fn):
    return click.option("--as", "login", metavar="LOGIN", help="Act as this member (default: local operator).")(fn)


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


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _kind(kind: str, lang: str) -> str:
    zh, en = KIND_NAMES[kind]
    return zh if lang == "zh" else en


@click.group("mediation")
def mediation() -> None:
    """People's mediation: disputes, sessions, outcomes, follow-up visits, metrics."""


@mediation.command("open")
@click.option("--area", required=True, help="Area code where the dispute arose.")
@click.option("--kind", type=click.Choice(DISPUTE_KINDS), required=True)
@click.option("--title", required=True)
@click.option("--summary", default="")
@click.option("--party", "parties", multiple=True, required=True,
              help="NAME[,phone=…][,id=…][,household=…][,member=LOGIN][,role=…]; the first is the applicant.")
@as_option
@pass_app
def open_cmd(app, area, kind, title, summary, parties, login):
    """Take in a dispute (reports a mediation.dispute case); prints the dispute id."""
    found = [parse_party(p, "applicant" if i == 0 else "respondent") for i, p in enumerate(parties)]
    dispute = MediationService(app.platform).open_dispute(app.actor(login), area=area, kind=kind, title=title,
                                                          summary=summary, parties=found)  # fmt: skip
    click.echo(dispute.id)


@mediation.command("list")
@click.option("--status", type=click.Choice(["open", "agreed", "referred", "withdrawn", "not_accepted"]))
@click.option("--area")
@click.option("--kind", type=click.Choice(DISPUTE_KINDS))
@click.option("--limit", type=LIMIT, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@as_option
@pass_app
def list_cmd(app, status, area, kind, limit, as_json, login):
    """Disputes in your scope, newest first."""
    rows = MediationService(app.platform).list(app.actor(login), area=area, status=status, kind=kind, limit=limit)
    if as_json:
        _echo_json([to_dict(d) for d in rows])
        return
    for d in rows:
        click.echo(f"{d.id}\t#{d.issue_id}\t{app.platform.time.local(d.opened_at):%Y-%m-%d}\t{d.status}\t{d.level or ''}\t"
                   f"{d.area_code}\t{_kind(d.kind, app.lang)}\t{d.summary[:40]}")  # fmt: skip


@mediation.command("show")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--unmask", "reason", metavar="REASON", help="Show parties' phone and ID in full (logged).")
@click.option("--json", "as_json", is_flag=True)
@as_option
@pass_app
def show_cmd(app, dispute_id, reason, as_json, login):
    """A dispute with its parties, sessions, outcome and follow-ups."""
    service, actor = MediationService(app.platform), app.actor(login)
    dispute = service.get(actor, dispute_id, unmask_reason=reason)
    sessions = service.sessions(actor, dispute_id)
    outcome = service.outcome(actor, dispute_id)
    visits = service.follow_ups(actor, dispute_id)
    if as_json:
        _echo_json({"dispute": to_dict(dispute), "sessions": [to_dict(s) for s in sessions],
                    "outcome": to_dict(outcome) if outcome else None, "follow_ups": [to_dict(v) for v in visits]})  # fmt: skip
        return
    click.echo(f"dispute {dispute.id} (case #{dispute.issue_id}) {_kind(dispute.kind, app.lang)} — {dispute.status}")
    click.echo(f"  area {dispute.area_code}, level {dispute.level}, body {dispute.body_org or '—'}, opened {dispute.opened_at}")
    click.echo(f"  {dispute.summary}")
    for p in dispute.parties:
        click.echo("  party: " + " ".join(v for v in (p.role, p.name, p.phone, p.id_number, p.household) if v))
    for s in sessions:
        click.echo(f"  session {s.id} {app.platform.time.local(s.at):%Y-%m-%d %H:%M} @ {s.place}: {', '.join(s.mediators)} — {s.notes}")
    if outcome:
        click.echo(f"  outcome: {outcome.kind} {app.platform.time.local(outcome.at):%Y-%m-%d} at {outcome.level} level")
        if outcome.kind == "agreement":
            done = f"performed {outcome.performed_on}" if outcome.performed_on else "not yet performed"
            click.echo(f"    terms: {outcome.terms}; signed {outcome.signed_on}; perform by {outcome.perform_by}; {done}")
        elif outcome.kind == "referred":
            click.echo(f"    referred to {outcome.referred_to}: {outcome.receiving_body} — {outcome.note}")
        else:
            click.echo(f"    {outcome.note}")
    for v in visits:
        click.echo(f"  follow-up {v.id} due {v.due_on} by {v.by_login}: {v.visited_on or 'pending'} {v.notes}")


@mediation.command("session")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--at", "at", type=MOMENT, required=True, help="YYYY-MM-DD HH:MM, in the deployment's time zone")
@click.option("--place", required=True)
@click.option("--mediator", "mediators", multiple=True, required=True)
@click.option("--attendee", "attendees", multiple=True)
@click.option("--notes", default="")
@as_option
@pass_app
def session_cmd(app, dispute_id, at, place, mediators, attendees, notes, login):
    """Record a mediation session; prints its id."""
    session = MediationService(app.platform).record_session(
        app.actor(login), dispute_id, at=app.platform.time.read(at, "--at"), place=place, mediators=mediators,
        attendees=attendees, notes=notes)
    click.echo(session.id)


@mediation.command("agree")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--terms", required=True)
@click.option("--signed-on", type=DAY, required=True)
@click.option("--perform-by", type=DAY, required=True)
@as_option
@pass_app
def agree_cmd(app, dispute_id, terms, signed_on, perform_by, login):
    """Record a mediation agreement (resolves the case)."""
    outcome = MediationService(app.platform).record_agreement(
        app.actor(login), dispute_id, terms=terms, signed_on=signed_on.date(), perform_by=perform_by.date())
    click.echo(f"agreement at {outcome.level} level")


@mediation.command("refer")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--to", "to", type=click.Choice(REFERRAL_TARGETS), required=True)
@click.option("--body", required=True, help="The receiving body (court, arbitration commission, police station).")
@click.option("--note", required=True, help="Why mediation failed.")
@as_option
@pass_app
def refer_cmd(app, dispute_id, to, body, note, login):
    """Mediation failed: refer the dispute (closes the case as referred)."""
    outcome = MediationService(app.platform).record_referral(app.actor(login), dispute_id, to=to,
                                                             receiving_body=body, note=note)  # fmt: skip
    click.echo(f"referred to {outcome.referred_to} at {outcome.level} level")


@mediation.command("withdraw")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--note", required=True)
@as_option
@pass_app
def withdraw_cmd(app, dispute_id, note, login):
    """The parties withdrew the dispute (closes the case)."""
    MediationService(app.platform).record_withdrawal(app.actor(login), dispute_id, note=note)
    click.echo("withdrawn")


@mediation.command("performed")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--on", "on", type=DAY, required=True)
@as_option
@pass_app
def performed_cmd(app, dispute_id, on, login):
    """Record that the agreement was performed."""
    outcome = MediationService(app.platform).record_performance(app.actor(login), dispute_id, performed_on=on.date())
    click.echo("on time" if outcome.performed_on_time else "late")


@mediation.command("follow-up")
@click.argument("dispute_id", type=RECORD_ID)
@click.option("--due", type=DAY, required=True)
@click.option("--by", "by_login", help="Who visits (default: you).")
@click.option("--notes", default="")
@as_option
@pass_app
def follow_up_cmd(app, dispute_id, due, by_login, notes, login):
    """Schedule a follow-up visit after an agreement; prints its id."""
    visit = MediationService(app.platform).schedule_follow_up(app.actor(login), dispute_id, due_on=due.date(),
                                                              by_login=by_login, notes=notes)  # fmt: skip
    click.echo(visit.id)


@mediation.command("visit")
@click.argument("follow_up_id", type=RECORD_ID)
@click.option("--on", "on", type=DAY, required=True)
@click.option("--notes", required=True)
@as_option
@pass_app
def visit_cmd(app, follow_up_id, on, notes, login):
    """Record a follow-up visit as done."""
    MediationService(app.platform).record_visit(app.actor(login), follow_up_id, visited_on=on.date(), notes=notes)
    click.echo("visited")


@mediation.command("calendar")
@click.option("--mediator", help="Whose sessions (default: yours).")
@click.option("--since", type=DAY)
@click.option("--until", type=DAY)
@click.option("--json", "as_json", is_flag=True)
@as_option
@pass_app
def calendar_cmd(app, mediator, since, until, as_json, login):
    """A mediator's sessions in time order."""
    entries = MediationService(app.platform).calendar(
        app.actor(login), mediator, since=since.date() if since else None, until=until.date() if until else None)
    if as_json:
        _echo_json([{**to_dict(s), "dispute": to_dict(attrs.evolve(d, parties=()))} for s, d in entries])
        return
    for session, dispute in entries:
        click.echo(f"{app.platform.time.local(session.at):%Y-%m-%d %H:%M}\t{session.place}\tdispute {dispute.id}\t"
                   f"{_kind(dispute.kind, app.lang)}\t{dispute.area_code}")  # fmt: skip


@mediation.command("stats")
@click.option("--area")
@click.option("--since", type=DAY)
@click.option("--until", type=DAY)
@click.option("--json", "as_json", is_flag=True)
@as_option
@pass_app
def stats_cmd(app, area, since, until, as_json, login):
    """Disputes received, agreement rate, the Fengqiao ratios, days to agreement, performance."""
    stats = metrics.compute(app.platform, app.actor(login), area, since.date() if since else None,
                            until.date() if until else None)  # fmt: skip
    if as_json:
        _echo_json(stats.as_dict())
        return

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1%}"

    ratios = stats.fengqiao_ratios
    zh = app.lang == "zh"
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
        click.echo(f"{label}: {value}")
