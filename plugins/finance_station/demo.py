"""Demo data: the bureau's 25 finance stations and the consultations of SEEDS.md 000.

At scale ``longgang`` the data reproduce the source's figures exactly: 5,986 consultations
("近6000次"), 4,216 firms granted credit ("4200多家"), 958,300,000,000 fen of credit
(95.83亿元) of which 475,300,000,000 fen (47.53亿元) inclusive micro-loans, 23 events
("20余场"). ``district`` takes a tenth and ``small`` a hundredth of every count and
amount (counts rounded half-even, at least 2 events; the amounts stay exact integers).
The 25 stations are kept at every scale: they are the mechanism, not a volume.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from gridgov.core import Actor, Member, Organisation, Platform, RoleAssignment, make_uscc

from .money import FEN_PER_WAN, split_exactly
from .records import NEED_NAMES, Consultation, FinanceEvent, OutreachVisit, Station
from .service import FinanceService, institution_type
from .tables import CONSULTATION, EVENT, STATION, VISIT

SCALES = {"longgang": Fraction(1), "district": Fraction(1, 10), "small": Fraction(1, 100)}
SOURCE = {
    "consultations": 5_986, "firms_granted": 4_216, "credits": 4_380,
    "credit_fen": 958_300_000_000, "inclusive_fen": 475_300_000_000, "events": 23,
}  # fmt: skip
STATIONS = 25
BUREAU_NAME = "区工业和信息化局"
DAY = dt.timedelta(days=1)

# A few district branches of each kind, used when the deployment has none (names invented
# in the style of the core's demo vocabulary, which is not part of the public API).
_INSTITUTIONS = {
    "bank": ("中国工商银行深圳龙岗支行", "中国建设银行深圳龙岗支行", "中国银行深圳龙岗支行",
             "招商银行深圳龙岗支行", "平安银行深圳龙岗支行", "中国农业银行深圳龙岗支行",
             "中国邮政储蓄银行深圳龙岗区支行", "深圳农村商业银行龙岗支行"),
    "insurer": ("中国人民财产保险股份有限公司深圳龙岗支公司", "中国平安财产保险股份有限公司深圳龙岗支公司",
                "中国太平洋财产保险股份有限公司深圳龙岗支公司", "中银保险有限公司深圳龙岗支公司"),
    "broker": ("招商证券深圳龙岗证券营业部", "国信证券深圳龙岗证券营业部", "平安证券深圳龙岗证券营业部"),
}  # fmt: skip
_INDUSTRIES = (
    "电子信息",
    "智能制造",
    "生物医药",
    "新材料",
    "文化创意",
    "现代物流",
    "商贸服务",
    "软件和信息服务",
)
_BRANDS = "恒达 华创 鑫源 宏图 新科 盛世 金辉 瑞丰 华信 东升 宏业 天成 永信 鹏程 明远 佳和 润泽 兴业 凯达 博远 锦程 光华 嘉禾 荣泰 卓越 智联 汇通 安捷 腾越 远航 同创 聚力 星辰 蓝海 海纳 德润 泰和 金桥".split()
_BUSINESS = ("科技", "实业", "电子", "精密制造", "新材料", "信息技术", "供应链管理", "智能装备")
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_OFFICERS = (
    "陈志强",
    "李晓燕",
    "王海波",
    "张雅琴",
    "刘建国",
    "黄思敏",
    "林振华",
    "周文静",
    "吴俊杰",
)
_EVENTS = ("“金融为民”暖心工程进园区", "“助力龙企·保险加持”专场", "政银企融资对接会", "知识产权质押融资专场",
           "普惠金融政策宣讲会", "企业上市辅导沙龙", "供应链金融对接会")  # fmt: skip
_DECLINE = (
    "抵押物不足",
    "经营流水不足",
    "征信记录不符合要求",
    "企业成立时间不足一年",
    "负债率偏高",
)
_WITHDRAW = ("企业已通过其他渠道获得融资", "企业暂缓扩产计划", "企业仅咨询政策，无进一步需求")


def scaled(scale: str) -> dict[str, int]:
    """The targets of a scale (see the module docstring for the rule)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; use {', '.join(SCALES)}")
    f = SCALES[scale]
    out = {key: round(value * f) for key, value in SOURCE.items()}
    out["events"] = max(2, out["events"])
    for key in ("credit_fen", "inclusive_fen"):
        assert SOURCE[key] * f == out[key], "amounts scale exactly"
    return out


def load(
    platform: Platform,
    scale: str,
    rng: random.Random,
    progress: Callable[[str, int, int], None] = lambda *_: None,
) -> None:
    """Add the finance stations' demo records (once: a deployment with stations is left alone)."""
    if platform.table(STATION).count():
        return
    targets = scaled(scale)
    with platform.transaction():
        progress("finance stations", 0, 4)
        bureau = ensure_bureau(platform)
        institutions = ensure_institutions(platform)
        officers = ensure_officers(platform, bureau.code)
        stations = _stations(platform, rng, bureau.code, institutions)
        progress("finance stations", 1, 4)
        plan = _plan(platform, rng, targets, stations)
        progress("finance stations", 2, 4)
        _write(platform, rng, plan, officers)
        progress("finance stations", 3, 4)
        _outreach(platform, rng, targets, stations, plan, officers, institutions)
        progress("finance stations", 4, 4)


# -- organisations and people ----------------------------------------------------------


def ensure_bureau(platform: Platform) -> Organisation:
    """The Industry & IT bureau (区工业和信息化局), host of the finance service team."""
    found = platform.organisations.list(kind="agency", name=BUREAU_NAME)
    if found:
        return found[0]
    roots = platform.areas.roots()
    code = "GXJ"
    while platform.organisations.find(code):
        code += "X"
    bureau = Organisation(
        code=code, name=BUREAU_NAME, kind="agency", area_code=roots[0].code if roots else None
    )
    return platform.organisations.add(Actor.system(), bureau)


def _guess_type(org: Organisation) -> str | None:
    for word, kind in (("银行", "bank"), ("保险", "insurer"), ("证券", "broker")):
        if word in org.name:
            return kind
    return None


def ensure_institutions(platform: Platform) -> dict[str, list[str]]:
    """Banks, insurers and brokers by type: the deployment's own (typed from their names
    when their profile lacks ``institution_type``), completed from a short list."""
    system = Actor.system()
    by_type: dict[str, list[str]] = {kind: [] for kind in _INSTITUTIONS}
    root = (platform.areas.roots() or [None])[0]
    for org in platform.organisations.list(kind="financial_institution"):
        kind = institution_type(org) or _guess_type(org)
        if kind is None:
            continue
        if institution_type(org) is None:
            platform.organisations.update(
                system, org.code, profile={**org.profile, "institution_type": kind}
            )
        by_type[kind].append(org.code)
    for kind, names in _INSTITUTIONS.items():
        for n, name in enumerate(names, 1):
            if len(by_type[kind]) >= len(names):
                break
            code = f"FI-{kind.upper()}-{n:02d}"
            if platform.organisations.find(code):
                continue
            platform.organisations.add(system, Organisation(
                code=code, name=name, kind="financial_institution",
                area_code=root.code if root else None, profile={"institution_type": kind}))  # fmt: skip
            by_type[kind].append(code)
    return by_type


def ensure_officers(platform: Platform, bureau: str) -> list[str]:
    """The finance service team: a lead and officers of the bureau, with their posts."""
    system = Actor.system()
    logins = []
    for n, name in enumerate(_OFFICERS):
        login = "fin_lead" if n == 0 else f"fin_officer{n:02d}"
        if platform.organisations.find(bureau) and not _member_exists(platform, login):
            platform.members.add(
                system,
                Member(login=login, name=name, org_code=bureau, party_member=True, in_service=True),
            )
            platform.members.assign(system, RoleAssignment(
                login=login, post="finance_manager" if n == 0 else "finance_officer", org_code=bureau,
                starts=platform.today() - 800 * DAY, duties="金融助企服务团"))  # fmt: skip
        logins.append(login)
    return logins[1:]


def _member_exists(platform: Platform, login: str) -> bool:
    try:
        platform.actor(login)
    except LookupError:
        return False
    return True


# -- stations --------------------------------------------------------------------------


def _station_areas(platform: Platform, clusters: int) -> list[Any]:
    """Subdistricts, or the first level down that offers 25 (area, cluster) places: a
    district of one subdistrict gets its stations in communities."""
    areas = platform.areas.roots()
    while True:
        below = [a for area in areas for a in platform.areas.children(area.code)]
        if not below:
            return areas
        areas = below
        if len(areas) * clusters >= STATIONS:
            return areas


def _stations(
    platform: Platform, rng: random.Random, host: str, institutions: dict[str, list[str]]
) -> list[Station]:
    """25 stations on the (area, industry) pairs with the most firms, every cluster first."""
    firms = platform.organisations.list(kind="enterprise")
    areas = _station_areas(
        platform, len({f.industry for f in firms if f.industry} | set(_INDUSTRIES))
    )
    if not areas:
        raise ValueError("the deployment has no areas for finance stations")
    counts: dict[tuple[str, str], int] = {}
    for firm in firms:
        if firm.industry and firm.area_code:
            area = _area_of(platform, firm.area_code, areas)
            if area is not None:
                counts[(area.code, firm.industry)] = counts.get((area.code, firm.industry), 0) + 1
    industries = sorted(
        {i for _, i in counts}, key=lambda i: (-sum(v for (_, j), v in counts.items() if j == i), i)
    )  # ties by name: a set's order changes with the process's hash seed
    industries += [i for i in _INDUSTRIES if i not in industries]
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    chosen: list[tuple[str, str]] = []
    for industry in industries:
        best = [k for k in ranked if k[1] == industry]
        if best and best[0] not in chosen:
            chosen.append(best[0])
    chosen += [k for k in ranked if k not in chosen]
    pairs = [(a.code, i) for i in industries for a in areas]
    rng.shuffle(pairs)
    chosen += [k for k in pairs if k not in chosen]
    chosen = chosen[:STATIONS]
    while len(chosen) < STATIONS:
        chosen.append(chosen[len(chosen) % len(pairs)])
    names = {a.code: a.name for a in areas}
    service = FinanceService(platform)
    stations = []
    seen: dict[str, int] = {}
    for n, (area, industry) in enumerate(chosen, 1):
        base = f"{names[area]}{industry}金融驿站"
        seen[base] = seen.get(base, 0) + 1
        partners = (
            _pick(institutions["bank"], 2, n)
            + _pick(institutions["insurer"], 1, n)
            + _pick(institutions["broker"], 1, n)
        )
        station = Station(
            code=f"FS{n:02d}",
            name=base if seen[base] == 1 else f"{base}（{seen[base]}）",
            area_code=area,
            host_org=host,
            cluster=industry,
            partners=partners,
        )
        stations.append(service.add_station(Actor.system(), station))
    return stations


def _pick(codes: list[str], k: int, n: int) -> list[str]:
    return [codes[(n * k + i) % len(codes)] for i in range(min(k, len(codes)))]


def _area_of(platform: Platform, area_code: str, areas: list[Any]) -> Any:
    codes = set(platform.areas.path_of(area_code).strip("/").split("/"))
    return next((a for a in areas if a.code in codes), None)


# -- the plan: who asked, what came of it, how much ------------------------------------


def _plan(
    platform: Platform, rng: random.Random, targets: dict[str, int], stations: list[Station]
) -> list[dict]:
    total, credits, firms_granted = (
        targets["consultations"],
        targets["credits"],
        targets["firms_granted"],
    )
    others = total - credits
    pool = _firms(platform, rng, firms_granted + max(1, others // 2), stations)
    granted_firms = pool[:firms_granted]
    if not any(f.size in ("small", "micro") for f in granted_firms):
        granted_firms[0] = _new_firms(platform, rng, 1, stations, size="micro")[0]
    slots = granted_firms + granted_firms[: credits - firms_granted]
    eligible = [i for i, f in enumerate(slots) if f.size in ("small", "micro")]
    inclusive = set(rng.sample(eligible, min(len(eligible), max(1, round(credits * 0.7)))))
    plain = [i for i in range(credits) if i not in inclusive]
    amounts: dict[int, int] = {}
    for group, fen in (
        (sorted(inclusive), targets["inclusive_fen"]),
        (plain, targets["credit_fen"] - targets["inclusive_fen"]),
    ):
        weights = [
            rng.lognormvariate(0, 0.8) * (3 if slots[i].size == "above_scale" else 1) for i in group
        ]
        for i, part in zip(
            group, split_exactly(fen, weights, unit=FEN_PER_WAN, minimum=10), strict=True
        ):
            amounts[i] = part
    plan = []
    for i, firm in enumerate(slots):
        need = "loan" if i in inclusive else rng.choice(("loan", "loan", "loan", "guarantee"))
        plan.append(
            {
                "firm": firm,
                "status": "granted",
                "need": need,
                "inclusive": i in inclusive,
                "amount": amounts[i],
            }
        )
    outcomes = ["declined"] * 35 + ["withdrawn"] * 15 + ["referred"] * 25 + ["open"] * 25
    rest = pool[firms_granted:]
    for _ in range(others):
        firm = rng.choice(rest) if rng.random() < 0.6 else rng.choice(granted_firms)
        need = rng.choices(
            ("loan", "guarantee", "insurance", "policy", "listing"), weights=(50, 15, 12, 15, 8)
        )[0]
        plan.append(
            {
                "firm": firm,
                "status": rng.choice(outcomes),
                "need": need,
                "inclusive": False,
                "amount": None,
            }
        )
    rng.shuffle(plan)
    return plan


def _firms(
    platform: Platform, rng: random.Random, wanted: int, stations: list[Station]
) -> list[Organisation]:
    firms = [f for f in platform.organisations.list(kind="enterprise") if f.area_code]
    rng.shuffle(firms)
    if len(firms) < wanted:
        firms += _new_firms(platform, rng, wanted - len(firms), stations)
    return firms[:wanted]


def _new_firms(
    platform: Platform,
    rng: random.Random,
    count: int,
    stations: list[Station],
    size: str | None = None,
) -> list[Organisation]:
    """Firms beyond the deployment's own, seated at the handling level near a station."""
    level = platform.areas.handling_level()
    seats: dict[str, list[str]] = {}
    taken = {f.uscc for f in platform.organisations.list(kind="enterprise")}
    names = {f.name for f in platform.organisations.list(kind="enterprise")}
    made = []
    for _ in range(count):
        station = rng.choice(stations)
        if station.area_code not in seats:
            seats[station.area_code] = [
                a.code for a in platform.areas.subtree(station.area_code, level=level)
            ] or [station.area_code]
        uscc = make_uscc("91440307" + "".join(rng.choice(_USCC_CHARS) for _ in range(9)))
        while uscc in taken:
            uscc = make_uscc("91440307" + "".join(rng.choice(_USCC_CHARS) for _ in range(9)))
        taken.add(uscc)
        name = f"深圳市{rng.choice(_BRANDS)}{rng.choice(_BRANDS)}{rng.choice(_BUSINESS)}有限公司"
        while name in names:
            name = name.replace("有限公司", f"{rng.choice(_BRANDS)}有限公司", 1)
        names.add(name)
        firm_size = size or rng.choices(("above_scale", "small", "micro"), weights=(10, 40, 50))[0]
        org = Organisation(code=f"ENT-{uscc}", name=name, kind="enterprise", area_code=rng.choice(seats[station.area_code]),
                           uscc=uscc, industry=station.cluster, size=firm_size,
                           headcount={"above_scale": 300, "small": 60, "micro": 8}[firm_size])  # fmt: skip
        made.append(platform.organisations.add(Actor.system(), org))
    return made


# -- writing the plan ------------------------------------------------------------------


def _write(platform: Platform, rng: random.Random, plan: list[dict], officers: list[str]) -> None:
    service = FinanceService(platform)
    now = platform.now().replace(microsecond=0)
    period = platform.demo_period()
    start = period[0] if period else now - 365 * DAY  # closed consultations lie in the demo's year
    chosen: dict[tuple[str, str | None], Station] = {}
    by_issue = _issue_path_indexes(plan)
    rows = []
    for n, item in enumerate(plan):
        firm = item["firm"]
        key = (firm.area_code, firm.industry)
        if key not in chosen:
            chosen[key] = service.station_for(firm.area_code, firm.industry)
        station = chosen[key]
        times = _times(rng, now, item["status"], start)
        asked = item["amount"] if item["amount"] else rng.randint(10, 2000) * FEN_PER_WAN
        if item["status"] == "granted":
            asked = max(asked, item["amount"] + rng.randint(0, 100) * FEN_PER_WAN)
        item.update(
            station=station,
            officer=officers[n % len(officers)] if officers else None,
            asked=asked,
            **times,
        )
        if n in by_issue:
            _through_issue(platform, service, item)
            continue
        rows.append(_consultation(platform, service, item, rng).row())
    for start in range(0, len(rows), 2000):
        platform.table(CONSULTATION).insert_all(rows[start : start + 2000])


def _issue_path_indexes(plan: list[dict]) -> set[int]:
    """About 1 in 100 consultations (at least 2, at most 60) come from a grid visit's report."""
    wanted = min(60, max(2, len(plan) // 100))
    picks = [
        i
        for i, p in enumerate(plan)
        if p["status"] in ("granted", "declined") and p["firm"].area_code
    ]
    return set(picks[:wanted])


def _times(rng: random.Random, now: dt.datetime, status: str, start: dt.datetime) -> dict[str, dt.datetime | None]:
    refer = dt.timedelta(hours=rng.randint(4, 120))
    decide = dt.timedelta(hours=rng.randint(48, 960))
    if status == "open":
        opened = now - dt.timedelta(hours=rng.randint(2, 24 * 20))
        return {"opened_at": opened, "referred_at": None, "closed_at": None}
    if status == "referred":
        opened = now - refer - dt.timedelta(hours=rng.randint(1, 24 * 40))
        return {"opened_at": opened, "referred_at": opened + refer, "closed_at": None}
    latest = now - refer - decide - DAY
    opened = latest - dt.timedelta(hours=rng.randint(0, max(0, int((latest - start).total_seconds() // 3600))))
    referred = opened + refer if status in ("granted", "declined") else None
    return {"opened_at": opened, "referred_at": referred, "closed_at": opened + refer + decide}


def _institution(
    platform: Platform, station: Station, need: str, inclusive: bool, rng: random.Random
) -> str:
    from .records import REFERRAL_TYPES

    types = ("bank",) if inclusive else REFERRAL_TYPES[need]
    fitting = [
        c for c in station.partners if institution_type(platform.organisations.get(c)) in types
    ]
    return rng.choice(fitting)


def _consultation(
    platform: Platform, service: FinanceService, item: dict, rng: random.Random
) -> Consultation:
    firm, station, status = item["firm"], item["station"], item["status"]
    institution = None
    if item["referred_at"] is not None:
        institution = _institution(platform, station, item["need"], item["inclusive"], rng)
    return Consultation(
        enterprise=firm.code, station=station.code, need=item["need"], amount_asked=item["asked"],
        officer=item["officer"], status=status, area_code=firm.area_code,
        area_path=platform.areas.path_of(firm.area_code), opened_at=item["opened_at"],
        referred_at=item["referred_at"], institution=institution,
        granted_amount=item["amount"] if status == "granted" else None, inclusive=item["inclusive"],
        closed_at=item["closed_at"],
        reason=rng.choice(_DECLINE) if status == "declined" else rng.choice(_WITHDRAW) if status == "withdrawn" else "",
    )  # fmt: skip


def _through_issue(platform: Platform, service: FinanceService, item: dict) -> None:
    """A financing need found on a grid visit: reported, routed, answered by the officer."""
    system = Actor.system()
    firm = item["firm"]
    issue = platform.issues.report(
        system, area=firm.area_code, category="finance.financing_need", title=f"{firm.name}融资需求",
        description=f"网格员走访发现企业有{NEED_NAMES[item['need']][0]}需求，需对接金融驿站。", source="plugin",
        payload={"enterprise": firm.code, "need": item["need"], "amount_fen": item["asked"]},
        at=item["opened_at"],
    )  # fmt: skip
    consultation = service.for_issue(issue.id)
    if consultation is None:
        raise RuntimeError(
            f"issue {issue.id} opened no consultation: {platform.plugin_failures[-1:]}"
        )
    step = item["opened_at"] + dt.timedelta(hours=1)
    platform.issues.act(system, issue.id, "register", at=step)
    platform.issues.act(system, issue.id, "dispatch", at=step)
    officer = platform.actor(item["officer"]) if item["officer"] else system
    institution = _institution(
        platform, item["station"], item["need"], item["inclusive"], random.Random(issue.id)
    )
    service.refer(officer, consultation.id, institution, at=item["referred_at"])
    if item["status"] == "granted":
        service.grant(
            officer,
            consultation.id,
            item["amount"],
            inclusive=item["inclusive"],
            institution=institution,
            at=item["closed_at"],
        )
    else:
        service.decline(
            officer, consultation.id, _DECLINE[issue.id % len(_DECLINE)], at=item["closed_at"]
        )


def _outreach(
    platform: Platform,
    rng: random.Random,
    targets: dict[str, int],
    stations: list[Station],
    plan: list[dict],
    officers: list[str],
    institutions: dict[str, list[str]],
) -> None:
    """Service-team visits (one per four consultations) and the events of the period."""
    now = platform.now()
    period = platform.demo_period()
    first_day = platform.time.day_of(period[0] if period else now - 365 * DAY)
    days = max(1, (platform.time.day_of(now) - first_day).days)
    visits = []
    for item in rng.sample(plan, len(plan) // 4):
        day = max(first_day, platform.time.day_of(item["opened_at"] - dt.timedelta(days=rng.randint(1, 20))))
        visits.append(OutreachVisit(enterprise=item["firm"].code, officer=item["officer"] or "system",
                                    station=item["station"].code, visited_on=day,
                                    note="上门了解融资需求，介绍金融驿站服务").row())  # fmt: skip
    platform.table(VISIT).insert_all(visits)
    firms = [p["firm"].code for p in plan]
    events = []
    for n in range(targets["events"]):
        station = stations[n % len(stations)]
        attending = sorted(set(rng.sample(firms, min(len(firms), rng.randint(5, 30)))))
        events.append(FinanceEvent(
            name=_EVENTS[n % len(_EVENTS)], held_on=platform.time.day_of(now - dt.timedelta(days=rng.randint(1, days))),
            station=station.code, institutions=list(station.partners), firms=attending).row())  # fmt: skip
    platform.table(EVENT).insert_all(events)
