"""Finance stations (金融驿站): credit for small firms, tied to the closed loop.

The Industry & IT bureau's finance service team runs offline stations by industry cluster
with partner banks, insurers and brokers. A financing need reported in the platform
(category ``finance.financing_need``) opens a consultation at the station of the firm's
cluster nearest its area, is dispatched to that station's host organisation, and is
answered when the consultation ends (see :mod:`.service` for the rule).

Only ``gridgov.core``'s public API and documented hooks are used here.
"""

from __future__ import annotations

from gridgov.core import Category, MetricSpec, PaletteCommand, Role, Route, ScreenSpec, hookimpl

from .records import TERMINAL
from .service import CATEGORY, FinanceService
from .tables import migrations

FINANCE_CATEGORY = Category(
    code=CATEGORY, name_zh="企业融资需求", name_en="financing need", response_hours=24,
    resolve_hours=720, handler_kind="agency",
)  # fmt: skip
ROLES = (
    Role(post="finance_officer", name_zh="金融服务专员", name_en="finance officer",
         permissions={"finance.consult", "finance.grant", "issue.read", "issue.accept", "issue.resolve"}),
    Role(post="finance_manager", name_zh="金融服务团负责人", name_en="finance service team lead",
         permissions={"finance.manage", "finance.consult", "finance.grant", "issue.read",
                      "issue.accept", "issue.resolve", "metrics.read"}),
)  # fmt: skip


@hookimpl
def register_categories(register):
    register(FINANCE_CATEGORY)


@hookimpl
def register_roles(register):
    for role in ROLES:
        register(role)


@hookimpl
def register_migrations(register):
    register(migrations)


@hookimpl
def register_cli_commands(cli):
    from .cli import finance

    cli.add_command(finance)


def _screen(name: str):
    def factory(app, *args):
        from . import screens

        return getattr(screens, name)(app, *args)

    return factory


@hookimpl
def register_screens(register):
    register(
        ScreenSpec(
            id="finance.stations",
            title_zh="金融驿站",
            title_en="Finance stations",
            factory=_screen("StationsScreen"),
            permission="finance.consult",
        )
    )


@hookimpl
def register_palette_commands(register):
    register(
        PaletteCommand(
            id="finance.stations",
            title_zh="金融驿站",
            title_en="Finance stations",
            run=lambda app: app.push_screen(_screen("StationsScreen")(app)),
            help_zh="各驿站咨询、授信与队列",
            help_en="stations, their queues and credit",
        )
    )


@hookimpl
def register_metrics(register):
    from .metrics import card

    register(
        MetricSpec(
            id="finance.credit",
            title_zh="金融驿站授信",
            title_en="Finance stations: credit",
            compute=card,
            labels_zh={
                "consultations": "咨询", "firms served": "服务企业", "firms granted credit": "获授信企业",
                "credit granted": "授信金额", "inclusive micro-loans": "普惠型小微贷款",
                "inclusive share": "普惠占比", "mean days to credit": "平均授信天数",
            },
        )
    )


@hookimpl
def route_issue(platform, issue):
    """A financing need goes to the host organisation of its consultation's station, or of
    the station chosen for the firm's cluster and the issue's area."""
    if issue.category != CATEGORY:
        return None
    service = FinanceService(platform)
    consultation = service.for_issue(issue.id) if issue.id else None
    if consultation is not None:
        station = service.station(consultation.station)
    else:
        industry = None
        ref = (issue.payload or {}).get("enterprise") or (issue.payload or {}).get("uscc")
        if ref:
            try:
                industry = service.enterprise(ref).industry
            except ValueError:
                industry = (issue.payload or {}).get("industry")
        station = service.station_for(issue.area_code, industry)
    if station is None:
        return None
    return Route(
        org_code=station.host_org, reason=f"finance station {station.code} ({station.cluster})"
    )


@hookimpl
def veto_action(platform, actor, issue, action, params):
    """Refuse a financing need whose payload names a firm badly, and refuse resolving one
    whose consultation has no outcome yet."""
    if issue.category != CATEGORY:
        return None
    service = FinanceService(platform)
    if action == "report":
        return service.check_payload(issue)
    if action == "resolve" and issue.id is not None:
        consultation = service.for_issue(issue.id)
        if consultation is not None and consultation.status not in TERMINAL:
            return (
                f"consultation {consultation.id} is {consultation.status}; record its outcome "
                "(gridgov finance grant/decline/withdraw) to answer the case"
            )
    return None


@hookimpl
def issue_created(platform, actor, issue):
    if issue.category == CATEGORY:
        FinanceService(platform).open_from_issue(issue)


@hookimpl
def issue_changed(platform, actor, issue, event):
    """A financing need rejected or merged by the dispatcher withdraws its consultation."""
    if issue.category != CATEGORY or event.action not in ("reject", "merge"):
        return
    from gridgov.core import Actor

    service = FinanceService(platform)
    consultation = service.for_issue(issue.id)
    if consultation is not None and consultation.status not in TERMINAL:
        done = {"reject": "rejected", "merge": "merged"}[event.action]
        reason = f"case {done}" + (f": {event.note}" if event.note else "")
        service.withdraw(Actor.system(), consultation.id, reason, at=event.at)


@hookimpl
def load_demo_data(platform, scale, rng, progress):
    from .demo import load

    load(platform, scale, rng, progress)
