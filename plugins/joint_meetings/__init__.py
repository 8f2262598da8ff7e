"""Joint meetings (联席会议), the four-level axis: standing bodies per area level, their
meetings, topics that move up a level with the minutes attached, decisions that come back
down to the bodies below and to the core case the topic came from, cadence flags, and
communities' co-building bodies with their commitments and things done.

Sources: Donggang's "一轴三联三进" and Suyu's subdistrict "big working committee" and
community "big party committee" (SEEDS 004 and 001). The plugin uses only
``gridgov.core``'s public API and hooks.
"""

from __future__ import annotations

from gridgov.core import (
    OPEN_STATES,
    MetricSpec,
    PaletteCommand,
    Role,
    ScreenSpec,
    Transition,
    hookimpl,
)

from . import metrics
from .records import COBUILD, CONVENE, DECIDE_ACTION, RESOLVE_ACTION, SECRETARY
from .service import RESOLVABLE
from .tables import migrations

SECRETARY_PERMISSIONS = {CONVENE, COBUILD, "issue.read", "member.read", "metrics.read"}


@hookimpl
def register_roles(register):
    register(Role(post=SECRETARY, name_zh="党组织书记（联席会议召集人）", name_en="party secretary (convener)",
                  permissions=SECRETARY_PERMISSIONS))  # fmt: skip


@hookimpl
def register_actions(register):
    register(Transition(action=DECIDE_ACTION, sources=set(OPEN_STATES), target=None, permission=CONVENE,
                        scope="site", requires={"note"}, name_zh="联席会议意见", name_en="joint meeting note"))  # fmt: skip
    register(Transition(action=RESOLVE_ACTION, sources=set(RESOLVABLE), target="resolved", permission=CONVENE,
                        scope="site", requires={"note"}, name_zh="联席会议议决", name_en="settled by joint meeting"))  # fmt: skip


@hookimpl
def register_migrations(register):
    register(migrations)


@hookimpl
def register_metrics(register):
    register(MetricSpec(id="joint_meetings", title_zh="联席会议", title_en="joint meetings", compute=metrics.card,
                        labels_zh=metrics.LABELS_ZH))  # fmt: skip


@hookimpl
def register_cli_commands(cli):
    from .cli import joint_meetings

    if "joint-meetings" not in cli.commands:
        cli.add_command(joint_meetings)


@hookimpl
def register_screens(register):
    from .screens import agenda_screen, bodies_screen, chain_screen

    register(ScreenSpec(id="joint_meetings.bodies", title_zh="联席会议", title_en="Joint meetings",
                        factory=bodies_screen, permission="issue.read"))  # fmt: skip
    register(ScreenSpec(id="joint_meetings.chain", title_zh="议题上移链", title_en="Topic chain",
                        factory=chain_screen, permission="issue.read"))  # fmt: skip
    register(ScreenSpec(id="joint_meetings.agenda", title_zh="议程生成", title_en="Agenda builder",
                        factory=agenda_screen, permission=CONVENE))  # fmt: skip


@hookimpl
def register_palette_commands(register):
    from .screens import bodies_screen

    register(PaletteCommand(id="joint_meetings.bodies", title_zh="联席会议", title_en="Joint meetings",
                            run=lambda app: app.push_screen(bodies_screen(app)),
                            help_zh="各级联席会议、议题和决定", help_en="Bodies, meetings, topics and decisions"))  # fmt: skip


@hookimpl
def load_demo_data(platform, scale, rng, progress):
    from .demo import load

    load(platform, scale, rng, progress)
