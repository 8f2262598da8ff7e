"""Validators: a record that exists is a record that is valid, and bad input names its field."""

from __future__ import annotations

import datetime as dt

import pytest
from gridgov.core import (
    Actor,
    Area,
    Category,
    Member,
    Organisation,
    ValidationError,
    id_number_problem,
    make_id_number,
    make_uscc,
    phone_problem,
    uscc_problem,
)
from gridgov.core.identifiers import USCC_ALPHABET
from hypothesis import given
from hypothesis import strategies as st

VALID_USCC = make_uscc("91440300MA5DHD001")
VALID_ID = make_id_number("440307", dt.date(1990, 1, 1), 123)


@pytest.fixture
def gridgov_platform(gridgov_make_platform):
    """The sample without the department plugins: these tests are about the core alone."""
    return gridgov_make_platform(builtins=())


# -- identifiers ----------------------------------------------------------------------------


def test_valid_codes_pass():
    assert uscc_problem(VALID_USCC) is None
    assert id_number_problem(VALID_ID) is None
    assert phone_problem("13812341234") is None
    assert phone_problem("0755-12345678") is None


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (VALID_USCC[:-1], "18 characters, has 17"),
        (VALID_USCC + "0", "18 characters, has 19"),
        (VALID_USCC[:5] + "I" + VALID_USCC[6:], "characters not used"),
        (VALID_USCC[:5] + "O" + VALID_USCC[6:], "characters not used"),
        (VALID_USCC.lower(), "characters not used"),
    ],
)
def test_uscc_bad_length_and_charset(code, words):
    assert words in uscc_problem(code)


def test_uscc_bad_check_character_names_the_right_one():
    wrong = next(c for c in USCC_ALPHABET if c != VALID_USCC[-1])
    problem = uscc_problem(VALID_USCC[:-1] + wrong)
    assert problem == f"check character should be {VALID_USCC[-1]}, not {wrong}"


def test_id_number_bad_check_digit():
    wrong = "0" if VALID_ID[-1] != "0" else "1"
    assert "check character should be" in id_number_problem(VALID_ID[:-1] + wrong)


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900000", "20230229"])
def test_id_number_impossible_birth_date(birth):
    body = "440307" + birth + "123"
    # Even with a correct check character the date is refused.
    from gridgov.core.identifiers import id_check_char

    problem = id_number_problem(body + id_check_char(body))
    assert problem == f"birth date {birth} does not exist"


@pytest.mark.parametrize("number", ["44030719900101123", "4403071990010112345", "44030719900101123Y", "4403071990A101123X"])
def test_id_number_bad_shape(number):
    assert id_number_problem(number) is not None


@pytest.mark.parametrize("phone", ["12345", "23812341234", "1381234123", "138123412345", "12812341234", "0755-123", "phone"])
def test_bad_phone(phone):
    assert phone_problem(phone) is not None


@given(
    body=st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17),
)
def test_make_uscc_always_validates(body):
    assert uscc_problem(make_uscc(body)) is None


@given(
    region=st.from_regex(r"\A[1-9][0-9]{5}\Z"),
    birth=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    sequence=st.integers(min_value=-10**6, max_value=10**6),
)
def test_make_id_number_always_validates(region, birth, sequence):
    number = make_id_number(region, birth, sequence)
    assert len(number) == 18
    assert id_number_problem(number) is None


# The weights of both check schemes are non-zero modulo a prime (31 for USCC, 11 for ID
# numbers), so changing any one character always changes the check character: a single
# substitution is always detected. These properties verify that claim.


@given(
    body=st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.characters(codec="ascii", categories=["Lu", "Ll", "Nd"]),
)
def test_any_single_substitution_of_a_uscc_is_caught(body, position, replacement):
    code = make_uscc(body)
    if replacement == code[position]:
        return
    changed = code[:position] + replacement + code[position + 1 :]
    assert uscc_problem(changed) is not None


@given(
    region=st.from_regex(r"\A[1-9][0-9]{5}\Z"),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from("0123456789X"),
)
def test_any_single_substitution_of_an_id_number_is_caught(region, birth, sequence, position, replacement):
    number = make_id_number(region, birth, sequence)
    if replacement == number[position]:
        return
    changed = number[:position] + replacement + number[position + 1 :]
    assert id_number_problem(changed) is not None


@given(code=st.sampled_from([VALID_USCC, VALID_ID]), position=st.integers(min_value=0, max_value=17))
def test_dropping_a_character_is_caught(code, position):
    shorter = code[:position] + code[position + 1 :]
    assert uscc_problem(shorter) is not None
    assert id_number_problem(shorter) is not None


# -- records --------------------------------------------------------------------------------


def _field_of(excinfo) -> str:
    return excinfo.value.field


def test_member_refuses_bad_phone_and_id_number():
    with pytest.raises(ValidationError) as e:
        Member(login="abc", name="张三", phone="12345")
    assert _field_of(e) == "phone"
    with pytest.raises(ValidationError) as e:
        Member(login="abc", name="张三", id_number=VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"))
    assert _field_of(e) == "id_number"
    assert Member(login="abc", name="张三", phone="138****1234", id_number="440307********1234").phone


@pytest.mark.parametrize("login", ["A", "x", "Upper", "has space", "中文"])
def test_member_refuses_bad_login(login):
    with pytest.raises(ValidationError) as e:
        Member(login=login, name="张三")
    assert _field_of(e) == "login"


def test_enterprise_needs_uscc_and_checks_it():
    with pytest.raises(ValidationError) as e:
        Organisation(code="E1", name="某公司", kind="enterprise")
    assert _field_of(e) == "uscc" and "unified social credit code" in e.value.reason
    with pytest.raises(ValidationError) as e:
        Organisation(code="E1", name="某公司", kind="enterprise", uscc=VALID_USCC[:-1] + "0" if VALID_USCC[-1] != "0" else VALID_USCC[:-1] + "1")
    assert _field_of(e) == "uscc"
    assert Organisation(code="E1", name="某公司", kind="enterprise", uscc=VALID_USCC).uscc == VALID_USCC
    assert Organisation(code="A1", name="某局", kind="agency").uscc is None


def test_organisation_kind_and_codes():
    with pytest.raises(ValidationError) as e:
        Organisation(code="A1", name="某局", kind="ministry")
    assert _field_of(e) == "kind"
    with pytest.raises(ValidationError) as e:
        Organisation(code="bad code", name="某局", kind="agency")
    assert _field_of(e) == "code"


@pytest.mark.parametrize("code", ["Road.Repair", "road repair", "road.", "1road", ""])
def test_bad_category_code(code):
    with pytest.raises(ValueError, match="dotted lowercase"):
        Category(code=code, name_zh="x", name_en="x")


def test_area_cannot_be_its_own_parent():
    with pytest.raises(ValidationError) as e:
        Area(code="A", name="a", level="grid", parent_code="A")
    assert _field_of(e) == "parent_code"


# -- validators that need the tree ------------------------------------------------------------


def test_unknown_parent_area(gridgov_platform):
    with pytest.raises(ValidationError) as e:
        gridgov_platform.areas.add(Actor.system(), Area(code="X1", name="x", level="grid", parent_code="NOPE"))
    assert _field_of(e) == "parent_code" and "NOPE" in e.value.reason
    assert gridgov_platform.areas.find("X1") is None


def test_level_order(gridgov_platform):
    system = Actor.system()
    with pytest.raises(ValidationError) as e:
        gridgov_platform.areas.add(system, Area(code="X1", name="x", level="community", parent_code="SX01"))
    assert _field_of(e) == "level" and "cannot sit under grid SX01" in e.value.reason
    with pytest.raises(ValidationError) as e:
        gridgov_platform.areas.add(system, Area(code="X2", name="x", level="grid", parent_code="SX01"))
    assert _field_of(e) == "level"
    with pytest.raises(ValidationError) as e:
        gridgov_platform.areas.add(system, Area(code="X3", name="x", level="village", parent_code="SX"))
    assert _field_of(e) == "level" and "not a level" in e.value.reason
    # Skipping a level downwards is allowed (a building directly under a community).
    added = gridgov_platform.areas.add(system, Area(code="X4", name="x", level="building", parent_code="SX"))
    assert added.path == "/LG/PH/SX/X4/"


def test_move_refuses_a_cycle_and_keeps_the_tree(gridgov_platform):
    system = Actor.system()
    areas = gridgov_platform.areas
    with pytest.raises(ValidationError) as e:
        areas.move(system, "SX", "SX01")
    assert _field_of(e) == "parent_code" and "cycle" in e.value.reason
    with pytest.raises(ValidationError) as e:
        areas.move(system, "PH", "SX01-B1")
    assert "cycle" in e.value.reason
    assert areas.get("SX").path == "/LG/PH/SX/"
    assert areas.get("SX01-B1").path == "/LG/PH/SX/SX01/SX01-B1/"


def test_move_carries_the_subtree(gridgov_platform):
    system = Actor.system()
    areas = gridgov_platform.areas
    moved = areas.move(system, "SX02", "BNK")
    assert moved.parent_code == "BNK" and moved.path == "/LG/PH/BNK/SX02/"
    assert areas.get("SX02-B1").path == "/LG/PH/BNK/SX02/SX02-B1/"
    assert areas.path_of("SX02-B1") == "/LG/PH/BNK/SX02/SX02-B1/"
    assert {a.code for a in areas.subtree("BNK")} == {"BNK", "BNK01", "BNK01-B1", "SX02", "SX02-B1"}


def test_duplicate_login(gridgov_platform):
    with pytest.raises(ValidationError) as e:
        gridgov_platform.members.add(Actor.system(), Member(login="worker_sx01", name="另一个人"))
    assert _field_of(e) == "login" and "already taken" in e.value.reason
    assert gridgov_platform.members.get(Actor.system(), "worker_sx01").name == "网格员王小明"


def test_duplicate_uscc_is_refused(gridgov_platform):
    with pytest.raises(ValidationError) as e:
        gridgov_platform.organisations.add(
            Actor.system(),
            Organisation(code="ENT-COPY", name="复制公司", kind="enterprise", uscc=make_uscc("91440300MA5DHD001")),
        )
    assert _field_of(e) == "uscc"
    assert gridgov_platform.organisations.find("ENT-COPY") is None


def test_member_references_are_checked(gridgov_platform):
    system = Actor.system()
    with pytest.raises(ValidationError) as e:
        gridgov_platform.members.add(system, Member(login="newbie", name="新人", org_code="NOPE"))
    assert _field_of(e) == "org_code"
    with pytest.raises(ValidationError) as e:
        gridgov_platform.members.add(system, Member(login="newbie", name="新人", home_area="NOPE"))
    assert _field_of(e) == "home_area"


def test_report_with_unknown_category(gridgov_platform, gridgov_actors):
    with pytest.raises(ValidationError) as e:
        gridgov_platform.issues.report(gridgov_actors["worker_sx01"], area="SX01", category="no.such", title="x")
    assert _field_of(e) == "category"
    assert gridgov_platform._store.count("issue") == 0


def test_report_validates_title_priority_and_phone(gridgov_platform, gridgov_actors):
    worker = gridgov_actors["worker_sx01"]
    for kwargs, field in [
        ({"title": "  "}, "title"),
        ({"title": "x", "priority": "asap"}, "priority"),
        ({"title": "x", "requester_phone": "999"}, "requester_phone"),
        ({"title": "x", "source": "pigeon"}, "source"),
        ({"title": "x", "requester_phone": "138****1234"}, "requester_phone"),
    ]:
        with pytest.raises(ValidationError) as e:
            gridgov_platform.issues.report(worker, area="SX01", category="road.repair", **kwargs)
        assert _field_of(e) == field
    assert gridgov_platform._store.count("issue") == 0


def test_the_operator_login_is_reserved(gridgov_platform):
    """``platform.actor("system")`` is the all-powerful local operator, so no member may
    take that login and inherit every permission."""
    with pytest.raises(ValidationError) as e:
        Member(login="system", name="冒名者")
    assert _field_of(e) == "login" and "reserved" in e.value.reason
