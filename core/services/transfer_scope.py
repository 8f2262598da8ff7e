"""Where a record lies, and whether an import or export may touch it.

Administration is scoped like cases: an import may write only records that lie inside the
actor's ``data.import`` subtrees, and an export returns only those inside ``data.export``.
A record lies where the tree says it belongs:

- an area in its parent (a root area in the whole tree);
- an organisation in its seat area (none: the whole tree);
- a member in the home area *and* the seat of the organisation (both, when given; neither:
  the whole tree);
- a role assignment in its area, or in its organisation's seat;
- a pairing in its area (a household-only pairing: in the member's home area);
- a dual registration in both communities;
- an issue in its area.

"The whole tree" is covered by a grant over ``/`` (the local operator) or by grants over
every root area. An imported post may not carry a permission the importer does not hold
over the post's place: nobody grants more than they hold.
"""

from __future__ import annotations

from typing import Any

from ..access import Actor
from ..errors import AccessDenied

Place = tuple[str, str | None, str]
"""(field, area path or None for the whole tree, how the message names it)."""


class Places:
    """Cached lookups of area paths, organisation seats and home areas, as a record's place
    needs them (the database's, plus what the current import adds)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.paths: dict[str, str | None] = {}
        self.seats: dict[str, str | None] = {}
        self.homes: dict[str, str | None] = {}

    def path(self, code: str) -> str | None:
        if code not in self.paths:
            row = self.store.find("area", code)
            self.paths[code] = row["path"] if row else None
        return self.paths[code]

    def seat(self, org: str) -> str | None:
        if org not in self.seats:
            row = self.store.find("organisation", org)
            self.seats[org] = row["area_code"] if row else None
        return self.seats[org]

    def home(self, login: str) -> str | None:
        if login not in self.homes:
            row = self.store.find("member", login)
            self.homes[login] = row["home_area"] if row else None
        return self.homes[login]

    def _org(self, field: str, org: str) -> Place:
        seat = self.seat(org)
        if seat is None:
            return (field, None, f"{org}, an organisation without a seat area,")
        return (field, self.path(seat), f"{org} (seated in {seat})")

    def of(self, table: str, record: Any) -> list[Place]:
        """Where ``record`` (of ``table``) lies: every place must be in scope."""
        if table == "area":
            if record.parent_code is None:
                return [("parent_code", None, "a root area")]
            return [("parent_code", self.path(record.parent_code), record.parent_code)]
        if table == "organisation":
            if record.area_code is None:
                return [("area_code", None, "an organisation without a seat area")]
            return [("area_code", self.path(record.area_code), record.area_code)]
        if table == "member":
            places = []
            if record.home_area:
                places.append(("home_area", self.path(record.home_area), record.home_area))
            if record.org_code:
                places.append(self._org("org_code", record.org_code))
            return places or [("home_area", None, "a member with no home area and no organisation")]
        if table == "role_assignment":
            if record.area_code:
                return [("area_code", self.path(record.area_code), record.area_code)]
            return [self._org("org_code", record.org_code)]
        if table == "pairing":
            if record.area_code:
                return [("area_code", self.path(record.area_code), record.area_code)]
            if record.member_login:
                home = self.home(record.member_login)
                if home is None:
                    return [("member_login", None, f"{record.member_login}, who has no home area,")]
                return [("member_login", self.path(home), f"{record.member_login}'s home area {home}")]
            return [self._org("org_code", record.org_code)]
        if table == "dual_registration":
            return [("paired_community", self.path(record.paired_community), record.paired_community),
                    ("home_community", self.path(record.home_community), record.home_community)]
        return [("area_code", record.area_path or self.path(record.area_code), record.area_code)]


class Scope:
    """The subtrees where ``actor`` holds ``permission``, for checking records against."""

    def __init__(self, actor: Actor, permission: str, roots: list[str]) -> None:
        self.actor = actor
        self.permission = permission
        self.paths = actor.paths_for(permission)
        self.roots = roots
        self.whole = self.holds(permission, None)

    def holds(self, permission: str, path: str | None) -> bool:
        """``permission`` over the area at ``path``; ``None`` is the whole tree."""
        if path is not None:
            return self.actor.covers(permission, path)
        return self.actor.covers(permission, "/") or (
            bool(self.roots) and all(self.actor.covers(permission, root) for root in self.roots))

    @property
    def label(self) -> str:
        """The scope as the access log records it."""
        return "/" if self.whole else ",".join(self.paths)

    def contains(self, places: list[Place]) -> bool:
        return self.whole or all(path is not None and self.holds(self.permission, path) for _, path, _ in places)

    def require(self, where: str, places: list[Place]) -> None:
        """Refuse a record whose place lies outside the scope, naming the field."""
        if self.whole:
            return
        for field, path, name in places:
            if path is None:
                raise AccessDenied(f"{where}: {field}: {name} needs {self.permission} over the whole tree")
            if not self.holds(self.permission, path):
                raise AccessDenied(f"{where}: {field}: {name} lies outside {self.actor.login}'s "
                                   f"{self.permission} scope ({', '.join(self.paths) or 'none'})")

    def require_grantable(self, where: str, permissions: frozenset[str], post: str, place: Place) -> None:
        """Refuse a post carrying a permission the importer does not hold over its place."""
        _, path, name = place
        for permission in sorted(permissions):
            if not self.holds(permission, path):
                over = "the whole tree" if path is None else name.split(" ")[0].rstrip(",")
                raise AccessDenied(f"{where}: post: {post} carries {permission}, which "
                                   f"{self.actor.login} does not hold over {over}")
