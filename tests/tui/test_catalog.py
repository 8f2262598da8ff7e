"""Every text on screen comes from the catalogs, in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import gridgov.tui
import pytest
from gridgov.core.plugins import DEFAULT_PLUGINS
from gridgov.tui.catalog import Catalog, choose_lang

TUI = Path(gridgov.tui.__file__).parent
LITERAL_KEY = re.compile(r"""\bt\(\s*"([a-z_]+\.[a-z_.]+)"\s*[,)]""")
PREFIX_KEY = re.compile(r"""\bt\(\s*f"([a-z_]+)\.\{""")


def catalog(lang: str) -> dict[str, str]:
    return json.loads((TUI / "i18n" / f"{lang}.json").read_text("utf-8"))


def test_both_catalogs_have_the_same_keys_and_placeholders():
    zh, en = catalog("zh"), catalog("en")
    assert zh.keys() == en.keys()
    for key in en:
        assert set(re.findall(r"\{(\w+)\}", zh[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key


def test_every_key_the_code_uses_is_in_the_catalogs():
    en = catalog("en")
    used, prefixes = set(), set()
    for source in TUI.rglob("*.py"):
        text = source.read_text("utf-8")
        used |= set(LITERAL_KEY.findall(text))
        prefixes |= set(PREFIX_KEY.findall(text))
    assert used and prefixes
    assert sorted(used - en.keys()) == []
    for prefix in prefixes:
        assert any(k.startswith(prefix + ".") for k in en), prefix


def test_binding_ids_have_descriptions():
    from gridgov.tui.app import GridgovApp
    from gridgov.tui.screens import (
        action_form,
        browse,
        case,
        case_picker,
        duplicates,
        goto,
        help,
        home,
        intake,
        merge,
        queue,
        unmask,
        work,
    )

    en = catalog("en")
    classes = [GridgovApp, home.HomeScreen, queue.QueueScreen, intake.IntakeScreen, case.CaseScreen,
               browse.BrowseScreen, help.HelpScreen, action_form.ActionForm, action_form.ConfirmAction,
               duplicates.DuplicatesScreen, work.WorkScreen, merge.MergeForm, unmask.UnmaskDialog,
               case_picker.CasePicker, goto.GotoCase]
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id and f"key.{binding.id}" in en, (cls.__name__, binding)


def test_catalog_formats_and_falls_back():
    zh = Catalog("zh")
    assert zh("queue.pager", page=2, pages=9, total=420) == "第 2/9 页 · 共 420 件 · n/p 翻页 · 回车打开 · # 按编号打开"
    assert zh.status("in_progress") == "处置中" and Catalog("en").status("in_progress") == "in progress"
    assert zh("no.such.key") == "no.such.key"
    with pytest.raises(ValueError):
        Catalog("fr")


def test_language_from_option_or_locale(monkeypatch):
    monkeypatch.delenv("GRIDGOV_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert choose_lang(None) == "zh"
    assert choose_lang("en") == "en"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert choose_lang(None) == "en"


async def test_the_same_screen_in_both_languages(platform, make_app):
    assert DEFAULT_PLUGINS  # the built-in plugins are loaded here too
    for lang, words in (("zh", ("案件", "下一页", "编号")), ("en", ("Queue", "Next", "No."))):
        app = make_app("worker_sx01", lang)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("2")
            from tui_helpers import screen_text

            for _ in range(50):  # a loaded machine may take a few frames to show the queue
                await pilot.pause(0.05)
                text = screen_text(app)
                if all(w in text for w in words):
                    break
            assert all(w in text for w in words), (lang, text)
