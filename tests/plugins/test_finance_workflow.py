"""Finance stations: the consultation status machine, intake refusals, and the tie to the
core's closed loop (routing, opening from a reported need, answering the case)."""

from __future__ import annotations

import pytest
from gridgov.core import (
    AccessDenied,
    Actor,
    Member,
    Organisation,
    RoleAssignment,
    TransitionRefused,
    ValidationError,
    make_uscc,
)
from gridgov.plugins.finance_station import demo
from gridgov.plugins.finance_station.records import Station
from gridgov.plugins.finance_station.service import CATEGORY, FinanceService
from gridgov.plugins.finance_station.tables import CONSULTATION

pytestmark = pytest.mark.gridgov_engines

PLUGIN = "gridgov.plugins.finance_station"
NEW_USCC = make_uscc("91440307MA5FXN001")


class Finance:
    """The sample deployment with the bureau, its officers, partner institutions and two
    stations: FS-EI (电子信息, at subdistrict PH, hosted by the bureau) and FS-IM (智能制造,
    at community SX, hosted by the bureau's finance section)."""

    def __init__(self, platform) -> None:
        self.platform = platform
        self.system = Actor.system()
        with platform.transaction():
            self._build(platform)
        self.officer = platform.actor("fin_officer01")

    def _build(self, platform) -> None:
        self.bureau = demo.ensure_bureau(platform)
        self.institutions = demo.ensure_institutions(platform)
        demo.ensure_officers(platform, self.bureau.code)
        platform.organisations.add(
            self.system,
            Organisation(
                code="GXJ-JR",
                name="区工信局金融服务科",
                kind="agency",
                area_code="LG",
                parent_code=self.bureau.code,
            ),
        )
        platform.members.add(
            self.system, Member(login="fin_section", name="金融科专员", org_code="GXJ-JR")
        )
        platform.members.assign(
            self.system,
            RoleAssignment(login="fin_section", post="finance_officer", org_code="GXJ-JR"),
        )
        self.bank, self.bank2 = self.institutions["bank"][:2]
        self.insurer = self.institutions["insurer"][0]
        self.broker = self.institutions["broker"][0]
        partners = [self.bank, self.bank2, self.insurer, self.broker]
        self.service = FinanceService(platform)
        self.service.add_station(
            self.system,
            Station(
                code="FS-EI",
                name="平湖电子信息金融驿站",
                area_code="PH",
                host_org=self.bureau.code,
                cluster="电子信息",
                partners=partners,
            ),
        )
        self.service.add_station(self.system, Station(
            code="FS-IM", name="山厦智能制造金融驿站", area_code="SX", host_org="GXJ-JR",
            cluster="智能制造", partners=partners[:3]))  # fmt: skip

    def consultation(self, enterprise: str = "ENT-HD", need: str = "loan", amount: str = "300万"):
        return self.service.open(self.officer, enterprise=enterprise, need=need, amount=amount)

    def count(self, **where) -> int:
        return self.platform.table(CONSULTATION).count(**where)


@pytest.fixture
def finance(gridgov_make_platform) -> Finance:
    return Finance(gridgov_make_platform(builtins=(PLUGIN,)))


# -- the status machine ---------------------------------------------------------------------


def test_open_refer_grant_records_an_inclusive_micro_loan(finance):
    c = finance.consultation(enterprise="ENT-HD")
    assert (c.status, c.station, c.amount_asked) == ("open", "FS-EI", 300_000_000)
    c = finance.service.refer(finance.officer, c.id, finance.bank)
    assert c.status == "referred" and c.institution == finance.bank and c.referred_at is not None
    assert c.officer == "fin_officer01", "the officer who refers takes the consultation"
    c = finance.service.grant(finance.officer, c.id, "250万", inclusive=True, note="信用贷")
    stored = finance.service.get(finance.officer, c.id)
    assert stored == c
    assert (stored.status, stored.granted_amount, stored.inclusive) == (
        "granted",
        250_000_000,
        True,
    )
    assert stored.closed_at is not None and stored.seconds_to_credit == 0


@pytest.mark.parametrize(
    "path",
    [
        ["decline"],
        ["withdraw"],
        ["refer", "decline"],
        ["refer", "withdraw"],
        ["refer", "grant"],
        ["refer", "refer", "grant"],
    ],
)
def test_every_status_path_ends_where_it_should(finance, path):
    c = finance.consultation()
    banks = iter([finance.bank, finance.bank2])
    for step in path:
        if step == "refer":
            c = finance.service.refer(finance.officer, c.id, next(banks))
        elif step == "grant":
            c = finance.service.grant(finance.officer, c.id, "100万")
        elif step == "decline":
            c = finance.service.decline(finance.officer, c.id, "抵押物不足")
        else:
            c = finance.service.withdraw(finance.officer, c.id, "已另行融资")
    expected = {
        "decline": "declined",
        "withdraw": "withdrawn",
        "grant": "granted",
        "refer": "referred",
    }[path[-1]]
    assert c.status == expected
    assert finance.service.get(finance.officer, c.id).status == expected
    assert finance.service.available(c) == []
    if path[:2] == ["refer", "refer"]:
        assert c.institution == finance.bank2


@pytest.mark.parametrize(
    ("before", "action"),
    [
        ([], "grant"),
        (["grant"], "grant"),
        (["grant"], "refer"),
        (["grant"], "decline"),
        (["grant"], "withdraw"),
        (["decline"], "refer"),
        (["decline"], "withdraw"),
        (["withdraw"], "grant"),
        (["withdraw"], "decline"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(finance, before, action):
    c = finance.consultation()
    for step in before:
        if step == "grant":
            finance.service.refer(finance.officer, c.id, finance.bank)
            finance.service.grant(finance.officer, c.id, "100万")
        elif step == "decline":
            finance.service.decline(finance.officer, c.id, "不符合条件")
        else:
            finance.service.withdraw(finance.officer, c.id)
    stored = finance.service.get(finance.officer, c.id)
    calls = {
        "grant": lambda: finance.service.grant(
            finance.officer, c.id, "50万", institution=finance.bank
        ),
        "refer": lambda: finance.service.refer(finance.officer, c.id, finance.bank2),
        "decline": lambda: finance.service.decline(finance.officer, c.id, "原因"),
        "withdraw": lambda: finance.service.withdraw(finance.officer, c.id),
    }
    with pytest.raises(ValidationError) as info:
        calls[action]()
    assert info.value.field == "status" and f"{action} needs" in info.value.reason
    assert finance.service.get(finance.officer, c.id) == stored


def test_referring_again_to_the_same_institution_is_refused(finance):
    c = finance.consultation()
    finance.service.refer(finance.officer, c.id, finance.bank)
    with pytest.raises(ValidationError, match="already referred"):
        finance.service.refer(finance.officer, c.id, finance.bank)


def test_decline_needs_a_reason(finance):
    c = finance.consultation()
    with pytest.raises(ValidationError) as info:
        finance.service.decline(finance.officer, c.id, "  ")
    assert info.value.field == "reason"
    assert finance.service.get(finance.officer, c.id).status == "open"


# -- refusals at intake and grant -------------------------------------------------------------


@pytest.mark.parametrize("amount", ["-5", "0.001", "abc", "10000亿", "1e9", -100])
def test_bad_amounts_are_refused_at_intake(finance, amount):
    with pytest.raises(ValidationError) as info:
        finance.consultation(amount=amount)
    assert info.value.field == "amount"
    assert finance.count() == 0


@pytest.mark.parametrize("amount", ["0", "-1万", "0.005", "2000亿", 0])
def test_bad_amounts_are_refused_at_grant(finance, amount):
    c = finance.consultation()
    finance.service.refer(finance.officer, c.id, finance.bank)
    with pytest.raises(ValidationError) as info:
        finance.service.grant(finance.officer, c.id, amount)
    assert info.value.field == "amount"
    assert finance.service.get(finance.officer, c.id).status == "referred"


@pytest.mark.parametrize(
    ("uscc", "reason"),
    [
        (NEW_USCC[:-1] + ("0" if NEW_USCC[-1] != "0" else "1"), "check character"),
        (NEW_USCC[:17], "18 characters"),
        ("91440307MA5FXN00I" + NEW_USCC[-1], "not used in credit codes"),
    ],
)
def test_bad_uscc_is_refused_when_intake_registers_a_firm(finance, uscc, reason):
    firms = finance.platform.organisations.count(kind="enterprise")
    with pytest.raises(ValidationError) as info:
        finance.service.open(finance.officer, uscc=uscc, name="深圳市新创电子有限公司", industry="电子信息",
                             size="micro", area_code="SX01", amount="50万")  # fmt: skip
    assert info.value.field == "uscc" and reason in info.value.reason
    assert finance.platform.organisations.count(kind="enterprise") == firms
    assert finance.count() == 0


def test_intake_registers_a_new_firm_with_a_valid_uscc(finance):
    c = finance.service.open(finance.officer, uscc=NEW_USCC.lower(), name="深圳市新创电子有限公司",
                             industry="电子信息", size="micro", area_code="SX01", amount="50万")  # fmt: skip
    firm = finance.platform.organisations.by_uscc(NEW_USCC)
    assert firm is not None and firm.kind == "enterprise" and firm.size == "micro"
    assert c.enterprise == firm.code and c.station == "FS-EI"
    again = finance.service.open(finance.officer, uscc=NEW_USCC, need="policy")
    assert again.enterprise == firm.code


def test_unknown_firm_without_details_is_refused(finance):
    with pytest.raises(ValidationError, match="give name, industry, size"):
        finance.service.open(finance.officer, uscc=NEW_USCC)
    with pytest.raises(ValidationError) as info:
        finance.service.open(finance.officer, enterprise="NOPE")
    assert info.value.field == "enterprise"


def test_inclusive_micro_loans_go_from_banks_to_small_and_micro_firms(finance):
    big = finance.platform.organisations.add(finance.system, Organisation(
        code="ENT-BIG", name="深圳市大型电子有限公司", kind="enterprise", area_code="SX01",
        uscc=make_uscc("91440307MA5B1G001"), industry="电子信息", size="above_scale"))  # fmt: skip
    c = finance.consultation(enterprise=big.code)
    finance.service.refer(finance.officer, c.id, finance.bank)
    with pytest.raises(ValidationError, match="inclusive loans go to small and micro"):
        finance.service.grant(finance.officer, c.id, "1亿", inclusive=True)
    assert finance.service.grant(finance.officer, c.id, "1亿").granted_amount == 10_000_000_000
    small = finance.consultation(need="guarantee")
    finance.service.refer(finance.officer, small.id, finance.insurer)
    with pytest.raises(ValidationError, match="is not a bank"):
        finance.service.grant(finance.officer, small.id, "100万", inclusive=True)


def test_referrals_go_to_partners_of_the_right_kind(finance):
    listing = finance.consultation(need="listing")
    with pytest.raises(ValidationError, match="needs a broker"):
        finance.service.refer(finance.officer, listing.id, finance.bank)
    finance.service.refer(finance.officer, listing.id, finance.broker)
    with pytest.raises(ValidationError, match="needs a bank or insurer"):
        finance.service.grant(finance.officer, listing.id, "100万")
    at_im = finance.consultation(enterprise="ENT-XL")
    assert at_im.station == "FS-IM"
    with pytest.raises(ValidationError, match="not a partner of station FS-IM"):
        finance.service.refer(finance.officer, at_im.id, finance.broker)


def test_stations_refuse_partners_that_are_not_institutions(finance):
    with pytest.raises(ValidationError) as info:
        finance.service.add_station(
            finance.system,
            Station(
                code="FS-X",
                name="驿站",
                area_code="PH",
                host_org="GXJ",
                cluster="新材料",
                partners=["ZJJ"],
            ),
        )
    assert info.value.field == "partners"
    with pytest.raises(ValidationError, match="already exists"):
        finance.service.add_station(finance.system, finance.service.station("FS-EI"))


def test_permissions(finance, gridgov_make_platform):
    worker = finance.platform.actor("worker_sx01")
    with pytest.raises(AccessDenied):
        finance.service.open(worker, enterprise="ENT-HD")
    c = finance.consultation()
    with pytest.raises(AccessDenied):
        finance.service.get(worker, c.id)
    with pytest.raises(AccessDenied):
        finance.service.add_station(finance.officer, finance.service.station("FS-EI"))
    lead = finance.platform.actor("fin_lead")
    assert lead.has("finance.manage")


# -- routing and the closed loop ---------------------------------------------------------------


def report(finance, area="SX01", **payload):
    return finance.platform.issues.report(
        finance.platform.actor("worker_sx01") if area.startswith("SX01") else finance.system,
        area=area, category=CATEGORY, title="企业融资需求", payload=payload)  # fmt: skip


def walk(finance, issue, *actions, actor=None):
    for action in actions:
        issue = finance.platform.issues.act(actor or finance.system, issue.id, action)
    return issue


def test_a_reported_need_opens_a_consultation_and_routes_to_its_station(finance):
    issue = report(finance, enterprise="ENT-XL", amount="120万", need="guarantee")
    c = finance.service.for_issue(issue.id)
    assert (c.enterprise, c.station, c.need, c.amount_asked, c.status) == (
        "ENT-XL",
        "FS-IM",
        "guarantee",
        120_000_000,
        "open",
    )
    assert c.opened_at == issue.reported_at
    issue = walk(finance, issue, "register", "dispatch")
    assert issue.assignee_org == "GXJ-JR"
    other = report(finance, enterprise="ENT-HD")
    other = walk(finance, other, "register", "dispatch")
    assert other.assignee_org == finance.bureau.code


def test_without_a_firm_the_nearest_station_by_area_takes_the_case(finance):
    in_sx = report(finance, area="SX01")
    assert finance.service.for_issue(in_sx.id) is None
    assert finance.platform.route(in_sx).org_code == "GXJ-JR"
    in_bnk = report(finance, area="BNK01")
    assert finance.platform.route(in_bnk).org_code == finance.bureau.code
    assert finance.service.station_for("BNK01").code == "FS-EI"
    assert finance.service.station_for("BNK01", "智能制造").code == "FS-IM"


def test_granting_credit_accepts_and_resolves_a_dispatched_case(finance):
    issue = walk(
        finance, report(finance, enterprise="ENT-HD", amount="300万"), "register", "dispatch"
    )
    c = finance.service.for_issue(issue.id)
    finance.service.refer(finance.officer, c.id, finance.bank)
    finance.service.grant(finance.officer, c.id, "280万", inclusive=True)
    case = finance.platform.issues.get(finance.system, issue.id)
    assert case.status == "resolved"
    events = finance.platform.issues.events(finance.system, issue.id)
    assert [e.action for e in events[-2:]] == ["accept", "resolve"]
    assert events[-1].actor == "fin_officer01" and "280万元" in events[-1].note


def test_an_in_progress_case_is_only_resolved(finance):
    issue = walk(finance, report(finance, enterprise="ENT-HD"), "register", "dispatch")
    walk(finance, issue, "accept", actor=finance.officer)
    c = finance.service.for_issue(issue.id)
    finance.service.decline(finance.officer, c.id, "经营流水不足")
    events = finance.platform.issues.events(finance.system, issue.id)
    assert [e.action for e in events[-2:]] == ["accept", "resolve"]
    assert "经营流水不足" in events[-1].note


def test_a_case_not_yet_dispatched_is_left_to_the_dispatcher(finance):
    issue = report(finance, enterprise="ENT-HD")
    c = finance.service.for_issue(issue.id)
    finance.service.withdraw(finance.officer, c.id, "企业暂缓")
    assert finance.platform.issues.get(finance.system, issue.id).status == "reported"


def test_an_officer_who_is_not_the_assignee_cannot_answer_and_nothing_is_written(finance):
    issue = walk(finance, report(finance, enterprise="ENT-XL"), "register", "dispatch")
    assert issue.assignee_org == "GXJ-JR"
    c = finance.service.for_issue(issue.id)
    finance.service.refer(finance.officer, c.id, finance.bank)
    with pytest.raises(AccessDenied, match="outside their scope"):
        finance.service.grant(finance.officer, c.id, "100万")
    assert finance.service.get(finance.officer, c.id).status == "referred"
    assert finance.platform.issues.get(finance.system, issue.id).status == "dispatched"
    section = finance.platform.actor("fin_section")
    finance.service.grant(section, c.id, "100万")
    assert finance.platform.issues.get(finance.system, issue.id).status == "resolved"


def test_resolving_a_case_before_its_consultation_ends_is_vetoed(finance):
    issue = walk(finance, report(finance, enterprise="ENT-HD"), "register", "dispatch", "accept")
    with pytest.raises(TransitionRefused, match="record its outcome"):
        finance.platform.issues.act(finance.system, issue.id, "resolve", note="已处理")
    plain = walk(finance, report(finance), "register", "dispatch", "accept")
    assert (
        finance.platform.issues.act(finance.system, plain.id, "resolve", note="已电话答复").status
        == "resolved"
    )


def test_a_report_naming_a_firm_badly_is_refused_whole(finance):
    issues = finance.platform.issues.count(finance.system)
    firms = finance.platform.organisations.count(kind="enterprise")
    bad = NEW_USCC[:-1] + ("0" if NEW_USCC[-1] != "0" else "1")
    with pytest.raises(TransitionRefused, match="uscc: check character"):
        report(
            finance,
            uscc=bad,
            enterprise_name="深圳市新创电子有限公司",
            industry="电子信息",
            size="micro",
        )
    with pytest.raises(TransitionRefused, match="amount"):
        report(finance, enterprise="ENT-HD", amount="-3万")
    with pytest.raises(TransitionRefused, match="amount_fen: must be a whole number of fen"):
        report(finance, enterprise="ENT-HD", amount_fen=12.5)
    with pytest.raises(TransitionRefused, match="need"):
        report(finance, enterprise="ENT-HD", need="lottery")
    with pytest.raises(TransitionRefused, match="a firm not yet registered needs its industry"):
        report(finance, uscc=NEW_USCC, enterprise_name="深圳市新创电子有限公司", size="micro")
    assert finance.platform.issues.count(finance.system) == issues
    assert finance.platform.organisations.count(kind="enterprise") == firms
    assert finance.count() == 0


def test_a_report_can_register_a_new_firm(finance):
    issue = report(finance, uscc=NEW_USCC, enterprise_name="深圳市新创电子有限公司", industry="智能制造",
                   size="small", amount_fen=5_000_000)  # fmt: skip
    c = finance.service.for_issue(issue.id)
    firm = finance.platform.organisations.by_uscc(NEW_USCC)
    assert c.enterprise == firm.code and firm.area_code == "SX01" and c.station == "FS-IM"
    assert c.amount_asked == 5_000_000


def test_rejecting_the_case_withdraws_its_consultation(finance):
    issue = report(finance, enterprise="ENT-HD")
    finance.platform.issues.act(finance.system, issue.id, "reject", note="重复上报")
    c = finance.service.for_issue(issue.id)
    assert c.status == "withdrawn" and "重复上报" in c.reason


def test_the_plugin_registers_through_the_documented_hooks(finance):
    platform = finance.platform
    assert platform.categories[CATEGORY].plugin == "finance_station"
    assert {"finance_officer", "finance_manager"} <= set(platform.roles)
    assert "finance.credit" in platform.metric_specs and "finance.stations" in platform.screens
    assert platform.plugin_failures == []
