"""The mediation plugin's records: disputes, parties, sessions, outcomes and follow-ups.

Records are frozen attrs classes whose validators raise the core's ``ValidationError``
naming the field, so the CLI and the screens show one line saying what is wrong.
"""

from __future__ import annotations

import datetime as dt

import attrs
from gridgov.core import (
    Lifecycle,
    Move,
    ValidationError,
    valid_choice,
    valid_id_number,
    valid_phone,
    valid_text,
)

CATEGORY = "mediation.dispute"
MEDIATOR = "mediator"

DISPUTE_KINDS = ("neighbour", "family", "property_management", "labour", "contract", "damage", "other")
KIND_NAMES = {
    "neighbour": ("邻里纠纷", "neighbour"),
    "family": ("婚姻家庭纠纷", "family"),
    "property_management": ("物业纠纷", "property management"),
    "labour": ("劳动纠纷", "labour"),
    "contract": ("合同纠纷", "contract"),
    "damage": ("损害赔偿纠纷", "damage"),
    "other": ("其他纠纷", "other"),
}
DISPUTE_STATUSES = ("open", "agreed", "referred", "withdrawn", "not_accepted")
PARTY_ROLES = ("applicant", "respondent", "third_party")
OUTCOMES = ("agreement", "referred", "withdrawn")
# A dispute's own life: open while mediation goes on (sessions are recorded only then),
# settled by one of the outcomes (each move is named by its outcome kind), not accepted when
# the case is rejected or merged, open again when the core case is reworked or reopened.
DISPUTE = Lifecycle("dispute", states=DISPUTE_STATUSES, initial="open", moves=(
    Move("session", {"open"}, "open", name_zh="记录调解", name_en="record a session"),
    Move("agreement", {"open"}, "agreed", name_zh="达成协议", name_en="agreement"),
    Move("referred", {"open"}, "referred", name_zh="调解不成移送", name_en="refer"),
    Move("withdrawn", {"open"}, "withdrawn", name_zh="撤回", name_en="withdraw"),
    Move("not_accept", {"open"}, "not_accepted", name_zh="不予受理", name_en="not accepted"),
    Move("reopen", {"agreed", "referred", "withdrawn", "not_accepted"}, "open", name_zh="继续调解", name_en="mediate again"),
))  # fmt: skip
REFERRAL_TARGETS = ("arbitration", "court", "police")
# A mediation body is a core organisation; its profile's ``mediation_body`` says which kind
# of body it is, because a grid's mediation room and a community's committee share the
# core kind ``mediation_committee``.
BODY_ORG_KIND = {
    "people_mediation_committee": "mediation_committee",
    "mediation_room": "mediation_committee",
    "mediation_station": "mediation_committee",
    "police_station": "police_station",
    "judicial_office": "judicial_office",
    "law_firm": "law_firm",
}


@attrs.frozen(kw_only=True)
class Party:
    """One side of a dispute. Phone and ID number are personal data, masked by default;
    ``member_login`` and ``household`` let the conflict-of-interest check find relations."""

    name: str = attrs.field(validator=valid_text(60))
    role: str = attrs.field(default="applicant", validator=valid_choice(PARTY_ROLES, optional=True))
    phone: str | None = attrs.field(default=None, validator=valid_phone)
    id_number: str | None = attrs.field(default=None, validator=valid_id_number)
    member_login: str | None = None
    household: str | None = attrs.field(default=None, validator=valid_text(80, required=False))
    id: int | None = None
    dispute_id: int | None = None


@attrs.frozen(kw_only=True)
class Dispute:
    """A dispute taken in for people's mediation; ``issue_id`` is its core case."""

    id: int | None = None
    issue_id: int
    kind: str = attrs.field(default="other", validator=valid_choice(DISPUTE_KINDS, optional=True))
    area_code: str
    area_path: str = ""
    summary: str = attrs.field(validator=valid_text(10_000))
    status: str = attrs.field(default=DISPUTE.initial, validator=valid_choice(DISPUTE_STATUSES, optional=True))
    level: str | None = None
    body_org: str | None = None
    mediator: str | None = None
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None
    parties: tuple[Party, ...] = ()


@attrs.frozen(kw_only=True)
class Session:
    """A mediation session: when and where, who mediated, who came, what was said."""

    id: int | None = None
    dispute_id: int
    at: dt.datetime
    place: str = attrs.field(validator=valid_text(200))
    mediators: tuple[str, ...] = attrs.field(converter=tuple)
    attendees: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    notes: str = attrs.field(default="", validator=attrs.validators.max_len(10_000))
    recorded_by: str | None = None

    @mediators.validator
    def _some(self, attribute: attrs.Attribute, value: tuple[str, ...]) -> None:
        if not value:
            raise ValidationError("mediators", "a session needs at least one mediator")


@attrs.frozen(kw_only=True)
class Outcome:
    """How a dispute ended. ``level`` is the core case's level when it was settled, which
    gives the Fengqiao ratios (settled in the grid, the community, higher)."""

    dispute_id: int
    kind: str = attrs.field(validator=valid_choice(OUTCOMES, optional=True))
    at: dt.datetime
    level: str | None = None
    terms: str = ""
    signed_on: dt.date | None = None
    perform_by: dt.date | None = None
    performed_on: dt.date | None = None
    referred_to: str | None = attrs.field(default=None, validator=valid_choice(REFERRAL_TARGETS, optional=True))
    receiving_body: str | None = None
    note: str = ""
    recorded_by: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind == "agreement":
            if not self.terms.strip():
                raise ValidationError("terms", "an agreement needs its terms")
            if self.signed_on is None:
                raise ValidationError("signed_on", "an agreement needs its signing date")
            if self.perform_by is None:
                raise ValidationError("perform_by", "an agreement needs a performance deadline")
            if self.perform_by < self.signed_on:
                raise ValidationError("perform_by", f"{self.perform_by} is before signed_on {self.signed_on}")
        elif self.kind == "referred":
            if self.referred_to is None:
                raise ValidationError("referred_to", f"a referral names where it goes: {', '.join(REFERRAL_TARGETS)}")
            if not (self.receiving_body or "").strip():
                raise ValidationError("receiving_body", "a referral names the receiving body")
            if not self.note.strip():
                raise ValidationError("note", "a referral needs the reason mediation failed")
        elif not self.note.strip():
            raise ValidationError("note", "a withdrawal needs a note")
        if self.kind != "agreement" and (self.terms or self.perform_by or self.performed_on):
            raise ValidationError("terms", "only an agreement has terms and a performance deadline")

    @property
    def performed(self) -> bool:
        return self.performed_on is not None

    @property
    def performed_on_time(self) -> bool:
        return self.performed_on is not None and self.perform_by is not None and self.performed_on <= self.perform_by


@attrs.frozen(kw_only=True)
class FollowUp:
    """A return visit after an agreement, to see that it is being performed."""

    id: int | None = None
    dispute_id: int
    due_on: dt.date
    by_login: str | None = None
    visited_on: dt.date | None = None
    notes: str = attrs.field(default="", validator=attrs.validators.max_len(2000))
