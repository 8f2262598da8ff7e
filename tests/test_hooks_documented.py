"""Every hook is documented with its exact signature and exercised by a test (as datasette
checks its own hooks): a hook added to ``core/hookspecs.py`` without both fails here."""

from __future__ import annotations

import ast
import functools
import inspect
import re
from pathlib import Path

import pytest
from gridgov.core import hookspecs

ROOT = Path(__file__).resolve().parent.parent
HOOKS_DOC = ROOT / "docs" / "hooks.md"
HOOK_TESTS = ROOT / "tests" / "test_plugins.py"


def hookspec_functions() -> dict[str, object]:
    return {
        name: fn
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(fn, "gridgov_spec")
    }


def signature_text(name: str, fn: object) -> str:
    """``name(param: Annotation, …) -> Return`` as written in the hookspec module (its
    annotations are strings under ``from __future__ import annotations``)."""
    sig = inspect.signature(fn)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{name}({params}) -> {sig.return_annotation}"


HOOKS = hookspec_functions()


def test_hookspecs_are_found():
    assert {"register_categories", "route_issue", "veto_action", "issue_created"} <= set(HOOKS)


def test_signature_text_is_the_source_text():
    assert signature_text("route_issue", HOOKS["route_issue"]) == (
        "route_issue(platform: Platform, issue: Issue) -> Route | None"
    )


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_is_documented_with_its_exact_signature(name):
    doc = HOOKS_DOC.read_text(encoding="utf-8")
    assert re.search(rf"^### {name}$", doc, re.M), f"docs/hooks.md has no '### {name}' section"
    expected = signature_text(name, HOOKS[name])
    assert expected in doc, f"docs/hooks.md must show the signature:\n{expected}"


def test_documented_hooks_exist():
    doc = HOOKS_DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^### (\w+)$", doc, re.M))
    assert documented == set(HOOKS), f"documented but not hooks: {documented - set(HOOKS)}"


@functools.cache
def hook_tests() -> dict[str, str]:
    """Source of each ``test_hook_<name>`` function in tests/test_plugins.py."""
    source = HOOK_TESTS.read_text(encoding="utf-8")
    return {
        node.name: ast.get_source_segment(source, node) or ""
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_hook_")
    }


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_has_a_test_that_implements_it(name):
    tests = hook_tests()
    assert f"test_hook_{name}" in tests, f"tests/test_plugins.py needs test_hook_{name}"
    body = tests[f"test_hook_{name}"]
    assert re.search(rf"@hookimpl(\([^)]*\))?\s*\n\s*def {name}\(", body), (
        f"test_hook_{name} must implement the hook {name} with @hookimpl"
    )
