"""Co-building bodies (社区联建治理服务共同体): a community's member units sign commitments
(people, goods, money, services) and record the things they did and what they were worth.
"""

from __future__ import annotations

import datetime as dt

import attrs
from gridgov.core import Actor, Platform, ValidationError

from . import rows
from .records import COBUILD, CONVENE, Commitment, Deed
from .tables import BODY, BODY_MEMBER, COMMITMENT, DEED


class CoBuildingService:
    """Commitments and things done of co-building bodies; writes need
    ``joint_meetings.cobuild`` (or ``joint_meetings.convene``) over the body's area."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def _body(self, actor: Actor, body_id: int, *, write: bool) -> dict:
        row = self.platform.table(BODY).get(body_id)
        if row["kind"] != "cobuild":
            raise ValidationError("body", f"body {body_id} is not a co-building body")
        if write and not actor.covers(COBUILD, row["area_path"]):
            actor.require(CONVENE, row["area_path"], what=f"body {body_id}")
        else:
            actor.require("issue.read", row["area_path"], what=f"body {body_id}")
        return row

    def _member_unit(self, body_id: int, org_code: str) -> None:
        if not self.platform.table(BODY_MEMBER).count(body_id=body_id, org_code=org_code):
            raise ValidationError("org_code", f"{org_code} is not a member unit of body {body_id}")

    def commit(self, actor: Actor, body_id: int, *, org_code: str, kind: str, text: str, signed_on: dt.date,
               due: dt.date, amount: int | None = None) -> Commitment:
        """A member unit signs a commitment."""
        row = self._body(actor, body_id, write=True)
        self._member_unit(body_id, org_code)
        commitment = Commitment(body_id=body_id, org_code=org_code, kind=kind, text=text, amount=amount,
                                signed_on=signed_on, due=due, area_path=row["area_path"])
        values = {k: v for k, v in attrs.asdict(commitment).items() if k not in ("id", "version")}
        return attrs.evolve(commitment, id=self.platform.table(COMMITMENT).insert(values))

    def record_deed(self, actor: Actor, body_id: int, *, org_code: str, done_on: dt.date, text: str, value: int = 0,
                    commitment_id: int | None = None) -> Deed:
        """A thing a member unit did, and its value in yuan; a deed under a commitment
        marks that commitment kept."""
        row = self._body(actor, body_id, write=True)
        self._member_unit(body_id, org_code)
        if done_on > self.platform.today():
            raise ValidationError("done_on", f"{done_on} is in the future")
        deed = Deed(body_id=body_id, org_code=org_code, commitment_id=commitment_id, done_on=done_on, text=text,
                    value=value, area_path=row["area_path"])
        with self.platform.transaction():
            if commitment_id is not None:
                promised = rows.commitment(self.platform.table(COMMITMENT).get(commitment_id))
                if (promised.body_id, promised.org_code) != (body_id, org_code):
                    raise ValidationError("commitment_id", f"commitment {commitment_id} is not {org_code}'s in body {body_id}")
                if promised.status == "signed":
                    self.platform.table(COMMITMENT).update(commitment_id, {"status": "kept"},
                                                           expected_version=promised.version)
            values = {k: v for k, v in attrs.asdict(deed).items() if k != "id"}
            deed = attrs.evolve(deed, id=self.platform.table(DEED).insert(values))
        return deed

    def commitments(self, actor: Actor, body_id: int) -> list[Commitment]:
        self._body(actor, body_id, write=False)
        return [rows.commitment(r) for r in self.platform.table(COMMITMENT).rows(body_id=body_id, order_by="id")]

    def deeds(self, actor: Actor, body_id: int, *, limit: int = 200) -> list[Deed]:
        self._body(actor, body_id, write=False)
        return [rows.deed(r) for r in self.platform.table(DEED).rows(body_id=body_id, order_by="-done_on", limit=limit)]
