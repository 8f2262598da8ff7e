"""Demo data: the HR bureau and its branches, a catalogue of Shenzhen-style enterprise
policies, outreach sessions with attendance, questions as cases in various states, and
subscriptions.

At the ``longgang`` scale it follows SEEDS.md 000: the first session briefs 40+ key firms
at an industrial park, and five sessions reach about 450 distinct firms; smaller scales
shrink proportionally. Firms come from the core's demo data; missing ones are created in
the same subdistricts with valid credit codes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from gridgov.core import (
    Actor,
    Area,
    Member,
    NotFound,
    Organisation,
    Platform,
    RoleAssignment,
    make_uscc,
)

from .bureau import ensure_bureau
from .records import Policy
from .service import HrPolicyService

# scale: (held sessions, key firms at the first session, distinct firms reached)
SCALES = {"small": (3, 12, 45), "district": (5, 24, 150), "longgang": (5, 44, 450)}

_INDUSTRIES = {
    "电子信息": ("电子科技", "通信技术", "光电科技"),
    "智能制造": ("智能装备", "精密机械", "自动化设备"),
    "生物医药": ("生物科技", "医疗器械"),
    "新材料": ("新材料科技", "高分子材料"),
    "现代物流": ("物流", "供应链管理"),
    "商贸服务": ("商贸", "实业"),
    "餐饮住宿": ("餐饮管理", "酒店管理"),
    "建筑装饰": ("建筑装饰工程", "建设工程"),
    "软件和信息服务": ("软件技术", "信息技术"),
}
_BRANDS = "恒通 华科 鑫达 宏鹏 创益 新辉 盛达 金源 瑞成 华美 联创 东明 宏达 天瑞 永盛 鹏远 明达 佳瑞 润丰 兴华".split()
_CITIES = {"龙岗区": "深圳市", "宿豫区": "宿迁市"}
_MAKERS = ("电子信息", "智能制造", "生物医药", "新材料", "软件和信息服务")


def _policies(units: dict[str, str], year: int, district: str) -> list[Policy]:
    start, end = dt.date(year - 1, 1, 1), dt.date(year + 1, 12, 31)
    rows = [
        ("HR-TAL-01", f"{district}高层次人才奖励补贴", "High-end talent award subsidy", "talent_subsidy", "talent",
         {"certified_talents_min": 1}, "经认定的高层次人才按层次给予奖励补贴，由用人单位统一申报。"),
        ("HR-TAL-02", "新引进人才租房和生活补贴", "Housing and living allowance for new talents", "talent_subsidy",
         "talent", {"industry_in": list(_MAKERS), "headcount_min": 20}, "重点产业企业新引进的全日制本科及以上人才可申领。"),
        ("HR-TAL-03", "重点企业人才安居住房配租", "Talent housing allocation for key firms", "talent_subsidy",
         "talent", {"size_in": ["above_scale"], "certified_talents_min": 5}, "规上重点企业按认定人才数量申请人才住房配租。"),
        ("HR-SKL-01", "企业职工技能提升培训补贴", "Employee skills upgrading training subsidy", "skills_funding",
         "talent", {"headcount_min": 10}, "企业组织职工参加职业技能培训并取得证书的，按人给予培训补贴。"),
        ("HR-SKL-02", "企业新型学徒制培训补贴", "New apprenticeship training subsidy", "skills_funding", "talent",
         {"industry_in": list(_MAKERS), "size_in": ["above_scale", "small"]}, "企校双制、工学一体培养技能人才，每人每年补贴。"),
        ("HR-SKL-03", "技能大师工作室建设资助", "Skills master studio funding", "skills_funding", "talent",
         {"size_in": ["above_scale"], "headcount_min": 300}, "经评审认定的技能大师工作室给予一次性建设资助。"),
        ("HR-EMP-01", "失业保险稳岗返还", "Unemployment insurance job retention refund", "stable_employment",
         "bureau", {"headcount_min": 1}, "不裁员或少裁员的参保企业按上年度实际缴纳失业保险费的一定比例返还。"),
        ("HR-EMP-02", "吸纳高校毕业生一次性就业补贴", "One-off subsidy for hiring graduates", "stable_employment",
         "bureau", {"size_in": ["small", "micro"]}, "中小微企业招用毕业年度高校毕业生并签订一年以上劳动合同的给予补贴。"),
        ("HR-EMP-03", "招用就业困难人员社会保险补贴", "Social insurance subsidy for hard-to-employ hires",
         "stable_employment", "bureau", {"headcount_min": 5}, "招用就业困难人员并缴纳社会保险的，按实际缴费给予补贴。"),
        ("HR-INS-01", "工资支付与根治欠薪合规指引", "Wage payment and arrears prevention guidance",
         "labour_inspection", "labour_inspection",
         {"industry_in": ["建筑装饰", "智能制造", "餐饮住宿", "现代物流"], "headcount_min": 20},
         "工资专用账户、实名制管理和工资保证金制度要点，欠薪隐患自查清单。"),
        ("HR-INS-02", "企业劳动用工合规体检", "Labour compliance check-up for firms", "labour_inspection",
         "labour_inspection", {"headcount_min": 50}, "劳动合同、工时、休息休假和社会保险缴纳的合规自查与上门指导。"),
        ("HR-ARB-01", "劳动人事争议预防调解指引", "Labour dispute prevention and mediation guidance",
         "labour_arbitration", "labour_arbitration", {"headcount_min": 30}, "企业内部协商调解机制、仲裁申请流程与时效。"),
        ("HR-ARB-02", "企业劳动争议调解委员会建设", "Building a firm's labour dispute mediation committee",
         "labour_arbitration", "labour_arbitration", {"size_in": ["above_scale"]}, "规上企业建立劳动争议调解委员会的组建与运行规范。"),
        ("HR-EMP-00", "稳岗扩岗专项贷款贴息（已到期）", "Job retention loan interest subsidy (expired)",
         "stable_employment", "bureau", {"size_in": ["small", "micro"]}, "上一年度阶段性政策，已到期。"),
    ]
    out = []
    for code, zh, en, topic, unit, rules, summary in rows:
        until = dt.date(year - 1, 12, 31) if code == "HR-EMP-00" else end
        out.append(Policy(code=code, title_zh=zh, title_en=en, topic=topic, department=units[unit],
                          effective_from=start if code != "HR-EMP-00" else dt.date(year - 2, 1, 1),
                          effective_until=until, rules=rules, summary=summary))
    return out


# The policies each session covers (the first: all three branches at the industrial park).
_SESSION_PLANS = (
    ("人才·技能·稳岗政策进园区首场宣讲会", "科技产业园", ["HR-TAL-01", "HR-TAL-02", "HR-SKL-01", "HR-EMP-01", "HR-INS-01", "HR-ARB-01"]),
    ("技能人才资助政策专场宣讲会", "智能制造产业园", ["HR-SKL-01", "HR-SKL-02", "HR-SKL-03", "HR-EMP-01"]),
    ("稳岗就业惠企政策宣讲会", "企业服务中心", ["HR-EMP-01", "HR-EMP-02", "HR-EMP-03", "HR-TAL-02"]),
    ("劳动用工合规与争议预防宣讲会", "工业区党群服务中心", ["HR-INS-01", "HR-INS-02", "HR-ARB-01", "HR-ARB-02"]),
    ("高层次人才政策与人才安居宣讲会", "总部经济园", ["HR-TAL-01", "HR-TAL-03", "HR-SKL-02", "HR-EMP-02"]),
)
_QUESTIONS = {
    "talent_subsidy": ("新引进的硕士人才补贴什么时候可以申报？需要哪些材料？", "外籍人才能否申请高层次人才奖励补贴？",
                       "人才补贴是按年度发放还是一次性发放？"),
    "skills_funding": ("员工取得中级工证书后，培训补贴由企业还是个人申领？", "新型学徒制的培训机构必须是本区的吗？",
                       "线上培训课程是否纳入技能提升补贴范围？"),
    "stable_employment": ("稳岗返还需要企业主动申请吗？", "招用应届毕业生的一次性补贴如何计算人数？",
                          "去年有少量裁员，还能享受稳岗返还吗？"),
    "labour_inspection": ("工资专用账户必须在哪家银行开立？", "劳务派遣用工比例超标如何整改？",
                          "综合工时制审批需要多长时间？"),
    "labour_arbitration": ("员工离职后一年还能申请劳动仲裁吗？", "企业内部调解委员会的调解协议有法律效力吗？",
                           "经济补偿金的计算基数包括加班费吗？"),
}


class _Builder:
    def __init__(self, platform: Platform, rng: random.Random, root: Area) -> None:
        self.p = platform
        self.city = _CITIES.get(root.name, "")
        self.region = root.code if len(root.code) == 6 and root.code.isdigit() else "440307"
        self.rng = rng
        self.system = Actor.system()
        self.names = {o.name for o in platform.organisations.list(kind="enterprise")}
        self.usccs: set[str] = set()
        self.serial = 0

    def seats(self, area: Area) -> list[str]:
        level = self.p.areas.handling_level()
        found = [a.code for a in self.p.areas.subtree(area.code, level=level, limit=400)]
        return found or [area.code]

    def new_firm(self, seat: str, place: str, *, key: bool) -> str:
        rng = self.rng
        industry = rng.choice(_MAKERS if key else tuple(_INDUSTRIES))
        for _ in range(500):
            name = f"{self.city}{place}{rng.choice(_BRANDS)}{rng.choice(_INDUSTRIES[industry])}有限公司"
            if name not in self.names:
                break
            place += rng.choice("东西南北新")
        self.names.add(name)
        size = "above_scale" if key and rng.random() < 0.6 else rng.choices(("small", "micro"), (45, 55))[0]
        headcount = {"above_scale": rng.randint(100, 1800), "small": rng.randint(20, 299),
                     "micro": rng.randint(3, 19)}[size]
        talents = rng.randint(3, 60) if size == "above_scale" else rng.choice((0, 0, 1, 2, 3))
        while True:
            self.serial += 1
            code = f"ENT-HR{self.serial:04d}"
            uscc = make_uscc("91" + self.region + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9)))
            if uscc not in self.usccs and self.p.organisations.find(code) is None:
                break
        self.usccs.add(uscc)
        self.p.organisations.add(self.system, Organisation(
            code=code, name=name, kind="enterprise", area_code=seat, uscc=uscc, industry=industry, size=size,
            headcount=headcount, profile={"certified_talents": min(talents, headcount)}))
        return code

    def officers(self, units: dict[str, str], root: str) -> dict[str, str]:
        logins = {}
        surnames, given = "陈林黄张李王刘吴郑何", "志强 丽娟 海峰 晓敏 建华 雅琴 俊杰 秀英".split()
        for role, org in units.items():
            login = f"hr_{role.split('_')[-1]}"
            try:
                self.p.members.get(self.system, login)
            except NotFound:
                self.p.members.add(self.system, Member(
                    login=login, name=self.rng.choice(surnames) + self.rng.choice(given), org_code=org))
                self.p.members.assign(self.system, RoleAssignment(login=login, post="hr_officer", area_code=root,
                                                                  org_code=org))
            logins[org] = login
        return logins


def load(platform: Platform, scale: str, rng: random.Random,
         progress: Callable[[str, int, int], None] = lambda *_: None) -> None:
    """Add the HR outreach demo to a deployment that holds the core's demo data."""
    svc = HrPolicyService(platform)
    if svc.policies():
        return
    roots = platform.areas.roots()
    if not roots:
        return
    root = roots[0]
    held, key_firms, reach = SCALES.get(scale, SCALES["small"])
    b = _Builder(platform, rng, root)
    system = b.system
    now = platform.now()
    today = platform.time.day_of(now)
    with platform.transaction():
        units = ensure_bureau(platform, system, root.code)
        officers = b.officers(units, root.code)
        for policy in _policies(units, today.year, root.name):
            platform.table("hr_policy_policy").insert(policy.as_row())
        progress("hr_policy catalogue", 1, held + 2)

        subdistricts = platform.areas.children(root.code) or [root]
        reached: set[str] = set()
        per_session = [key_firms] + _split(reach - key_firms, held - 1)
        hosts_all = [units["talent"], units["labour_inspection"], units["labour_arbitration"]]
        for i in range(held):
            title, venue_kind, policies = _SESSION_PLANS[i % len(_SESSION_PLANS)]
            area = subdistricts[i % len(subdistricts)]
            held_on = today - dt.timedelta(days=300 - i * 70 if i < held - 1 else 3)
            place = area.name.removesuffix("街道")
            want = per_session[i]
            invited = [c.firm.code for c in svc.invitation_list(system, policies, area=area.code)
                       if c.firm.code not in reached and (i > 0 or (c.firm.headcount or 0) >= 50)][:want]
            seats = b.seats(area)
            while len(invited) < want:
                invited.append(b.new_firm(rng.choice(seats), place, key=i == 0))
            repeat = rng.sample(sorted(reached), k=min(len(reached), want // 12))
            absent = [b.new_firm(rng.choice(seats), place, key=False) for _ in range(max(1, want // 10))]
            hosts = hosts_all if i == 0 else [units[_host_for(policies)]]
            session = svc.plan_session(system, title=title, held_on=held_on, venue_area=area.code,
                                       venue=f"{place}{venue_kind}", hosts=hosts, policies=policies,
                                       invite=invited + repeat + absent)
            for firm in invited + repeat:
                svc.record_attendance(system, session.id, firm, rng.choice((1, 1, 2, 2, 3)))
            svc.record_attendance(system, session.id, absent[0], 0)
            reached.update(invited)
            _questions(platform, svc, session, invited, officers, rng, now, scale, keep_last_open=i == held - 1)
            progress("hr_policy sessions", i + 2, held + 2)

        upcoming = svc.invitation_list(system, ["HR-EMP-02", "HR-SKL-01"], area=subdistricts[-1].code, limit=30)
        svc.plan_session(system, title="高校毕业生就业与技能补贴宣讲会", held_on=today + dt.timedelta(days=14),
                         venue_area=subdistricts[-1].code, venue=f"{subdistricts[-1].name}党群服务中心",
                         hosts=[units["bureau"], units["talent"]], policies=["HR-EMP-02", "HR-SKL-01"],
                         invite=[c.firm.code for c in upcoming])
        topics = list(_QUESTIONS)
        for firm in sorted(reached):
            if rng.random() < 0.3:
                for topic in rng.sample(topics, k=rng.choice((1, 1, 2))):
                    svc.subscribe(system, firm, topic)
        svc.change(system, "HR-TAL-02", rules={"industry_in": list(_MAKERS), "headcount_min": 10},
                   summary="门槛由20人下调至10人：重点产业企业新引进的全日制本科及以上人才可申领。")
        progress("hr_policy subscriptions", held + 2, held + 2)


def _split(total: int, parts: int) -> list[int]:
    if parts <= 0:
        return []
    base = total // parts
    return [base + (1 if i < total - base * parts else 0) for i in range(parts)]


def _host_for(policies: list[str]) -> str:
    stem = policies[0].split("-")[1]
    return {"TAL": "talent", "SKL": "talent", "EMP": "bureau", "INS": "labour_inspection",
            "ARB": "labour_arbitration"}[stem]


def _questions(platform: Platform, svc: HrPolicyService, session, firms: list[str], officers: dict[str, str],
               rng: random.Random, now: dt.datetime, scale: str, keep_last_open: bool = False) -> None:
    """Questions at a session, then answers: most on time, some late, some closed, some open.
    With ``keep_last_open`` (the latest session) its last question waits for an answer, so the
    demo's HR officer has one to answer whatever the hour the demo is loaded."""
    count = {"small": 3, "district": 6}.get(scale, 12)
    start = platform.time.at(session.held_on, dt.time(10, 30))
    system = Actor.system()
    host = platform.actor(officers.get(session.hosts[0], "system"))
    asked = rng.sample(firms, k=min(count, len(firms)))
    for n, firm in enumerate(asked):
        policy = svc.policy(rng.choice(session.policies))
        text = rng.choice(_QUESTIONS.get(policy.topic, _QUESTIONS["stable_employment"]))
        q = svc.raise_question(host, session.id, firm, text, policy=policy.code, asked_by=f"企业人事专员{n + 1}",
                               at=start + dt.timedelta(minutes=7 * n))
        if q.due_at is None:
            continue
        issue = platform.issues.get(system, q.issue_id)
        officer = platform.actor(officers.get(issue.assignee_org, "system"))
        fate = rng.random()
        window = q.due_at - q.raised_at
        if fate < 0.7:
            at = q.raised_at + window * rng.uniform(0.15, 0.9)
        elif fate < 0.85:
            at = q.due_at + dt.timedelta(hours=rng.randint(4, 96))
        else:
            continue
        if at >= now or (keep_last_open and n == len(asked) - 1):
            continue
        svc.answer(officer, q.id, f"已电话答复：{policy.title_zh}的申报条件和办理渠道见区人力资源局官网，"
                                  "材料齐全后可在网上办事大厅提交。", at=at)
        later = at + dt.timedelta(days=1)
        if fate < 0.4 and later + dt.timedelta(hours=2) < now:
            platform.issues.act(system, q.issue_id, "verify", at=later)
            platform.issues.act(system, q.issue_id, "close", rating=rng.choice(("satisfied", "satisfied",
                                                                                   "basically_satisfied")),
                                at=later + dt.timedelta(hours=2))
