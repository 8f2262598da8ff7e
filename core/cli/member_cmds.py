"""``gridgov member …``: who is in the platform, with personal data masked by default."""

from __future__ import annotations

import click

from ..converter import to_dict
from ..errors import ValidationError
from . import cli
from .context import AppContext, pass_app
from .output import as_option, echo_json, fields_block, reports_errors, resolve_actor, table


@cli.group("member")
def member() -> None:
    """List and show members (phone and ID numbers masked)."""


@member.command("list")
@click.option("--role", metavar="POST", help="Only holders of this post (grid_worker, dispatcher…).")
@click.option("--area", metavar="CODE", help="Only members living or posted in this area's subtree.")
@click.option("--limit", type=click.IntRange(1), help="At most this many (default: all).")
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="A JSON list of members.")
@as_option(required=False)
@pass_app
@reports_errors
def list_(app: AppContext, role: str | None, area: str | None, limit: int | None, offset: int,
          as_json: bool, login: str | None) -> None:
    """Members the actor may see, by login; phone and ID numbers masked."""
    actor = resolve_actor(app, login)
    platform = app.platform
    if role and role not in platform.roles:
        raise ValidationError("--role", f"unknown post {role}; known: {', '.join(sorted(platform.roles))}")
    if area:
        platform.areas.require_exists(area, "--area")
    members = platform.members.list(actor, role=role, area=area, limit=None if limit is None else offset + limit)
    members = members[offset:]
    if as_json:
        echo_json([to_dict(m) for m in members])
        return
    if not members:
        click.echo("no members")
        return
    rows = [[m.login, m.name, m.org_code, m.home_area, "yes" if m.party_member else "", m.phone, m.id_number]
            for m in members]
    click.echo(table(("login", "name", "organisation", "home", "party", "phone", "ID number"), rows))


@member.command("show")
@click.argument("member_login", metavar="LOGIN")
@click.option("--unmask", is_flag=True, help="Show phone and ID number in full (needs --reason; logged).")
@click.option("--reason", help="Why the personal data is needed (written to the access log).")
@click.option("--json", "as_json", is_flag=True)
@as_option(required=False)
@pass_app
@reports_errors
def show(app: AppContext, member_login: str, unmask: bool, reason: str | None, as_json: bool,
         login: str | None) -> None:
    """One member with their posts and pairings; --unmask --reason shows personal data in full."""
    if unmask and not (reason or "").strip():
        raise ValidationError("--reason", "--unmask needs a reason")
    if reason and not unmask:
        raise ValidationError("--reason", "is only used with --unmask")
    actor = resolve_actor(app, login)
    platform = app.platform
    found = platform.members.get(actor, member_login, unmask_reason=reason if unmask else None)
    posts = platform.members.assignments(member_login)
    pairings = platform.pairings.list(actor, member=member_login)
    if as_json:
        echo_json({"member": to_dict(found), "posts": [to_dict(p) for p in posts],
                   "pairings": [to_dict(p) for p in pairings]})
        return
    click.echo(fields_block([
        ("login", found.login),
        ("name", found.name),
        ("organisation", found.org_code),
        ("home area", found.home_area),
        ("party member", found.party_member),
        ("in service", found.in_service),
        ("phone", found.phone),
        ("ID number", found.id_number),
        ("active", found.active),
    ]))
    if posts:
        click.echo("")
        role_names = {post: (r.name_zh if app.lang == "zh" else r.name_en) for post, r in platform.roles.items()}
        click.echo(table(("post", "name", "area", "organisation", "from", "until"),
                         [[p.post, role_names.get(p.post, ""), p.area_code, p.org_code, p.starts, p.ends]
                          for p in posts]))
    if pairings:
        click.echo("")
        click.echo(table(("pairing", "area", "household", "from", "until", "commitments"),
                         [[p.kind, p.area_code, p.household, p.starts, p.ends, p.commitments] for p in pairings]))
