"""Pairing and assessment (SEEDS 000, 001, 002, 004): who is linked to what, whether they
show up, and how they are scored.

- :mod:`.plans` solves the year's pairing plan (:mod:`.planner`, HiGHS through SciPy),
  stores it with each link's explanation and the rotation diff, and applies it as the
  core's pairings in one transaction;
- :mod:`.duties` keeps posts' duties with cadences (weekly patrol, monthly summary,
  quarterly report, a linked leader's quarterly visit, household visits), check-ins, late
  and missed periods in the deployment zone, and household-visit coverage per area;
- :mod:`.sheets` keeps two-way ratings of members and year-end scores of units, and
  turns them with the core's work records and the check-ins into yearly sheets
  (:mod:`.scoring`), exportable as CSV or JSON.

It uses only ``gridgov.core``'s public API and hooks.
"""

from __future__ import annotations

from gridgov.core import MetricSpec, PaletteCommand, Role, ScreenSpec, hookimpl

from .records import ASSESSOR, LINKED_LEADER, PAIRED_MEMBER, POST_NAMES
from .tables import migrations

ASSESSOR_PERMISSIONS = {
    "assessment.read", "assessment.manage", "assessment.checkin", "assessment.rate", "assessment.plan",
    "pairing.manage", "member.read", "metrics.read", "issue.read",
}  # fmt: skip


@hookimpl
def register_roles(register):
    register(Role(post=ASSESSOR, name_zh=POST_NAMES[ASSESSOR][0], name_en=POST_NAMES[ASSESSOR][1],
                  permissions=ASSESSOR_PERMISSIONS))
    register(Role(post=LINKED_LEADER, name_zh=POST_NAMES[LINKED_LEADER][0], name_en=POST_NAMES[LINKED_LEADER][1],
                  permissions={"assessment.read", "issue.read", "member.read", "metrics.read"}))
    register(Role(post=PAIRED_MEMBER, name_zh=POST_NAMES[PAIRED_MEMBER][0], name_en=POST_NAMES[PAIRED_MEMBER][1],
                  permissions={"issue.read", "issue.report"}))


@hookimpl
def register_migrations(register):
    register(migrations)


@hookimpl
def register_metrics(register):
    from . import metrics

    register(MetricSpec(id="assessment", title_zh="结对与考核", title_en="pairing and assessment",
                        compute=metrics.card, labels_zh=metrics.LABELS_ZH))


@hookimpl
def register_cli_commands(cli):
    from .cli import assessment

    if "assessment" not in cli.commands:
        cli.add_command(assessment)


@hookimpl
def register_screens(register):
    from .screens import calendar_screen, plan_screen, sheets_screen

    register(ScreenSpec(id="assessment.plan", title_zh="结对方案", title_en="Pairing plan",
                        factory=plan_screen, permission="assessment.read"))
    register(ScreenSpec(id="assessment.calendar", title_zh="履职打卡日历", title_en="Duty check-in calendar",
                        factory=calendar_screen, permission="assessment.read"))
    register(ScreenSpec(id="assessment.sheets", title_zh="年度考核表", title_en="Yearly sheets",
                        factory=sheets_screen, permission="assessment.read"))


@hookimpl
def register_palette_commands(register):
    from .screens import calendar_screen, plan_screen, sheets_screen

    register(PaletteCommand(id="assessment.plan", title_zh="结对方案", title_en="Assessment: pairing plan",
                            run=lambda app: app.push_screen(plan_screen(app)),
                            help_zh="方案、每条结对的理由和轮换对比", help_en="The plan, why each link, the rotation diff"))
    register(PaletteCommand(id="assessment.calendar", title_zh="履职打卡日历", title_en="Assessment: check-in calendar",
                            run=lambda app: app.push_screen(calendar_screen(app)),
                            help_zh="按周期查看打卡、迟交和漏报", help_en="Check-ins by period: on time, late, missed"))
    register(PaletteCommand(id="assessment.sheets", title_zh="年度考核表", title_en="Assessment: yearly sheets",
                            run=lambda app: app.push_screen(sheets_screen(app)),
                            help_zh="党员和单位的年度考核", help_en="Members' and units' yearly sheets"))


@hookimpl
def load_demo_data(platform, scale, rng, progress):
    from .demo import load

    load(platform, scale, rng, progress)
