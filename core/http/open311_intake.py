"""Taking in a resident's request from an Open311 client (POST requests).

Who reports: the member an API key acts as, usually an intake channel (a residents' app,
the hotline system) holding the ``intake_channel`` post over the area it serves; the core
refuses the report unless that member holds ``issue.report`` over the located area. The
case records the key's channel (``online``, ``hotline``…) as its source.

Where: the point (WGS-84, or GCJ-02/BD-09 with ``datum``, as WeChat and Baidu maps give it)
finds the deepest area holding it; ``address_id`` names an area by its code; with only an
``address_string`` the case goes to the channel's own area, for a dispatcher to place.

Duplicates: an open case of the same category in the same grid whose text is nearly the
same (trigram Jaccard ≥ 0.7) is the request already; the POST returns its id and says so,
and no second case is made.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Any

import attrs

from ..access import Actor
from ..errors import AccessDenied, NotFound, ValidationError
from ..geo import bd09_to_wgs84, gcj02_to_wgs84
from ..models import Area, Issue
from ..platform import Platform
from ..services.api_keys import ApiKey
from .attributes import payload_from
from .open311_views import public_reader

DATUMS = ("wgs84", "gcj02", "bd09")
DUPLICATE_SIMILARITY = 0.7
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


@attrs.frozen(kw_only=True)
class Submission:
    """A POST's fields, as sent."""

    service_code: str | None = None
    lat: float | None = None
    long: float | None = None
    datum: str = "wgs84"
    address_string: str | None = None
    address_id: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    description: str | None = None
    media_url: str | None = None
    attributes: dict[str, list[str]] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Outcome:
    issue: Issue
    token: str | None
    duplicate: bool
    notice: str


def attributes_of(form: Any) -> dict[str, list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v1&…`` pairs of a parsed form."""
    found: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        match = _ATTRIBUTE.fullmatch(key)
        if match and isinstance(value, str):
            found.setdefault(match.group(1), []).append(value)
    return found


def _cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) == "W" for ch in text)


def requester_name(first: str | None, last: str | None) -> str | None:
    """Family name first for Chinese names (张 + 伟 = 张伟), "first last" otherwise."""
    first, last = (first or "").strip(), (last or "").strip()
    if first and last and (_cjk(first) or _cjk(last)):
        return last + first
    return " ".join(p for p in (first, last) if p) or None


def normalise_phone(phone: str | None) -> str | None:
    if not phone or not phone.strip():
        return None
    digits = re.sub(r"[\s()]", "", phone.strip())
    return digits[3:] if digits.startswith("+86") else digits


def _trigrams(text: str) -> set[str]:
    compact = "".join(ch for ch in text.lower() if ch.isalnum())
    return {compact[i: i + 3] for i in range(len(compact) - 2)} or {compact}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' character trigrams (Chinese included)."""
    x, y = _trigrams(a), _trigrams(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def title_of(description: str, service: str) -> str:
    """The case's title: the description's first line, cut to 60 characters, or the
    service's name when the resident wrote nothing."""
    line = next((s.strip() for s in description.splitlines() if s.strip()), "")
    if not line:
        return service
    return line if len(line) <= 60 else line[:59] + "…"


def locate(platform: Platform, actor: Actor, sub: Submission) -> tuple[Area, float | None, float | None]:
    """The area of the request and the WGS-84 point it was given at (if any)."""
    if (sub.lat is None) != (sub.long is None):
        raise ValidationError("lat" if sub.lat is None else "long", "lat and long are sent together")
    if sub.lat is not None and sub.long is not None:
        if sub.datum not in DATUMS:
            raise ValidationError("datum", f"{sub.datum!r} is not one of {', '.join(DATUMS)}")
        lat, lon = sub.lat, sub.long
        if sub.datum == "gcj02":
            lat, lon = gcj02_to_wgs84(lat, lon)
        elif sub.datum == "bd09":
            lat, lon = bd09_to_wgs84(lat, lon)
        found = platform.areas.locate(lat, lon)
        if found is None:
            raise ValidationError("lat", f"the point {lat:.6f}, {lon:.6f} lies outside every area of this deployment")
        return found, round(lat, 7), round(lon, 7)
    if sub.address_id:
        area = platform.areas.find(sub.address_id)
        if area is None:
            raise ValidationError("address_id", f"no area has the code {sub.address_id!r}")
        return area, None, None
    if sub.address_string and sub.address_string.strip():
        posts = sorted({g.area_code for g in actor.grants if g.area_code and g.allows("issue.report")})
        if len(posts) == 1:
            return platform.areas.get(posts[0]), None, None
        raise ValidationError("address_string", "cannot be placed on its own here; send lat and long or address_id")
    raise ValidationError("lat", "a location is required: lat and long, address_id or address_string")


def take_in(platform: Platform, key: ApiKey, actor: Actor, sub: Submission, lang: str) -> Outcome:
    """Report the request (or find it reported already) inside the caller's transaction."""
    if not sub.service_code:
        raise ValidationError("service_code", "is required")
    category = platform.categories.get(sub.service_code)
    if category is None:
        raise NotFound("service_code", sub.service_code)
    area, lat, lon = locate(platform, actor, sub)
    if not actor.covers("issue.report", area.path):
        raise AccessDenied(f"this api_key may not report in {area.name} ({area.code})")
    payload = payload_from(category.code, sub.attributes)
    email = (sub.email or "").strip() or None
    if email and ("@" not in email or len(email) > 200 or any(ch.isspace() for ch in email)):
        raise ValidationError("email", f"{email!r} is not an e-mail address")
    description = (sub.description or "").strip()
    if len(description) > 4000:
        raise ValidationError("description", f"is {len(description)} characters, at most 4000")
    service = category.name_zh if lang == "zh" else category.name_en
    if description:
        for candidate in platform.issues.similar(public_reader(platform), category=category.code,
                                                 area=area.code, text=description, limit=5):
            if similarity(description, candidate.description or candidate.title) >= DUPLICATE_SIMILARITY:
                notice = (f"与已受理的 {candidate.id} 号诉求相同，已并入该诉求" if lang == "zh"
                          else f"The same request is open already as {candidate.id}; yours was joined to it.")
                return Outcome(issue=candidate, token=None, duplicate=True, notice=notice)
    issue = platform.issues.report(
        actor, area=area.code, category=category.code, title=title_of(description, service),
        description=description, source=key.source, requester_name=requester_name(sub.first_name, sub.last_name),
        requester_phone=normalise_phone(sub.phone), payload=payload,
    )
    token = secrets.token_hex(16)
    platform._store.insert("service_request", {
        "issue_id": issue.id, "token": token, "api_key_id": key.id, "lat": lat, "lon": lon,
        "address": (sub.address_string or "").strip()[:300] or None, "address_id": sub.address_id,
        "email": email, "account_id": sub.account_id, "device_id": sub.device_id,
        "media_url": sub.media_url,
    })
    handling = platform.areas.get(issue.handling_area or issue.area_code)
    rule = platform.sla.rule_for(category, issue.priority)
    notice = (f"已受理，由{handling.name}办理，{rule.response_hours:g} 小时内响应" if lang == "zh"
              else f"Received; {handling.name} handles it and responds within {rule.response_hours:g} hours.")
    return Outcome(issue=issue, token=token, duplicate=False, notice=notice)
