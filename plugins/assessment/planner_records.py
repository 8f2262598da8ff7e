"""The planner's input and output records: plain values, no database.

Inputs describe the area tree (:class:`PlanArea`), the units to pair (:class:`PlanUnit`:
agencies, branches, departments, leaders), their members (:class:`PlanMember`), last
year's and fixed links (:class:`Link`) and the rules (:class:`PairingRule`,
:class:`MemberRule`). The output :class:`Plan` holds every link with the reasons that
made it, each unit's load, notes on wishes that could not be met, and the changes from
last year; :meth:`Plan.to_dict` exports it.
"""

from __future__ import annotations

from typing import Any

import attrs
from gridgov.core import ValidationError, to_dict, valid_choice, valid_code, valid_count, valid_text

ROTATIONS = ("neutral", "keep", "rotate")
BALANCE_BY = ("unit", "headcount")
CHANGES = ("kept", "rotated", "new", "ended")
SUBJECTS = ("unit", "member")


class PlanInfeasible(ValidationError):
    """No plan keeps every rule. ``field`` names the rule (``branch-grid.units_per_area``),
    ``reason`` says why it cannot hold, so the CLI prints one line a planner can act on."""

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(rule, reason)
        self.rule = rule

    def __reduce__(self):
        return (type(self), (self.rule, self.reason))


@attrs.frozen(kw_only=True)
class Preference:
    """One wish of a unit: an area (it or any area under it) or a need tag.

    ``Preference.parse("tag:elderly_care")`` is a tag, ``Preference.parse("440307001")`` an
    area; a unit lists its wishes best first."""

    area: str | None = attrs.field(default=None, validator=valid_code)
    tag: str | None = attrs.field(default=None, validator=valid_text(60, required=False))

    def __attrs_post_init__(self) -> None:
        if (self.area is None) == (self.tag is None):
            raise ValidationError("preference", "names either an area or a tag")

    @classmethod
    def parse(cls, text: str | Preference) -> Preference:
        if isinstance(text, Preference):
            return text
        if text.startswith("tag:"):
            return cls(tag=text[4:])
        return cls(area=text)

    @property
    def label(self) -> str:
        return f"area {self.area}" if self.area else f"tag {self.tag!r}"


def _preferences(values: Any) -> tuple[Preference, ...]:
    return tuple(Preference.parse(v) for v in values or ())


def _tags(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values or ()))


def _positive(_inst: Any, attribute: attrs.Attribute, value: int) -> None:
    valid_count(_inst, attribute, value)
    if value < 1:
        raise ValidationError(attribute.name, f"must be at least 1, got {value}")


def _range(_inst: Any, attribute: attrs.Attribute, value: tuple[int, int | None]) -> None:
    low, high = value
    valid_count(_inst, attribute, low)
    valid_count(_inst, attribute, high)
    if high is not None and high < low:
        raise ValidationError(attribute.name, f"minimum {low} is above maximum {high}")


def _fraction(_inst: Any, attribute: attrs.Attribute, value: float | None) -> None:
    if value is not None and not (0 <= value < 10):
        raise ValidationError(attribute.name, f"tolerance must lie in [0, 10), got {value}")


@attrs.frozen(kw_only=True)
class PlanArea:
    """A node of the area tree: its level, its parent, what it needs and its households."""

    code: str = attrs.field(validator=valid_code)
    level: str = attrs.field(validator=valid_text(40))
    parent_code: str | None = attrs.field(default=None, validator=valid_code)
    needs: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    households: int = attrs.field(default=0, validator=valid_count)


@attrs.frozen(kw_only=True)
class PlanUnit:
    """An agency, branch, department or leader to pair with areas.

    ``tags`` are its functions (matched against the areas' ``needs``), ``size`` its
    headcount, ``home`` the area it sits in (distance and reach are counted from it),
    ``prefer`` its wishes best first, ``avoid`` the areas or tags it asks to be spared."""

    code: str = attrs.field(validator=valid_code)
    kind: str = attrs.field(validator=valid_text(40))
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    size: int = attrs.field(default=1, validator=_positive)
    home: str | None = attrs.field(default=None, validator=valid_code)
    prefer: tuple[Preference, ...] = attrs.field(default=(), converter=_preferences)
    avoid: tuple[Preference, ...] = attrs.field(default=(), converter=_preferences)


@attrs.frozen(kw_only=True)
class PlanMember:
    """A member of a unit (a branch), to be placed in one building of the unit's areas."""

    login: str = attrs.field(validator=valid_code)
    unit: str = attrs.field(validator=valid_code)
    home: str | None = attrs.field(default=None, validator=valid_code)


@attrs.frozen(kw_only=True)
class Link:
    """A pairing of a unit (by code) or a member (by login) with an area: last year's
    links, and links fixed in advance."""

    subject: str = attrs.field(validator=valid_code)
    area: str = attrs.field(validator=valid_code)
    kind: str = attrs.field(default="unit", validator=valid_choice(SUBJECTS))


@attrs.frozen(kw_only=True)
class PairingRule:
    """How units of one kind pair with areas of one level.

    ``units_per_area`` and ``areas_per_unit`` are (minimum, maximum) counts, maximum None
    for no limit: (1, 1) units per grid means every grid has exactly one branch; Donggang's
    departments are (3, 5) per community and (1, 1) community each. ``reach`` is a level:
    a unit may only pair with areas under its home's ancestor at that level (a branch
    homed in a community reaches its subdistrict's grids with ``reach="subdistrict"``).
    ``balance`` is a tolerance: the households per unit (per member with
    ``balance_by="headcount"``) of each unit's areas, an area's households shared among the
    units on it, stay within ±tolerance of the mean among the units competing for the same
    areas. ``rotation`` weighs last year's links: kept gladly, avoided, or ignored."""

    name: str = attrs.field(validator=valid_code)
    unit_kind: str = attrs.field(validator=valid_text(40))
    area_level: str = attrs.field(validator=valid_text(40))
    units_per_area: tuple[int, int | None] = attrs.field(default=(1, 1), converter=tuple, validator=_range)
    areas_per_unit: tuple[int, int | None] = attrs.field(default=(1, None), converter=tuple, validator=_range)
    reach: str | None = attrs.field(default=None, validator=valid_text(40, required=False))
    balance: float | None = attrs.field(default=None, validator=_fraction)
    balance_by: str = attrs.field(default="unit", validator=valid_choice(BALANCE_BY))
    rotation: str = attrs.field(default="neutral", validator=valid_choice(ROTATIONS))


@attrs.frozen(kw_only=True)
class MemberRule:
    """How members are placed: each member of a unit paired by rule ``rule`` goes to one
    building (an area of ``building_level``) under that unit's areas, near home where
    possible. ``cover`` gives every building a member before any building gets a second;
    ``max_per_building`` caps a building."""

    rule: str = attrs.field(validator=valid_code)
    building_level: str = attrs.field(default="building", validator=valid_text(40))
    max_per_building: int | None = attrs.field(default=None, validator=valid_count)
    cover: bool = True
    rotation: str = attrs.field(default="neutral", validator=valid_choice(ROTATIONS))


@attrs.frozen(kw_only=True)
class Weights:
    """Points of the objective (lower is better). ``prefer`` is the first wish's bonus
    (later wishes get less), ``avoid`` the penalty for an avoided area, ``fit`` the bonus
    per function tag that meets a need, ``distance`` the cost per step of tree distance
    from home, ``keep`` the bonus (rotation "keep") or penalty ("rotate") for last year's
    link, ``cover`` the bonus for a building's first member, ``spread`` the cost of each
    further member in one building."""

    prefer: int = attrs.field(default=100, validator=valid_count)
    avoid: int = attrs.field(default=300, validator=valid_count)
    fit: int = attrs.field(default=30, validator=valid_count)
    distance: int = attrs.field(default=5, validator=valid_count)
    keep: int = attrs.field(default=40, validator=valid_count)
    cover: int = attrs.field(default=1000, validator=valid_count)
    spread: int = attrs.field(default=20, validator=valid_count)


# -- output ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UnitLink:
    """A unit paired with an area, and why (fixed, wish, function fit, distance, last year)."""

    rule: str
    unit: str
    area: str
    reasons: tuple[str, ...]
    explanation: str


@attrs.frozen(kw_only=True)
class MemberLink:
    """A member placed in a building of one of the unit's areas, and why."""

    login: str
    unit: str
    building: str
    area: str
    distance: int | None
    explanation: str


@attrs.frozen(kw_only=True)
class Load:
    """A unit's households per unit (or per member) against the balance band."""

    rule: str
    unit: str
    households: int
    load: float
    target: float
    low: float | None
    high: float | None


@attrs.frozen(kw_only=True)
class Note:
    """Something a unit or member asked for that the plan could not give, and why."""

    rule: str
    subject: str
    text: str


@attrs.frozen(kw_only=True)
class Change:
    """One difference from last year: a link kept, rotated (before → after), new or ended."""

    rule: str
    kind: str
    subject: str
    change: str
    before: str | None
    after: str | None
    why: str


@attrs.frozen(kw_only=True)
class ScopeStats:
    """How one independent part of a rule was solved: ``method`` is "lp" (the relaxation
    was already whole), "lp+mip" (whole parts kept, the rest solved as a MIP) or "mip";
    ``gap`` is the proven distance from the best possible objective, as a share."""

    rule: str
    scope: str
    units: int
    areas: int
    pairs: int
    method: str
    objective: float
    bound: float
    gap: float
    seconds: float


@attrs.frozen(kw_only=True)
class Plan:
    """A solved plan: every link explained, loads, notes, changes from last year."""

    unit_links: tuple[UnitLink, ...]
    member_links: tuple[MemberLink, ...]
    loads: tuple[Load, ...]
    notes: tuple[Note, ...]
    changes: tuple[Change, ...]
    stats: tuple[ScopeStats, ...]
    seconds: dict[str, float]

    def areas_of(self, unit: str, rule: str | None = None) -> list[str]:
        return [k.area for k in self.unit_links if k.unit == unit and (rule is None or k.rule == rule)]

    def units_of(self, area: str, rule: str | None = None) -> list[str]:
        return [k.unit for k in self.unit_links if k.area == area and (rule is None or k.rule == rule)]

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@attrs.frozen(kw_only=True)
class PlanInput:
    """Everything one planning run takes: the tree, the units and their members, the rules
    (solved in order, each independently), last year's links and links fixed in advance."""

    areas: tuple[PlanArea, ...] = attrs.field(converter=tuple)
    units: tuple[PlanUnit, ...] = attrs.field(converter=tuple)
    rules: tuple[PairingRule, ...] = attrs.field(converter=tuple)
    members: tuple[PlanMember, ...] = attrs.field(default=(), converter=tuple)
    member_rule: MemberRule | None = None
    previous: tuple[Link, ...] = attrs.field(default=(), converter=tuple)
    fixed: tuple[Link, ...] = attrs.field(default=(), converter=tuple)
    weights: Weights = Weights()
