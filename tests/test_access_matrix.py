"""The access matrix: every post × every administrative operation × an object inside and
outside its scope, and every case action × inside/outside × every state. Every cell is
asserted against an oracle written here from the rules (not from the code), and no cell
outside a post's scope may be allowed.

The sample deployment gets a second district (福田, code FT) so that even a district-wide
post has something outside its scope, and posts the sample lacks (a subdistrict admin, a
first secretary, a viewer, a part-time grid leader), so every core post is in the matrix.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from gridgov.core import (
    AccessDenied,
    Actor,
    Area,
    DualRegistration,
    GridgovError,
    Member,
    Organisation,
    Pairing,
    RoleAssignment,
    SlaBook,
    TransitionRefused,
)
from gridgov.core.access import CORE_ROLES
from gridgov.core.workflow import CORE_TRANSITIONS, STATES

POSTS = {  # login → (post, area or None, organisation or None)
    "admin": ("admin", "LG", None),
    "admin_ph": ("admin", "PH", None),
    "supervisor": ("supervisor", "LG", None),
    "dispatcher_ph": ("dispatcher", "PH", None),
    "dispatcher_sx": ("dispatcher", "SX", None),
    "leader_sx01": ("grid_leader", "SX01", None),
    "worker_sx01": ("grid_worker", "SX01", None),
    "worker_bnk01": ("grid_worker", "BNK01", None),
    "head_sx01b1": ("building_head", "SX01-B1", None),
    "secretary_sx01": ("first_secretary", "SX01", None),
    "viewer_ph": ("viewer", "PH", None),
    "parttime_sx01": ("part_time_grid_leader", "SX01", None),
    "handler_zjj": ("handler", None, "ZJJ"),
    "handler_cgj": ("handler", None, "CGJ"),
}
ROLE_PERMISSIONS = {role.post: role.permissions for role in CORE_ROLES}
INSIDE_SITE, OUTSIDE_SITE = "SX01-B1", "FT01"


class Rollback(Exception):
    """Raised inside a transaction to undo a probe that went through."""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from gridgov.core import Platform, PluginHost, sample
    from gridgov.core.testing import Clock

    clock = Clock()
    platform = Platform(tmp_path_factory.mktemp("matrix") / "m.db",
                        hooks=PluginHost(builtins=(), entry_points=False), clock=clock)
    sample.build(platform)
    system = Actor.system()
    for code, name, level, parent in (("FT", "福田区", "district", None), ("FT-S", "福保街道", "subdistrict", "FT"),
                                      ("FT-C", "福保社区", "community", "FT-S"), ("FT01", "福保社区第01网格", "grid", "FT-C")):
        platform.areas.add(system, Area(code=code, name=name, level=level, parent_code=parent))
    platform.organisations.add(system, Organisation(code="FTJ", name="福田区住建局", kind="agency", area_code="FT"))
    platform.members.add(system, Member(login="resident_ft", name="福田居民", home_area="FT01"))
    platform.members.add(system, Member(login="resident_sx", name="山厦居民", home_area="SX01"))
    platform.members.add(system, Member(login="handler_ftj", name="福田处置员", org_code="FTJ"))
    platform.members.assign(system, RoleAssignment(login="handler_ftj", post="handler", org_code="FTJ"))
    for login, (post, area, org) in POSTS.items():
        if platform._store.find("member", login) is None:
            platform.members.add(system, Member(login=login, name=login))
            platform.members.assign(system, RoleAssignment(login=login, post=post, area_code=area, org_code=org))
    yield platform, clock
    platform.close()


def _path(platform, code: str) -> str:
    return platform.areas.path_of(code)


def holds(platform, login: str, permission: str, path: str | None) -> bool:
    """The oracle: the post's permissions (``*`` is all) over its own area subtree; a path
    of None is the whole deployment (two districts: no single post covers it)."""
    post, area, _ = POSTS[login]
    granted = ROLE_PERMISSIONS[post]
    if "*" not in granted and permission not in granted:
        return False
    if path is None or area is None:
        return False
    return path.startswith(_path(platform, area))


def attempt(platform, fn: Callable[[], object]) -> bool:
    """Whether ``fn`` is allowed; its writes are undone either way."""
    try:
        with platform.transaction():
            fn()
            raise Rollback
    except Rollback:
        return True
    except (AccessDenied, TransitionRefused):
        return False


# -- administration -----------------------------------------------------------------------------


def admin_operations(platform) -> list[tuple[str, str, str | None, Callable[[Actor], object]]]:
    """(operation, permission, the path of the object it touches, the call)."""
    sx, ft = _path(platform, "SX01"), _path(platform, "FT01")
    ops = []
    for where, code, path in (("inside", "SX01", sx), ("outside", "FT01", ft)):
        home = "resident_sx" if where == "inside" else "resident_ft"
        seat = "SX" if where == "inside" else "FT-C"
        ops += [
            (f"area.add {where}", "area.manage", path,
             lambda a, c=code: platform.areas.add(a, Area(code=f"{c}-B9", name="新楼", level="building", parent_code=c))),
            (f"area.update {where}", "area.manage", path, lambda a, c=code: platform.areas.update(a, c, name="改名")),
            (f"member.add {where}", "member.manage", path,
             lambda a, c=code: platform.members.add(a, Member(login=f"new_{c.lower()}", name="新人", home_area=c))),
            (f"member.update {where}", "member.manage", path, lambda a, h=home: platform.members.update(a, h, name="改名")),
            (f"member.deactivate {where}", "member.manage", path,
             lambda a, h=home: platform.members.update(a, h, active=False)),
            (f"member.assign grid_worker {where}", "member.manage", path,
             lambda a, h=home, c=code: platform.members.assign(a, RoleAssignment(login=h, post="grid_worker", area_code=c))),
            (f"organisation.add {where}", "organisation.manage", path,
             lambda a, s=seat, c=code: platform.organisations.add(
                 a, Organisation(code=f"ORG-{c}", name="新物业", kind="property_company", area_code=s))),
            (f"pairing.add {where}", "pairing.manage", path,
             lambda a, c=code, h=home: platform.pairings.add(a, Pairing(kind="member_household", member_login=h,
                                                                         area_code=c, household=f"{c}-0101"))),
            (f"metrics.read {where}", "metrics.read", path, lambda a, c=code: platform.metrics.for_area(a, c)),
            (f"member.read {where}", "member.read", path, lambda a, h=home: platform.members.get(a, h)),
            (f"personal.unmask {where}", "personal.unmask", path,
             lambda a, h=home: platform.members.get(a, h, unmask_reason="核实")),
        ]
    ops += [
        ("area.add root", "area.manage", None, lambda a: platform.areas.add(a, Area(code="NEW", name="新区", level="district"))),
        ("area.set_levels", "area.manage", None, lambda a: platform.areas.set_levels(a, platform.areas.levels())),
        ("area.set_handling_level", "area.manage", None, lambda a: platform.areas.set_handling_level(a, "grid")),
        ("sla.set", "sla.manage", None, lambda a: platform.set_sla(a, SlaBook())),
        ("time_zone.set", "settings.manage", None, lambda a: platform.set_time_zone(a, "Asia/Shanghai")),
        ("member.assign admin over the district", "member.manage", None,
         lambda a: platform.members.assign(a, RoleAssignment(login=a.login if a.login in POSTS else "resident_sx",
                                                             post="admin", area_code="LG"))),
        ("member.register_dual across districts", "member.manage", None,
         lambda a: platform.members.register_dual(a, DualRegistration(
             login="resident_ft", paired_community="BNK", home_community="FT-C", registered_on=dt.date(2026, 11, 1)))),
    ]
    return ops


def _expected_admin(platform, login: str, name: str, permission: str, path: str | None) -> bool:
    if name == "member.assign admin over the district":
        # Granting admin over LG needs admin (every permission) over LG itself.
        return POSTS[login][0] == "admin" and POSTS[login][1] == "LG"
    if name == "member.register_dual across districts":
        # Either community's member.manage will do: BNK lies in LG and PH.
        return holds(platform, login, "member.manage", _path(platform, "BNK"))
    if name.startswith("member.read") or name.startswith("personal.unmask"):
        # Members in the actor's own scope; unmask needs member.read there too.
        readable = holds(platform, login, "member.read", path)
        return readable and (permission == "member.read" or holds(platform, login, permission, path))
    if name.startswith("member.assign grid_worker"):
        # member.manage over the place and every permission the post carries.
        return all(holds(platform, login, p, path) for p in ("member.manage", *ROLE_PERMISSIONS["grid_worker"]))
    return holds(platform, login, permission, path)


def test_administration_matrix(world):
    platform, _ = world
    cells = Counter()
    wrong = []
    for login in POSTS:
        actor = platform.actor(login)
        for name, permission, path, call in admin_operations(platform):
            allowed = attempt(platform, lambda call=call, actor=actor: call(actor))
            expected = _expected_admin(platform, login, name, permission, path)
            cells["allowed" if allowed else "denied"] += 1
            if "outside" in name and allowed:
                wrong.append(f"{login} may {name} (outside its scope)")
            elif allowed != expected:
                wrong.append(f"{login} {name}: {'allowed' if allowed else 'denied'}, expected the opposite")
    assert wrong == [], wrong[:10]
    assert cells["allowed"] > 20 and cells["denied"] > 200
    print(f"administration matrix: {sum(cells.values())} cells, {cells['denied']} denied")


# -- case actions ------------------------------------------------------------------------------------


PATHS = {
    "reported": [], "registered": ["register"], "rejected": ["reject"], "merged": ["merge"],
    "dispatched": ["register", "dispatch"], "returned": ["register", "dispatch", "return"],
    "in_progress": ["register", "dispatch", "accept"], "resolved": ["register", "dispatch", "accept", "resolve"],
    "verified": ["register", "dispatch", "accept", "resolve", "verify"],
    "closed": ["register", "dispatch", "accept", "resolve", "verify", "close"],
    "reopened": ["register", "dispatch", "accept", "resolve", "verify", "close", "reopen"],
}  # fmt: skip
PARAMS = {"reject": {"note": "不予立案"}, "return": {"note": "非本单位"}, "resolve": {"note": "已修复"},
          "rework": {"note": "未修好"}, "close": {"rating": "dissatisfied"}, "reopen": {"note": "不满意"},
          "escalate": {"note": "需上级协调"}, "urge": {"note": "请加快"}, "unmerge": {"note": "不是同一件"},
          "callback": {"note": "已回访"}, "complaint": {"note": "投诉重办"}}


def _case(platform, clock, site: str, state: str, org: str) -> int:
    system = Actor.system()
    reporter = "worker_sx01" if site == INSIDE_SITE else "system"
    issue = platform.issues.report(platform.actor(reporter) if reporter != "system" else system, area=site,
                                   category="road.repair", title=f"{site}的{state}案件")
    for action in PATHS[state]:
        params = dict(PARAMS.get(action, {}))
        if action == "merge":
            params["merge_into"] = platform.issues.report(system, area=site, category="road.repair", title="主案件").id
        if action == "dispatch":
            params["org"] = org
        platform.issues.act(system, issue.id, action, **params)
    return issue.id


def _action_params(platform, action: str, site: str, org: str) -> dict:
    params = dict(PARAMS.get(action, {}))
    if action == "close":
        params["rating"] = "satisfied"
    if action == "dispatch":
        params["org"] = org
    if action == "merge":
        params["merge_into"] = platform.issues.report(Actor.system(), area=site, category="road.repair", title="另一主案件").id
    return params


def _expected_action(platform, login: str, action: str, state: str, site: str, assigned: str, overdue: bool) -> bool:
    transition = {t.action: t for t in CORE_TRANSITIONS}[action]
    if state not in transition.sources:
        return False
    post, area, org = POSTS[login]
    granted = ROLE_PERMISSIONS[post]
    if "*" not in granted and transition.permission not in granted:
        return False
    site_path = _path(platform, site)
    handling = _path(platform, "SX01" if site == INSIDE_SITE else "FT01")
    if transition.scope == "assignee":
        if "*" in granted and area and site_path.startswith(_path(platform, area)):
            return True
        return org == assigned
    scoped = site_path if transition.scope == "site" else handling
    if area is None or not scoped.startswith(_path(platform, area)):
        return False
    if action == "urge":
        return overdue
    return True  # reopen: the cases were rated dissatisfied; escalate: a grid has a parent


def test_case_action_matrix(world):
    platform, clock = world
    cells = Counter()
    wrong = []
    cases = {}
    for site, org in ((INSIDE_SITE, "ZJJ"), (OUTSIDE_SITE, "FTJ")):
        for state in STATES:
            cases[(site, state)] = _case(platform, clock, site, state, org)
    clock.advance(days=10)  # every dispatched case is overdue now, so urge can apply
    try:
        for login in POSTS:
            actor = platform.actor(login)
            for (site, state), issue_id in cases.items():
                issue = platform.issues.find_raw(issue_id)
                inside = _inside(platform, login, site, issue)
                for transition in CORE_TRANSITIONS:
                    action = transition.action
                    org = "ZJJ" if site == INSIDE_SITE else "FTJ"
                    params = _action_params(platform, action, site, org)
                    allowed = attempt(platform, lambda a=actor, i=issue_id, x=action, p=params: platform.issues.act(a, i, x, **p))
                    expected = _expected_action(platform, login, action, state, site, issue.assignee_org,
                                                issue.overdue_at(platform.now()))
                    cells["allowed" if allowed else "denied"] += 1
                    if not inside and allowed:
                        wrong.append(f"{login} may {action} a {state} case at {site} (outside its scope)")
                    elif allowed != expected:
                        wrong.append(f"{login} {action} on a {state} case at {site}: "
                                     f"{'allowed' if allowed else 'denied'}, expected the opposite")
                    offered = action in platform.issues.available_actions(actor, issue)
                    if offered != allowed and action != "merge":
                        wrong.append(f"{login} {action} on a {state} case: offered={offered}, allowed={allowed}")
    finally:
        clock.advance(days=-10)
    assert wrong == [], wrong[:10]
    assert cells["allowed"] > 50 and cells["denied"] > 3000
    print(f"case action matrix: {sum(cells.values())} cells, {cells['denied']} denied")


def _inside(platform, login: str, site: str, issue) -> bool:
    """Whether the case lies in the post's scope at all: its site or handling area in the
    post's area subtree, or (for an organisation's post) assigned to that organisation."""
    _, area, org = POSTS[login]
    if area is not None:
        return _path(platform, site).startswith(_path(platform, area))
    return issue.assignee_org == org


def test_every_core_post_is_in_the_matrix():
    # intake_channel is a service account's post (the HTTP service's residents' apps).
    assert {post for post, _, _ in POSTS.values()} | {"intake_channel"} == set(ROLE_PERMISSIONS)


def test_a_deactivated_member_is_refused_everything(world):
    platform, _ = world
    system = Actor.system()
    try:
        with platform.transaction():
            platform.members.update(system, "dispatcher_sx", active=False)
            actor = platform.actor("dispatcher_sx")
            assert actor.grants == () and not actor.active
            with pytest.raises(GridgovError, match="deactivated"):
                platform.issues.report(actor, area="SX01", category="road.repair", title="停用后上报")
            with pytest.raises(AccessDenied, match="deactivated"):
                platform.metrics.for_area(actor, "SX")
            with pytest.raises(AccessDenied, match="deactivated"):
                platform.issues.list(actor)
            raise Rollback
    except Rollback:
        pass
