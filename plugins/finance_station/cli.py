"""``gridgov finance …``: stations, consultation queues and actions, a firm's history, and
the figures of the source document (``gridgov finance stats``).

Each command is a ``@command`` (:mod:`gridgov.core.cli`): ``--as LOGIN`` names the acting
member; without it the local operator acts, as in the core's administrative commands. Amounts are typed as ``12.34`` (yuan), ``300万`` or
``1.5亿`` and stored as fen. Errors are the core's: one line and its exit code.
"""

from __future__ import annotations

from typing import Any

import attrs
import click
from gridgov.core import ValidationError
from gridgov.core.cli import (
    LIMIT,
    OFFSET,
    RECORD_ID,
    CommandContext,
    command,
    fields_block,
    parse_day,
)

from .metrics import Figures, figures, require_reader
from .money import format_short, format_yuan
from .records import (
    NEED_NAMES,
    NEEDS,
    STATUS_NAMES,
    STATUSES,
    Consultation,
    FinanceEvent,
    OutreachVisit,
    Station,
)
from .service import CATEGORY, FinanceService


def _label(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    zh, en = names.get(key, (key, key))
    return zh if lang == "zh" else en


def _consultation_dict(c: Consultation) -> dict[str, Any]:
    data = attrs.asdict(c)
    data["amount_asked_text"] = format_yuan(c.amount_asked) if c.amount_asked is not None else None
    data["granted_text"] = format_yuan(c.granted_amount) if c.granted_amount is not None else None
    return data


@click.group("finance")
def finance() -> None:
    """Finance stations: credit for small firms (金融驿站)."""


# -- stations ---------------------------------------------------------------------------


@command(finance, "stations", as_required=False)
@click.option("--area", metavar="CODE", help="Only stations seated in this area's subtree.")
@click.option("--since", metavar="DATE", help="First day counted (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Day after the last one counted (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
def stations_cmd(ctx: CommandContext, area, since, until, as_json) -> None:
    """Stations with their cluster, partners and figures."""
    require_reader(ctx.platform, ctx.actor, area)
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    listed = [(s, figures(ctx.platform, station=s.code, since=first, until=last))
              for s in FinanceService(ctx.platform).stations(area=area)]
    if as_json:
        ctx.echo_json([{**attrs.asdict(s), **f.as_dict()} for s, f in listed])
        return
    zh = ctx.lang == "zh"
    headers = (("驿站", "名称", "产业", "区域", "咨询", "授信企业", "授信", "普惠") if zh else
               ("station", "name", "cluster", "area", "consultations", "firms granted", "credit", "inclusive"))  # fmt: skip
    ctx.table(headers, [(s.code, s.name, s.cluster, s.area_code, f.consultations, f.firms_granted,
                         format_short(f.credit_fen), format_short(f.inclusive_fen)) for s, f in listed])


@command(finance, "station-add", as_required=False)
@click.argument("code")
@click.option("--name", required=True)
@click.option("--area", required=True, metavar="CODE")
@click.option("--host", required=True, metavar="ORG", help="Host organisation (e.g. the Industry & IT bureau).")
@click.option("--cluster", required=True, help="Industry cluster served (an enterprise industry).")
@click.option("--partner", "partners", multiple=True, metavar="ORG", help="Partner bank, insurer or broker (repeat).")
def station_add(ctx: CommandContext, code, name, area, host, cluster, partners) -> None:
    """Open a finance station."""
    station = Station(code=code, name=name, area_code=area, host_org=host, cluster=cluster, partners=list(partners))
    FinanceService(ctx.platform).add_station(ctx.actor, station)
    click.echo(code)


# -- consultations ----------------------------------------------------------------------


@command(finance, "queue", as_required=False)
@click.argument("station")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="Only these statuses (repeat).")
@click.option("--limit", default=50, show_default=True, type=LIMIT)
@click.option("--offset", default=0, type=OFFSET)
@click.option("--json", "as_json", is_flag=True)
def queue(ctx: CommandContext, station, statuses, limit, offset, as_json) -> None:
    """A station's consultations, oldest first."""
    service = FinanceService(ctx.platform)
    items = service.queue(ctx.actor, station, status=list(statuses) or None, limit=limit, offset=offset)
    if as_json:
        ctx.echo_json([_consultation_dict(c) for c in items])
        return
    zh = ctx.lang == "zh"
    headers = (("编号", "状态", "需求", "企业", "申请额", "机构", "授信", "受理时间") if zh else
               ("id", "status", "need", "enterprise", "asked", "institution", "granted", "opened"))  # fmt: skip
    ctx.table(headers, [(c.id, _label(STATUS_NAMES, c.status, ctx.lang), _label(NEED_NAMES, c.need, ctx.lang),
                         c.enterprise, format_short(c.amount_asked) if c.amount_asked is not None else "",
                         c.institution, format_short(c.granted_amount) if c.granted_amount else "",
                         ctx.platform.time.format(c.opened_at)) for c in items])  # fmt: skip


@command(finance, "show", as_required=False)
@click.argument("consultation_id", type=RECORD_ID)
@click.option("--json", "as_json", is_flag=True)
def show(ctx: CommandContext, consultation_id, as_json) -> None:
    """A consultation, with its firm and the actions open to it."""
    service = FinanceService(ctx.platform)
    c = service.get(ctx.actor, consultation_id)
    firm = service.enterprise(c.enterprise)
    if as_json:
        ctx.echo_json({**_consultation_dict(c), "enterprise_name": firm.name, "uscc": firm.uscc, "size": firm.size,
                       "actions": service.available(c)})
        return
    lines = [
        ("id", c.id), ("status", _label(STATUS_NAMES, c.status, ctx.lang)),
        ("enterprise", f"{firm.name} ({firm.code}, {firm.uscc}, {firm.industry}, {firm.size})"),
        ("station", c.station), ("need", _label(NEED_NAMES, c.need, ctx.lang)),
        ("asked", format_yuan(c.amount_asked) if c.amount_asked is not None else ""),
        ("officer", c.officer or ""), ("opened", c.opened_at), ("referred", c.referred_at or ""),
        ("institution", c.institution or ""),
        ("granted", format_yuan(c.granted_amount) if c.granted_amount else ""),
        ("inclusive micro-loan", "yes" if c.inclusive else "no"), ("closed", c.closed_at or ""),
        ("reason", c.reason), ("issue", c.issue_id or ""), ("actions", ", ".join(service.available(c))),
    ]  # fmt: skip
    click.echo("\n".join(f"{k:<22}{v}" for k, v in lines if v != "" or k in ("id", "status")))


_FIRM_OPTIONS = (
    click.option("--enterprise", metavar="CODE", help="The firm's organisation code (or its USCC)."),
    click.option("--uscc", help="The firm's unified social credit code; a new firm is registered."),
    click.option("--name", help="A new firm's name."),
    click.option("--industry", help="A new firm's industry."),
    click.option("--size", type=click.Choice(["above_scale", "small", "micro"]), help="A new firm's size."),
    click.option("--need", type=click.Choice(NEEDS), default="loan", show_default=True),
    click.option("--amount", help="Amount asked: 12.34 (yuan), 300万, 1.5亿."),
)


def _firm_options(fn):
    for option in reversed(_FIRM_OPTIONS):
        fn = option(fn)
    return fn


@command(finance, "intake", as_required=False)
@_firm_options
@click.option("--area", metavar="CODE", help="Where a new firm is seated.")
@click.option("--station", metavar="CODE", help="Station (default: the firm's cluster nearest its area).")
@click.option("--officer", metavar="LOGIN", help="Officer in charge.")
@click.option("--issue", "issue_id", type=RECORD_ID, help="Link the consultation to this financing-need case.")
@click.option("--note", default="")
def intake(ctx: CommandContext, enterprise, uscc, name, industry, size, need, amount, area, station, officer,
           issue_id, note) -> None:
    """Take in a consultation; prints its id."""
    if issue_id is not None:
        issue = ctx.platform.issues.get(ctx.actor, issue_id)
        if issue.category != CATEGORY:
            raise ValidationError("--issue", f"issue {issue_id} is a {issue.category}, not a {CATEGORY}")
        if FinanceService(ctx.platform).for_issue(issue_id) is not None:
            raise ValidationError("--issue", f"issue {issue_id} already has a consultation")
        area = area or issue.area_code
    c = FinanceService(ctx.platform).open(
        ctx.actor, enterprise=enterprise, uscc=uscc, name=name, industry=industry, size=size, need=need,
        amount=amount, area_code=area, station=station, officer=officer, issue_id=issue_id, note=note)  # fmt: skip
    click.echo(c.id)


@command(finance, "report-need", as_required=False)
@_firm_options
@click.option("--area", required=True, metavar="CODE", help="Where the need was found (area code).")
@click.option("--title", help="Case title (default: the firm and its need).")
@click.option("--description", default="")
def report_need(ctx: CommandContext, enterprise, uscc, name, industry, size, need, amount, area, title,
                description) -> None:
    """Report a financing need found on a visit: a case that opens a consultation.
    Prints the case id and the consultation id."""
    payload = {k: v for k, v in {"enterprise": enterprise, "uscc": uscc, "enterprise_name": name, "industry": industry,
                                 "size": size, "need": need, "amount": amount}.items() if v}
    if not (enterprise or uscc):
        raise ValidationError("--enterprise", "name the firm by --enterprise or --uscc")
    issue = ctx.platform.issues.report(ctx.actor, area=area, category=CATEGORY, description=description, payload=payload,
                                       title=title or f"{name or enterprise or uscc} 融资需求")  # fmt: skip
    consultation = FinanceService(ctx.platform).for_issue(issue.id)
    click.echo(f"{issue.id} {consultation.id if consultation else ''}".strip())


@command(finance, "refer", as_required=False)
@click.argument("consultation_id", type=RECORD_ID)
@click.option("--institution", required=True, metavar="ORG")
@click.option("--note", default="")
def refer(ctx: CommandContext, consultation_id, institution, note) -> None:
    """Refer the firm to a partner institution."""
    c = FinanceService(ctx.platform).refer(ctx.actor, consultation_id, institution, note=note)
    click.echo(f"{c.id} {c.status} {c.institution}")


@command(finance, "grant", as_required=False)
@click.argument("consultation_id", type=RECORD_ID)
@click.option("--amount", required=True, help="Credit granted: 12.34 (yuan), 300万, 1.5亿.")
@click.option("--inclusive/--not-inclusive", default=False, help="An inclusive micro-loan (small or micro firm, bank).")
@click.option("--institution", metavar="ORG", help="Granting institution (default: the one referred to).")
@click.option("--note", default="")
def grant(ctx: CommandContext, consultation_id, amount, inclusive, institution, note) -> None:
    """Record credit granted (answers the linked case)."""
    c = FinanceService(ctx.platform).grant(ctx.actor, consultation_id, amount, inclusive=inclusive,
                                           institution=institution, note=note)  # fmt: skip
    click.echo(f"{c.id} {c.status} {format_yuan(c.granted_amount)}")


@command(finance, "decline", as_required=False)
@click.argument("consultation_id", type=RECORD_ID)
@click.option("--reason", required=True)
def decline(ctx: CommandContext, consultation_id, reason) -> None:
    """Record that no credit was granted, and why."""
    c = FinanceService(ctx.platform).decline(ctx.actor, consultation_id, reason)
    click.echo(f"{c.id} {c.status}")


@command(finance, "withdraw", as_required=False)
@click.argument("consultation_id", type=RECORD_ID)
@click.option("--reason", default="")
def withdraw(ctx: CommandContext, consultation_id, reason) -> None:
    """Record that the firm withdrew."""
    c = FinanceService(ctx.platform).withdraw(ctx.actor, consultation_id, reason)
    click.echo(f"{c.id} {c.status}")


@command(finance, "firm", as_required=False)
@click.argument("enterprise")
@click.option("--json", "as_json", is_flag=True)
def firm(ctx: CommandContext, enterprise, as_json) -> None:
    """A firm's consultations across stations (by code or USCC)."""
    org, items = FinanceService(ctx.platform).history(ctx.actor, enterprise)
    if as_json:
        ctx.echo_json({"enterprise": org.code, "name": org.name, "uscc": org.uscc, "industry": org.industry,
                       "size": org.size, "consultations": [_consultation_dict(c) for c in items]})
        return
    click.echo(f"{org.name}  {org.uscc}  {org.industry or ''}  {org.size or ''}")
    ctx.table(("id", "station", "status", "need", "asked", "granted", "opened"),
              [(c.id, c.station, _label(STATUS_NAMES, c.status, ctx.lang), _label(NEED_NAMES, c.need, ctx.lang),
                format_short(c.amount_asked) if c.amount_asked is not None else "",
                format_short(c.granted_amount) if c.granted_amount else "",
                ctx.platform.time.day_of(c.opened_at)) for c in items])  # fmt: skip


# -- outreach ---------------------------------------------------------------------------


@command(finance, "visit", as_required=False)
@click.option("--enterprise", required=True, metavar="CODE")
@click.option("--date", "day", required=True, metavar="DATE")
@click.option("--station", metavar="CODE")
@click.option("--note", default="")
def visit(ctx: CommandContext, enterprise, day, station, note) -> None:
    """Record the service team's visit to a firm (the acting member visited)."""
    service = FinanceService(ctx.platform)
    record = OutreachVisit(enterprise=service.enterprise(enterprise).code, officer=ctx.actor.login, station=station,
                           visited_on=parse_day(day, "--date"), note=note)  # fmt: skip
    click.echo(service.record_visit(ctx.actor, record).id)


@command(finance, "event", as_required=False)
@click.option("--name", required=True)
@click.option("--date", "day", required=True, metavar="DATE")
@click.option("--station", metavar="CODE")
@click.option("--institution", "institutions", multiple=True, metavar="ORG")
@click.option("--firm", "firms", multiple=True, metavar="CODE")
def event(ctx: CommandContext, name, day, station, institutions, firms) -> None:
    """Record a "finance for the people" event."""
    record = FinanceEvent(name=name, held_on=parse_day(day, "--date"), station=station,
                          institutions=list(institutions), firms=list(firms))  # fmt: skip
    click.echo(FinanceService(ctx.platform).record_event(ctx.actor, record).id)


@command(finance, "events", as_required=False)
@click.option("--json", "as_json", is_flag=True)
def events(ctx: CommandContext, as_json) -> None:
    """The "finance for the people" events, oldest first."""
    items = FinanceService(ctx.platform).events(ctx.actor)
    if as_json:
        ctx.echo_json([attrs.asdict(e) for e in items])
        return
    ctx.table(("id", "date", "station", "institutions", "firms", "name"),
              [(e.id, e.held_on, e.station, len(e.institutions), len(e.firms), e.name) for e in items])


@command(finance, "visits", as_required=False)
@click.option("--enterprise", metavar="CODE", help="Only visits to this firm (code or USCC).")
@click.option("--json", "as_json", is_flag=True)
def visits(ctx: CommandContext, enterprise, as_json) -> None:
    """The service team's visits to firms, oldest first."""
    items = FinanceService(ctx.platform).visits(ctx.actor, enterprise=enterprise)
    if as_json:
        ctx.echo_json([attrs.asdict(v) for v in items])
        return
    ctx.table(("id", "date", "firm", "officer", "station", "note"),
              [(v.id, v.visited_on, v.enterprise, v.officer, v.station, v.note) for v in items])


# -- figures ----------------------------------------------------------------------------

_FIGURE_LABELS = (
    ("consultations", "咨询次数", "consultations"),
    ("firms_served", "服务企业", "firms served"),
    ("firms_granted", "授信企业", "firms granted credit"),
    ("granted", "授信笔数", "credits granted"),
    ("credit", "新增授信", "credit granted"),
    ("inclusive", "普惠型小微企业贷款", "inclusive micro-loans"),
    ("share", "普惠占比", "inclusive share"),
    ("days", "平均授信天数", "mean days to credit"),
    ("events", "金融惠企活动", "events"),
    ("visits", "走访企业", "outreach visits"),
)


def _render(f: Figures, lang: str) -> str:
    share = f.inclusive_share
    values = {
        "consultations": f.consultations, "firms_served": f.firms_served, "firms_granted": f.firms_granted,
        "granted": f.granted, "credit": f"{format_short(f.credit_fen)} ({f.credit_fen:,} fen)",
        "inclusive": f"{format_short(f.inclusive_fen)} ({f.inclusive_fen:,} fen)",
        "share": f"{share * 100:.2f}%" if share is not None else "–",
        "days": f.mean_days_to_credit if f.mean_days_to_credit is not None else "–",
        "events": f.events, "visits": f.visits,
    }  # fmt: skip
    rows = [(zh if lang == "zh" else en, values[key]) for key, zh, en in _FIGURE_LABELS]
    return fields_block(rows)


@command(finance, "stats", as_required=False)
@click.option("--station", metavar="CODE", help="One station.")
@click.option("--area", metavar="CODE", help="Firms seated in this area's subtree.")
@click.option("--since", metavar="DATE", help="First day counted (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Day after the last one counted (YYYY-MM-DD).")
@click.option("--by-station", is_flag=True, help="One row per station as well.")
@click.option("--json", "as_json", is_flag=True)
def stats(ctx: CommandContext, station, area, since, until, by_station, as_json) -> None:
    """Consultations, firms served and granted credit, credit and its inclusive share, mean
    days from consultation to credit."""
    require_reader(ctx.platform, ctx.actor, area)
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if first and last and last <= first:
        raise ValidationError("--until", f"{last} is not after --since {first}")
    service = FinanceService(ctx.platform)
    if station:
        service.station(station)
    if area:
        ctx.platform.areas.require_exists(area, "--area")
    total = figures(ctx.platform, station=station, area=area, since=first, until=last)
    rows = []
    if by_station:
        for s in service.stations():
            if station and s.code != station:
                continue
            rows.append((s, figures(ctx.platform, station=s.code, area=area, since=first, until=last)))
    if as_json:
        data: dict[str, Any] = {"station": station, "area": area, "since": since, "until": until, **total.as_dict()}
        if by_station:
            data["stations"] = [{"station": s.code, "name": s.name, **f.as_dict()} for s, f in rows]
        ctx.echo_json(data)
        return
    click.echo(_render(total, ctx.lang))
    if by_station:
        click.echo("")
        ctx.table(("station", "consultations", "firms granted", "credit", "inclusive"),
                  [(s.code, f.consultations, f.firms_granted, format_short(f.credit_fen),
                    format_short(f.inclusive_fen)) for s, f in rows])  # fmt: skip
