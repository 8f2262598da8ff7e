"""Open311's two formats: JSON, and XML by the Spark convention (the JSON is the XML's
mapping: a list is a container element whose children carry the singular name).

Both are UTF-8; the XML starts with its declaration, as GeoReport v2 requires.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from starlette.responses import Response

FORMATS = ("json", "xml")
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

SINGULAR = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_requests_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = SINGULAR.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, tag), child)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """``value`` (a list or a dict) under the element ``root``, with the XML declaration."""
    element = ET.Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def render(fmt: str, root: str, value: Any, status_code: int = 200) -> Response:
    """The response in ``fmt``: JSON as is, XML under ``root``."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=status_code, media_type=MEDIA_TYPES.get(fmt, MEDIA_TYPES["json"]))


def errors(fmt: str, status_code: int, description: str) -> Response:
    """GeoReport v2's error document: ``[{"code": …, "description": …}]``."""
    return render(fmt, "errors", [{"code": status_code, "description": description}], status_code)
