"""Service lists (三张清单): the community's needs list, the organisations' resource list
and the units' service list; matching needs with resources into a project list decided by
the community body; residents' orders of listed services (点单 → 派单 → 接单); projects
with milestones, progress, monthly checks, quarterly inspection notices and year-end
ratings by residents (SEEDS 000–003).

Built through the public hooks only, like the other department plugins. An order that
cannot be served becomes a core case of the category ``service_lists.order``; a project
may link to a joint-meetings decision, checked only when that plugin is loaded.
"""

from __future__ import annotations

from gridgov.core import Category, MetricSpec, PaletteCommand, Role, ScreenSpec, hookimpl

from . import metrics
from .records import CATEGORY, DECIDE, KEEPER, MANAGE, SERVE, UNIT_CONTACT
from .tables import migrations

KEEPER_PERMISSIONS = {MANAGE, DECIDE, "issue.read", "issue.report", "member.read", "metrics.read"}
UNIT_PERMISSIONS = {SERVE, "issue.read"}


@hookimpl
def register_categories(register):
    register(Category(code=CATEGORY, name_zh="点单未能办理", name_en="unserved service order",
                      response_hours=24, resolve_hours=120, handler_kind="party_branch"))  # fmt: skip


@hookimpl
def register_roles(register):
    register(Role(post=KEEPER, name_zh="清单管理员", name_en="list keeper", permissions=KEEPER_PERMISSIONS))
    register(Role(post=UNIT_CONTACT, name_zh="服务单位联络员", name_en="service unit contact",
                  permissions=UNIT_PERMISSIONS))  # fmt: skip


@hookimpl
def register_migrations(register):
    register(migrations)


@hookimpl
def register_metrics(register):
    register(MetricSpec(id="service_lists", title_zh="三张清单", title_en="service lists", compute=metrics.card,
                        labels_zh=metrics.CARD_LABELS_ZH))  # fmt: skip


@hookimpl
def register_cli_commands(cli):
    from .cli import lists

    if "lists" not in cli.commands:
        cli.add_command(lists)


@hookimpl
def register_screens(register):
    from . import ui

    for spec in ui.SCREENS:
        register(ScreenSpec(**spec))


@hookimpl
def register_palette_commands(register):
    from . import ui

    for spec in ui.SCREENS:
        factory = spec["factory"]
        register(PaletteCommand(id=spec["id"], title_zh=spec["title_zh"], title_en=f"Lists: {spec['title_en']}",
                                run=lambda app, factory=factory: app.push_screen(factory(app)),
                                help_zh=spec["title_zh"], help_en=spec["title_en"]))  # fmt: skip


@hookimpl
def load_demo_data(platform, scale, rng, progress):
    from .demo import load

    load(platform, scale, rng, progress)
