"""Organisations: agencies, party organisations, enterprises, property companies, banks…"""

from __future__ import annotations

import builtins
from typing import Any

import attrs

from ..access import Actor
from ..converter import from_dict, to_row
from ..errors import ValidationError
from ..models import Organisation
from .base import Service


class OrganisationService(Service):
    def get(self, code: str) -> Organisation:
        return from_dict(Organisation, self.store.get("organisation", code))

    def find(self, code: str) -> Organisation | None:
        row = self.store.find("organisation", code)
        return from_dict(Organisation, row) if row else None

    def by_uscc(self, uscc: str) -> Organisation | None:
        rows = self.store.select("organisation", uscc=uscc, limit=1)
        return from_dict(Organisation, rows[0]) if rows else None

    def list(self, *, kind: str | None = None, area: str | None = None, limit: int | None = None,
             offset: int = 0, **where: Any) -> builtins.list[Organisation]:
        """Organisations of a kind, seated in an area's subtree when ``area`` is given."""
        if kind:
            where["kind"] = kind
        if area:
            rows = self.store.seated_in("organisation", self.platform.areas.path_of(area), order_by="code",
                                        limit=limit, offset=offset, **where)
        else:
            rows = self.store.select("organisation", order_by="code", limit=limit, offset=offset, **where)
        return [from_dict(Organisation, r) for r in rows]

    def count(self, **where: Any) -> int:
        return self.store.count("organisation", **where)

    def check(self, org: Organisation) -> None:
        if org.area_code and not self.store.find("area", org.area_code):
            raise ValidationError("area_code", f"unknown area {org.area_code}")
        if org.parent_code and not self.store.find("organisation", org.parent_code):
            raise ValidationError("parent_code", f"unknown organisation {org.parent_code}")

    def require_manage(self, actor: Actor, org: Organisation) -> None:
        """``organisation.manage`` over the organisation's seat (none: the whole deployment)."""
        if org.area_code:
            actor.require("organisation.manage", self.platform.areas.path_of(org.area_code),
                          what=f"organisation {org.code} (seated in {org.area_code})")
        else:
            self.platform.require_global(actor, "organisation.manage", what=f"organisation {org.code} (no seat)")

    def add(self, actor: Actor, org: Organisation) -> Organisation:
        """Add an organisation seated in the actor's scope."""
        self.check(org)
        self.require_manage(actor, org)
        self.store.insert("organisation", to_row(org))
        return org

    def update(self, actor: Actor, code: str, *, expected_version: int | None = None, **changes) -> Organisation:
        """Change an organisation seated in the actor's scope (and, if the seat moves,
        into it); ``expected_version`` is the version the caller saw."""
        current = self.get(code)
        self.require_manage(actor, current)
        updated = attrs.evolve(current, **changes)
        self.check(updated)
        self.require_manage(actor, updated)
        row = to_row(updated)
        version = current.version if expected_version is None else expected_version
        self.store.update("organisation", code, {k: row[k] for k in changes}, version=version)
        return self.get(code)

    def serves(self, code: str, path: str) -> bool:
        """The organisation serves the area at ``path``: it is seated in that area, below
        it or above it, or paired with such an area (a district agency serves every grid;
        a grid's property company serves the grid and the community above it)."""
        def related(other: str | None) -> bool:
            return other is not None and (path.startswith(other) or other.startswith(path))

        org = self.find(code)
        if org is None:
            return False
        if org.area_code and related(self.platform.areas.path_of(org.area_code)):
            return True
        return any(related(self.platform.areas.path_of(p["area_code"]))
                   for p in self.store.select("pairing", org_code=code, area_code__isnull=False))

    def responsible_for(self, area_code: str, kind: str | None) -> builtins.list[tuple[Organisation, str]]:
        """Organisations (of ``kind``, or any) responsible for the area, each with the reason
        it was found. The search walks up from the area through its ancestors and stops at
        the nearest level that has any: those paired with that area and, when ``kind`` is
        given, those of the kind seated in it. Levels above it are not searched."""
        found: list[tuple[Organisation, str]] = []
        seen: set[str] = set()
        for code in self.platform.areas.ancestor_codes(area_code):
            for pairing in self.store.select("pairing", area_code=code, org_code__isnull=False, order_by="id"):
                org = self.find(pairing["org_code"])
                if org and (kind is None or org.kind == kind) and org.code not in seen:
                    found.append((org, f"paired with {code} ({pairing['kind']})"))
                    seen.add(org.code)
            if kind:
                for row in self.store.select("organisation", kind=kind, area_code=code, order_by="code"):
                    if row["code"] not in seen:
                        found.append((from_dict(Organisation, row), f"seated in {code}"))
                        seen.add(row["code"])
            if found:
                break
        return found
