"""The HR bureau (区人力资源局) and its branches, and which one answers which topic.

The bureau and its branches carry ``profile["hr_policy"]`` so that any deployment can say
which of its agencies they are; the names are the ones Longgang uses, and the demo marks
agencies of those names (or creates them) as the bureau and its child organisations.
"""

from __future__ import annotations

from typing import Any

from gridgov.core import Actor, Organisation, Platform

BUREAU = "bureau"
BRANCHES = {
    "talent": ("区人力资源局人才服务科", "HRB-TAL"),
    "labour_inspection": ("区人力资源局劳动监察大队", "HRB-INS"),
    "labour_arbitration": ("区劳动人事争议仲裁院", "HRB-ARB"),
}
BUREAU_NAME, BUREAU_CODE = "区人力资源局", "HRB"
TOPIC_BRANCH = {
    "talent_subsidy": "talent",
    "skills_funding": "talent",
    "stable_employment": BUREAU,
    "labour_inspection": "labour_inspection",
    "labour_arbitration": "labour_arbitration",
    "other": BUREAU,
}


def bureau_units(platform: Platform) -> dict[str, str]:
    """The HR bureau and its branches in this deployment: ``{"bureau": code, "talent": code…}``."""
    found: dict[str, str] = {}
    for org in platform.organisations.list(kind="agency"):
        role = (org.profile or {}).get("hr_policy")
        if role and role not in found:
            found[role] = org.code
    return found


def ensure_bureau(platform: Platform, actor: Actor, seat_area: str) -> dict[str, str]:
    """Mark (or create) the HR bureau and its talent, labour-inspection and labour-
    arbitration branches as child organisations; returns their codes by role."""
    units = bureau_units(platform)
    by_name = {o.name: o for o in platform.organisations.list(kind="agency")}
    with platform.transaction():
        if BUREAU not in units:
            units[BUREAU] = _mark(platform, actor, by_name.get(BUREAU_NAME), BUREAU_NAME, BUREAU_CODE,
                                  BUREAU, seat_area, None)
        for role, (name, code) in BRANCHES.items():
            if role not in units:
                units[role] = _mark(platform, actor, by_name.get(name), name, code, role, seat_area,
                                    units[BUREAU])
    return units


def _mark(platform: Platform, actor: Actor, org: Organisation | None, name: str, code: str,
          role: str, seat: str, parent: str | None) -> str:
    if org is None:
        taken = platform.organisations.find(code)
        code = code if taken is None else f"{code}-{len(platform.organisations.list(kind='agency'))}"
        platform.organisations.add(actor, Organisation(code=code, name=name, kind="agency", area_code=seat,
                                                       parent_code=parent, profile={"hr_policy": role}))
        return code
    changes: dict[str, Any] = {"profile": {**(org.profile or {}), "hr_policy": role}}
    if parent and org.parent_code != parent:
        changes["parent_code"] = parent
    platform.organisations.update(actor, org.code, **changes)
    return org.code
