"""Attach the core's command modules to ``cli``; each module holds one family of commands."""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger("gridgov.cli")

_MODULES = (
    "init_cmd",      # gridgov init
    "issue_cmds",    # gridgov issue report|list|show|act|categories
    "member_cmds",   # gridgov member list|show
    "area_cmds",     # gridgov area locate
    "stats_cmd",     # gridgov stats
    "transfer_cmds", # gridgov import / export
    "plugin_cmds",   # gridgov plugins, gridgov plugin new
    "demo_cmd",      # gridgov demo
    "tui_cmd",       # gridgov tui
    "sla_cmd",       # gridgov sla show|load
    "db_cmds",       # gridgov db copy, gridgov doctor
    "apikey_cmds",   # gridgov apikey create|service-account|list|revoke
    "serve_cmd",     # gridgov serve
)


def load() -> None:
    for name in _MODULES:
        try:
            importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{name}":
                raise


load()
