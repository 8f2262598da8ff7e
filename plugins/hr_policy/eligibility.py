"""Eligibility rules: which firms a policy may fit, and why.

A policy's rules are a small mapping over a firm's profile, e.g.
``{"size_in": ["small", "micro"], "headcount_min": 10, "area_in": ["PH"]}``. Every key is
one criterion and every criterion must hold. Evaluation is pure and returns each
criterion with whether it was met and a sentence in both languages, so an organiser can
tell a firm why a policy fits or does not, and a test can compare it with a simple oracle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from gridgov.core import ValidationError

SIZES = ("above_scale", "small", "micro")
SIZE_NAMES_ZH = {"above_scale": "规上企业", "small": "小型企业", "micro": "微型企业"}

RULE_KEYS = (
    "size_in",
    "industry_in",
    "headcount_min",
    "headcount_max",
    "certified_talents_min",
    "area_in",
)
_LIST_KEYS = {"size_in", "industry_in", "area_in"}
_NUMBER_KEYS = {"headcount_min", "headcount_max", "certified_talents_min"}


def validate_rules(rules: Any) -> dict[str, Any]:
    """The rules, checked and normalised (lists sorted and deduplicated).

    Raises :class:`ValidationError` naming the offending key, so a typo in a catalogue
    file is refused instead of silently matching every firm."""
    if not isinstance(rules, Mapping):
        raise ValidationError("rules", "must be a mapping of criterion to value")
    clean: dict[str, Any] = {}
    for key, value in rules.items():
        if key not in RULE_KEYS:
            raise ValidationError("rules", f"unknown criterion {key!r}; use {', '.join(RULE_KEYS)}")
        if key in _LIST_KEYS:
            if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
                raise ValidationError("rules", f"{key} must be a list")
            items = sorted({str(v) for v in value})
            if not items or any(not v.strip() for v in items):
                raise ValidationError("rules", f"{key} must list at least one non-empty value")
            if key == "size_in" and set(items) - set(SIZES):
                bad = ", ".join(sorted(set(items) - set(SIZES)))
                raise ValidationError("rules", f"size_in has {bad}; sizes are {', '.join(SIZES)}")
            clean[key] = items
        else:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError("rules", f"{key} must be a whole number ≥ 0, got {value!r}")
            clean[key] = value
    low, high = clean.get("headcount_min"), clean.get("headcount_max")
    if low is not None and high is not None and high < low:
        raise ValidationError("rules", f"headcount_max {high} is below headcount_min {low}")
    return clean


@attrs.frozen(kw_only=True)
class FirmProfile:
    """What the rules look at: a firm's size, industry, headcount, certified talents and
    seat (``area_path`` is the materialised path of its area, ``/LG/PH/SX/SX01/``)."""

    code: str
    name: str = ""
    size: str | None = None
    industry: str | None = None
    headcount: int | None = None
    certified_talents: int = 0
    area_code: str | None = None
    area_path: str = ""

    @property
    def area_codes(self) -> tuple[str, ...]:
        return tuple(c for c in self.area_path.split("/") if c)


@attrs.frozen(kw_only=True)
class Reason:
    """One criterion of a rule set, judged for one firm."""

    criterion: str
    met: bool
    text_en: str
    text_zh: str

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en


@attrs.frozen(kw_only=True)
class Verdict:
    """The outcome of evaluating a rule set: eligible when every criterion is met."""

    eligible: bool
    reasons: tuple[Reason, ...]

    @property
    def met(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.met)

    @property
    def unmet(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.met)


def _judge(key: str, value: Any, firm: FirmProfile) -> Reason:
    if key == "size_in":
        ok = firm.size in value
        shown = firm.size or "unknown"
        return Reason(criterion=key, met=ok,
                      text_en=f"size {shown} {'is' if ok else 'is not'} one of {', '.join(value)}",
                      text_zh=f"企业规模{SIZE_NAMES_ZH.get(firm.size or '', '未知')}"
                              f"{'属于' if ok else '不属于'}{'、'.join(SIZE_NAMES_ZH[s] for s in value)}")
    if key == "industry_in":
        ok = firm.industry in value
        shown = firm.industry or "unknown"
        return Reason(criterion=key, met=ok,
                      text_en=f"industry {shown} {'is' if ok else 'is not'} one of {', '.join(value)}",
                      text_zh=f"行业{firm.industry or '未知'}{'属于' if ok else '不属于'}{'、'.join(value)}")
    if key == "area_in":
        inside = [c for c in value if c in firm.area_codes]
        ok = bool(inside)
        where = firm.area_code or "unknown"
        return Reason(criterion=key, met=ok,
                      text_en=f"seat {where} {'lies in ' + inside[0] if ok else 'lies outside ' + ', '.join(value)}",
                      text_zh=f"注册地{where}{'位于' + inside[0] if ok else '不在' + '、'.join(value)}范围内")
    if key in ("headcount_min", "headcount_max"):
        count = firm.headcount
        if count is None:
            return Reason(criterion=key, met=False, text_en="headcount unknown", text_zh="员工人数未知")
        if key == "headcount_min":
            ok = count >= value
            return Reason(criterion=key, met=ok,
                          text_en=f"headcount {count} {'≥' if ok else '<'} {value}",
                          text_zh=f"员工{count}人{'不少于' if ok else '少于'}{value}人")
        ok = count <= value
        return Reason(criterion=key, met=ok,
                      text_en=f"headcount {count} {'≤' if ok else '>'} {value}",
                      text_zh=f"员工{count}人{'不超过' if ok else '超过'}{value}人")
    if key == "certified_talents_min":
        ok = firm.certified_talents >= value
        return Reason(criterion=key, met=ok,
                      text_en=f"{firm.certified_talents} certified talents {'≥' if ok else '<'} {value}",
                      text_zh=f"认定人才{firm.certified_talents}名{'达到' if ok else '未达'}{value}名")
    raise ValidationError("rules", f"unknown criterion {key!r}")


def evaluate(rules: Mapping[str, Any], firm: FirmProfile) -> Verdict:
    """Judge every criterion of ``rules`` for ``firm``; an empty rule set fits every firm."""
    clean = validate_rules(rules)
    reasons = tuple(_judge(key, clean[key], firm) for key in RULE_KEYS if key in clean)
    return Verdict(eligible=all(r.met for r in reasons), reasons=reasons)


def describe(rules: Mapping[str, Any], lang: str = "en") -> str:
    """A one-line summary of the rules (for the catalogue)."""
    clean = validate_rules(rules)
    if not clean:
        return "所有企业" if lang == "zh" else "all firms"
    zh = lang == "zh"
    parts = []
    for key in RULE_KEYS:
        if key not in clean:
            continue
        v = clean[key]
        if key == "size_in":
            parts.append("规模:" + "、".join(SIZE_NAMES_ZH[s] for s in v) if zh else "size: " + "/".join(v))
        elif key == "industry_in":
            parts.append("行业:" + "、".join(v) if zh else "industry: " + "/".join(v))
        elif key == "area_in":
            parts.append("区域:" + "、".join(v) if zh else "area: " + "/".join(v))
        elif key == "headcount_min":
            parts.append(f"员工≥{v}" if zh else f"headcount ≥ {v}")
        elif key == "headcount_max":
            parts.append(f"员工≤{v}" if zh else f"headcount ≤ {v}")
        else:
            parts.append(f"认定人才≥{v}" if zh else f"certified talents ≥ {v}")
    return "；".join(parts) if zh else "; ".join(parts)
