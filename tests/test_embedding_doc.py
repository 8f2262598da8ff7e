"""The embedding guide's Python examples run, in order, against a fresh database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "embedding.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
SECTIONS = (
    "Open a platform", "The services", "Actors and scopes", "Reporting and acting", "Personal data",
    "Metrics", "Events: subscribing to changes", "Time", "Deadlines (SLA) from TOML", "Areas with geometry", "Errors",
    "Transactions", "Import and export", "Threads and processes",
)  # fmt: skip


def blocks() -> list[str]:
    return BLOCK.findall(GUIDE.read_text(encoding="utf-8"))


def test_guide_has_its_sections():
    headings = re.findall(r"^## (.+)$", GUIDE.read_text(encoding="utf-8"), re.M)
    assert headings == list(SECTIONS)


def test_examples_run_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GRIDGOV_LOAD_PLUGINS", raising=False)
    code = blocks()
    assert len(code) >= 12
    namespace: dict = {"__name__": "embedding_guide"}
    for number, source in enumerate(code, start=1):
        try:
            exec(compile(source, f"{GUIDE.name} example {number}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message says which example broke
            pytest.fail(f"example {number} failed: {type(exc).__name__}: {exc}\n{source}")
    printed = capsys.readouterr().out
    assert "refused:" in printed and "nothing saved:" in printed
    assert (tmp_path / "district.db").exists()


def test_the_services_table_names_only_methods_that_exist():
    """The guide's summary of each service names real methods (the reference lists them all)."""
    from gridgov.core import reference

    api = reference.api()
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## The services"):text.index("Records are frozen")]
    rows = re.findall(r"^\| `(platform\.\w+)(?:\(name\))?` \| (.*) \|$", section, re.M)
    assert len(rows) == 9
    for attribute, summary in rows:
        prefix = "table." if attribute == "platform.table" else f"{attribute}."
        for name in re.findall(r"`(\w+)`", summary):
            assert prefix + name in api, f"docs/embedding.md names {prefix}{name}, which does not exist"
