"""Members, their posts (role assignments), dual registration, and personal data.

Phone and ID numbers leave this service masked. Only an actor holding
``personal.unmask`` who gives a reason sees them in full, and each such view is written
to the access log.
"""

from __future__ import annotations

import builtins
from typing import Any

import attrs

from ..access import UNMASK, Actor, build_actor
from ..converter import from_dict, to_row
from ..errors import AccessDenied, NotFound, ValidationError
from ..identifiers import mask_id_number, mask_phone
from ..models import DualRegistration, Member, RoleAssignment
from .base import Service


class MemberService(Service):
    # -- actors -------------------------------------------------------------------------

    def actor(self, login: str) -> Actor:
        """The actor for a login, with the grants active today (none once deactivated)."""
        if login == "system":
            return Actor.system()
        row = self.store.find("member", login)
        if row is None:
            raise NotFound("member", login)
        assignments = self.store.select("role_assignment", login=login)
        paths = {a["area_code"]: self.platform.areas.path_of(a["area_code"]) for a in assignments if a["area_code"]}
        return build_actor(row, assignments, self.platform.roles, paths, self.platform.today())

    # -- where a member belongs ---------------------------------------------------------

    def places(self, member: Member) -> list[str]:
        """Area paths a member is tied to: the home area, the organisation's seat, and
        every post's area (or its organisation's seat). Reading a member needs any of
        them in scope; changing one needs all of them (:meth:`require_manage`)."""
        places = []
        if member.home_area:
            places.append(self.platform.areas.path_of(member.home_area))
        seats = [member.org_code] if member.org_code else []
        for a in self.store.select("role_assignment", login=member.login):
            if a["area_code"]:
                places.append(self.platform.areas.path_of(a["area_code"]))
            if a["org_code"]:
                seats.append(a["org_code"])
        for code in dict.fromkeys(seats):
            org = self.store.find("organisation", code)
            if org and org["area_code"]:
                places.append(self.platform.areas.path_of(org["area_code"]))
        return list(dict.fromkeys(places))

    def require_manage(self, actor: Actor, member: Member) -> None:
        """``member.manage`` over every place the member is tied to: an admin of one grid
        cannot change (or deactivate) someone who also holds a post elsewhere. A member
        tied to no place is the whole deployment's."""
        places = self.places(member)
        if not places:
            self.platform.require_global(actor, "member.manage", what=f"member {member.login}")
        for path in places:
            actor.require("member.manage", path, what=f"member {member.login}")

    # -- personal data ------------------------------------------------------------------

    def _visible(self, actor: Actor, member: Member) -> bool:
        if actor.login == member.login or actor.is_system:
            return True
        paths = actor.paths_for("member.read")
        return bool(paths) and any(place.startswith(p) for place in self.places(member) for p in paths)

    def mask(self, member: Member) -> Member:
        return attrs.evolve(member, phone=mask_phone(member.phone), id_number=mask_id_number(member.id_number))

    def get(self, actor: Actor, login: str, *, unmask_reason: str | None = None) -> Member:
        """A member, masked; with ``unmask_reason`` and ``personal.unmask`` over one of
        the member's places, in full (logged)."""
        member = from_dict(Member, self.store.get("member", login))
        if not self._visible(actor, member):
            raise AccessDenied(actor.refusal(f"{actor.login} may not read member {login}: outside their scope"))
        if unmask_reason is None:
            return self.mask(member)
        places = self.places(member)
        self.unmask_check(actor, unmask_reason, places or None)
        self.platform.log_access(actor, f"member:{login}", unmask_reason, path=places[0] if places else None)
        return member

    def unmask_check(self, actor: Actor, reason: str, paths: str | list[str] | None = None) -> None:
        """Refuse an unmask without a reason, or without ``personal.unmask`` over one of
        ``paths`` (the record's places; None: a record of the whole deployment)."""
        if isinstance(paths, str):
            paths = [paths]
        if paths is None:
            allowed = self.platform.covers_global(actor, UNMASK)
        else:
            allowed = any(actor.covers(UNMASK, p) for p in paths)
        if not allowed:
            raise AccessDenied(actor.denial(UNMASK, "this record's area"))
        if not reason.strip():
            raise ValidationError("reason", "an unmask needs a reason")

    def list(self, actor: Actor, *, role: str | None = None, area: str | None = None,
             limit: int | None = 200, offset: int = 0) -> builtins.list[Member]:
        """Members visible to the actor (masked), optionally by post and area subtree."""
        paths = actor.paths_for("member.read")
        if area is None and "/" in paths:
            # The whole platform: also members with no home area and only organisation posts.
            where: dict[str, Any] = {}
            if role:
                where["login__in"] = sorted({a["login"] for a in self.store.select("role_assignment", post=role)})
            rows = self.store.select("member", order_by="login", limit=limit, offset=offset, **where)
            return [self.mask(from_dict(Member, r)) for r in rows]
        if area:
            path = self.platform.areas.path_of(area)
            if not any(path.startswith(p) for p in paths):
                inner = [p for p in paths if p.startswith(path)]
                if not inner:
                    raise AccessDenied(actor.refusal(f"{actor.login} may not read members of {area}"))
                paths = inner
            else:
                paths = [path]
        found: builtins.list[dict] = []
        for path in paths:
            found += self.store.members_in_subtree(path, post=role, limit=limit, offset=offset)
        unique = {r["login"]: r for r in found}
        members = [self.mask(from_dict(Member, r)) for r in unique.values()]
        return sorted(members, key=lambda m: m.login)[: limit if limit is not None else None]

    def count(self) -> int:
        return self.store.count("member")

    # -- writing ------------------------------------------------------------------------

    def check(self, member: Member) -> None:
        for field in ("phone", "id_number"):
            if "*" in (getattr(member, field) or ""):
                raise ValidationError(field, "is a masked value; give the full number or leave the field out")
        if member.org_code and not self.store.find("organisation", member.org_code):
            raise ValidationError("org_code", f"unknown organisation {member.org_code}")
        if member.home_area and not self.store.find("area", member.home_area):
            raise ValidationError("home_area", f"unknown area {member.home_area}")

    def add(self, actor: Actor, member: Member) -> Member:
        """Add a member whose home area and organisation lie in the actor's scope."""
        self.check(member)
        self.require_manage(actor, member)
        if self.store.find("member", member.login):
            raise ValidationError("login", f"{member.login} is already taken")
        self.store.insert("member", to_row(member))
        return self.mask(member)

    def update(self, actor: Actor, login: str, *, expected_version: int | None = None, **changes) -> Member:
        """Change a member (``active=False`` deactivates: every grant ends at once).

        The actor manages the member where they are tied now and where the change puts
        them; ``expected_version`` is the version the caller saw (StaleUpdate otherwise)."""
        current = from_dict(Member, self.store.get("member", login))
        self.require_manage(actor, current)
        updated = attrs.evolve(current, **changes)
        self.check(updated)
        self.require_manage(actor, updated)
        row = to_row(updated)
        version = current.version if expected_version is None else expected_version
        self.store.update("member", login, {k: row[k] for k in changes}, version=version)
        return self.mask(attrs.evolve(updated, version=current.version + 1))

    # -- posts --------------------------------------------------------------------------

    def check_assignment(self, assignment: RoleAssignment) -> None:
        if assignment.post not in self.platform.roles:
            raise ValidationError("post", f"unknown post {assignment.post}; known: {', '.join(sorted(self.platform.roles))}")
        if not self.store.find("member", assignment.login):
            raise ValidationError("login", f"unknown member {assignment.login}")
        if assignment.area_code and not self.store.find("area", assignment.area_code):
            raise ValidationError("area_code", f"unknown area {assignment.area_code}")
        if assignment.org_code and not self.store.find("organisation", assignment.org_code):
            raise ValidationError("org_code", f"unknown organisation {assignment.org_code}")

    def assignment_place(self, assignment: RoleAssignment) -> str | None:
        """The area path a post's grants reach: its area, else its organisation's seat."""
        if assignment.area_code:
            return self.platform.areas.path_of(assignment.area_code)
        org = self.store.find("organisation", assignment.org_code) if assignment.org_code else None
        return self.platform.areas.path_of(org["area_code"]) if org and org["area_code"] else None

    def require_grant(self, actor: Actor, assignment: RoleAssignment) -> None:
        """Nobody grants a post wider than their own scope, or a permission they do not
        hold there: ``member.manage`` and every permission of the post (``*`` included)
        must hold over the post's place."""
        place = self.assignment_place(assignment)
        what = f"the post {assignment.post} at {assignment.area_code or assignment.org_code}"
        if place is None:
            self.platform.require_global(actor, "member.manage", what=what)
            covers = lambda perm: self.platform.covers_global(actor, perm)  # noqa: E731
        else:
            actor.require("member.manage", place, what=what)
            covers = lambda perm: actor.covers(perm, place)  # noqa: E731
        role = self.platform.roles[assignment.post]
        missing = sorted(p for p in role.permissions if not covers(p))
        if missing:
            raise AccessDenied(f"{actor.login} may not grant {assignment.post}: it carries "
                               f"{', '.join(missing)}, which {actor.login} does not hold over {what}")

    def assign(self, actor: Actor, assignment: RoleAssignment) -> RoleAssignment:
        """Give a member a post over an area or organisation (assign person, post, duty)."""
        self.check_assignment(assignment)
        self.require_grant(actor, assignment)
        row = to_row(assignment)
        new_id = self.store.insert("role_assignment", row)
        return attrs.evolve(assignment, id=new_id)

    def assignments(self, login: str | None = None, *, post: str | None = None,
                    area: str | None = None) -> builtins.list[RoleAssignment]:
        where: dict[str, Any] = {}
        if login:
            where["login"] = login
        if post:
            where["post"] = post
        if area:
            where["area_code"] = area
        return [from_dict(RoleAssignment, r) for r in self.store.select("role_assignment", order_by="id", **where)]

    def holders(self, post: str, area_code: str) -> builtins.list[str]:
        """Logins of active members holding ``post`` exactly at ``area_code`` today."""
        today = self.platform.today()
        logins = [a.login for a in self.assignments(post=post, area=area_code) if a.active_on(today)]
        active = {r["login"] for r in self.store.select("member", login__in=logins, active=1)} if logins else set()
        return [login for login in logins if login in active]

    # -- dual registration --------------------------------------------------------------

    def register_dual(self, actor: Actor, registration: DualRegistration) -> DualRegistration:
        """Record that a member reported to the paired community and the home community
        (by an actor managing members in either of them)."""
        paths = []
        for field in ("paired_community", "home_community"):
            area = self.platform.areas.require_exists(getattr(registration, field), field)
            if area.level != "community":
                raise ValidationError(field, f"{area.code} is a {area.level}, not a community")
            paths.append(area.path)
        if not any(actor.covers("member.manage", p) for p in paths):
            raise AccessDenied(actor.denial("member.manage", f"{registration.paired_community} or {registration.home_community}"))
        if not self.store.find("member", registration.login):
            raise ValidationError("login", f"unknown member {registration.login}")
        new_id = self.store.insert("dual_registration", to_row(registration))
        return attrs.evolve(registration, id=new_id)

    def dual_registrations(self, *, login: str | None = None,
                           community: str | None = None) -> builtins.list[DualRegistration]:
        where: dict[str, Any] = {"login": login} if login else {}
        rows = self.store.select("dual_registration", order_by="id", **where)
        if community:
            rows = [r for r in rows if community in (r["paired_community"], r["home_community"])]
        return [from_dict(DualRegistration, r) for r in rows]
