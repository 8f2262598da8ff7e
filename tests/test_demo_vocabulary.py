"""Demo vocabulary must be repeatable per seed and pass the same checks as real intake data."""

from __future__ import annotations

import random
import re

import pytest
from gridgov.core import demo_vocabulary as dv
from gridgov.core.identifiers import id_number_problem, phone_problem, uscc_problem

LOGIN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")


def _sample(seed: int) -> list:
    rng = random.Random(seed)
    logins: set[str] = set()
    communities: set[str] = set()
    compounds: set[str] = set()
    firms: set[str] = set()
    out: list = []
    for i in range(20):
        name = dv.person_name(rng)
        out += [
            name,
            dv.pinyin_login(name, rng, logins),
            dv.phone(rng),
            dv.id_number(rng),
            dv.requester_name(rng),
            dv.community_name(rng, communities),
            dv.compound_name(rng, compounds),
            dv.enterprise(rng, firms),
            dv.property_company_name(rng),
            dv.issue_text(rng, dv.CORE_ISSUE_CATEGORIES[i % 10], "碧湖花园3栋"),
            dv.meeting_topic(rng),
            dv.commitment_text(rng),
        ]
    return out


def test_same_seed_same_output():
    assert _sample(7) == _sample(7)


def test_different_seeds_differ():
    assert _sample(7) != _sample(8)
    names = {dv.person_name(random.Random(seed)) for seed in range(50)}
    assert len(names) > 40


def test_global_random_is_not_used():
    random.seed(1)
    before = random.random()
    random.seed(1)
    _sample(3)
    assert random.random() == before


def test_person_names_are_chinese_and_weighted():
    rng = random.Random(1)
    names = [dv.person_name(rng) for _ in range(5000)]
    assert all(2 <= len(n) <= 3 and n[0] in dv.SURNAME_PINYIN for n in names)
    assert all(c in dv.GIVEN_NAME_PINYIN for n in names for c in n[1:])
    wang = sum(n[0] == "王" for n in names)
    tang = sum(n[0] == "汤" for n in names)
    assert wang > 10 * max(tang, 1)
    assert len(dv.SURNAME_PINYIN) == 100
    assert len(dv.GIVEN_NAME_PINYIN) >= 150


def test_pinyin_tables_are_lowercase_ascii():
    for sound in [*dv.SURNAME_PINYIN.values(), *dv.GIVEN_NAME_PINYIN.values()]:
        assert re.fullmatch(r"[a-z]+", sound), sound


def test_login_examples():
    rng = random.Random(0)
    taken: set[str] = set()
    assert dv.pinyin_login("王小明", rng, taken) == "wangxm"
    assert "wangxm" in taken
    second = dv.pinyin_login("王晓明", rng, taken)
    assert second != "wangxm" and second.startswith("wangxm") and second[6:].isdigit()
    assert dv.pinyin_login("吕伟", rng, taken) == "lvwei"
    assert LOGIN.match(dv.pinyin_login("Ω", rng, taken))


def test_logins_unique_over_20000_names():
    rng = random.Random(2024)
    taken: set[str] = set()
    logins = [dv.pinyin_login(dv.person_name(rng), rng, taken) for _ in range(20_000)]
    assert len(set(logins)) == 20_000
    assert taken == set(logins)
    assert all(LOGIN.match(login) for login in logins)


def test_phones_and_id_numbers_are_valid():
    rng = random.Random(5)
    for _ in range(2000):
        number = dv.phone(rng)
        assert re.fullmatch(r"1[3-9]\d{9}", number)
        assert phone_problem(number) is None
        ident = dv.id_number(rng)
        assert id_number_problem(ident) is None, ident
        assert ident.startswith("440307")
        assert 1950 <= int(ident[6:10]) <= 2004
    assert dv.id_number(rng, region="321311").startswith("321311")
    with pytest.raises(ValueError):
        dv.id_number(rng, region="44")


def test_enterprises_are_consistent_and_valid():
    rng = random.Random(9)
    taken: set[str] = set()
    firms = [dv.enterprise(rng, taken) for _ in range(3000)]
    assert len({f["name"] for f in firms}) == 3000 == len(taken)
    sizes = {s: sum(f["size"] == s for f in firms) for s in dv.ENTERPRISE_SIZE_WEIGHTS}
    assert sizes["micro"] > sizes["small"] > sizes["above_scale"] > 0
    for f in firms:
        assert set(f) == {"name", "industry", "size", "headcount", "uscc", "certified_talents"}
        assert f["name"].startswith("深圳市") and f["name"].endswith("有限公司")
        assert f["industry"] in dv.ENTERPRISE_INDUSTRIES
        assert uscc_problem(f["uscc"]) is None, f["uscc"]
        assert f["uscc"].startswith("91440307")
        assert 0 <= f["certified_talents"] <= f["headcount"]
        if f["size"] == "micro":
            assert f["headcount"] < 20
        elif f["size"] == "small":
            assert 20 <= f["headcount"] < 300
        else:
            assert f["headcount"] >= 100
    micro = [f for f in firms if f["size"] == "micro"]
    assert sum(f["certified_talents"] == 0 for f in micro) > 0.7 * len(micro)


def test_area_names():
    assert len(dv.LONGGANG_SUBDISTRICTS) == len(set(dv.LONGGANG_SUBDISTRICTS)) == 11
    assert "平湖街道" in dv.LONGGANG_SUBDISTRICTS and "吉华街道" in dv.LONGGANG_SUBDISTRICTS
    assert len(dv.SUYU_SUBDISTRICTS) == 3
    assert all(n.endswith("街道") for n in (*dv.LONGGANG_SUBDISTRICTS, *dv.SUYU_SUBDISTRICTS))
    assert dv.grid_name("山厦社区", 3) == "山厦社区第03网格"
    assert dv.building_name(3) == "3栋"


def test_community_and_compound_names_unique():
    rng = random.Random(11)
    communities: set[str] = set()
    names = [dv.community_name(rng, communities) for _ in range(500)]
    assert len(set(names)) == 500 == len(communities)
    assert all(n.endswith("社区") and len(n) >= 4 for n in names)
    compounds: set[str] = set()
    names = [dv.compound_name(rng, compounds) for _ in range(500)]
    assert len(set(names)) == 500 == len(compounds)


def test_community_names_run_out_loudly():
    rng = random.Random(0)
    taken: set[str] = set()
    with pytest.raises(ValueError):
        for _ in range(100_000):
            dv.community_name(rng, taken)


def test_organisation_lists():
    agencies = dv.agency_names()
    assert len(agencies) >= 90 and len(set(agencies)) == len(agencies)
    for expected in ("区委组织部", "区工业和信息化局", "区人力资源局", "区住房和建设局", "区公安分局"):
        assert expected in agencies
    assert len(dv.bank_names()) >= 12 and "中国工商银行深圳龙岗支行" in dv.bank_names()
    assert any(n.startswith("深圳农村商业银行") for n in dv.bank_names())
    for names in (dv.bank_names(), dv.insurer_names(), dv.broker_names(), dv.law_firm_names()):
        assert len(names) >= 5 and len(set(names)) == len(names)
    agencies.clear()
    assert dv.agency_names()  # callers get a copy


def test_issue_templates():
    expected = {*dv.CORE_ISSUE_CATEGORIES, *dv.PLUGIN_ISSUE_CATEGORIES}
    assert set(dv.ISSUE_TEMPLATES) == expected
    for category, templates in dv.ISSUE_TEMPLATES.items():
        assert len(templates) >= 6, category
        assert len(set(templates)) == len(templates), category
        for title, description in templates:
            assert "{place}" in title + description
    elevator = dv.ISSUE_TEMPLATES["elevator.retrofit"]
    assert sum("加装电梯" in t + d for t, d in elevator) >= 3
    rng = random.Random(4)
    title, description = dv.issue_text(rng, "elevator.retrofit", "碧湖花园3栋")
    assert "碧湖花园3栋" in title + description and "{" not in title + description
    with pytest.raises(KeyError):
        dv.issue_text(rng, "no.such", "x")


def test_meeting_topics_and_commitments():
    rng = random.Random(6)
    assert dv.meeting_topic(rng)
    for _ in range(50):
        text = dv.commitment_text(rng)
        assert text.startswith("每") and "，" in text and "{" not in text
