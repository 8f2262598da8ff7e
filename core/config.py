"""The deployment's configuration file (TOML), chiefly the plugins' settings.

``gridgov --config PATH``, else ``$GRIDGOV_CONFIG``, else ``config.toml`` in the user's
configuration directory (``~/.config/gridgov/`` on Linux) when it exists. A plugin reads
its own table, ``[plugins.NAME]``, through :meth:`Platform.plugin_settings`::

    [plugins.elevator]
    bureau = "ZJJ"          # the housing bureau's organisation code
    subsidy_cap_yuan = 300000
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from .errors import ValidationError


def config_path(explicit: str | Path | None = None) -> Path | None:
    """The configuration file in use, or None when there is none."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("GRIDGOV_CONFIG")
    if env:
        return Path(env)
    default = Path(platformdirs.user_config_dir("gridgov")) / "config.toml"
    return default if default.exists() else None


def load_config(explicit: str | Path | dict[str, Any] | None = None) -> dict[str, Any]:
    """The parsed configuration ({} without a file); one-line errors for a bad file."""
    if isinstance(explicit, dict):
        data = explicit
        where = "config"
    else:
        path = config_path(explicit)
        if path is None:
            return {}
        where = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValidationError("config", f"{path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError("config", f"{path}: {exc}") from None
    plugins = data.get("plugins", {})
    if not isinstance(plugins, dict) or not all(isinstance(v, dict) for v in plugins.values()):
        raise ValidationError("plugins", f"{where}: [plugins.NAME] must be tables of settings")
    return data
