"""``gridgov issue …``: report, list, show and act on cases from scripts and the shell."""

from __future__ import annotations

from typing import Any

import click

from ..converter import to_dict
from ..errors import ValidationError
from ..models import Issue
from ..workflow import STATES
from . import cli
from .context import AppContext, pass_app
from .output import (
    as_option,
    echo_json,
    fields_block,
    printable,
    reports_errors,
    resolve_actor,
    table,
)
from .params import LIMIT, OFFSET, RECORD_ID, VERSION, record_id

STATUS_ZH = {
    "reported": "已上报", "registered": "已立案", "rejected": "不予立案", "merged": "已合并",
    "dispatched": "已派遣", "returned": "已退回", "in_progress": "处置中", "resolved": "已处置",
    "verified": "已核查", "closed": "已结案", "reopened": "重新办理",
}  # fmt: skip
_HEADERS = {
    "en": ("id", "status", "level", "category", "area", "due", "title"),
    "zh": ("编号", "状态", "层级", "类别", "区域", "时限", "标题"),
}


@cli.group("issue")
def issue() -> None:
    """Report, list, show and act on issues (cases)."""


@issue.command("report")
@click.option("--area", required=True, metavar="CODE", help="Where the issue is (area code).")
@click.option("--category", required=True, metavar="CODE", help="Category code (see `gridgov issue categories`).")
@click.option("--title", required=True, help="A short title.")
@click.option("--description", default="", help="What happened, in the requester's words.")
@click.option("--priority", help="low, normal, high or urgent (default: the category's).")
@click.option("--source", default="visit", show_default=True, help="visit, hotline, walk_in, member, meeting, online…")
@click.option("--requester-name", help="Who asked (personal data).")
@click.option("--requester-phone", help="The requester's phone (personal data, masked on display).")
@as_option()
@pass_app
@reports_errors
def report(app: AppContext, area: str, category: str, title: str, description: str, priority: str | None,
           source: str, requester_name: str | None, requester_phone: str | None, login: str) -> None:
    """Take in a new issue; prints only its id, for scripts."""
    actor = resolve_actor(app, login)
    created = app.platform.issues.report(
        actor, area=area, category=category, title=title, description=description, priority=priority,
        source=source, requester_name=requester_name, requester_phone=requester_phone,
    )
    click.echo(created.id)


@issue.command("list")
@click.option("--status", multiple=True, help="Only these statuses (repeatable; default: the open ones).")
@click.option("--all", "all_states", is_flag=True, help="Closed, rejected and merged cases too.")
@click.option("--area", metavar="CODE", help="Only cases in this area's subtree.")
@click.option("--category", metavar="CODE", help="Only this category.")
@click.option("--overdue", is_flag=True, help="Only open cases past their deadline.")
@click.option("--search", metavar="TEXT", help="Words in the title or description.")
@click.option("--limit", default=50, show_default=True, type=LIMIT)
@click.option("--offset", default=0, type=OFFSET)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of issues.")
@as_option()
@pass_app
@reports_errors
def list_(app: AppContext, status: tuple[str, ...], all_states: bool, area: str | None, category: str | None,
          overdue: bool, search: str | None, limit: int, offset: int, as_json: bool, login: str) -> None:
    """The actor's queue: open cases, soonest due first (a due time marked ! is overdue).
    ``--status`` or ``--all`` lists other states."""
    actor = resolve_actor(app, login)
    platform = app.platform
    if area:
        platform.areas.require_exists(area, "--area")
    states = set(STATES) | {t.target for t in platform.transitions.values() if t.target}
    for value in status:
        if value not in states:
            raise ValidationError("--status", f"{value!r} is not a status ({', '.join(sorted(states))})")
    issues = platform.issues.list(actor, area=area, status=list(status), category=category, overdue=overdue,
                                  open_only=not (status or all_states), search=search, limit=limit,
                                  offset=offset)
    if as_json:
        echo_json([to_dict(i) for i in issues])
        return
    if not issues:
        click.echo("no issues" if app.lang == "en" else "没有案件")
        return
    now = platform.now()
    click.echo(table(_HEADERS.get(app.lang, _HEADERS["en"]), [_issue_cells(app, i, now) for i in issues]))


def _issue_cells(app: AppContext, issue: Issue, now: Any) -> list[Any]:
    due = app.platform.time.format(issue.due_at) if issue.due_at and issue.is_open else ""
    if due and issue.overdue_at(now):
        due += "!"
    status = STATUS_ZH.get(issue.status, issue.status) if app.lang == "zh" else issue.status
    return [issue.id, status, issue.level, issue.category, issue.area_code, due, issue.title]


@issue.command("show")
@click.argument("issue_id", type=RECORD_ID)
@click.option("--json", "as_json", is_flag=True, help='{"issue": …, "events": […], "actions": […]}')
@as_option()
@pass_app
@reports_errors
def show(app: AppContext, issue_id: int, as_json: bool, login: str) -> None:
    """One case: its fields, its event timeline and the actions the actor may take now."""
    actor = resolve_actor(app, login)
    platform = app.platform
    found = platform.issues.get(actor, issue_id)
    events = platform.issues.events(actor, issue_id)
    actions = platform.issues.available_actions(actor, found)
    if as_json:
        echo_json({"issue": to_dict(found), "events": [to_dict(e) for e in events], "actions": actions})
        return
    category = platform.categories.get(found.category)
    category_name = (category.name_zh if app.lang == "zh" else category.name_en) if category else ""
    click.echo(fields_block([
        ("id", found.id),
        ("title", found.title),
        ("status", found.status),
        ("category", f"{found.category} {category_name}".strip()),
        ("priority", found.priority),
        ("area", found.area_code),
        ("handling", f"{found.handling_area} ({found.level})"),
        ("source", found.source),
        ("reporter", found.reporter),
        ("requester", " ".join(x for x in (found.requester_name, found.requester_phone) if x)),
        ("assignee", found.assignee_member or found.assignee_org),
        ("reported", found.reported_at),
        ("due", found.due_at),
        ("rating", found.rating),
        ("merged into", found.merged_into),
        ("version", found.version),
    ]))
    if found.description:
        click.echo("")
        click.echo(printable(found.description, multiline=True))
    click.echo("")
    rows = [[e.seq, e.at, e.actor, e.action, f"{e.from_status or ''}→{e.to_status}",
             e.member or e.org or "", e.note] for e in events]
    click.echo(table(("#", "at", "actor", "action", "status", "assignee", "note"), rows))
    click.echo("")
    click.echo(f"actions: {', '.join(actions) if actions else '(none)'}")


@issue.command("act")
@click.argument("issue_id", type=RECORD_ID)
@click.argument("action")
@click.option("--to", "target", metavar="TARGET",
              help="dispatch: an organisation code or member login (org:CODE / member:LOGIN to say which); "
                   "merge: the issue id to merge into.")
@click.option("--note", default="", help="The reason or result (required by reject, return, resolve…).")
@click.option("--rating", help="close: satisfied, basically_satisfied or dissatisfied.")
@click.option("--version", "expected_version", type=VERSION,
              help="Refuse if the case changed since this version (stale-update check).")
@click.option("--json", "as_json", is_flag=True, help="Print the updated issue as JSON.")
@as_option()
@pass_app
@reports_errors
def act(app: AppContext, issue_id: int, action: str, target: str | None, note: str, rating: str | None,
        expected_version: int | None, as_json: bool, login: str) -> None:
    """Take a workflow action (register, dispatch, accept, resolve, verify, close…); prints
    the new status."""
    actor = resolve_actor(app, login)
    platform = app.platform
    params: dict[str, Any] = {}
    transition = platform.transitions.get(action)
    if target is not None:
        if action == "merge" or (transition is not None and "merge_into" in transition.requires):
            if not (target.strip().isascii() and target.strip().isdigit()):
                raise ValidationError("--to", f"{action} needs an issue id, not {target!r}")
            params["merge_into"] = record_id(target, "--to")
        else:
            params.update(_dispatch_target(app, target))
    updated = platform.issues.act(actor, issue_id, action, note=note, rating=rating,
                                  expected_version=expected_version, **params)
    if as_json:
        echo_json(to_dict(updated))
    else:
        click.echo(updated.status)


def _dispatch_target(app: AppContext, target: str) -> dict[str, str]:
    """``org=`` or ``member=`` for a ``--to`` value, whichever exists."""
    kind, _, name = target.partition(":")
    if name and kind in ("org", "member"):
        return {kind: name}
    store = app.platform._store
    is_org = store.find("organisation", target) is not None
    is_member = store.find("member", target) is not None
    if is_org and is_member:
        raise ValidationError("--to", f"{target} is both an organisation and a member; write org:{target} or member:{target}")
    if is_org:
        return {"org": target}
    if is_member:
        return {"member": target}
    raise ValidationError("--to", f"no organisation or member {target}")


@issue.command("categories")
@click.option("--json", "as_json", is_flag=True)
@pass_app
@reports_errors
def categories(app: AppContext, as_json: bool) -> None:
    """The registered categories: owner, default priority, the category's own deadlines and
    handler kind, and the deadline a case of the default priority gets (SLA rules and the
    priority factor applied)."""
    platform = app.platform
    rows = [category_row(platform, cat) for cat in sorted(platform.categories.values(), key=lambda c: c.code)]
    if as_json:
        echo_json(rows)
        return
    headers = ("code", "zh", "en", "owner", "priority", "response h", "resolve h", "due at priority", "handler")
    click.echo(table(headers, [
        [r["code"], r["name_zh"], r["name_en"],
         r["plugin"] + (f" (adopted from {r['adopted_from']})" if r["adopted_from"] else ""),
         r["default_priority"], r["response_hours"], r["resolve_hours"],
         _due_text(r["effective_deadline"]), r["handler_kind"]]
        for r in rows
    ]))


def category_row(platform: Any, cat: Any) -> dict[str, Any]:
    """A category under its record's field names (``response_hours`` and ``resolve_hours``
    are the category's own), its owner, and ``effective_deadline``: what a case of the
    default priority gets, from the deployment's SLA rules (``source: "sla"``) or from the
    category's hours times the priority factor (``source: "category"``)."""
    rule = platform.sla.rule_for(cat, cat.default_priority)
    from_rules = any(r.category in ("*", cat.code) and r.priority in ("*", cat.default_priority)
                     for r in platform.sla.rules)
    return {
        "code": cat.code, "name_zh": cat.name_zh, "name_en": cat.name_en, "plugin": cat.plugin,
        "adopted_from": cat.adopted_from, "default_priority": cat.default_priority,
        "response_hours": cat.response_hours, "resolve_hours": cat.resolve_hours, "handler_kind": cat.handler_kind,
        "effective_deadline": {
            "priority": cat.default_priority, "response_hours": rule.response_hours,
            "resolve_hours": rule.resolve_hours, "working_hours": rule.working_hours,
            "source": "sla" if from_rules else "category",
        },
    }


def _due_text(deadline: dict[str, Any]) -> str:
    unit = " working h" if deadline["working_hours"] else " h"
    return f"{deadline['response_hours']:g}/{deadline['resolve_hours']:g}{unit} ({deadline['priority']})"


@issue.command("similar")
@click.option("--area", required=True, metavar="CODE")
@click.option("--category", required=True, metavar="CODE")
@click.option("--text", required=True, help="The new report's title and description.")
@click.option("--json", "as_json", is_flag=True)
@as_option()
@pass_app
@reports_errors
def similar(app: AppContext, area: str, category: str, text: str, as_json: bool, login: str) -> None:
    """Open cases that are likely duplicates of a new report (same category and grid, similar text)."""
    actor = resolve_actor(app, login)
    app.platform.areas.require_exists(area, "--area")
    found = app.platform.issues.similar(actor, category=category, area=area, text=text)
    if as_json:
        echo_json([to_dict(i) for i in found])
        return
    if not found:
        click.echo("no similar open issues")
        return
    click.echo(table(("id", "status", "area", "reported", "title"),
                     [[i.id, i.status, i.area_code, i.reported_at, i.title] for i in found]))
