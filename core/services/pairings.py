"""Pairings: agency↔subdistrict, branch↔grid, member↔building, member↔household…"""

from __future__ import annotations

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

    def add(self, actor: Actor, pairing: Pairing) -> Pairing:
        actor.require("pairing.manage")
        self.check(pairing)
        new_id = self.store.insert("pairing", to_row(pairing))
        return attrs.evolve(pairing, id=new_id)

    def list(self, *, area: str | None = None, org: str | None = None, member: str | None = None,
             kind: str | None = None, household: str | None = None) -> list[Pairing]:
        where = {}
        for key, value in (("area_code", area), ("org_code", org), ("member_login", member), ("kind", kind), ("household", household)):
            if value:
                where[key] = value
        return [from_dict(Pairing, r) for r in self.store.select("pairing", order_by="id", **where)]

    def count(self, **where) -> int:
        return self.store.count("pairing", **where)
