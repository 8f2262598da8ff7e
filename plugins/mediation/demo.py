"""Demo data: mediation bodies for the demo areas, mediators, and a season of disputes
taken through the real workflow (report, dispatch, sessions, agreement or referral) with
simulated times, so the list, the calendar and the Fengqiao ratios have something to show.

Shares are invented but plausible for a district that settles most disputes in the grid.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from gridgov.core import (
    Actor,
    Area,
    GridgovError,
    Member,
    NotFound,
    Organisation,
    Pairing,
    Platform,
    RoleAssignment,
)

from .records import BODY_ORG_KIND, CATEGORY, DISPUTE_KINDS, MEDIATOR, Party
from .service import MediationService

DISPUTES = {"small": 40, "district": 240, "longgang": 720}
MEDIATORS_PER_BODY = {"small": 2, "district": 2, "longgang": 2}
ROOMS_PER_COMMUNITY = 3
SEASON_DAYS = 91
KIND_WEIGHTS = (36, 14, 16, 10, 8, 12, 4)  # neighbour family property labour contract damage other

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文建国志海红辉春梅林玲燕"
_MOBILE = ("135", "137", "138", "139", "150", "158", "186", "189")

_TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    "neighbour": (("{place}楼上漏水邻里纠纷", "楼上卫生间漏水导致楼下天花板发霉，双方就维修费用协商不成。"),
                  ("{place}噪音引发邻里矛盾", "楼上住户夜间拖动家具声响大，楼下多次投诉，双方发生争吵。"),
                  ("{place}公共通道堆物纠纷", "邻居在公共走廊堆放杂物，对门住户要求清理，双方产生矛盾。")),
    "family": (("{place}家庭赡养纠纷", "老人与子女因赡养费和居住问题发生矛盾，请求调解。"),
               ("{place}继承房屋分割纠纷", "兄弟姐妹对父母留下的房屋如何分割意见不一。")),
    "property_management": (("{place}物业费争议", "业主以服务不到位为由拒交物业费，物业公司催缴引发争执。"),
                            ("{place}车位收费纠纷", "物业上调车位管理费，部分业主不认可，双方僵持。")),
    "labour": (("{place}拖欠工资纠纷", "工人称工厂拖欠两个月工资，厂方称其未完成交接。"),
               ("{place}工伤赔偿争议", "员工在作业中受伤，与用人单位就赔偿标准存在争议。")),
    "contract": (("{place}租赁押金纠纷", "租客退租后房东以房屋损坏为由拒退押金。"),
                 ("{place}装修合同纠纷", "装修公司逾期完工，业主要求扣减工程款。")),
    "damage": (("{place}宠物伤人纠纷", "一名居民被邻居的狗咬伤，双方就医药费赔偿存在争议。"),
               ("{place}装修损坏相邻房屋", "邻居装修打墙导致隔壁墙面开裂，双方对赔偿金额争议较大。")),
    "other": (("{place}占道经营纠纷", "商户门前摆卖影响通行，与居民发生口角。"),),
}
_TERMS = ("一方赔偿对方{n}元，于履行期限内一次付清", "一方于履行期限内完成维修并承担费用{n}元",
          "双方互谅互让，一方退还{n}元，另一方不再追究", "按月支付{n}元，双方和好如初")  # fmt: skip


def _daytime(t: dt.datetime, rng: random.Random) -> dt.datetime:
    """``t``, or the next working-hours moment after it: mediators meet parties by day."""
    if t.hour < 8:
        return t.replace(hour=rng.randint(8, 11), minute=rng.choice((0, 30)), second=0, microsecond=0)
    if t.hour >= 18:
        return (t + dt.timedelta(days=1)).replace(hour=rng.randint(8, 11), minute=rng.choice((0, 30)), second=0, microsecond=0)
    return t


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return rng.choice(_MOBILE) + f"{rng.randrange(10**8):08d}"


class _Demo:
    def __init__(self, platform: Platform, scale: str, rng: random.Random) -> None:
        self.platform, self.scale, self.rng = platform, scale, rng
        self.system = Actor.system()
        self.service = MediationService(platform)
        self.now = platform.now()
        self.start = self.now - dt.timedelta(days=SEASON_DAYS)
        self.actors: dict[str, Actor] = {}
        self.mediators_of: dict[str, list[str]] = {}
        levels = platform.areas.levels()
        self.grid_level = platform.areas.handling_level()
        at = levels.index(self.grid_level)
        self.community_level = levels[at - 1] if at > 0 else None
        self.subdistrict_level = levels[at - 2] if at > 1 else None

    def areas(self, level: str | None) -> list[Area]:
        if level is None:
            return []
        return [a for root in self.platform.areas.roots() for a in self.platform.areas.subtree(root.code, level=level)]

    def actor(self, login: str) -> Actor:
        if login not in self.actors:
            self.actors[login] = self.platform.actor(login)
        return self.actors[login]

    # -- bodies and mediators -----------------------------------------------------------

    def body(self, code: str, name: str, body: str, area: Area, **profile: Any) -> str:
        """The mediation body of kind ``body`` seated in ``area``: the existing one (an
        organisation of the matching core kind there), else a new one."""
        kind = BODY_ORG_KIND[body]
        existing = self.platform.organisations.list(kind=kind, area_code=area.code)
        if kind == "mediation_committee":
            existing = [o for o in existing if o.profile.get("mediation_body", body) == body]
        if existing:
            return existing[0].code
        if self.platform.organisations.find(code) is None:
            self.platform.organisations.add(self.system, Organisation(
                code=code, name=name, kind=kind, area_code=area.code, profile={"mediation_body": body, **profile}))
        return code

    def mediators(self, body: str, area: Area, prefix: str) -> None:
        logins = self.mediators_of.setdefault(body, [])
        starts = self.platform.time.day_of(self.start - dt.timedelta(days=30))
        for n in range(1, MEDIATORS_PER_BODY[self.scale] + 1):
            login = f"tj.{prefix}.{n}".lower()
            try:
                self.platform.members.get(self.system, login)
            except NotFound:
                self.platform.members.add(self.system, Member(
                    login=login, name=_name(self.rng), org_code=body, home_area=area.code,
                    party_member=self.rng.random() < 0.6, phone=_phone(self.rng)))
                self.platform.members.assign(self.system, RoleAssignment(
                    login=login, post=MEDIATOR, area_code=area.code, org_code=body, starts=starts,
                    duties="人民调解：受理、调解、回访"))
                self.platform.pairings.add(self.system, Pairing(
                    kind="member_household", member_login=login, area_code=area.code,
                    household=f"{area.code}-MED-{n}", starts=starts, commitments="联系包户，化解邻里矛盾"))
            logins.append(login)

    def room_mediators(self, room: str, grid: Area, community_body: str) -> None:
        """The community's mediators also staff its grids' mediation rooms."""
        starts = self.platform.time.day_of(self.start - dt.timedelta(days=30))
        for login in self.mediators_of.get(community_body, []):
            if not any(a.org_code == room for a in self.platform.members.assignments(login, post=MEDIATOR)):
                self.platform.members.assign(self.system, RoleAssignment(
                    login=login, post=MEDIATOR, area_code=grid.code, org_code=room, starts=starts))
            self.mediators_of.setdefault(room, []).append(login)

    def build_bodies(self) -> list[Area]:
        root = self.platform.areas.roots()[0]
        for sub in self.areas(self.subdistrict_level):
            police = self.body(f"PS-{sub.code}", f"{sub.name.removesuffix('街道')}派出所", "police_station", sub)
            office = self.body(f"SFS-{sub.code}", f"{sub.name.removesuffix('街道')}司法所", "judicial_office", sub)
            firm = self.body(f"LAW-{sub.code}", f"广东{sub.name[:2]}律师事务所", "law_firm", sub)
            station = self.body(f"MED-{sub.code}", f"{sub.name}人民调解工作站", "mediation_station", sub,
                                partners=[police, office, firm])
            self.mediators(station, sub, sub.code)
        for community in self.areas(self.community_level):
            committee = self.body(f"MED-{community.code}", f"{community.name}人民调解委员会",
                                  "people_mediation_committee", community)
            self.mediators(committee, community, community.code)
            grids = self.platform.areas.subtree(community.code, level=self.grid_level)
            for grid in grids[:ROOMS_PER_COMMUNITY]:
                room = self.body(f"MEDR-{grid.code}", f"{grid.name}调解室", "mediation_room", grid)
                self.room_mediators(room, grid, committee)
        self.court = f"{root.name}人民法院"
        self.arbitration = f"{root.name}劳动人事争议仲裁委员会"
        return self.areas(self.grid_level)

    # -- a season of disputes -----------------------------------------------------------

    def mediator_for(self, issue_id: int, body: str, at: dt.datetime) -> str | None:
        for login in self.mediators_of.get(body, []):
            if self.service.is_mediator(login, self.platform.time.day_of(at)) and self.service.conflict(issue_id, login) is None:
                return login
        return None

    def dispute(self, grid: Area) -> None:
        rng, service = self.rng, self.service
        t = self.start + dt.timedelta(days=rng.uniform(0, SEASON_DAYS - 1))
        t = t.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 15, 30, 45)), second=0, microsecond=0)
        kind = rng.choices(DISPUTE_KINDS, weights=KIND_WEIGHTS)[0]
        buildings = self.platform.areas.children(grid.code)
        site = rng.choice(buildings) if buildings else grid
        place = grid.name if site is grid else f"{grid.name}{site.name}"
        title, text = rng.choice(_TEXTS[kind])
        parties = [Party(name=_name(rng), role=role, phone=_phone(rng),
                         household=f"{site.code}-{rng.randint(1, 30):02d}{rng.randint(1, 4):02d}")
                   for role in ("applicant", "respondent")]  # fmt: skip
        workers = self.platform.members.holders("grid_worker", grid.code)
        reporter = self.actor(workers[0]) if workers else self.system
        dispute = service.open_dispute(reporter, area=site.code, kind=kind, title=title.format(place=place)[:200],
                                       summary=text, parties=parties, source=rng.choice(("visit", "walk_in", "hotline")), at=t)  # fmt: skip
        issues = self.platform.issues
        t += dt.timedelta(hours=rng.uniform(0.5, 3))
        issues.act(self.system, dispute.issue_id, "register", at=t)
        ends = rng.random()
        climbs = 2 if ends < 0.06 else 1 if ends < 0.28 else 0
        for level in range(climbs + 1):
            t += dt.timedelta(hours=rng.uniform(0.5, 4))
            if t > self.now:
                return
            issue = issues.act(self.system, dispute.issue_id, "dispatch", at=t)
            mediator = self.mediator_for(dispute.issue_id, issue.assignee_org, t)
            if mediator is None:
                return
            actor = self.actor(mediator)
            t += dt.timedelta(hours=rng.uniform(1, 20))
            if t > self.now:
                return
            issues.act(actor, dispute.issue_id, "accept", at=t)
            for _ in range(rng.choice((1, 1, 2, 3))):
                t = _daytime(t + dt.timedelta(days=rng.uniform(0.5, 4)), rng)
                if t > self.now:
                    return
                body = self.platform.organisations.get(issue.assignee_org).name
                service.record_session(actor, dispute.id, at=t, place=f"{body}", mediators=[mediator],
                                       attendees=[p.name for p in parties], notes="释法明理，听取双方意见")  # fmt: skip
            t = _daytime(t + dt.timedelta(hours=rng.uniform(1, 30)), rng)
            if t > self.now:
                return
            if level < climbs:
                issues.act(self.system, dispute.issue_id, "escalate", note="网格调解未果，提交上级调解", at=t)
                continue
            self.conclude(actor, dispute.id, dispute.issue_id, kind, climbs, t)

    def waiting_for_the_first_mediator(self) -> bool:
        """One dispute on the desk of the first mediator (the demo's mediator login): taken in
        today in a building of the body's area, moved up to the body's level, dispatched to
        the body and accepted by that mediator, with no outcome yet — so the login has a
        dispute it can finish (a session, then an agreement) on the day the demo is loaded."""
        rows = [a for login in sorted({m for ms in self.mediators_of.values() for m in ms})
                for a in self.platform.members.assignments(login, post=MEDIATOR)]
        if not rows:
            return False
        first = min(rows, key=lambda a: (a.id or 0))
        home = self.platform.areas.get(first.area_code)
        sites = self.platform.areas.subtree(home.code, level=self.platform.areas.levels()[-1])
        if not sites or first.org_code is None:
            return False
        site, kind = sites[0], DISPUTE_KINDS[0]
        title, text = _TEXTS[kind][0]
        t = self.now - dt.timedelta(hours=5)
        parties = [Party(name=_name(self.rng), role=role, phone=_phone(self.rng),
                         household=f"{site.code}-{self.rng.randint(1, 30):02d}{self.rng.randint(1, 4):02d}")
                   for role in ("applicant", "respondent")]  # fmt: skip
        issues = self.platform.issues
        with self.platform.transaction():
            dispute = self.service.open_dispute(self.system, area=site.code, kind=kind,
                                                title=title.format(place=site.name)[:200], summary=text,
                                                parties=parties, source="walk_in", at=t)  # fmt: skip
            t += dt.timedelta(minutes=20)
            issue = issues.act(self.system, dispute.issue_id, "register", at=t)
            while issue.handling_area != home.code:
                t += dt.timedelta(minutes=20)
                issue = issues.act(self.system, dispute.issue_id, "escalate", at=t,
                                   note="当事人要求由上级调解委员会调解")
            t += dt.timedelta(minutes=20)
            issues.act(self.system, dispute.issue_id, "dispatch", org=first.org_code, at=t)
            t += dt.timedelta(minutes=30)
            issues.act(self.actor(first.login), dispute.issue_id, "accept", at=t)
        return True

    def conclude(self, actor: Actor, dispute_id: int, issue_id: int, kind: str, climbs: int, t: dt.datetime) -> None:
        rng, service = self.rng, self.service
        r = rng.random()
        fail = (0.07, 0.25, 0.4)[climbs]
        if r < 0.05:
            service.record_withdrawal(actor, dispute_id, note="双方自行和解，申请人撤回调解申请", at=t)
            return
        if r < 0.05 + fail:
            to = "arbitration" if kind == "labour" else rng.choice(("court", "court", "police"))
            receiving = {"arbitration": self.arbitration, "court": self.court, "police": "辖区派出所"}[to]
            service.record_referral(actor, dispute_id, to=to, receiving_body=receiving,
                                    note="双方分歧较大，调解不成，引导通过法定途径解决", at=t)  # fmt: skip
            return
        signed = self.platform.time.day_of(t)
        perform_by = signed + dt.timedelta(days=rng.choice((7, 15, 30)))
        service.record_agreement(actor, dispute_id, terms=rng.choice(_TERMS).format(n=rng.randrange(2, 60) * 100),
                                 signed_on=signed, perform_by=perform_by, at=t)  # fmt: skip
        today = self.platform.time.day_of(self.now)
        p = rng.random()
        performed = None
        if perform_by < today:
            if p < 0.86:
                performed = signed + dt.timedelta(days=rng.randint(0, (perform_by - signed).days))
            elif p < 0.95:
                performed = min(today, perform_by + dt.timedelta(days=rng.randint(1, 10)))
        elif p < 0.4:
            performed = min(today, signed + dt.timedelta(days=rng.randint(0, 5)))
        if performed:
            service.record_performance(actor, dispute_id, performed_on=performed)
        due = perform_by + dt.timedelta(days=3)
        visit = service.schedule_follow_up(actor, dispute_id, due_on=due, by_login=actor.login)
        if due <= today and rng.random() < 0.9:
            service.record_visit(actor, visit.id, visited_on=due, notes="回访当事人，协议履行情况良好" if performed else "督促当事人履行协议")
        for step, action in ((1, "verify"), (2, "close")):
            at = t + dt.timedelta(days=step)
            if at > self.now:
                return
            rating = rng.choices(("satisfied", "basically_satisfied", "dissatisfied"), weights=(82, 14, 4))[0]
            self.platform.issues.act(self.system, issue_id, action, at=at, rating=rating if action == "close" else None)


_KIND_WORDS = (("赡养", "family"), ("继承", "family"), ("婚", "family"), ("工资", "labour"), ("工伤", "labour"),
               ("物业", "property_management"), ("车位", "property_management"), ("押金", "contract"),
               ("合同", "contract"), ("宠物", "damage"), ("损坏", "damage"), ("漏水", "neighbour"),
               ("噪音", "neighbour"), ("堆物", "neighbour"), ("邻里", "neighbour"))  # fmt: skip
PAGE = 1000


def kind_from_text(text: str) -> str:
    """The dispute kind a case's title suggests (for cases taken in without one)."""
    return next((kind for word, kind in _KIND_WORDS if word in text), "other")


def adopt_cases(platform: Platform, rng: random.Random, progress: Callable[[str, int, int], None]) -> int:
    """Give dispute records to ``mediation.dispute`` cases that have none: the core demo
    writes its year of cases through the bulk path, where no hook runs. A resolved case
    becomes an agreement at the level that resolved it; returns how many were adopted."""
    system = Actor.system()
    disputes, outcomes = platform.table("mediation_dispute"), platform.table("mediation_outcome")
    known = {r["issue_id"] for r in disputes.iter_rows()}
    cases, offset = [], 0
    while page := platform.issues.list(system, category=CATEGORY, limit=PAGE, offset=offset):
        cases += [c for c in page if c.id not in known]
        offset += PAGE
    cases.sort(key=lambda c: c.id)
    today = platform.today()
    with platform.transaction():
        for done, case in enumerate(cases, 1):
            status = {"rejected": "not_accepted", "merged": "not_accepted"}.get(case.status, "open")
            agreed = case.resolved_at is not None and case.status in ("resolved", "verified", "closed")
            ended = case.resolved_at if agreed else case.closed_at if status == "not_accepted" else None
            dispute_id = disputes.insert({
                "issue_id": case.id, "kind": kind_from_text(case.title), "area_code": case.area_code,
                "area_path": case.area_path, "summary": case.description or case.title,
                "status": "agreed" if agreed else status, "level": case.level, "body_org": case.assignee_org,
                "mediator": case.assignee_member, "opened_at": case.reported_at, "closed_at": ended,
            })  # fmt: skip
            if case.requester_name:
                platform.table("mediation_party").insert({"dispute_id": dispute_id, "name": case.requester_name, "role": "applicant"})
            if agreed:
                signed = platform.time.day_of(case.resolved_at)
                perform_by = signed + dt.timedelta(days=rng.choice((7, 15, 30)))
                performed = None
                if perform_by < today and rng.random() < 0.9:
                    performed = min(today, signed + dt.timedelta(days=rng.randint(0, (perform_by - signed).days + 3)))
                outcomes.insert({
                    "dispute_id": dispute_id, "kind": "agreement", "at": case.resolved_at, "level": case.level,
                    "area_path": case.area_path, "terms": rng.choice(_TERMS).format(n=rng.randrange(2, 60) * 100),
                    "days": round((case.resolved_at - case.reported_at).total_seconds() / 86400, 4),
                    "signed_on": signed, "perform_by": perform_by, "performed_on": performed,
                    "recorded_by": "system", "note": "",
                })  # fmt: skip
            if done % 500 == 0 or done == len(cases):
                progress("mediation: earlier cases", done, len(cases))
    return len(cases)


def install_bodies(platform: Platform, rng: random.Random | None = None, scale: str = "small") -> dict[str, list[str]]:
    """Mediation bodies and mediators for every subdistrict, community and (some) grids;
    returns the mediators' logins by body. Also useful to set up tests."""
    demo = _Demo(platform, scale, rng or random.Random(0))
    with platform.transaction():
        demo.build_bodies()
    return {body: list(dict.fromkeys(logins)) for body, logins in demo.mediators_of.items()}


def load(platform: Platform, scale: str, rng: random.Random, progress: Callable[[str, int, int], None]) -> None:
    """Add mediation bodies, mediators and a season of disputes to a demo deployment."""
    adopt_cases(platform, rng, progress)
    demo = _Demo(platform, scale if scale in DISPUTES else "small", rng)
    with platform.transaction():
        grids = demo.build_bodies()
    if not grids:
        return
    total = DISPUTES[demo.scale]
    try:  # one of the season's disputes waits on the demo mediator's desk
        waiting = demo.waiting_for_the_first_mediator()
    except GridgovError as exc:
        progress(f"mediation: no dispute left for the demo mediator ({exc})", 0, total)
        waiting = False
    for i in range(int(waiting), total):
        grid = rng.choice(grids)
        try:
            with platform.transaction():
                demo.dispute(grid)
        except GridgovError as exc:  # a refused step leaves that one dispute out, not the demo
            progress(f"mediation: dispute skipped ({exc})", i + 1, total)
        if (i + 1) % 10 == 0 or i + 1 == total:
            progress("mediation disputes", i + 1, total)

