"""The core's own plugin: its categories, roles, workflow actions and default router.

It registers through the same hooks as every department plugin, so the hooks are
exercised by the core itself.
"""

from __future__ import annotations

from .access import CORE_ROLES
from .hookspecs import hookimpl
from .registry import Category, Route
from .workflow import CORE_TRANSITIONS

CORE_CATEGORIES = (
    Category(code="road.repair", name_zh="道路修复", name_en="road repair", response_hours=4, resolve_hours=72, handler_kind="agency"),
    Category(code="elevator.retrofit", name_zh="加装电梯", name_en="elevator retrofit", default_priority="low", response_hours=24, resolve_hours=720, handler_kind="agency"),
    Category(code="environment.sanitation", name_zh="环境卫生", name_en="sanitation", response_hours=2, resolve_hours=24, handler_kind="agency"),
    Category(code="property.dispute", name_zh="物业纠纷", name_en="property dispute", response_hours=8, resolve_hours=120, handler_kind="property_company"),
    Category(code="public.safety", name_zh="安全隐患", name_en="safety hazard", default_priority="high", response_hours=1, resolve_hours=24, handler_kind="agency"),
    Category(code="facility.repair", name_zh="设施维修", name_en="facility repair", response_hours=4, resolve_hours=72, handler_kind="property_company"),
    Category(code="greening", name_zh="绿化养护", name_en="greening", default_priority="low", response_hours=8, resolve_hours=168, handler_kind="agency"),
    Category(code="noise", name_zh="噪声扰民", name_en="noise", response_hours=2, resolve_hours=48, handler_kind="police_station"),
    Category(code="parking", name_zh="停车秩序", name_en="parking", response_hours=4, resolve_hours=72, handler_kind="agency"),
    Category(code="livelihood.help", name_zh="民生求助", name_en="livelihood help", response_hours=4, resolve_hours=72, handler_kind="party_branch"),
)  # fmt: skip


@hookimpl
def register_categories(register):
    for category in CORE_CATEGORIES:
        register(category)


@hookimpl
def register_roles(register):
    for role in CORE_ROLES:
        register(role)


@hookimpl
def register_actions(register):
    for transition in CORE_TRANSITIONS:
        register(transition)


@hookimpl(trylast=True)
def route_issue(platform, issue):
    """Dispatch to the organisation of the category's kind paired with or seated in the
    case's area, looking upward from the area to the district."""
    category = platform.categories.get(issue.category)
    kind = category.handler_kind if category else None
    found = platform.organisations.responsible_for(issue.area_code, kind)
    if not found and kind is not None:
        found = platform.organisations.responsible_for(issue.area_code, None)
    if not found:
        return None
    org, reason = found[0]
    return Route(org_code=org.code, reason=reason)
