"""Demo data: the axis's standing bodies for the demo areas, co-building bodies with their
commitments and things done, and a season of joint meetings run through the plugin's
own service calls (topics raised, put on agendas, minutes, decisions, moves up a level).

At the ``district`` scale the season follows Donggang's figures (SEEDS 004): 85 meetings,
206 matters settled at their own level, 33 moved up and 27 of those solved, 18
co-building bodies with 109 member units, 450+ things done worth 700,000+ yuan. The
generator is given those targets and plans which meeting raises, settles or moves which
topic so that the counts come out exactly; the metrics then recount them from the rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import attrs
from gridgov.core import Actor, Area, Member, NotFound, Platform, RoleAssignment

from .cobuild import CoBuildingService
from .records import COMMITMENT_KINDS, SECRETARY, Attendance, Body
from .service import JointMeetingsService, last_moment

SEASON_DAYS = 91
# Topics come from cases being worked on; the rarer states (returned, reopened) are left as
# the core demo made them.
WORKED_ON = ["dispatched", "in_progress"]


@attrs.frozen(kw_only=True)
class SeasonTargets:
    """What a season must produce. ``two_level`` of the solved topics climb two levels
    (compound → community → subdistrict), ``from_community`` are raised at a community
    and settled by its subdistrict; the rest of the solved ones climb one level. The
    moved topics that are not solved wait at a body that has not met since."""

    meetings: int
    settled_own: int
    moved: int
    solved: int
    two_level: int = 0
    from_community: int = 0
    cobuild_bodies: int = 0
    units: int = 0
    deeds: int = 0
    value: int = 0
    case_share: float = 0.2


TARGETS = {
    "small": SeasonTargets(meetings=24, settled_own=50, moved=8, solved=6, two_level=1, from_community=1,
                           cobuild_bodies=3, units=15, deeds=40, value=50_000),
    "district": SeasonTargets(meetings=85, settled_own=206, moved=33, solved=27, two_level=3, from_community=2,
                              cobuild_bodies=18, units=109, deeds=450, value=700_000),
    "longgang": SeasonTargets(meetings=600, settled_own=1400, moved=220, solved=180, two_level=15, from_community=10,
                              cobuild_bodies=120, units=720, deeds=2900, value=4_600_000),
}  # fmt: skip

_OWN = ("楼道堆物清理", "小区停车秩序", "垃圾分类督导", "老旧管网改造", "电动车充电桩安装", "绿化带补种", "夜间施工噪音",
        "化粪池清掏", "公共照明维修", "文体活动场地", "独居老人探访", "外墙脱落隐患", "二次供水水质", "楼顶防水维修",
        "流动摊贩管理", "健身器材更新", "消防通道占用", "快递柜设置")  # fmt: skip
_BIG = ("片区排水系统改造", "跨小区道路打通", "菜市场升级改造", "学校周边交通治理", "老旧小区加装电梯资金", "公交线路调整",
        "河道整治", "社区卫生服务站选址", "养老服务中心建设", "农贸市场搬迁")  # fmt: skip
_DEEDS = ("志愿服务进社区", "捐赠防汛物资", "义诊", "法律咨询进小区", "资助困难家庭", "修缮活动室", "捐赠图书", "组织技能培训",
          "慰问独居老人", "认领微实事", "环境整治", "捐建健身路径")  # fmt: skip
_PROMISES = {"people": "每月派志愿者参与社区服务", "goods": "捐赠物资支持社区活动", "money": "出资支持社区微实事",
             "services": "提供专业服务进社区"}  # fmt: skip


def _name(area: Area, level: str, levels: tuple[str, ...], handling: str) -> str:
    if level == levels[0]:
        return f"{area.name}联席会议"
    if level == "subdistrict":
        return f"{area.name}大工委"
    if level == "community":
        return f"{area.name}大党委"
    return f"{area.name}联席会议"


class _Season:
    def __init__(self, platform: Platform, targets: SeasonTargets, rng: random.Random,
                 progress: Callable[[str, int, int], None]) -> None:
        self.platform, self.targets, self.rng, self.progress = platform, targets, rng, progress
        self.system = Actor.system()
        self.service = JointMeetingsService(platform)
        self.cobuild = CoBuildingService(platform)
        self.end = platform.now()
        self.start = self.end - dt.timedelta(days=SEASON_DAYS)
        self.levels = platform.areas.levels()
        self.handling = platform.areas.handling_level()
        self.actors: dict[str, Actor] = {}
        self.fallback_orgs = [o.code for o in platform.organisations.list(kind="agency", limit=40)] or \
            [o.code for o in platform.organisations.list(limit=40)]

    def areas(self, level: str) -> list[Area]:
        return [a for root in self.platform.areas.roots() for a in self.platform.areas.subtree(root.code, level=level)]

    def actor(self, login: str | None) -> Actor:
        if login is None:
            return self.system
        if login not in self.actors:
            self.actors[login] = self.platform.actor(login)
        return self.actors[login]

    def at(self, frac: float) -> dt.datetime:
        t = self.start + dt.timedelta(days=SEASON_DAYS * frac)
        return self.platform.time.at(self.platform.time.day_of(t), dt.time(self.rng.choice((9, 10, 14, 15)), 0))

    # -- bodies ---------------------------------------------------------------------------

    def secretary(self, area: Area) -> str:
        login = f"jm.{area.code}".lower()
        try:
            self.platform.members.get(self.system, login)
        except NotFound:
            self.platform.members.add(self.system, Member(login=login, name=f"{area.name[:8]}书记", home_area=area.code,
                                                          party_member=True))
            self.platform.members.assign(self.system, RoleAssignment(
                login=login, post=SECRETARY, area_code=area.code,
                starts=self.platform.time.day_of(self.start - dt.timedelta(days=60)), duties="召集本级联席会议"))
        return login

    def unit_orgs(self, area: Area, level: str) -> list[str]:
        orgs = self.platform.organisations
        if level == "subdistrict":
            paired = [p.org_code for p in self.platform.pairings.list(self.system, area=area.code, kind="agency_subdistrict")
                      if p.org_code]
            return list(dict.fromkeys(paired))[:22] or self.fallback_orgs[:6]
        if level == self.levels[0]:
            return [o.code for o in orgs.list(kind="agency", area=area.code, limit=8)] or self.fallback_orgs[:4]
        kinds = ("party_branch", "property_company", "owners_committee", "police_station")
        return [o.code for o in orgs.list(area=area.code, limit=200) if o.kind in kinds][:6]

    def joint_bodies(self) -> dict[str, list[Body]]:
        """A joint body with its secretary and member units for every area of every level
        above the building (the levels down to the handling level)."""
        out: dict[str, list[Body]] = {}
        for level in self.levels[: self.levels.index(self.handling) + 1]:
            for area in self.areas(level):
                existing = self.service.body_of(area.code)
                if existing is None:
                    role = "part_time" if level == "subdistrict" else "member"
                    existing = self.service.add_body(
                        self.system, area=area.code, name=_name(area, level, self.levels, self.handling),
                        convener=self.secretary(area), members=[{"org_code": o, "role": role} for o in self.unit_orgs(area, level)],
                        at=self.start - dt.timedelta(days=30))  # fmt: skip
                out.setdefault(level, []).append(existing)
        return out

    # -- co-building ----------------------------------------------------------------------

    def cobuilding(self) -> None:
        t = self.targets
        communities = self.areas(self.levels[self.levels.index(self.handling) - 1]) if self.handling in self.levels else []
        if not t.cobuild_bodies or not communities:
            return
        per_body = [t.units // t.cobuild_bodies + (1 if i < t.units % t.cobuild_bodies else 0) for i in range(t.cobuild_bodies)]
        agencies = self.fallback_orgs
        commitments: list[tuple[int, str, int]] = []
        for i, size in enumerate(per_body):
            community = communities[i % len(communities)]
            nth = i // len(communities)
            local = [o.code for o in self.platform.organisations.list(area=community.code, limit=60)
                     if o.kind in ("enterprise", "property_company", "financial_institution", "party_branch")]
            self.rng.shuffle(local)
            pool = list(dict.fromkeys(local[nth * size:] + agencies[(i * 3) % max(len(agencies), 1):] + agencies + local))
            units = pool[:size]
            suffix = "" if nth == 0 else f"（{'二三四五六七八九'[min(nth - 1, 8)]}）"
            body = self.service.add_body(self.system, area=community.code, kind="cobuild",
                                         name=f"{community.name}联建治理服务共同体{suffix}",
                                         members=[{"org_code": o} for o in units], at=self.start - dt.timedelta(days=30))
            signed = self.platform.time.day_of(self.start)
            for org in units:
                for kind in self.rng.sample(COMMITMENT_KINDS, self.rng.choice((1, 1, 2))):
                    amount = self.rng.randrange(5, 60) * 1000 if kind in ("money", "goods") else None
                    c = self.cobuild.commit(self.system, body.id, org_code=org, kind=kind, text=_PROMISES[kind],
                                            signed_on=signed, due=signed + dt.timedelta(days=365), amount=amount)
                    commitments.append((body.id, org, c.id))
        deeds = value = 0
        today = self.platform.today()
        while deeds < t.deeds or value < t.value:
            body_id, org, commitment_id = self.rng.choice(commitments)
            done = self.platform.time.day_of(self.start) + dt.timedelta(days=self.rng.randrange(SEASON_DAYS))
            worth = self.rng.randrange(6, 26) * 100
            self.cobuild.record_deed(self.system, body_id, org_code=org, done_on=min(done, today),
                                     text=self.rng.choice(_DEEDS), value=worth, commitment_id=commitment_id)
            deeds, value = deeds + 1, value + worth

    # -- the season -----------------------------------------------------------------------

    def plan(self, bodies: dict[str, list[Body]]) -> list[dict[str, Any]]:
        """Meetings with times and what each will do (own topics to settle, topics to move
        up and their fate), so that the targets come out exactly."""
        t, rng = self.targets, self.rng
        low = bodies.get(self.handling, [])
        upper_levels = [lv for lv in self.levels[: self.levels.index(self.handling)]]
        community_level = upper_levels[-1] if upper_levels else None
        frac = {upper_levels[0]: (0.93, 0.97)} if upper_levels else {}
        if len(upper_levels) >= 2:
            frac[upper_levels[-2]] = (0.83, 0.9)
        if community_level:
            frac[community_level] = (0.55, 0.8)
        meetings: list[dict[str, Any]] = []
        when: dict[int, dt.datetime] = {}
        for level in upper_levels:
            for body in bodies.get(level, []):
                at = self.at(rng.uniform(*frac.get(level, (0.5, 0.8))))
                when[body.id] = at
                meetings.append({"body": body, "at": at, "moves": []})
        extra = t.meetings - len(meetings)
        if extra < 0 or (extra and not low):
            raise ValueError(f"{t.meetings} meetings cannot cover {len(meetings)} upper bodies")
        order = list(low)
        rng.shuffle(order)
        low_meetings = [{"body": order[i % len(order)], "moves": []} for i in range(extra)]
        unsolved = t.moved - t.solved
        single = t.solved - t.two_level - t.from_community
        if unsolved < 0 or single < 0 or (t.moved and len(low_meetings) < 2):
            raise ValueError("targets do not add up")
        for i in range(unsolved):
            low_meetings[i % len(low_meetings)]["late"] = True
            low_meetings[i % len(low_meetings)]["moves"].append("wait")
        early = [m for m in low_meetings if not m.get("late")] or low_meetings
        for i, fate in enumerate(["up1"] * single + ["up2"] * t.two_level):
            early[i % len(early)]["moves"].append(fate)
        for m in low_meetings:
            parent = self.service.parent_body(m["body"])
            mark = when.get(parent.id) if parent else None
            if mark is None:
                lo, hi = 0.02, 0.97
            elif m.get("late"):
                lo, hi = (mark - self.start) / dt.timedelta(days=SEASON_DAYS) + 0.03, 0.98
            elif m["moves"]:
                lo, hi = 0.02, (mark - self.start) / dt.timedelta(days=SEASON_DAYS) - 0.03
            else:
                lo, hi = 0.02, 0.97
            m["at"] = self.at(rng.uniform(lo, max(lo, hi)))
        meetings += low_meetings
        communities = [m for m in meetings if community_level and m["body"].level == community_level]
        for i in range(t.from_community if communities else 0):
            communities[i % len(communities)]["moves"].append("sub")
        share = [t.settled_own // len(meetings)] * len(meetings)
        for i in rng.sample(range(len(meetings)), t.settled_own % len(meetings)):
            share[i] += 1
        for m, n in zip(meetings, share, strict=True):
            m["own"] = n
        meetings.sort(key=lambda m: m["at"])
        return meetings

    def cases_for(self, body: Body, before: dt.datetime) -> list[int]:
        found = self.platform.issues.list(self.system, area=body.area_code, status=WORKED_ON, limit=30)
        taken = self.platform.table("joint_meetings_topic")
        core = {code for code, c in self.platform.categories.items() if c.plugin in ("gridgov", "")}
        return [c.id for c in found if c.category in core and last_moment(c) < before - dt.timedelta(days=1)
                and not taken.count(issue_id=c.id)]

    def owner(self, body: Body) -> str:
        units = [m.org_code for m in self.service.members(self.system, body.id) if m.org_code]
        return self.rng.choice(units or self.fallback_orgs)

    def new_topic(self, body: Body, actor: Actor, at: dt.datetime, big: bool, cases: list[int]) -> Any:
        rng = self.rng
        raised = max(self.start, at - dt.timedelta(days=rng.uniform(1, 12)))
        if cases and rng.random() < self.targets.case_share:
            issue_id = cases.pop()
            title = self.platform.issues.get(self.system, issue_id).title
            return self.service.raise_topic(actor, body.id, title=title[:200], origin="case", issue_id=issue_id, at=raised)
        origin = rng.choice(("resident", "resident", "member_unit", "lower_level"))
        title = rng.choice(_BIG if big else _OWN)
        return self.service.raise_topic(actor, body.id, title=f"{body.name[:12]}{title}", origin=origin, at=raised,
                                        origin_ref={"resident": "居民代表", "member_unit": "成员单位",
                                                    "lower_level": "下级组织"}[origin])  # fmt: skip

    def decide(self, body: Body, actor: Actor, meeting_id: int, topic_id: int, at: dt.datetime) -> None:
        due = self.platform.time.day_of(at) + dt.timedelta(days=self.rng.choice((14, 30, 45, 60)))
        decision = self.service.decide(actor, meeting_id, topic_id=topic_id, owner_org=self.owner(body), due=due,
                                       text="明确责任单位和完成时限，按期办结", at=at)  # fmt: skip
        today = self.platform.today()
        if due < today + dt.timedelta(days=20) and self.rng.random() < 0.8:
            done = min(today, self.platform.time.day_of(at) + dt.timedelta(days=self.rng.randint(3, (due - self.platform.time.day_of(at)).days + 5)))
            self.service.complete(actor, decision.id, done_on=done)

    def meeting(self, plan: dict[str, Any], fates: dict[int, str]) -> None:
        body: Body = plan["body"]
        at: dt.datetime = plan["at"]
        actor = self.actor(body.convener)
        cases = self.cases_for(body, at)
        own = [self.new_topic(body, actor, at, False, cases) for _ in range(plan["own"])]
        moving = [(self.new_topic(body, actor, at, True, cases), fate) for fate in plan["moves"]]
        incoming = [t for t in self.service.topics(self.system, body.id) if t.moves and t.id in fates]
        meeting = self.service.schedule(actor, body.id, at=at, place=f"{body.name[:20]}会议室")
        for topic in [*incoming, *own, *(t for t, _ in moving)]:
            self.service.add_to_agenda(actor, meeting.id, topic.id)
        members = self.service.members(self.system, body.id)
        attendees = [Attendance(org_code=m.org_code, login=m.login, present=self.rng.random() > 0.1,
                                reason="") for m in members]  # fmt: skip
        attendees = [a if a.present else attrs.evolve(a, reason="公务冲突，书面请假") for a in attendees]
        minutes = (f"{body.name}召开联席会议，议题{len(own) + len(moving) + len(incoming)}项："
                   + "；".join(t.title for t in [*incoming, *own, *(t for t, _ in moving)])[:1500])
        self.service.record_minutes(actor, meeting.id, minutes=minutes, attendees=attendees)
        after = at + dt.timedelta(hours=2)
        for topic in own:
            self.decide(body, actor, meeting.id, topic.id, after)
        for topic, fate in moving:
            self.service.move_up(actor, topic.id, meeting_id=meeting.id, note="本级无法协调解决，提请上级联席会议", at=after)
            fates[topic.id] = fate
        for topic in incoming:
            fate = fates[topic.id]
            if fate == "up2" and topic.moves == 1:
                self.service.move_up(actor, topic.id, meeting_id=meeting.id, note="需街道层面统筹", at=after)
            elif fate != "wait":
                self.decide(body, actor, meeting.id, topic.id, after)

    def run(self) -> None:
        with self.platform.transaction():
            bodies = self.joint_bodies()
            self.cobuilding()
        plans = self.plan(bodies)
        fates: dict[int, str] = {}
        for i, plan in enumerate(plans, 1):
            with self.platform.transaction():
                self.meeting(plan, fates)
            if i % 10 == 0 or i == len(plans):
                self.progress("joint meetings", i, len(plans))


def run_season(platform: Platform, targets: SeasonTargets, rng: random.Random | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> None:
    """Bodies, co-building and a season of meetings ending now, meeting ``targets``
    exactly (also useful to set up tests on a small area set)."""
    _Season(platform, targets, rng or random.Random(0), progress or (lambda *_: None)).run()


def load(platform: Platform, scale: str, rng: random.Random, progress: Callable[[str, int, int], None]) -> None:
    """The demo's season (``load_demo_data``). The plugin draws from a copy of the shared
    generator, so the other plugins' demo data is what it would be without this one."""
    own = random.Random()
    own.setstate(rng.getstate())
    run_season(platform, TARGETS.get(scale, TARGETS["small"]), own, progress)
