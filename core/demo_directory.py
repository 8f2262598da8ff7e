"""The demo's directory: the area tree, organisations, members, posts and pairings.

Everything is drawn from one seeded ``random.Random`` and written in bulk inside one
transaction; records are built as the core's validated models first, so the demo holds
nothing the services would refuse. The result is a :class:`World`: the lookups the issue
simulator needs (who works where, which organisation handles what), all plain data so it
can be handed to worker processes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import attrs

from . import demo_vocabulary as vocab
from .access import Actor
from .converter import to_row
from .demo_geometry import OUTLINES, place_areas
from .demo_scales import DEMO_DAYS, DEMO_END, Scale
from .models import Area, DualRegistration, Member, Organisation, Pairing, RoleAssignment

Progress = Callable[[str, int, int], None]

# Agencies that handle a category of the core and the department plugins, by name.
CATEGORY_AGENCIES = {
    "road.repair": "区交通运输局道路管养科",
    "elevator.retrofit": "区住建局老旧小区改造办公室",
    "environment.sanitation": "区城管局环境卫生管理科",
    "public.safety": "区应急管理局消防安全科",
    "greening": "区城管局园林绿化科",
    "parking": "区交警大队",
    "livelihood.help": "区民政局社会救助科",
    "finance.financing_need": "区工信局金融服务科",
    "hr.policy_question": "区人力资源局人才服务科",
    "mediation.dispute": "区司法局人民调解科",
}
_FIRST_AGENCIES = (*dict.fromkeys(CATEGORY_AGENCIES.values()), "区政府办公室", "区委组织部", "区委社会工作部", "区住房和建设局")
_SUBDISTRICT_OFFICES = (
    "党政综合办公室", "党建工作办公室", "社区建设办公室", "城市建设办公室", "公共安全办公室",
    "综合治理办公室", "经济服务办公室", "公共服务办公室", "综合行政执法队", "应急管理办公室",
    "民生服务中心", "党群服务中心",
)  # fmt: skip
_SPOTS = ("", "", "北门", "南门", "东侧路段", "西侧路段", "地下车库", "中心广场", "幼儿园旁", "农贸市场旁", "公交站旁")
# Fixed logins of the accounts ``gridgov demo`` prints (the first of each post's holders).
DEMO_LOGINS = (
    "demo_supervisor", "demo_district_dispatcher", "demo_subdistrict_dispatcher", "demo_dispatcher",
    "demo_leader", "demo_worker", "demo_building_head", "demo_first_secretary", "demo_handler",
    "demo_property_handler", "demo_police_handler",
)  # fmt: skip


@attrs.frozen(kw_only=True)
class Unit:
    """An area at the handling level (a grid, or a compound in Suyu) and its people."""

    code: str
    path: str
    community: str
    subdistrict: str
    place: str
    buildings: tuple[str, ...]
    leader: str
    worker: str
    branch: str
    property_org: str
    weight: float


@attrs.frozen(kw_only=True)
class World:
    """What the issue simulator needs to know about the directory."""

    scale: Scale
    district: str
    units: tuple[Unit, ...]
    paths: dict[str, str]
    levels_of: dict[str, str]
    building_heads: dict[str, str]
    dispatchers: dict[str, str]
    supervisor: str
    mediation_committees: dict[str, str]
    police_stations: dict[str, str]
    category_agencies: dict[str, str]
    handlers: dict[str, str]
    first_secretaries: dict[str, str]


def _split(total: int, parts: int, rng: random.Random, spread: float = 0.4) -> list[int]:
    """``total`` split into ``parts`` positive shares that vary by about ``spread``."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    shares = [1 + int(w * scale) for w in weights]
    for i in rng.sample(range(parts), total - sum(shares)):
        shares[i] += 1
    return shares


class DirectoryBuilder:
    """Builds and writes the directory of one demo deployment."""

    def __init__(self, platform, scale: Scale, rng: random.Random, progress: Progress,
                 places: random.Random | None = None, *, start_day: dt.date | None = None) -> None:
        self.platform = platform
        self.scale = scale
        # Posts and pairings began before the simulated period, registrations inside it
        # (default: the fixed period benchmarks use).
        self.start_day = start_day or (DEMO_END - dt.timedelta(days=DEMO_DAYS)).date()
        self.rng = rng
        # Polygons draw from their own generator, so they shift no other record's draws.
        self.places = places or random.Random(f"{scale.name} places")
        self.progress = progress
        self.areas: list[Area] = []
        self.orgs: list[Organisation] = []
        self.members: list[Member] = []
        self.assignments: list[RoleAssignment] = []
        self.pairings: list[Pairing] = []
        self.dual: list[DualRegistration] = []
        self.logins: set[str] = {"system", "admin", *DEMO_LOGINS}
        self.names: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        self.paired_unit: dict[str, str] = {}

    # -- helpers ------------------------------------------------------------------------

    def _area(self, code: str, name: str, level: str, parent: str | None, households: int | None = None) -> str:
        self.areas.append(Area(code=code, name=name, level=level, parent_code=parent,
                               households=households, population=None if households is None else int(households * 2.8)))
        self.names[code] = name
        self.children.setdefault(code, [])
        if parent:
            self.children[parent].append(code)
        return code

    def _org(self, code: str, name: str, kind: str, area: str | None, parent: str | None = None, **extra: Any) -> str:
        self.orgs.append(Organisation(code=code, name=name, kind=kind, area_code=area, parent_code=parent, **extra))
        return code

    def _member(self, *, org: str | None, home: str | None, party: bool = True, in_service: bool = False,
                login: str | None = None, name: str | None = None) -> str:
        name = name or vocab.person_name(self.rng)
        login = login or vocab.pinyin_login(name, self.rng, self.logins)
        self.members.append(Member(
            login=login, name=name, org_code=org, party_member=party, in_service=in_service, home_area=home,
            phone=vocab.phone(self.rng), id_number=vocab.id_number(self.rng, self.scale.district_code),
        ))
        return login

    def _post(self, login: str, post: str, *, area: str | None = None, org: str | None = None, duties: str = "") -> None:
        starts = self.start_day - dt.timedelta(days=self.rng.randrange(30, 900))
        self.assignments.append(RoleAssignment(login=login, post=post, area_code=area, org_code=org,
                                               starts=starts, duties=duties))

    def _pair(self, kind: str, *, org: str | None = None, member: str | None = None, area: str | None = None,
              household: str | None = None, voluntary: bool = False) -> None:
        self.pairings.append(Pairing(
            kind=kind, org_code=org, member_login=member, area_code=area, household=household,
            starts=self.start_day - dt.timedelta(days=self.rng.randrange(0, 400)), voluntary=voluntary,
            commitments=vocab.commitment_text(self.rng),
        ))

    # -- the tree -----------------------------------------------------------------------

    def build_tree(self) -> None:
        s, rng = self.scale, self.rng
        self.district = self._area(s.district_code, s.district_name, "district", None)
        self.subdistricts: list[str] = []
        self.communities: list[str] = []
        self.unit_codes: list[str] = []
        self.unit_places: dict[str, str] = {}
        self.buildings: dict[str, list[str]] = {}
        self.community_of: dict[str, str] = {}
        self.subdistrict_of: dict[str, str] = {}
        community_counts = _split(s.communities, len(s.subdistricts), rng)
        unit_counts = _split(s.units, s.communities, rng)
        taken_communities: set[str] = set()
        taken_places: set[str] = set()
        c_index = 0
        for i, (sub_name, n_comm) in enumerate(zip(s.subdistricts, community_counts, strict=True)):
            sub = self._area(f"{s.district_code}{i + 1:03d}", sub_name, "subdistrict", self.district)
            self.subdistricts.append(sub)
            for j in range(n_comm):
                comm_name = vocab.community_name(rng, taken_communities)
                comm = self._area(f"{sub}{j + 1:03d}", comm_name, "community", sub)
                self.communities.append(comm)
                self.subdistrict_of[comm] = sub
                for k in range(unit_counts[c_index]):
                    place = vocab.compound_name(rng, taken_places) if len(taken_places) < 3000 else f"{comm_name}{k + 1}号片区"
                    name = place if s.unit_level == "compound" else vocab.grid_name(comm_name, k + 1)
                    unit = self._area(f"{comm}{k + 1:02d}", name, s.unit_level, comm, households=rng.randint(250, 800))
                    self.unit_codes.append(unit)
                    self.unit_places[unit] = place
                    self.community_of[unit] = comm
                    n_build = rng.randint(*s.buildings)
                    self.buildings[unit] = [
                        self._area(f"{unit}{b + 1:03d}", vocab.building_name(b + 1), "building", unit,
                                   households=rng.randint(24, 160))
                        for b in range(n_build)
                    ]
                c_index += 1
        outline = OUTLINES.get(s.name)
        if outline is not None:
            self.areas = place_areas(self.areas, outline, self.places, levels=s.levels, handling_level=s.handling_level)
        self.progress("areas", len(self.areas), len(self.areas))

    # -- organisations ------------------------------------------------------------------

    def _agency_names(self) -> list[tuple[str, str]]:
        """(name, seat) for the scale's number of agencies: district bodies first, then
        subdistrict offices, then schools and health centres of the communities."""
        s = self.scale
        base = list(_FIRST_AGENCIES) + [n for n in vocab.agency_names() if n not in _FIRST_AGENCIES]
        names = [(n, self.district) for n in base]
        for sub in self.subdistricts:
            names += [(f"{self.names[sub]}办事处{office}", sub) for office in _SUBDISTRICT_OFFICES]
        short = s.district_name.removesuffix("区")
        for comm in self.communities:
            stem = self.names[comm].removesuffix("社区")
            names += [(f"{short}区{stem}小学", comm), (f"{short}区{stem}社区健康服务中心", comm)]
        n = 1
        while len(names) < s.agencies:
            names.append((f"{short}区第{n}中学", self.district))
            n += 1
        return names[: s.agencies]

    def build_orgs(self) -> None:
        s, rng = self.scale, self.rng
        self.agencies = []
        for i, (name, seat) in enumerate(self._agency_names()):
            self.agencies.append(self._org(f"AG{i + 1:04d}", name, "agency", seat))
        by_name = {o.name: o.code for o in self.orgs}
        self.category_agencies = {cat: by_name[n] for cat, n in CATEGORY_AGENCIES.items() if n in by_name}
        self.residents_committees, self.party_committees, self.mediation = {}, {}, {}
        for i, comm in enumerate(self.communities):
            name = self.names[comm]
            self.party_committees[comm] = self._org(f"PC{i + 1:04d}", f"{name}党委", "party_committee", comm)
            self.residents_committees[comm] = self._org(f"RC{i + 1:04d}", f"{name}居民委员会", "residents_committee", comm)
            self.mediation[comm] = self._org(f"MC{i + 1:04d}", f"{name}人民调解委员会", "mediation_committee", comm)
        self.police, self.judicial = {}, {}
        for i, sub in enumerate(self.subdistricts):
            stem = self.names[sub].removesuffix("街道")
            self.police[sub] = self._org(f"PS{i + 1:03d}", f"{s.city.removesuffix('市')}市公安局{s.district_name}分局{stem}派出所", "police_station", sub)
            self.judicial[sub] = self._org(f"JO{i + 1:03d}", f"{stem}司法所", "judicial_office", sub)
        self._branches()
        self.property_orgs = {}
        for i, unit in enumerate(self.unit_codes):
            company = vocab.property_company_name(rng, s.city)
            self.property_orgs[unit] = self._org(f"PM{i + 1:05d}", f"{company}{self.unit_places[unit]}管理处", "property_company", unit)
        city, district = s.city.removesuffix("市"), s.district_name.removesuffix("区")
        kinds = [*vocab.bank_names(city, district), *vocab.insurer_names(city, district), *vocab.broker_names(city, district)]
        n_fin = {"small": 8}.get(s.name, len(kinds))
        for i, name in enumerate(kinds[:n_fin]):
            self._org(f"FI{i + 1:03d}", name, "financial_institution", self.district)
        for i, name in enumerate(vocab.law_firm_names()[: 2 if s.name == "small" else None]):
            self._org(f"LF{i + 1:02d}", name, "law_firm", self.district)
        taken: set[str] = set()
        usccs: set[str] = set()
        places = [self.names[sub].removesuffix("街道") for sub in self.subdistricts]
        n = 0
        while n < s.enterprises:
            firm = vocab.enterprise(rng, taken, city=s.city, region=s.district_code, places=places)
            if firm["uscc"] in usccs:
                continue
            usccs.add(firm["uscc"])
            n += 1
            self._org(f"EN{n:05d}", firm["name"], "enterprise", rng.choice(self.unit_codes), uscc=firm["uscc"],
                      industry=firm["industry"], size=firm["size"], headcount=firm["headcount"],
                      profile={"certified_talents": firm["certified_talents"]})
        self.progress("organisations", len(self.orgs), len(self.orgs))

    def _branches(self) -> None:
        """Party branches paired with the handling-level areas (branch ↔ grid).

        In Suyu each compound has its own branch; in Longgang agency branches each take
        on several grids (1,100+ branches over ~4,000 grids)."""
        s, rng = self.scale, self.rng
        self.branch_of_unit: dict[str, str] = {}
        self.branches_of_agency: dict[str, list[str]] = {}
        if s.unit_level == "compound":
            for i, unit in enumerate(self.unit_codes):
                comm = self.community_of[unit]
                code = self._org(f"PB{i + 1:05d}", f"{self.unit_places[unit]}党支部", "party_branch", unit, self.party_committees[comm])
                self.branch_of_unit[unit] = code
                self._pair("branch_grid", org=code, area=unit)
            return
        branch_codes = []
        for i in range(s.branches):
            agency = self.agencies[i % len(self.agencies)]
            nth = i // len(self.agencies)
            ordinal = "" if nth == 0 else "第" + "二三四五六七八九十"[min(nth, 9) - 1]
            name = f"{self._org_name(agency)}{ordinal}党支部"
            code = self._org(f"PB{i + 1:05d}", name, "party_branch", self._org_seat(agency), agency)
            branch_codes.append(code)
            self.branches_of_agency.setdefault(agency, []).append(code)
        units = list(self.unit_codes)
        for i, unit in enumerate(units):
            branch = branch_codes[i * len(branch_codes) // len(units)]
            self.branch_of_unit[unit] = branch
            self._pair("branch_grid", org=branch, area=unit, voluntary=rng.random() < 0.3)

    def _org_name(self, code: str) -> str:
        return self._org_index()[code].name

    def _org_seat(self, code: str) -> str | None:
        return self._org_index()[code].area_code

    def _org_index(self) -> dict[str, Organisation]:
        if len(getattr(self, "_index", {})) != len(self.orgs):
            self._index = {o.code: o for o in self.orgs}
        return self._index

    # -- people -------------------------------------------------------------------------

    def build_people(self) -> None:
        s, rng = self.scale, self.rng
        self._member(org=None, home=None, login="admin", name="系统管理员", party=False)
        self._post("admin", "admin", area=self.district, duties="系统管理")
        gov = self.category_agencies.get("livelihood.help", self.agencies[0])
        self.supervisor = self._member(org=self.agencies[min(1, len(self.agencies) - 1)], home=None, in_service=True,
                                       login="demo_supervisor")
        self._post(self.supervisor, "supervisor", area=self.district, duties="超期案件督办")
        self.dispatchers = {}
        self.dispatchers[self.district] = self._member(org=gov, home=None, in_service=True, login="demo_district_dispatcher")
        self._post(self.dispatchers[self.district], "dispatcher", area=self.district, duties="区指挥中心分拨")
        for i, sub in enumerate(self.subdistricts):
            self.dispatchers[sub] = self._member(org=None, home=None, login=None if i else "demo_subdistrict_dispatcher")
            self._post(self.dispatchers[sub], "dispatcher", area=sub, duties="街道指挥分中心分拨")
        for i, comm in enumerate(self.communities):
            self.dispatchers[comm] = self._member(org=self.residents_committees[comm], home=comm,
                                                  login=None if i else "demo_dispatcher")
            self._post(self.dispatchers[comm], "dispatcher", area=comm, duties="社区一窗受理")
        self.leaders: dict[str, str] = {}
        self.workers: dict[str, str] = {}
        self.heads: dict[str, str] = {}
        for i, unit in enumerate(self.unit_codes):
            rc = self.residents_committees[self.community_of[unit]]
            home = rng.choice(self.buildings[unit])
            self.leaders[unit] = self._member(org=rc, home=home, login=None if i else "demo_leader")
            self._post(self.leaders[unit], "grid_leader", area=unit, duties="网格事项受理、分拨与结案")
            self.workers[unit] = self._member(org=rc, home=home, party=rng.random() < 0.5, login=None if i else "demo_worker")
            self._post(self.workers[unit], "grid_worker", area=unit, duties="网格巡查、信息采集、核查")
            for building in self.buildings[unit]:
                if rng.random() < s.building_head_share:
                    first = not self.heads
                    self.heads[building] = self._member(org=None, home=building, party=rng.random() < 0.6,
                                                        login="demo_building_head" if first else None)
                    self._post(self.heads[building], "building_head", area=building, duties="楼栋信息收集与上报")
        self.handlers = {}
        handled = [o for o in self.orgs if o.kind in ("property_company", "police_station", "mediation_committee", "judicial_office", "party_branch")]
        fixed = {self.property_orgs[self.unit_codes[0]]: "demo_property_handler",
                 self.police[self.subdistricts[0]]: "demo_police_handler"}
        for org in handled:
            self.handlers[org.code] = self._member(org=org.code, home=None, party=rng.random() < 0.4,
                                                   login=fixed.get(org.code))
            self._post(self.handlers[org.code], "handler", org=org.code, duties="接单处置")
        self._agency_members()
        self.progress("members", len(self.members), len(self.members))

    def _agency_members(self) -> None:
        """Agency members: one handler per agency, Suyu's first secretaries, and the rest,
        each paired with one building (of a grid of their branch, or their compound)."""
        s, rng = self.scale, self.rng
        self.first_secretaries: dict[str, str] = {}
        self.agency_units: dict[str, list[str]] = {}
        if s.unit_level == "compound":
            order = list(self.unit_codes) + rng.sample(self.unit_codes, max(0, len(self.agencies) - len(self.unit_codes)))
            for agency, unit in zip(self.agencies, order, strict=False):
                self.agency_units[agency] = [unit]
                self._pair("agency_compound", org=agency, area=unit, voluntary=rng.random() < 0.5)
            for agency in rng.sample(self.agencies, min(s.agency_subdistrict_pairs or 0, len(self.agencies))):
                self._pair("agency_subdistrict", org=agency, area=self.subdistrict_of[self.community_of[self.agency_units[agency][0]]])
        else:
            for agency, branches in self.branches_of_agency.items():
                self.agency_units[agency] = [u for u, b in self.branch_of_unit.items() if b in branches]
            for i, agency in enumerate(self.agencies):
                sub = self.subdistricts[i % len(self.subdistricts)]
                self._pair("agency_subdistrict", org=agency, area=sub, voluntary=rng.random() < 0.3)
                self.agency_units.setdefault(agency, [])
                if not self.agency_units[agency]:
                    comms = [c for c in self.communities if self.subdistrict_of[c] == sub]
                    self.agency_units[agency] = [u for u in self.unit_codes if self.community_of[u] in comms][:3]
        road = self.category_agencies.get("road.repair")
        for agency in self.agencies:
            self.handlers[agency] = self._agency_member(agency, login="demo_handler" if agency == road else None)
            self._post(self.handlers[agency], "handler", org=agency, duties="接单处置")
        if s.unit_level == "compound":
            for agency in self.agencies:
                unit = self.agency_units[agency][0]
                login = self._agency_member(agency, unit, login=None if self.first_secretaries else "demo_first_secretary")
                self.first_secretaries.setdefault(unit, login)
                self._post(login, "first_secretary", area=unit, duties="每周巡查、每月小结、每季度报告、年终述职")
        target = s.agency_members
        if s.total_members is not None:
            target = s.total_members - len(self.members) - s.household_members
        if target < 0:
            raise ValueError(f"the {s.name} demo has more staff than its {s.total_members} members")
        weights = [rng.uniform(0.3, 1.7) for _ in self.agencies]
        for agency in rng.choices(self.agencies, weights=weights, k=target):
            self._agency_member(agency)
        pool = sorted(self.paired_unit)
        for login in rng.sample(pool, min(s.dual_registrations, len(pool))):
            paired = self.community_of[self.paired_unit[login]]
            others = [c for c in self.communities if c != paired]
            if others:
                self.dual.append(DualRegistration(login=login, paired_community=paired, home_community=rng.choice(others),
                                                  registered_on=self.start_day + dt.timedelta(days=rng.randrange(DEMO_DAYS))))
        households = [f"{b}-{rng.randint(1, 18):02d}{rng.randint(1, 6):02d}" for b in rng.sample(self.all_buildings(), s.households)]
        for _ in range(s.household_members):
            household = rng.choice(households)
            building = household.rsplit("-", 1)[0]
            login = self._member(org=rng.choice(self.agencies), home=rng.choice(self.all_buildings()), in_service=True)
            self._pair("member_household", member=login, area=building, household=household)

    def all_buildings(self) -> list[str]:
        if not hasattr(self, "_all_buildings"):
            self._all_buildings = [b for u in self.unit_codes for b in self.buildings[u]]
        return self._all_buildings

    def _agency_member(self, agency: str, unit: str | None = None, login: str | None = None) -> str:
        rng = self.rng
        unit = unit or rng.choice(self.agency_units[agency] or self.unit_codes)
        building = rng.choice(self.buildings[unit])
        login = self._member(org=agency, home=rng.choice(self.all_buildings()), party=rng.random() < 0.92, in_service=True,
                             login=login)
        self._pair("member_building", member=login, area=building)
        self.paired_unit[login] = unit
        return login

    # -- writing ------------------------------------------------------------------------

    def write(self) -> None:
        platform, store = self.platform, self.platform._store
        system = Actor.system()
        with platform.transaction():
            platform.areas.set_levels(system, self.scale.levels)
            platform.areas.set_handling_level(system, self.scale.handling_level)
            paths: dict[str, str] = {}
            levels: dict[str, str] = {}
            rows = []
            for area in self.areas:
                prepared = platform.areas.prepare(area, known_paths=paths, known_levels=levels)
                paths[area.code], levels[area.code] = prepared.path, prepared.level
                rows.append(to_row(prepared))
            store.insert_many("area", rows)
            platform.areas.forget()
            self.paths, self.levels_of = paths, levels
            for table, records in (("organisation", self.orgs), ("member", self.members),
                                   ("role_assignment", self.assignments), ("pairing", self.pairings),
                                   ("dual_registration", self.dual)):
                store.insert_many(table, [to_row(r) for r in records])
                self.progress(table, len(records), len(records))

    def world(self) -> World:
        units = tuple(
            Unit(code=u, path=self.paths[u], community=self.community_of[u], subdistrict=self.subdistrict_of[self.community_of[u]],
                 place=self.unit_places[u], buildings=tuple(self.buildings[u]), leader=self.leaders[u], worker=self.workers[u],
                 branch=self.branch_of_unit[u], property_org=self.property_orgs[u], weight=self.rng.lognormvariate(0, 0.6))
            for u in self.unit_codes
        )
        return World(
            scale=self.scale, district=self.district, units=units, paths=self.paths, levels_of=self.levels_of,
            building_heads=self.heads, dispatchers=self.dispatchers, supervisor=self.supervisor,
            mediation_committees=self.mediation, police_stations=self.police,
            category_agencies=self.category_agencies, handlers=self.handlers,
            first_secretaries=self.first_secretaries,
        )


def spot(rng: random.Random) -> str:
    return rng.choice(_SPOTS)


def build_directory(platform, scale: Scale, rng: random.Random, progress: Progress,
                    places: random.Random | None = None, *, start_day: dt.date | None = None) -> World:
    """Generate and write the directory; returns the world the issues are simulated in.
    ``places`` draws the areas' polygons (default: seeded by the scale's name);
    ``start_day`` is the first day of the simulated period."""
    builder = DirectoryBuilder(platform, scale, rng, progress, places, start_day=start_day)
    builder.build_tree()
    builder.build_orgs()
    builder.build_people()
    builder.write()
    return builder.world()
