"""Import files are read as streams and written in one transaction; CSV cells that would run
as spreadsheet formulas are neutralised on the way out and restored on the way in; times
with an offset are instants, times without one are read in the deployment zone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from cli_support import run
from gridgov.core import Actor, Organisation, Platform
from gridgov.core.services.transfer_cells import escape_formula, parse_instant, unescape_formula
from gridgov.core.services.transfer_read import parse_text, read_records
from gridgov.core.services.transfer_records import KINDS, build_record
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.usefixtures("core_cli_only")

SYSTEM = Actor.system()
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


# -- 2: formula injection ---------------------------------------------------------------------------


def test_a_csv_export_neutralises_cells_that_a_spreadsheet_would_run(sample_db):
    with Platform(sample_db) as platform:
        platform.organisations.add(SYSTEM, Organisation(code="EVIL", name='=HYPERLINK("http://x.example","点我")',
                                                        kind="other", area_code="SX", industry="@SUM(1+1)"))
    out = run("export", "organisations")
    assert out.exit_code == 0
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert rows["EVIL"]["name"] == '\'=HYPERLINK("http://x.example","点我")'
    assert rows["EVIL"]["industry"] == "'@SUM(1+1)"
    assert rows["ZJJ"]["name"] == "区住房和建设局"


@given(st.text())
def test_the_formula_escape_is_reversible_and_leaves_no_cell_starting_a_formula(text):
    escaped = escape_formula(text)
    assert unescape_formula(escaped) == text
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))


_PLATFORM: list[Platform] = []


def memory_platform() -> Platform:
    if not _PLATFORM:
        _PLATFORM.append(Platform(":memory:"))
    return _PLATFORM[0]


_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u2028\u2029"
_NOTE_TEXT = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=_BIDI, include_characters="\n\t")
_LINE_TEXT = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=_BIDI)


@settings(max_examples=200, deadline=None)
@given(description=st.text(alphabet=_NOTE_TEXT, max_size=300), requester=st.text(alphabet=_LINE_TEXT, max_size=30))
def test_a_csv_export_then_import_gives_back_any_text(description, requester):
    issue = {"title": "积水", "description": description, "requester_name": requester or None, "category": "noise",
             "area_code": "SX01", "reported_at": "2026-10-01T09:00:00"}
    out = io.StringIO()
    memory_platform().transfer.write("issues", [issue], out, "csv")
    [(where, raw)] = list(parse_text(out.getvalue(), "csv", "issues.csv"))
    record = build_record(KINDS["issues"], raw)
    assert (record.description, record.requester_name) == (description, requester or None)


# -- 7: streams ----------------------------------------------------------------------------------------


def test_records_come_out_of_a_file_before_the_rest_of_it_is_read(tmp_path):
    lines = "".join(f"user{i:05d},用户{i}\n" for i in range(20_000))
    for name, head, tail in (("m.csv", "login,name\n", lines), ("m.json", "[", ",\n".join(
            json.dumps({"login": f"user{i:05d}", "name": f"用户{i}"}, ensure_ascii=False) for i in range(20_000)))):
        path = tmp_path / name
        path.write_bytes((head + tail).encode() + b"\xff\xfe broken")
        records = iter(read_records(path))
        first = [next(records) for _ in range(10)]
        assert first[0][1]["login"] == "user00000"
        assert first[9][0] == (f"{name} line 11" if name.endswith("csv") else f"{name} record 10")
        with pytest.raises(Exception, match="UTF-8"):
            list(records)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=40), st.integers(), st.none(),
                                                               st.lists(st.integers(), max_size=3)), max_size=5),
                max_size=12), st.integers(min_value=1, max_value=64))
def test_the_json_stream_reads_what_the_standard_library_reads(records, buffer_size):
    from gridgov.core.services.transfer_read import iter_json

    text = json.dumps(records, ensure_ascii=False, indent=1)
    got = [raw for _, raw in iter_json(io.StringIO(text), "x.json", buffer_size=buffer_size)]
    assert got == records


def test_a_bad_record_at_the_end_of_a_large_import_writes_nothing(sample_db, tmp_path):
    path = tmp_path / "issues.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("title,category,area_code,reported_at\n")
        for i in range(12_345):
            out.write(f"积水{i},road.repair,SX01,2026-10-01T09:00:00\n")
        out.write("坏的,road.repair,NOPE,2026-10-01T09:00:00\n")
    result = run("import", "issues", str(path))
    assert result.exit_code == 2
    assert result.stderr == "error: issues.csv line 12347: area_code: unknown area NOPE\n"
    with Platform(sample_db) as platform:
        assert platform._store.count("issue") == 0
        assert platform._store.count("issue_event") == 0
        assert platform.metrics.for_area(SYSTEM, "LG").counts["received"] == 0


# -- time: offsets are instants, naive times are read in the deployment zone ---------------------------


def test_datetime_cells_with_an_offset_are_instants_and_naive_ones_are_local():
    nine_utc = dt.datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    assert parse_instant("2026-10-01T09:00:00+00:00", SHANGHAI) == nine_utc
    assert parse_instant("2026-10-01T09:00:00Z", SHANGHAI) == nine_utc
    assert parse_instant("2026-10-01T17:00:00+08:00", ZoneInfo("UTC")) == nine_utc
    assert parse_instant("2026-10-01T17:00:00", SHANGHAI) == nine_utc
    assert parse_instant("2026-10-01 09:00", ZoneInfo("UTC")) == nine_utc
    assert parse_instant(dt.datetime(2026, 10, 1, 17, 0), SHANGHAI) == nine_utc
    assert parse_instant("2026-10-01T17:00:00", SHANGHAI).tzinfo is UTC


def test_an_imported_offset_time_is_the_same_instant_in_the_platform(sample_db, tmp_path):
    path = tmp_path / "issues.csv"
    path.write_text("title,category,area_code,reported_at,registered_at,status\n"
                    "积水,road.repair,SX01,2026-10-01T01:00:00Z,2026-10-01T09:30:00,registered\n", encoding="utf-8")
    result = run("import", "issues", str(path))
    assert result.exit_code == 0, result.output
    with Platform(sample_db) as platform:
        issue = next(platform.issues.iter_all(Actor.system()))
        cohort = platform.metrics.for_area(Actor.system(), "SX01", since=dt.date(2026, 10, 1), until=dt.date(2026, 10, 2))
    assert issue.reported_at == dt.datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
    assert issue.registered_at == dt.datetime(2026, 10, 1, 1, 30, tzinfo=UTC)
    assert cohort.cohort["registered"] == 1 and cohort.counts["received"] == 1


def test_escape_and_unescape_examples():
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("'=1+1") == "''=1+1"
    assert escape_formula("'plain") == "'plain"
    assert escape_formula("-") == "'-"
    assert unescape_formula("''=1+1") == "'=1+1"
    assert unescape_formula("'plain") == "'plain"


def test_an_id_repeated_batches_apart_names_the_first_line(sample_db, tmp_path):
    path = tmp_path / "issues.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("id,title,category,area_code,reported_at\n")
        for i in range(1, 6_002):
            out.write(f"{i},积水{i},road.repair,SX01,2026-10-01T09:00:00\n")
        out.write("3,又是3号,road.repair,SX01,2026-10-01T09:00:00\n")
    result = run("import", "issues", str(path))
    assert result.stderr == "error: issues.csv line 6003: id: issue 3 appears twice (also at issues.csv line 4)\n"
    with Platform(sample_db) as platform:
        assert platform._store.count("issue") == 0
