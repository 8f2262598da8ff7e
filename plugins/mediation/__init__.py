"""People's mediation, the Fengqiao way: "small matters stay in the grid, big matters stay
in the community".

A dispute is a core case of category ``mediation.dispute``, handled first by the grid's
mediation room (or the community's committee), escalated along the core's levels, and
settled by an agreement (the case is resolved) or referred to arbitration, a court or the
police (the case is closed by the ``refer`` action). The plugin keeps the parties, the
sessions, the outcome and the follow-up visits, and refuses a mediator who is a party or
paired with a party's household. It uses only ``gridgov.core``'s public API and hooks.
"""

from __future__ import annotations

from gridgov.core import (
    Category,
    MetricSpec,
    PaletteCommand,
    Role,
    ScreenSpec,
    Transition,
    hookimpl,
)

from . import metrics, rules
from .records import CATEGORY, MEDIATOR
from .service import MediationService
from .tables import migrations

MEDIATOR_PERMISSIONS = {
    "mediation.record", "mediation.refer", "issue.read", "issue.accept", "issue.resolve",
    "issue.return", "member.read", "metrics.read",
}  # fmt: skip


@hookimpl
def register_categories(register):
    register(Category(code=CATEGORY, name_zh="矛盾纠纷调解", name_en="dispute mediation",
                      response_hours=24, resolve_hours=720, handler_kind="mediation_committee"))  # fmt: skip


@hookimpl
def register_roles(register):
    register(Role(post=MEDIATOR, name_zh="人民调解员", name_en="mediator", permissions=MEDIATOR_PERMISSIONS))


@hookimpl
def register_actions(register):
    register(Transition(action="refer", sources={"dispatched", "in_progress"}, target="closed",
                        permission="mediation.refer", scope="assignee", requires={"note"},
                        name_zh="调解不成移送", name_en="refer (mediation failed)", categories={CATEGORY}))  # fmt: skip
    register(Transition(action="withdraw", sources={"dispatched", "in_progress"}, target="closed",
                        permission="mediation.record", scope="assignee", requires={"note"},
                        name_zh="撤回调解", name_en="withdraw", categories={CATEGORY}))  # fmt: skip


@hookimpl
def register_migrations(register):
    register(migrations)


@hookimpl
def register_metrics(register):
    register(MetricSpec(id="mediation", title_zh="人民调解", title_en="people's mediation", compute=metrics.card,
                        labels_zh={
                            "disputes received": "受理纠纷", "agreement rate": "调解成功率",
                            "settled in the grid": "网格化解", "settled in the community": "社区化解",
                            "settled higher": "上级化解", "mean days to agreement": "平均调解天数",
                            "performed on time": "按期履行",
                        }))


@hookimpl
def register_cli_commands(cli):
    from .cli import mediation

    if "mediation" not in cli.commands:
        cli.add_command(mediation)


@hookimpl
def register_screens(register):
    from .screens import calendar_screen, dispute_list_screen

    register(ScreenSpec(id="mediation.disputes", title_zh="矛盾纠纷调解", title_en="Disputes (mediation)",
                        factory=dispute_list_screen, permission="issue.read"))  # fmt: skip
    register(ScreenSpec(id="mediation.calendar", title_zh="我的调解日程", title_en="My mediation sessions",
                        factory=calendar_screen, permission="mediation.record"))  # fmt: skip


@hookimpl
def register_palette_commands(register):
    from .screens import calendar_screen, dispute_list_screen

    register(PaletteCommand(id="mediation.disputes", title_zh="矛盾纠纷列表", title_en="Mediation: disputes",
                            run=lambda app: app.push_screen(dispute_list_screen(app)),
                            help_zh="查看和调解矛盾纠纷", help_en="List, mediate and settle disputes"))  # fmt: skip
    register(PaletteCommand(id="mediation.calendar", title_zh="我的调解日程", title_en="Mediation: my sessions",
                            run=lambda app: app.push_screen(calendar_screen(app)),
                            help_zh="我参加的调解会", help_en="Sessions I mediate"))  # fmt: skip


@hookimpl
def route_issue(platform, issue):
    if issue.category != CATEGORY:
        return None
    return rules.route(platform, issue)


@hookimpl
def veto_action(platform, actor, issue, action, params):
    return rules.veto(platform, issue, action, params)


@hookimpl
def issue_created(platform, actor, issue):
    if issue.category == CATEGORY:
        MediationService(platform).open_from_issue(issue)


@hookimpl
def issue_changed(platform, actor, issue, event):
    if issue.category == CATEGORY:
        rules.on_change(platform, issue, event.action, event.at)


@hookimpl
def load_demo_data(platform, scale, rng, progress):
    from .demo import load

    load(platform, scale, rng, progress)
