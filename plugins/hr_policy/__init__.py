"""HR policy outreach: policies that walk to the firms (惠企政策宣讲).

The HR bureau's talent, labour-inspection and labour-arbitration branches keep a catalogue
of enterprise policies with eligibility rules, hold outreach sessions for the firms that
may qualify, and take the questions raised there as ``hr.policy_question`` cases routed to
the branch for the topic. Firms follow topics and are on the notice list of every new or
changed policy. This module holds only the hook implementations.
"""

from __future__ import annotations

from gridgov.core import Category, MetricSpec, PaletteCommand, Role, Route, ScreenSpec, hookimpl

from .bureau import TOPIC_BRANCH, bureau_units
from .records import CATEGORY, MANAGE, READ
from .service import HrPolicyService
from .tables import migrations


@hookimpl
def register_categories(register):
    register(Category(code=CATEGORY, name_zh="惠企政策咨询", name_en="HR policy question",
                      response_hours=24, resolve_hours=120, handler_kind="agency"))


@hookimpl
def register_roles(register):
    register(Role(post="hr_officer", name_zh="人力资源政策专员", name_en="HR policy officer",
                  permissions={MANAGE, READ, "issue.read", "issue.report", "issue.register",
                               "issue.dispatch", "issue.accept", "issue.resolve", "metrics.read"}))
    register(Role(post="hr_viewer", name_zh="政策宣讲查看者", name_en="HR outreach viewer",
                  permissions={READ, "metrics.read"}))


@hookimpl
def register_migrations(register):
    register(migrations)


@hookimpl
def route_issue(platform, issue):
    """A policy question goes to the bureau's branch for its topic (the bureau itself for
    stable employment and other topics)."""
    if issue.category != CATEGORY:
        return None
    units = bureau_units(platform)
    topic = (issue.payload.get("hr_question") or {}).get("topic", "other")
    role = TOPIC_BRANCH.get(topic, "bureau")
    org = units.get(role) or units.get("bureau")
    if org is None:
        return None
    return Route(org_code=org, reason=f"HR policy question on {topic} → {role}")


@hookimpl
def issue_changed(platform, actor, issue, event):
    if issue.category == CATEGORY:
        answer = event.note if event.action == "resolve" else None
        HrPolicyService(platform).sync(issue, answer=answer)


@hookimpl
def register_metrics(register):
    from .metrics import card

    register(MetricSpec(id="hr_policy.outreach", title_zh="政策宣讲", title_en="HR policy outreach",
                        compute=card, labels_zh={
                            "sessions": "宣讲会", "firms reached": "覆盖企业", "people attending": "参会人数",
                            "questions": "问题", "answered on time": "按期答复", "on-time rate": "按期答复率",
                            "coverage of eligible firms": "符合条件企业覆盖率",
                        }))


@hookimpl
def register_cli_commands(cli):
    from .cli import hr

    cli.add_command(hr)


def _screen(name: str):
    def factory(app):
        from . import screens

        return getattr(screens, name)(app)

    return factory


_SCREENS = (
    ("hr.catalogue", "政策目录", "policy catalogue", "CatalogueScreen"),
    ("hr.plan", "策划宣讲会", "plan a session", "PlanSessionScreen"),
    ("hr.attendance", "签到登记", "record attendance", "AttendanceScreen"),
    ("hr.questions", "企业提问", "questions queue", "QuestionsScreen"),
    ("hr.firm", "企业可享政策", "a firm's policies", "FirmPoliciesScreen"),
)


@hookimpl
def register_screens(register):
    for screen_id, zh, en, name in _SCREENS:
        register(ScreenSpec(id=screen_id, title_zh=zh, title_en=en, factory=_screen(name), permission=READ))


def _outreach_summary(app) -> None:
    """Palette command: the outreach figures of the actor's view, as a notification."""
    from gridgov.core import GridgovError

    from .metrics import compute

    try:
        m = compute(app.platform, app.actor)
    except GridgovError as exc:
        app.notify(str(exc), severity="error")
        return
    zh = getattr(app, "lang", "en") == "zh"
    text = (f"宣讲会{m.sessions}场，覆盖企业{m.firms_reached}家、{m.people}人；提问{m.questions}个，按时答复{m.answered_on_time}个"
            if zh else f"{m.sessions} sessions, {m.firms_reached} firms reached, {m.people} people; "
            f"{m.questions} questions, {m.answered_on_time} answered on time")
    app.notify(text, title="政策宣讲" if zh else "HR policy outreach")


@hookimpl
def register_palette_commands(register):
    register(PaletteCommand(id="hr.outreach_summary", title_zh="政策宣讲成效", title_en="HR outreach figures",
                            run=_outreach_summary, help_zh="宣讲场次、覆盖企业与按时答复",
                            help_en="sessions, firms reached, questions answered on time"))


@hookimpl
def load_demo_data(platform, scale, rng, progress):
    from .demo import load

    load(platform, scale, rng, progress)
