"""Finding people and organisations by what a person at the desk remembers: a Chinese
name or a part of it, a code, a login. Read-only look-ups for pickers (the terminal UI's
dispatch, member and area fields); each returns a few records, never a whole table.
"""

from __future__ import annotations

from ..access import Actor
from ..converter import from_dict
from ..errors import AccessDenied
from ..models import Member, Organisation


def find_members(platform, actor: Actor, text: str, *, limit: int = 20) -> list[Member]:
    """Members the actor may see whose login starts with ``text`` or whose name contains
    it (masked), logins first."""
    text = text.strip()
    if not text:
        return []
    store = platform._store
    rows = store.select("member", login__startswith=text.lower(), order_by="login", limit=limit * 3)
    seen = {r["login"] for r in rows}
    rows += [r for r in store.select("member", name__contains=text, order_by="login", limit=limit * 3)
             if r["login"] not in seen]
    found: list[Member] = []
    for row in rows:
        try:
            found.append(platform.members.get(actor, row["login"]))
        except AccessDenied:
            continue
        if len(found) >= limit:
            break
    return found


def find_organisations(platform, text: str, *, limit: int = 20) -> list[Organisation]:
    """Organisations whose code starts with ``text`` or whose name contains it."""
    text = text.strip()
    if not text:
        return []
    store = platform._store
    rows = store.select("organisation", code__startswith=text.upper(), order_by="code", limit=limit)
    if text.upper() != text:
        rows += store.select("organisation", code__startswith=text, order_by="code", limit=limit)
    seen = {r["code"] for r in rows}
    rows += [r for r in store.select("organisation", name__contains=text, order_by="code", limit=limit * 2)
             if r["code"] not in seen]
    return [from_dict(Organisation, r) for r in rows[:limit]]


def dispatch_targets(platform, handling_area: str, text: str, *, limit: int = 8) -> list[tuple[str, str, str]]:
    """Who a case handled at ``handling_area`` may be dispatched to, matching ``text``:
    ``(kind, code, name)`` with kind ``org`` or ``member``. Only targets that serve the
    handling area (as :meth:`IssueService.dispatch_target` requires); with no text, the
    organisations responsible for the area."""
    path = platform.areas.path_of(handling_area)
    orgs = platform.organisations
    if not text.strip():
        return [("org", org.code, org.name) for org, _ in orgs.responsible_for(handling_area, None)][:limit]
    out: list[tuple[str, str, str]] = []
    for org in find_organisations(platform, text, limit=limit * 3):
        if orgs.serves(org.code, path):
            out.append(("org", org.code, org.name))
        if len(out) >= limit:
            return out
    for member in find_members(platform, Actor.system(), text, limit=limit * 3):
        target = platform.actor(member.login)
        if target.active and _serves(platform, target, path):
            out.append(("member", member.login, member.name))
        if len(out) >= limit:
            break
    return out


def _serves(platform, target: Actor, path: str) -> bool:
    for grant in target.grants:
        if not grant.allows("issue.accept"):
            continue
        if grant.area_path and (path.startswith(grant.area_path) or grant.area_path.startswith(path)):
            return True
        if grant.org_code and platform.organisations.serves(grant.org_code, path):
            return True
    return False
