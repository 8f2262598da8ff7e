"""``gridgov area …``: where a point lies in the area tree."""

from __future__ import annotations

import math
import sys

import click

from .. import geo
from ..errors import ValidationError
from . import cli
from .context import AppContext, pass_app
from .output import echo_json, reports_errors, table

# Coordinates copied from Chinese web maps are offset; these undo it.
_TO_WGS84 = {"wgs84": None, "gcj02": geo.gcj02_to_wgs84, "bd09": geo.bd09_to_wgs84}


@cli.group("area")
def area() -> None:
    """The area tree's places: which area holds a point."""


# ``ignore_unknown_options`` lets a negative coordinate (-33.9) through as an argument.
@area.command("locate", context_settings={"ignore_unknown_options": True})
@click.argument("lat_text", metavar="LAT")
@click.argument("lon_text", metavar="LON")
@click.option("--datum", type=click.Choice(list(_TO_WGS84)), default="wgs84", show_default=True,
              help="The coordinates' datum: gcj02 for AMap/Tencent maps, bd09 for Baidu; converted to WGS-84.")
@click.option("--json", "as_json", is_flag=True, help="A JSON object: the point, the area code and its path.")
@pass_app
@reports_errors
def locate(app: AppContext, lat_text: str, lon_text: str, datum: str, as_json: bool) -> None:
    """The deepest area whose polygon holds the point LAT LON (WGS-84 degrees), with the
    areas above it; exits 1 when no area holds the point."""
    lat, lon = _degrees("lat", lat_text), _degrees("lon", lon_text)
    convert = _TO_WGS84[datum]
    if convert is not None:
        lat, lon = convert(lat, lon)
    path = app.platform.areas.locate_path(lat, lon)
    if as_json:
        echo_json({"lat": lat, "lon": lon, "area": path[-1].code if path else None,
                   "path": [{"code": a.code, "name": a.name, "level": a.level} for a in path]})
    elif path:
        click.echo(table(("level", "code", "name"), [(a.level, a.code, a.name) for a in path]))
    else:
        click.echo(f"no area holds {lat:g}, {lon:g}")
    if not path:
        sys.exit(1)  # like grep: scripts tell "nowhere" from an answer by the status


def _degrees(field: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValidationError(field, f"{text!r} is not a number (decimal degrees)") from None
    if not math.isfinite(value):
        raise ValidationError(field, f"{text!r} is not a number (decimal degrees)")
    return value
