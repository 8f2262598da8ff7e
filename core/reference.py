"""The API reference (``docs/reference.md``), written from the code's signatures and docstrings.

``python -m gridgov.core.reference > docs/reference.md`` rewrites it; ``--section workflow``
prints only the workflow table (``docs/embedding.md`` carries it between markers, and
``--update FILE`` refreshes such marked sections in place). A test fails when the page is
not what this module writes, so a public method cannot be missing or show an old signature.

What counts as public: the members not starting with ``_`` of the platform, its services
(:data:`SERVICES`) and the SDK classes of :func:`class_sections`, taken from the gridgov
classes of their MRO (a plugin screen documents gridgov's part, not Textual's), and the
names of :func:`module_apis` (a module's ``__all__`` where it has one).
"""

from __future__ import annotations

import argparse
import ast
import enum
import inspect
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from . import access, errors, lifecycle, registry, timezone
from .platform import Platform
from .services.areas import AreaService
from .services.issues import IssueService
from .services.members import MemberService
from .services.metrics import Metrics, MetricsService
from .services.organisations import OrganisationService
from .services.pairings import PairingService
from .services.transfer import TransferService
from .storage import tables
from .workflow import Transition

SERVICES: tuple[tuple[str, type], ...] = (
    ("platform.areas", AreaService),
    ("platform.organisations", OrganisationService),
    ("platform.members", MemberService),
    ("platform.pairings", PairingService),
    ("platform.issues", IssueService),
    ("platform.metrics", MetricsService),
    ("platform.transfer", TransferService),
    ("platform.time", timezone.DeploymentTime),
)
RECORDS = (registry.Category, access.Role, Transition, registry.Route, registry.ScreenSpec,
           registry.PaletteCommand, registry.MetricSpec)
ERRORS = (errors.GridgovError, errors.ValidationError, errors.NotFound, errors.AccessDenied,
          errors.TransitionRefused, errors.StaleUpdate, errors.PluginError)
BEGIN = "<!-- generated: {name} (python -m gridgov.core.reference --update FILE) -->"
END = "<!-- end generated: {name} -->"


# -- signatures ---------------------------------------------------------------------------


def _value(value: Any) -> str:
    """A default as source-like text that does not change between runs (no addresses)."""
    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        return f"factory {getattr(value.factory, '__name__', 'callable')}"
    if inspect.isfunction(value) or inspect.isclass(value) or inspect.isbuiltin(value):
        return value.__name__
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if all(hasattr(value, a) for a in ("key", "action", "description", "id")):  # a Textual Binding
        return f"Binding({value.key!r}, {value.action!r}, {value.description!r}, id={value.id!r})"
    if isinstance(value, frozenset | set):
        return "{" + ", ".join(sorted(repr(v) for v in value)) + "}" if value else "frozenset()"
    return repr(value)


def signature(name: str, fn: Callable[..., Any], *, drop_self: bool = True) -> str:
    """``name(params) -> return`` with the annotations as written in the source."""
    sig = inspect.signature(fn)
    parts: list[str] = []
    star_done = False
    params = list(sig.parameters.values())
    if drop_self and params and params[0].name in ("self", "cls"):
        params = params[1:]
    for i, p in enumerate(params):
        text = p.name
        if p.kind is p.VAR_POSITIONAL:
            text, star_done = f"*{p.name}", True
        elif p.kind is p.VAR_KEYWORD:
            text = f"**{p.name}"
        elif p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if p.annotation is not p.empty:
            text += f": {_annotation(p.annotation)}"
        if p.default is not p.empty:
            text += f" = {_value(p.default)}" if p.annotation is not p.empty else f"={_value(p.default)}"
        parts.append(text)
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(params) or params[i + 1].kind is not p.POSITIONAL_ONLY):
            parts.append("/")
    result = f" -> {_annotation(sig.return_annotation)}" if sig.return_annotation is not sig.empty else ""
    return f"{name}({', '.join(parts)}){result}"


def _annotation(value: Any) -> str:
    return value if isinstance(value, str) else inspect.formatannotation(value)


def _doc(obj: Any) -> str:
    """The object's own docstring (not one inherited from Textual or attrs)."""
    text = inspect.cleandoc(obj.__doc__) if isinstance(getattr(obj, "__doc__", None), str) else ""
    return text if text else "*(no docstring)*"


def class_attributes(cls: type) -> list[str]:
    """Annotated class attributes of ``cls``'s gridgov classes, e.g. ``BINDINGS``."""
    lines: dict[str, str] = {}
    for base in reversed(own_classes(cls)):
        for name, annotation in vars(base).get("__annotations__", {}).items():
            if name.startswith("_"):
                continue
            value = getattr(cls, name, None)
            shown = f" = {_value(value)}" if name.isupper() and value is not None else ""
            lines[name] = f"{cls.__name__}.{name}: {_annotation(annotation)}{shown}"
    return list(lines.values())


# -- members --------------------------------------------------------------------------------


def own_classes(cls: type) -> list[type]:
    """The gridgov classes of ``cls``'s MRO (its own part of the API)."""
    return [c for c in cls.__mro__ if c.__module__.startswith("gridgov.")]


def public_members(cls: type) -> dict[str, Any]:
    """Public methods and properties defined by ``cls`` or its gridgov bases, by name."""
    found: dict[str, Any] = {}
    for base in reversed(own_classes(cls)):
        for name, value in vars(base).items():
            if name.startswith("_") or name in _ATTRS_GENERATED:
                continue
            if isinstance(value, staticmethod | classmethod):
                value = value.__func__
            if isinstance(value, property) or inspect.isfunction(value):
                found[name] = value
            else:
                found.pop(name, None)
    return dict(sorted(found.items()))


_ATTRS_GENERATED = frozenset({"evolve"})


def member_entry(prefix: str, name: str, value: Any) -> tuple[str, str]:
    """(signature line, docstring) of a method or property."""
    if isinstance(value, property):
        getter = value.fget
        returns = inspect.signature(getter).return_annotation if getter else inspect.Signature.empty
        kind = f": {_annotation(returns)}" if returns is not inspect.Signature.empty else ""
        return f"{prefix}{name}{kind}  # property", _doc(value)
    return signature(f"{prefix}{name}", value), _doc(value)


def instance_attributes(cls: type) -> dict[str, str]:
    """``self.name: Type = …`` assignments of ``cls.__init__``: the public data attributes."""
    source = textwrap.dedent(inspect.getsource(cls.__init__))  # type: ignore[misc]
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Attribute):
            target, annotation = node.target, ast.unparse(node.annotation)
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute):
            target, annotation = node.targets[0], ""
            call = node.value.func if isinstance(node.value, ast.Call) else None
            if isinstance(call, ast.Name) and call.id[:1].isupper():
                annotation = call.id  # self.areas = AreaService(self)
        else:
            continue
        if isinstance(target.value, ast.Name) and target.value.id == "self" and not target.attr.startswith("_"):
            found.setdefault(target.attr, annotation)
    return found


# -- rendering ------------------------------------------------------------------------------


def _block(signature_line: str, doc: str, heading: str) -> list[str]:
    return [f"### {heading}", "", "```python", signature_line, "```", "", doc, ""]


def class_section(title: str, cls: type, prefix: str, intro: str = "", constructor: bool = False) -> list[str]:
    lines = [f"## {title}", ""]
    if intro:
        lines += [intro, ""]
    lines += [_doc(cls), ""]
    if constructor:
        lines += ["```python", signature(cls.__name__, cls.__init__), "```", ""]  # type: ignore[misc]
    for name, value in public_members(cls).items():
        line, doc = member_entry(prefix, name, value)
        lines += _block(line, doc, f"{prefix}{name}")
    return lines


def record_section(cls: type) -> list[str]:
    """An attrs record: its fields with types and defaults, then its methods."""
    lines = [f"### {cls.__name__}", "", _doc(cls), "", "| field | type | default |", "|---|---|---|"]
    for field in attrs.fields(cls):
        default = "required" if field.default is attrs.NOTHING else _value(field.default)
        cells = [f"`{field.name}`", f"`{_annotation(field.type)}`", "required" if default == "required" else f"`{default}`"]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines.append("")
    for name, value in public_members(cls).items():
        line, doc = member_entry(f"{cls.__name__}.", name, value)
        lines += ["```python", line, "```", "", doc, ""]
    return lines


def function_entries(module: Any, names: list[str], prefix: str) -> list[str]:
    lines: list[str] = []
    for name in names:
        obj = getattr(module, name)
        if inspect.isclass(obj):
            lines += [f"### {prefix}{name}", "", _doc(obj), ""]
            if obj.__init__ is not object.__init__ and own_classes(obj):
                lines += ["```python", signature(name, obj.__init__), *class_attributes(obj), "```", ""]
            for member, value in public_members(obj).items():
                line, doc = member_entry(f"{name}.", member, value)
                lines += ["```python", line, "```", "", doc, ""]
        elif callable(obj):
            lines += _block(signature(f"{prefix}{name}", obj), _doc(obj), f"{prefix}{name}")
    return lines


def platform_section() -> list[str]:
    import tempfile

    from .plugins import PluginHost

    lines = class_section("Platform", Platform, "platform.", constructor=True)
    attributes = instance_attributes(Platform)
    with tempfile.TemporaryDirectory() as where:
        live = Platform(Path(where) / "reference.db", hooks=PluginHost(builtins=(), entry_points=False))
        live.close()
    for name, kind in attributes.items():
        if not kind:
            value = getattr(live, name)
            attributes[name] = "Path" if isinstance(value, Path) else type(value).__name__
    rows = [f"| `platform.{name}` | `{kind}` |" for name, kind in sorted(attributes.items())]
    return [*lines, "### Platform attributes", "", "| attribute | type |", "|---|---|", *rows, ""]


def workflow_table() -> str:
    """The core's transition table as Markdown (states, then one row per action)."""
    from .workflow import CORE_TRANSITIONS, STATES, TERMINAL_STATES

    lines = [
        f"States: {', '.join(f'`{s}`' for s in STATES)}; terminal: "
        f"{', '.join(f'`{s}`' for s in sorted(TERMINAL_STATES))}.",
        "",
        "| action | 中文 | from | to | permission | scope | requires | key | check |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for t in CORE_TRANSITIONS:
        sources = ", ".join(sorted(t.sources))
        check = t.check.__name__ if t.check else ""
        lines.append(f"| `{t.action}` | {t.name_zh} | {sources} | {t.target or '(unchanged)'} | "
                     f"`{t.permission}` | {t.scope} | {', '.join(sorted(t.requires)) or '-'} | "
                     f"`{t.key}` | {check} |")
    return "\n".join(lines) + "\n"


def categories_table() -> str:
    """The categories the core registers, each adoptable by the plugin that serves it."""
    from .defaults import CORE_CATEGORIES

    lines = ["| code | 中文 | English | priority | response h | resolve h | handler kind |",
             "|---|---|---|---|---|---|---|"]
    for c in sorted(CORE_CATEGORIES, key=lambda c: c.code):
        lines.append(f"| `{c.code}` | {c.name_zh} | {c.name_en} | {c.default_priority} | "
                     f"{c.response_hours:g} | {c.resolve_hours:g} | {c.handler_kind or '-'} |")
    return "\n".join(lines) + "\n"


GENERATED = {"workflow": workflow_table, "categories": categories_table}


def class_sections() -> list[tuple[str, type, str, bool]]:
    """(title, class, prefix, show constructor) of each class documented member by member."""
    return [
        *((f"{attribute} ({cls.__name__})", cls, f"{attribute}.", False) for attribute, cls in SERVICES),
        ("Metrics (what platform.metrics returns)", Metrics, "metrics.", False),
        ("Actor (who a call runs for)", access.Actor, "actor.", False),
        ("Table (platform.table(name))", tables.Table, "table.", False),
        ("Migrations (a plugin's tables)", tables.Migrations, "migrations.", True),
        ("SchemaEditor (what a migration step receives)", tables.SchemaEditor, "schema.", False),
        ("Lifecycle (a plugin record's states and moves)", lifecycle.Lifecycle, "lifecycle.", True),
    ]


def module_apis() -> list[tuple[str, Any, list[str], str]]:
    """(section title, module, names, prefix) of the functions and classes documented by name."""
    import gridgov.tui.plugin as tui_plugin

    from . import cli, demo, testing

    return [
        ("", tables, ["any_of", "all_of"], ""),
        ("CLI helpers (gridgov.core.cli)", cli, sorted(n for n in cli.__all__ if n not in ("cli", "main")), ""),
        ("Terminal UI for plugins (gridgov.tui.plugin)", tui_plugin, sorted(tui_plugin.__all__), ""),
        ("Testing (gridgov.core.testing, gridgov.core.demo)", testing, ["local_time"], ""),
        ("", demo, ["load_demo"], "gridgov.core.demo."),
    ]


def api() -> dict[str, str]:
    """Every public method, property and function the page documents: qualified name →
    its signature line (what a test looks for in ``docs/reference.md``)."""
    found = {f"platform.{name}": member_entry("platform.", name, value)[0]
             for name, value in public_members(Platform).items()}
    for _title, cls, prefix, _ in class_sections():
        found |= {prefix + name: member_entry(prefix, name, value)[0] for name, value in public_members(cls).items()}
    for record in (*RECORDS, lifecycle.Move, lifecycle.Step):
        found |= {f"{record.__name__}.{name}": member_entry(f"{record.__name__}.", name, value)[0]
                  for name, value in public_members(record).items()}
    for _title, module, names, prefix in module_apis():
        for name in names:
            obj = getattr(module, name)
            if inspect.isclass(obj):
                found |= {f"{name}.{member}": member_entry(f"{name}.", member, value)[0]
                          for member, value in public_members(obj).items()}
            elif callable(obj):
                found[prefix + name] = signature(prefix + name, obj)
    return found


def render() -> str:
    """The whole of ``docs/reference.md``."""
    from . import testing

    out = [
        "# API reference",
        "",
        "Every public method of the platform, its services and the plugin SDK, with its signature and",
        "docstring. This page is written by `python -m gridgov.core.reference > docs/reference.md`;",
        "`tests/test_reference.py` fails when it differs from what the code says. The tutorial is",
        "[plugins.md](plugins.md), the hooks are in [hooks.md](hooks.md), the integrator's guide is",
        "[embedding.md](embedding.md).",
        "",
        *platform_section(),
    ]
    modules = module_apis()
    for title, cls, prefix, constructor in class_sections():
        out += class_section(title, cls, prefix, constructor=constructor)
        if cls is tables.Table:
            out += ["### LOOKUPS", "", _doc_of_constant(tables, "LOOKUPS"), "",
                    "```python", f"LOOKUPS = {tables.LOOKUPS!r}", "```", ""]
            out += function_entries(*modules[0][1:])
    out += ["## Records plugins register", ""]
    for record in (*RECORDS, lifecycle.Move, lifecycle.Step):
        out += record_section(record)
    out += ["## Errors", ""]
    for error in ERRORS:
        out += [f"### {error.__name__}", "", _doc(error), "", f"Exit code {error.exit_code}.", ""]
        if "__init__" in vars(error):
            out += ["```python", signature(error.__name__, error.__init__), "```", ""]
    out += ["## Categories the core registers", "",
            "Each is adoptable: a plugin that serves one registers the same code with `adopt=True` and",
            "takes it over (see plugins.md, \"Categories and who owns them\").", "",
            categories_table(),
            "## The workflow table", "",
            "The core's actions, from `gridgov.core.workflow.CORE_TRANSITIONS` (plugins add rows with",
            "`register_actions`; `platform.transitions` holds them all). `scope` says whose area decides",
            "the permission check; a `check` hides the action where it cannot apply.", "",
            workflow_table()]
    for title, module, names, prefix in modules[1:]:
        if title:
            out += [f"## {title}", "", _doc(module), ""]
        out += function_entries(module, names, prefix)
        if module is testing:
            out += ["### FIXED_NOW", "", f"`{testing.FIXED_NOW.isoformat()}`: "
                    + _doc_of_constant(testing, "FIXED_NOW"), ""]
    return "\n".join(out).rstrip() + "\n"


def _doc_of_constant(module: Any, name: str) -> str:
    """The docstring written under a module constant (``NAME = …`` then a string)."""
    tree = ast.parse(inspect.getsource(module))
    body = tree.body
    for node, after in zip(body, body[1:], strict=False):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(after, ast.Expr) \
                and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
            return inspect.cleandoc(after.value.value)
    return ""


# -- generated sections in hand-written pages -------------------------------------------------


def sections_in(text: str) -> Iterator[tuple[str, str]]:
    """(name, current content) of each generated section of a page."""
    pattern = re.compile(re.escape(BEGIN).replace(r"\{name\}", r"(?P<name>\w+)") + r"\n(?P<body>.*?)"
                         + re.escape(END).replace(r"\{name\}", r"(?P=name)"), re.S)
    for match in pattern.finditer(text):
        yield match["name"], match["body"]


def update(text: str) -> str:
    """``text`` with every generated section rewritten from the code."""
    for name, body in list(sections_in(text)):
        text = text.replace(f"{BEGIN.format(name=name)}\n{body}{END.format(name=name)}",
                            f"{BEGIN.format(name=name)}\n{GENERATED[name]()}{END.format(name=name)}")
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gridgov.core.reference", description=__doc__.split("\n")[0])
    parser.add_argument("--section", choices=sorted(GENERATED), help="Print only this generated section.")
    parser.add_argument("--update", metavar="FILE", type=Path, nargs="*", default=[],
                        help="Rewrite the generated sections of these Markdown files in place.")
    args = parser.parse_args(argv)
    if args.update:
        for path in args.update:
            path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
        return
    sys.stdout.write(GENERATED[args.section]() if args.section else render())


if __name__ == "__main__":
    main()
