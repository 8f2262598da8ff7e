"""Pairings: agency↔subdistrict, branch↔grid, member↔building, member↔household…"""

from __future__ import annotations

import builtins
from typing import Any

import attrs

from ..access import Actor
from ..converter import from_dict, to_row
from ..errors import ValidationError
from ..models import Pairing
from .base import Service

_EXPECTED = {
    "agency_subdistrict": ("subdistrict",),
    "branch_grid": ("grid", "compound"),
    "member_building": ("building",),
}


class PairingService(Service):
    def check(self, pairing: Pairing) -> None:
        if pairing.org_code and not self.store.find("organisation", pairing.org_code):
            raise ValidationError("org_code", f"unknown organisation {pairing.org_code}")
        if pairing.member_login and not self.store.find("member", pairing.member_login):
            raise ValidationError("member_login", f"unknown member {pairing.member_login}")
        if pairing.area_code:
            area = self.platform.areas.require_exists(pairing.area_code)
            expected = _EXPECTED.get(pairing.kind)
            levels = self.platform.areas.levels()
            if expected and area.level not in expected and any(level in levels for level in expected):
                raise ValidationError("area_code", f"a {pairing.kind} pairing links to a {' or '.join(expected)}, {area.code} is a {area.level}")

    def place(self, pairing: Pairing) -> str | None:
        """The area path a pairing belongs to: its area; a household pairing without one
        belongs where the paired member lives. None: nowhere in particular (global)."""
        if pairing.area_code:
            return self.platform.areas.path_of(pairing.area_code)
        if pairing.member_login:
            member = self.store.find("member", pairing.member_login)
            if member and member["home_area"]:
                return self.platform.areas.path_of(member["home_area"])
        return None

    def add(self, actor: Actor, pairing: Pairing) -> Pairing:
        """Record a pairing in the actor's ``pairing.manage`` scope."""
        self.check(pairing)
        place = self.place(pairing)
        if place is None:
            self.platform.require_global(actor, "pairing.manage")
        else:
            actor.require("pairing.manage", place, what=f"area {pairing.area_code or place}")
        new_id = self.store.insert("pairing", to_row(pairing))
        return attrs.evolve(pairing, id=new_id)

    def list(self, actor: Actor, *, area: str | None = None, org: str | None = None, member: str | None = None,
             kind: str | None = None, household: str | None = None) -> builtins.list[Pairing]:
        """Pairings the actor may see: those placed in their ``member.read`` scope (a
        household pairing tells who looks after a low-income family; it is not public)."""
        where: dict[str, Any] = {}
        for key, value in (("area_code", area), ("org_code", org), ("member_login", member), ("kind", kind), ("household", household)):
            if value:
                where[key] = value
        found = [from_dict(Pairing, r) for r in self.store.select("pairing", order_by="id", **where)]
        if self.platform.covers_global(actor, "member.read"):
            return found
        return [p for p in found if actor.covers("member.read", self.place(p))]

    def count(self, **where: Any) -> int:
        return self.store.count("pairing", **where)
