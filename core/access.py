"""Who may do what, where: roles, grants and the actor every core call takes.

A role (post) carries permissions; a role assignment grants them over an area subtree or
an organisation. Access is denied unless a grant covers it. ``*`` stands for every
permission (admins). Plugins add roles and permissions through ``register_roles``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from .errors import AccessDenied

ALL = "*"
UNMASK = "personal.unmask"
EXPORT = "data.export"
IMPORT = "data.import"
AUDIT = "audit.read"


def frozen_strings(values: Iterable[str]) -> frozenset[str]:
    """The converter of set-valued record fields (a typed ``frozenset``)."""
    return frozenset(values)


@attrs.frozen(kw_only=True)
class Role:
    """A post and the permissions it carries; ``name_zh``/``name_en`` are shown in the UI."""

    post: str
    name_zh: str
    name_en: str
    permissions: frozenset[str] = attrs.field(converter=frozen_strings)
    plugin: str = "gridgov"


_ISSUE_DESK = {
    "issue.read", "issue.report", "issue.register", "issue.reject", "issue.merge",
    "issue.dispatch", "issue.verify", "issue.rework", "issue.close", "issue.reopen",
    "issue.escalate", "issue.callback", "issue.attach", "member.read", "metrics.read",
}  # fmt: skip

CORE_ROLES = (
    Role(post="admin", name_zh="管理员", name_en="administrator", permissions={ALL}),
    Role(post="dispatcher", name_zh="派遣员", name_en="dispatcher", permissions=_ISSUE_DESK),
    Role(post="grid_leader", name_zh="网格长", name_en="grid leader", permissions=_ISSUE_DESK),
    Role(
        post="part_time_grid_leader",
        name_zh="兼职网格长",
        name_en="part-time grid leader",
        permissions={"issue.read", "issue.report", "issue.verify", "member.read", "metrics.read"},
    ),
    Role(
        post="grid_worker",
        name_zh="网格员",
        name_en="grid worker",
        permissions={"issue.read", "issue.report", "issue.verify", "issue.rework", "issue.callback", "issue.attach",
                     "member.read", "metrics.read"},
    ),
    Role(post="building_head", name_zh="楼长", name_en="building head", permissions={"issue.read", "issue.report"}),
    Role(
        post="first_secretary",
        name_zh="第一书记",
        name_en="first secretary",
        permissions={"issue.read", "issue.report", "issue.verify", "issue.escalate", "member.read", "metrics.read"},
    ),
    Role(
        post="handler",
        name_zh="处置人员",
        name_en="handler",
        permissions={"issue.read", "issue.accept", "issue.return", "issue.resolve", "issue.attach"},
    ),
    Role(
        post="supervisor",
        name_zh="督办员",
        name_en="supervisor",
        permissions={"issue.read", "issue.urge", "issue.complaint", "member.read", "metrics.read"},
    ),
    Role(post="viewer", name_zh="查看者", name_en="viewer", permissions={"issue.read", "metrics.read"}),
    # A system that reports residents' requests through the HTTP service (a WeChat
    # mini-program, the 12345 hotline): it reports where it is posted and reads nothing.
    Role(post="intake_channel", name_zh="接入渠道", name_en="intake channel", permissions={"issue.report"}),
)


@attrs.frozen(kw_only=True)
class Grant:
    """One active role assignment, resolved: the permissions of a post over a scope."""

    post: str
    permissions: frozenset[str]
    area_code: str | None = None
    area_path: str | None = None
    org_code: str | None = None

    def allows(self, permission: str) -> bool:
        return ALL in self.permissions or permission in self.permissions


@attrs.frozen(kw_only=True)
class Actor:
    """The member on whose behalf a call runs, with the grants active today.

    A deactivated member (``active=False``) holds no grants, whatever posts are recorded."""

    login: str
    name: str
    org_code: str | None = None
    grants: tuple[Grant, ...] = ()
    active: bool = True

    @classmethod
    def system(cls) -> Actor:
        """The local operator at the command line: every permission over the whole tree."""
        return cls(login="system", name="system", grants=(Grant(post="admin", permissions=frozenset({ALL}), area_path="/"),))

    @property
    def is_system(self) -> bool:
        return self.login == "system" and any(g.area_path == "/" for g in self.grants)

    @property
    def posts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.post for g in self.grants))

    def has(self, permission: str) -> bool:
        """Holds ``permission`` somewhere (for showing a menu entry, never for a check)."""
        return any(g.allows(permission) for g in self.grants)

    def paths_for(self, permission: str) -> list[str]:
        """Area subtrees where ``permission`` holds, without nested duplicates."""
        paths = sorted({g.area_path for g in self.grants if g.area_path and g.allows(permission)})
        return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]

    def orgs_for(self, permission: str) -> list[str]:
        """Organisations whose cases ``permission`` covers: those of org-scoped grants.

        Belonging to an organisation is not enough: a grid worker employed by an agency sees
        his grid, not every case dispatched to the agency district-wide."""
        return sorted({g.org_code for g in self.grants if g.org_code and g.allows(permission)})

    def covers(self, permission: str, path: str | None) -> bool:
        """``permission`` holds over the area at ``path``."""
        return path is not None and any(path.startswith(p) for p in self.paths_for(permission))

    def covers_org(self, permission: str, org_code: str | None) -> bool:
        """``permission`` holds through a post scoped to the organisation ``org_code``."""
        return org_code is not None and org_code in self.orgs_for(permission)

    def require(self, permission: str, path: str | None = None, *, anywhere: bool = False, what: str = "") -> None:
        """Raise :class:`AccessDenied` unless ``permission`` holds over the area at ``path``.

        Every administrative read and write names the area it touches. ``anywhere=True``
        (without a path) asks only whether the permission is held somewhere; it is for the
        few checks that are not about a place (which screens to offer), never for a write."""
        if path is None and not anywhere:
            raise TypeError("Actor.require needs the path of the area the call touches (or anywhere=True)")
        ok = self.has(permission) if path is None else self.covers(permission, path)
        if not ok:
            raise AccessDenied(self.denial(permission, what))

    def refusal(self, text: str) -> str:
        """``text``, unless the member is deactivated: then that is the reason to give."""
        return f"{self.login} is deactivated and holds no post" if not self.active else text

    def denial(self, permission: str, what: str = "") -> str:
        """The one-line reason a check of ``permission`` failed."""
        if not self.active:
            return f"{self.login} is deactivated and holds no post"
        where = f" over {what}" if what else ""
        return f"{self.login} lacks {permission}{where}"


def build_actor(
    member: dict,
    assignments: Iterable[dict],
    roles: dict[str, Role],
    area_paths: dict[str, str],
    today: dt.date,
) -> Actor:
    """Resolve a member's role assignments active on ``today`` into grants; a
    deactivated member gets none."""
    if not member.get("active", True):
        return Actor(login=member["login"], name=member["name"], org_code=member.get("org_code"), active=False)
    grants = []
    for a in assignments:
        starts, ends = a.get("starts"), a.get("ends")
        if (starts and str(starts) > today.isoformat()) or (ends and str(ends) < today.isoformat()):
            continue
        role = roles.get(a["post"])
        if role is None:
            continue
        grants.append(
            Grant(
                post=a["post"],
                permissions=role.permissions,
                area_code=a.get("area_code"),
                area_path=area_paths.get(a["area_code"]) if a.get("area_code") else None,
                org_code=a.get("org_code"),
            )
        )
    return Actor(login=member["login"], name=member["name"], org_code=member.get("org_code"), grants=tuple(grants))
