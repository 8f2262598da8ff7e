"""``gridgov apikey …``: per-member keys for the HTTP service, issued by an administrator.

The secret is printed once, at creation; only its hash is stored. An administrator issues,
lists and revokes keys only for members they manage (``member.manage`` over every place
the member is tied to), so a subdistrict's admin cannot mint a key for the district's
dispatcher.
"""

from __future__ import annotations

import click

from ..converter import to_dict
from ..models import SOURCES, Member, RoleAssignment
from ..services.api_keys import ApiKeyService
from . import cli
from .context import AppContext, pass_app
from .output import as_option, echo_json, reports_errors, resolve_actor, table
from .params import RECORD_ID

INTAKE_POST = "intake_channel"


@cli.group("apikey")
def apikey() -> None:
    """API keys for the HTTP service (gridgov serve): create, list, revoke."""


def _print_secret(app: AppContext, key, secret: str, as_json: bool) -> None:
    if as_json:
        echo_json({**to_dict(key), "secret": secret})
        return
    click.echo(secret)
    click.echo(("this secret is shown only now; key id " if app.lang == "en" else "密钥只显示这一次；编号 ")
               + str(key.id), err=True)


@apikey.command("create")
@click.argument("member")
@click.option("--label", default="", help="What the key is for (a device, a system).")
@click.option("--source", type=click.Choice(SOURCES), default="online", show_default=True,
              help="The channel recorded on the cases the key reports.")
@click.option("--json", "as_json", is_flag=True, help="The key as JSON, with its secret.")
@as_option()
@pass_app
@reports_errors
def create(app: AppContext, member: str, label: str, source: str, as_json: bool, login: str) -> None:
    """Issue a key acting as MEMBER; prints the secret (shown only this once)."""
    actor = resolve_actor(app, login)
    key, secret = ApiKeyService(app.platform).create(actor, member, label=label, source=source)
    _print_secret(app, key, secret, as_json)


@apikey.command("service-account")
@click.argument("member")
@click.option("--name", required=True, help="The channel's name (e.g. 平湖微信小程序).")
@click.option("--area", required=True, metavar="CODE", help="Where the channel may report (its area's subtree).")
@click.option("--source", type=click.Choice(SOURCES), default="online", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@as_option()
@pass_app
@reports_errors
def service_account(app: AppContext, member: str, name: str, area: str, source: str, as_json: bool,
                    login: str) -> None:
    """Add MEMBER as an intake channel (a post that may only report, over --area) and
    issue its key: what a residents' app or the hotline system signs its Open311 POSTs with."""
    actor = resolve_actor(app, login)
    platform = app.platform
    with platform.transaction():
        platform.areas.require_exists(area, "--area")
        platform.members.add(actor, Member(login=member, name=name, home_area=area))
        platform.members.assign(actor, RoleAssignment(login=member, post=INTAKE_POST, area_code=area,
                                                      starts=platform.today()))
        key, secret = ApiKeyService(platform).create(actor, member, label=name, source=source)
    _print_secret(app, key, secret, as_json)


@apikey.command("list")
@click.option("--member", metavar="LOGIN", help="Only this member's keys.")
@click.option("--all", "include_revoked", is_flag=True, help="Revoked keys too.")
@click.option("--json", "as_json", is_flag=True)
@as_option()
@pass_app
@reports_errors
def list_(app: AppContext, member: str | None, include_revoked: bool, as_json: bool, login: str) -> None:
    """Keys of the members the actor manages (never their secrets)."""
    actor = resolve_actor(app, login)
    keys = ApiKeyService(app.platform).list(actor, login=member, include_revoked=include_revoked)
    if as_json:
        echo_json([to_dict(k) for k in keys])
        return
    fmt = app.platform.time.format
    click.echo(table(("id", "member", "prefix", "source", "label", "created", "by", "revoked"),
                     [[k.id, k.login, k.prefix, k.source, k.label, fmt(k.created_at), k.created_by,
                       fmt(k.revoked_at) if k.revoked_at else ""] for k in keys]))


@apikey.command("revoke")
@click.argument("key_id", type=RECORD_ID)
@as_option()
@pass_app
@reports_errors
def revoke(app: AppContext, key_id: int, login: str) -> None:
    """End a key at once (it stays listed with --all)."""
    actor = resolve_actor(app, login)
    key = ApiKeyService(app.platform).revoke(actor, key_id)
    click.echo(f"revoked key {key.id} of {key.login}")
