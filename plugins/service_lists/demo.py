"""Demo data: the three lists, a year of matching, projects and orders, all produced by
the plugin's own service calls in simulated time (no totals are written).

Proportions: Chancheng's four lists (SEEDS 002: 600+ needs, 400+ resources and service
teams, 238 action projects) give the ratios of needs and resources to projects; the
district scale has Suyu's 674 projects (SEEDS 001). Each branch lists one orderable
service for the areas it is paired with; residents order through the year.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import attrs
from gridgov.core import Actor, Area, Member, Platform, RoleAssignment

from .orders import OrderService
from .projects import ProjectService
from .records import KEEPER, Decision, Milestone, Need, Order, Resource, Service
from .service import ListsService


@attrs.frozen
class Targets:
    projects: int
    needs: int
    resources: int
    orders: int


def _chancheng(projects: int, orders: int) -> Targets:
    """Needs and resources in Chancheng's proportion to projects (610 : 410 : 238)."""
    return Targets(projects=projects, needs=round(projects * 610 / 238), resources=round(projects * 410 / 238),
                   orders=orders)


TARGETS = {"small": _chancheng(24, 160), "district": _chancheng(674, 3000), "longgang": _chancheng(2400, 12000)}

THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # tag: (need titles, resource titles, service titles)
    "助老": (("独居老人日常照料", "高龄老人定期探访"), ("党员志愿助老队", "居家养老上门服务"), ("上门理发", "助浴服务")),
    "助餐": (("老年人午餐无人照料", "长者饭堂供餐不足"), ("长者饭堂配餐", "爱心企业助餐"), ("送餐上门",)),
    "助学": (("留守儿童课后辅导", "困难家庭学生助学"), ("四点半课堂", "教师志愿辅导"), ("作业辅导",)),
    "就业": (("失业人员再就业", "灵活就业技能培训"), ("人社局就业指导", "企业招聘专场"), ("就业咨询",)),
    "法律": (("邻里纠纷法律咨询", "劳动维权咨询"), ("律师进社区", "法律援助工作站"), ("法律咨询",)),
    "医疗": (("慢病老人健康管理", "家庭医生签约"), ("社区卫生服务站义诊", "家庭医生团队"), ("上门测血压",)),
    "环境": (("楼道堆物清理", "背街小巷环境整治"), ("城管志愿清洁", "物业环境整治"), ("大件垃圾清运",)),
    "维修": (("老旧小区水电维修", "楼道灯损坏"), ("住建局维修队", "物业维修服务"), ("家电维修",)),
    "托育": (("双职工家庭托育难", "暑期托管需求"), ("妇联暑期托管班", "幼儿园托育资源"), ("临时托管",)),
    "文体": (("居民文体活动场地不足", "广场舞场地协调"), ("文化站活动资源", "学校场地开放"), ("文艺培训",)),
    "心理": (("独居老人心理疏导", "青少年心理辅导"), ("心理咨询师志愿团", "社工站心理服务"), ("心理疏导",)),
    "安全": (("电动车楼道充电隐患", "消防通道堵塞"), ("消防救援站宣传", "应急管理局安全检查"), ("燃气安全检查",)),
}  # fmt: skip
TAGS = tuple(THEMES)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文建国志海红辉春梅"


class _Demo:
    def __init__(self, platform: Platform, scale: str, rng: random.Random, progress: Callable[[str, int, int], None]):
        self.platform, self.rng, self.progress = platform, rng, progress
        self.targets = TARGETS.get(scale, TARGETS["small"])
        self.lists, self.projects, self.orders = ListsService(platform), ProjectService(platform), OrderService(platform)
        self.system = Actor.system()
        self.start, self.end = platform.demo_period() or (platform.now() - dt.timedelta(days=365), platform.now())
        roots = platform.areas.roots()
        self.root = roots[0]
        self.levels = levels = platform.areas.levels()
        handling = platform.areas.handling_level()
        self.community_level = levels[max(0, levels.index(handling) - 1)]
        self.units = [a for r in roots for a in platform.areas.subtree(r.code, level=handling)]
        self.communities = [a for r in roots for a in platform.areas.subtree(r.code, level=self.community_level)]
        self.keeper = self._keeper()

    def _keeper(self) -> Actor:
        """The district's list keeper, who keeps the lists and records the bodies' decisions."""
        login = "lists_keeper"
        self.platform.members.add(self.system, Member(login=login, name="区清单管理员宋敏"))
        self.platform.members.assign(self.system, RoleAssignment(
            login=login, post=KEEPER, area_code=self.root.code, starts=self.platform.time.day_of(self.start)))
        return self.platform.actor(login)

    def at(self, fraction: float) -> dt.datetime:
        """A daytime instant ``fraction`` of the way through the demo period."""
        t = self.start + (self.end - self.start) * min(max(fraction, 0.0), 0.999)
        local = self.platform.time.local(t)
        return self.platform.time.read(local.replace(hour=self.rng.randint(9, 16), minute=self.rng.choice((0, 30)),
                                                     second=0, microsecond=0, tzinfo=None))

    def name(self) -> str:
        return self.rng.choice(_SURNAMES) + "".join(self.rng.choice(_GIVEN) for _ in range(self.rng.choice((1, 2))))

    # -- lists ------------------------------------------------------------------------------

    def resources(self) -> None:
        orgs = [o for kind in ("agency", "party_branch", "enterprise", "property_company")
                for o in self.platform.organisations.list(kind=kind)]
        first_day = self.platform.time.day_of(self.start)
        for i in range(self.targets.resources):
            org = self.rng.choice(orgs)
            seat = org.area_code or self.root.code
            if seat == self.root.code:  # a district body serves a few communities
                serve = tuple(c.code for c in self.rng.sample(self.communities, min(3, len(self.communities))))
            elif self.levels.index(self.platform.areas.get(seat).level) <= self.levels.index(self.community_level):
                serve = (seat,)
            else:
                serve = (self._community_of(seat),)
            tags = self.rng.sample(TAGS, self.rng.choice((1, 2, 2, 3)))
            title = self.rng.choice(THEMES[tags[0]][1])
            starts = first_day + dt.timedelta(days=self.rng.randint(0, 120))
            self.lists.add_resource(self.keeper, Resource(
                org_code=org.code, title=title, tags=tags, capacity=self.rng.randint(1, 3),
                starts=starts, ends=starts + dt.timedelta(days=self.rng.choice((240, 300, 365))), serve_areas=serve,
            ), at=self.platform.time.start_of(starts) + dt.timedelta(hours=9))
            self.progress("service-list resources", i + 1, self.targets.resources)

    def _community_of(self, code: str) -> str:
        for area in self.platform.areas.ancestors(code):
            if area.level == self.community_level:
                return area.code
        return code

    def needs(self) -> list[dict[str, Any]]:
        rows = []
        for i in range(self.targets.needs):
            unit = self.rng.choice(self.units)
            tags = self.rng.sample(TAGS, self.rng.choice((1, 1, 2)))
            source = self.rng.choices(("visit", "meeting_topic", "resident", "survey"), (50, 15, 25, 10))[0]
            rows.append(self.lists.add_need(self.keeper, Need(
                area_code=unit.code, title=self.rng.choice(THEMES[tags[0]][0]), tags=tags,
                urgency=self.rng.choices(("low", "normal", "high", "urgent"), (20, 60, 15, 5))[0],
                units=1, source=source, source_ref=f"议题{self.rng.randint(1, 400)}" if source == "meeting_topic" else None,
            ), at=self.at(0.6 * i / self.targets.needs)))
            self.progress("service-list needs", i + 1, self.targets.needs)
        return rows

    # -- projects ---------------------------------------------------------------------------

    def decide_projects(self, needs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        made: list[dict[str, Any]] = []
        for need in needs:
            if len(made) >= self.targets.projects:
                break
            at = need["raised_at"] + dt.timedelta(days=self.rng.randint(3, 20))
            day = self.platform.time.day_of(at)
            found = self.lists.suggest(self.keeper, need["id"], limit=3, on=day)
            if not found:
                continue
            due = day + dt.timedelta(days=self.rng.choice((60, 90, 120, 180)))
            milestone = Milestone(title="方案制定", due=day + (due - day) / 3)
            decision = Decision(body=f"{need['area_code']}所在社区党委会", decided_on=day,
                                note=f"同意由{found[0].org_code}承接：{found[0].title}")
            made.append(self.projects.decide(self.keeper, need["id"], found[0].resource_id, decision, due=due,
                                             milestones=[milestone], at=at))
            self.progress("service-list projects", len(made), self.targets.projects)
        return made

    def work_on(self, projects: list[dict[str, Any]]) -> None:
        """Progress reports: most projects advance steadily, some stall, some finish late."""
        for n, p in enumerate(projects):
            kind = self.rng.choices(("steady", "stall", "slow"), (70, 15, 15))[0]
            start = p["created_at"]
            span = (self.platform.time.start_of(p["due"]) - start)
            percent = 0
            at = start
            milestone = self.projects.milestones(self.system, p["id"])[0]
            while True:
                at = at + dt.timedelta(days=self.rng.randint(12, 30))
                if at >= self.end or (kind == "stall" and percent >= 30):
                    break
                share = (at - start) / span if span.total_seconds() else 1
                step = 100 * share * (0.5 if kind == "slow" else 1.1)
                percent = min(100, max(percent + 5, round(step)))
                if percent >= 35 and milestone["done_on"] is None:
                    milestone = self.projects.milestone_done(self.system, milestone["id"], done_on=self.platform.time.day_of(at))
                self.projects.report_progress(self.system, p["id"], percent=percent, note="按计划推进", at=at)
                if percent == 100:
                    break
            self.progress("service-list progress", n + 1, len(projects))

    def checks_and_notices(self) -> None:
        """A check of every community's projects near each month's end; in the first days
        of a quarter, the notice of the quarter just ended."""
        month = self.platform.time.day_of(self.start).replace(day=1)
        while True:
            check_at = self.platform.time.start_of(month + dt.timedelta(days=27)) + dt.timedelta(hours=10)
            notice_at = self.platform.time.start_of(month + dt.timedelta(days=4)) + dt.timedelta(hours=10)
            if notice_at >= self.end:
                break
            if month.month in (1, 4, 7, 10) and notice_at >= self.start:
                last = month - dt.timedelta(days=1)
                for community in self.communities:
                    self.projects.quarterly_notice(self.keeper, community.code, f"{last.year}Q{(last.month - 1) // 3 + 1}",
                                                   at=notice_at)
            if self.start <= check_at < self.end:
                for community in self.communities:
                    self.projects.monthly_check(self.keeper, community.code, at=check_at)
            month = (month + dt.timedelta(days=32)).replace(day=1)

    def year_end(self, projects: list[dict[str, Any]]) -> None:
        years = {y for y in range(self.platform.time.day_of(self.start).year, self.platform.time.day_of(self.end).year + 1)
                 if self.platform.time.start_of(dt.date(y, 12, 20)) < self.end}
        for year in sorted(years):
            at = self.platform.time.start_of(dt.date(year, 12, 20)) + dt.timedelta(hours=10)
            for p in projects:
                if p["created_at"] < at:
                    raters = self.rng.randint(50, 80)
                    good = self.rng.randint(int(raters * 0.7), raters)
                    basic = self.rng.randint(0, raters - good)
                    self.projects.rate_year_end(self.keeper, p["id"], year=year, satisfied=good,
                                                basically_satisfied=basic, dissatisfied=raters - good - basic, at=at)

    # -- services and orders ------------------------------------------------------------------

    def services(self) -> list[dict[str, Any]]:
        out = []
        branches = self.platform.organisations.list(kind="party_branch")
        for org in branches:
            paired = [p.area_code for p in self.platform.pairings.list(self.system, org=org.code, kind="branch_grid")
                      if p.area_code]
            areas = tuple(paired) or ((org.area_code,) if org.area_code else (self.root.code,))
            tag = self.rng.choice(TAGS)
            out.append(self.lists.add_service(self.keeper, Service(
                org_code=org.code, title=self.rng.choice(THEMES[tag][2]), tags=(tag,),
                monthly_capacity=self.rng.randint(8, 20), order_areas=areas,
                weekdays=self.rng.choice(((1, 2, 3, 4, 5), (1, 3, 5), (2, 4, 6), (1, 2, 3, 4, 5, 6))),
            ), at=self.start))
        return out

    def slot(self, service: dict[str, Any], after: dt.datetime) -> dt.datetime:
        local = self.platform.time.local(after)
        for days in range(0, 14):
            day = local.date() + dt.timedelta(days=days)
            if day.isoweekday() in service["weekdays"]:
                hour = self.rng.randint(int(service["opens"][:2]), int(service["closes"][:2]) - 1)
                when = self.platform.time.read(dt.datetime.combine(day, dt.time(hour, 0)))
                if when > after:
                    return when
        return after + dt.timedelta(days=14)

    def place_orders(self, services: list[dict[str, Any]]) -> None:
        buildings: dict[str, list[Area]] = {}
        for n in range(self.targets.orders):
            service = self.rng.choice(services)
            area = self.rng.choice(service["order_areas"])
            if area not in buildings:
                buildings[area] = self.platform.areas.subtree(area, level="building", limit=50) or \
                    [self.platform.areas.get(area)]
            place = self.rng.choice(buildings[area])
            at = self.at(n / self.targets.orders)
            month = at.astimezone(self.platform.zone).date().replace(day=1)
            if self.orders.taken_in_month(service["id"], month) >= service["monthly_capacity"]:
                continue
            self._one_order(service, place, at)
            self.progress("service-list orders", n + 1, self.targets.orders)

    def _one_order(self, service: dict[str, Any], place: Area, at: dt.datetime) -> None:
        rng, unit, keeper = self.rng, self.system, self.keeper
        row = self.orders.place(keeper, Order(service_id=service["id"], area_code=place.code, resident_name=self.name(),
                                              resident_phone=f"13{rng.randint(5, 9)}{rng.randrange(10**8):08d}",
                                              request="居民点单"), at=at)
        fate = rng.choices(("done", "cancel", "decline", "refer", "open"), (85, 3, 5, 3, 4))[0]

        def move(name: str, when: dt.datetime, **kw: Any) -> bool:
            nonlocal row
            if when >= self.end:
                return False
            row = self.orders.move(unit if name in ("take", "schedule", "complete", "decline") else keeper,
                                   row["id"], name, at=when, **kw)
            return True

        t = at + dt.timedelta(hours=rng.randint(1, 6))
        if fate == "cancel":
            move("cancel", t, note="居民取消")
            return
        if not move("dispatch", t):
            return
        t += dt.timedelta(hours=rng.choice((1, 2, 4, 8, 20, 30)))
        if fate == "refer":
            move("refer", t + dt.timedelta(hours=24), note="超时未接单，转为案件")
            return
        if fate == "decline":
            move("decline", t, note="本单位无法承接")
            return
        if not move("take", t) or fate == "open":
            return
        when = self.slot(service, t)
        if when > row["complete_due"]:
            move("decline", t + dt.timedelta(hours=1), note="无法在时限内预约")
            return
        if not move("schedule", t + dt.timedelta(minutes=30), scheduled_for=when):
            return
        done = when + dt.timedelta(hours=rng.choice((1, 1, 2, 30, 60)))
        if not move("complete", done, note="已上门服务"):
            return
        move("rate", done + dt.timedelta(hours=rng.randint(2, 48)),
             rating=rng.choices(("satisfied", "basically_satisfied", "dissatisfied"), (80, 15, 5))[0])

    def run(self) -> None:
        self.resources()
        needs = self.needs()
        projects = self.decide_projects(needs)
        self.work_on(projects)
        self.checks_and_notices()
        self.year_end(projects)
        self.place_orders(self.services())


def load(platform: Platform, scale: str, rng: random.Random, progress: Callable[[str, int, int], None]) -> None:
    _Demo(platform, scale, rng, progress).run()
