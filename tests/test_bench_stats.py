"""The benchmarks' statistics and the rule that keeps an untrustworthy run out of
``bench/results/``: pure functions on known inputs, and ``bench/run.py`` on canned
benchmark results (no benchmark runs here)."""

from __future__ import annotations

import json
import math
import statistics
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import common  # noqa: E402
import run as bench_run  # noqa: E402
from common import Timing  # noqa: E402

runs_of = st.lists(st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False),
                   min_size=1, max_size=40)


def test_summary_of_known_runs():
    s = common.summary([3.0, 1.0, 2.0, 5.0, 4.0], "ms")
    assert (s["median"], s["min"], s["max"], s["runs"], s["unit"]) == (3.0, 1.0, 5.0, 5, "ms")
    assert s["spread"] == round((4 - 2) / 3, 3)  # interquartile range: 4th - 2nd value of five
    assert s["range_spread"] == round((5 - 1) / 3, 3)
    assert s["samples"] == [3.0, 1.0, 2.0, 5.0, 4.0]


def test_one_slow_run_widens_the_range_but_not_the_spread():
    runs = [1.0, 1.0, 1.0, 1.0, 10.0]
    assert common.spread(runs) == 0.0
    assert common.range_spread(runs) == 9.0
    assert common.summary(runs)["median"] == 1.0


def test_middle_runs_that_disagree_make_a_wide_spread():
    assert common.spread([1.0, 1.0, 1.0, 1.5, 1.5]) == pytest.approx(0.5)


def test_three_runs_spread_is_half_the_range():
    assert common.spread([1.0, 2.0, 4.0]) == pytest.approx(1.5 / 2)


def test_one_run_has_no_spread_and_no_samples_is_an_error():
    assert common.spread([2.0]) == 0.0
    with pytest.raises(ValueError):
        common.summary([])


def test_describe_scales_wall_and_cpu_to_the_unit():
    d = common.describe([Timing(0.002, 0.001), Timing(0.004, 0.003), Timing(0.003, 0.002)], "ms")
    assert d["wall"]["median"] == 3.0 and d["cpu"]["median"] == 2.0
    assert d["wall"]["unit"] == d["cpu"]["unit"] == "ms"


def test_speed_ratio_from_medians_and_from_pairs():
    subject, baseline = [2.0, 4.0, 6.0], [1.0, 1.0, 3.0]
    r = common.speed_ratio(subject, baseline)
    assert r["of_medians"] == 0.25  # median baseline 1 over median subject 4
    assert r["median_of_pairs"] == 0.5  # pairs 0.5, 0.25, 0.5
    assert (r["pairs_min"], r["pairs_max"]) == (0.25, 0.5)


def test_pair_ratio_cancels_noise_that_slows_a_whole_round():
    # Round 2 is three times slower for both sides: the pairs still say "half the rate".
    r = common.speed_ratio([2.0, 6.0, 2.0, 2.0], [1.0, 3.0, 1.0, 1.0])
    assert r["median_of_pairs"] == r["pairs_min"] == r["pairs_max"] == 0.5


def test_speed_ratio_needs_paired_runs():
    with pytest.raises(ValueError):
        common.speed_ratio([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        common.speed_ratio([], [])


def test_interleave_warms_up_then_alternates_the_sides():
    calls = []

    def side(name, seconds):
        def run():
            calls.append(name)
            return Timing(seconds, seconds)
        return run

    out = common.interleave({"a": side("a", 1.0), "b": side("b", 2.0)}, runs=3, warmup=1)
    assert calls == ["a", "b"] * 4
    assert [t.wall for t in out["a"]] == [1.0] * 3 and len(out["b"]) == 3
    with pytest.raises(ValueError):
        common.interleave({"a": side("a", 1.0)}, runs=0)


def _result(spread_runs: list[float], unit: str = "s") -> dict:
    return {"bench": "x", "gridgov": {"wall": common.summary(spread_runs, unit)}, "ratio": 0.5}


def test_a_spread_above_the_threshold_is_refused_with_its_place():
    results = {"steady": _result([1.0, 1.0, 1.01, 1.02, 1.0]), "noisy": _result([1.0, 1.0, 2.0, 2.0, 2.0], "ms")}
    problems = common.untrusted(results, 0.25)
    assert [p["figure"] for p in problems] == ["noisy.gridgov.wall"]
    assert problems[0]["spread"] == 0.5 and problems[0]["reason"] == "spread"
    assert common.untrusted(results, 0.5) == []


def test_too_few_runs_are_not_trusted():
    problems = common.untrusted({"once": _result([1.0])}, 0.25)
    assert [(p["figure"], p["reason"]) for p in problems] == [("once.gridgov.wall", "too few runs")]


def test_figures_in_lists_are_found_and_other_units_ignored():
    doc = {"b": {"runs": [{"t": common.summary([1.0, 1.0, 3.0, 3.0])}],
                 "count": {"median": 3, "spread": 9.0, "unit": "cases"}}}
    assert [where for where, _ in common.timed_summaries(doc)] == ["b.runs[0].t"]
    assert [p["figure"] for p in common.untrusted(doc, 0.25)] == ["b.runs[0].t"]


@given(runs_of)
def test_median_lies_between_min_and_max(runs):
    s = common.summary(runs)
    assert s["min"] <= s["median"] <= s["max"]
    assert s["min"] == float(f"{min(runs):.4g}") and s["max"] == float(f"{max(runs):.4g}")


@given(runs_of)
def test_spread_is_at_most_the_range_and_never_negative(runs):
    assert 0.0 <= common.spread(runs) <= common.range_spread(runs) + 1e-12


@given(runs_of, st.randoms(use_true_random=False))
def test_summary_does_not_depend_on_the_order_of_runs(runs, rng):
    shuffled = list(runs)
    rng.shuffle(shuffled)
    a, b = common.summary(runs), common.summary(shuffled)
    assert {k: v for k, v in a.items() if k != "samples"} == {k: v for k, v in b.items() if k != "samples"}


@given(runs_of, st.floats(min_value=1e-3, max_value=1e3))
def test_spread_does_not_depend_on_the_unit(runs, scale):
    assert math.isclose(common.spread(runs), common.spread([x * scale for x in runs]), rel_tol=1e-9, abs_tol=1e-12)


@given(st.lists(st.tuples(st.floats(1e-3, 1e3), st.floats(1e-3, 1e3)), min_size=1, max_size=20))
def test_ratio_of_medians_matches_statistics(pairs):
    subject, baseline = [p[0] for p in pairs], [p[1] for p in pairs]
    r = common.speed_ratio(subject, baseline)
    assert r["of_medians"] == round(statistics.median(baseline) / statistics.median(subject), 3)
    assert r["pairs_min"] <= r["median_of_pairs"] <= r["pairs_max"]


ORM_RESULT = {"report_vs_orm": {"ratio": 0.8, "met": False, "shortfall": 0.2, "what": "gridgov over ORM"}}


def test_budgets_report_gridgov_against_the_orm():
    entry = next(b for b in bench_run.budgets({"report_and_queue_vs_orm": ORM_RESULT}) if b["budget"] == "report_vs_orm")
    assert (entry["ratio"], entry["met"], entry["shortfall"], entry["target"]) == (0.8, False, 0.2, ">= 1.0")


@pytest.fixture
def canned_run(monkeypatch, tmp_path):
    """``bench/run.py --quick`` whose benchmarks return the given results instead of running."""
    monkeypatch.setattr(bench_run, "RESULTS", tmp_path)

    def start(results: dict, *flags: str):
        monkeypatch.setattr(bench_run, "bench_commands", lambda quick, tui_db: {name: ["x.py"] for name in results})
        monkeypatch.setattr(bench_run, "run_one", lambda name, args: results[name])
        monkeypatch.setattr(sys, "argv", ["run.py", "--quick", *flags])
        bench_run.main()
    return start


def test_run_py_records_a_trusted_run(canned_run, tmp_path, capsys):
    canned_run({"steady": _result([1.0, 1.0, 1.01])})
    printed = json.loads(capsys.readouterr().out)
    assert printed["trusted"] is True
    assert json.loads((tmp_path / "quick.json").read_text())["trusted"] is True


def test_run_py_refuses_an_untrusted_run_but_prints_it(canned_run, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        canned_run({"noisy": _result([1.0, 1.0, 2.0, 2.0, 2.0])})
    assert exit_.value.code == 1
    out = capsys.readouterr()
    printed = json.loads(out.out)
    assert printed["trusted"] is False and printed["untrusted_figures"][0]["figure"] == "noisy.gridgov.wall"
    assert "noisy.gridgov.wall" in out.err and "50%" in out.err
    assert not (tmp_path / "quick.json").exists()


def test_run_py_force_records_with_the_flag_kept(canned_run, tmp_path):
    canned_run({"noisy": _result([1.0, 1.0, 2.0, 2.0, 2.0])}, "--force")
    assert json.loads((tmp_path / "quick.json").read_text())["trusted"] is False


def test_run_py_threshold_is_configurable(canned_run, tmp_path):
    canned_run({"noisy": _result([1.0, 1.0, 2.0, 2.0, 2.0])}, "--max-spread", "1.5")
    assert json.loads((tmp_path / "quick.json").read_text())["trusted"] is True
