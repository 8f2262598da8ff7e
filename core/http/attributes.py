"""Open311 service attributes: the extra fields a category asks of a resident.

The core's categories declare no fields, so a category has attributes here only where a
built-in plugin reads known keys from the case's payload: the financing need (the firm's
USCC, its name, the need, the amount: what the finance stations open a consultation from)
and the dispute (its kind, which the mediation plugin requires). Every other category
has none: its service says ``metadata: false`` and its definition an empty attribute
list, as GeoReport v2 allows. A POST's ``attribute[code]`` values are checked against
these definitions and written into the payload at each attribute's ``payload`` path.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import ValidationError

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


@attrs.frozen(kw_only=True)
class Attribute:
    code: str
    datatype: str = attrs.field(validator=attrs.validators.in_(DATATYPES))
    required: bool
    description_zh: str
    description_en: str
    payload: tuple[str, ...]
    values: tuple[tuple[str, str, str], ...] = ()
    """(key, Chinese name, English name) of each choice of a list."""
    max_length: int = 200

    def definition(self, order: int, lang: str) -> dict[str, Any]:
        zh = lang == "zh"
        return {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": None,
            "order": order,
            "description": self.description_zh if zh else self.description_en,
            "values": [{"key": key, "name": name_zh if zh else name_en} for key, name_zh, name_en in self.values],
        }

    def parse(self, raw: list[str]) -> Any:
        """The value to store from the submitted strings (a list for a multivaluelist)."""
        field = f"attribute[{self.code}]"
        keys = {key for key, _, _ in self.values}
        if self.datatype == "multivaluelist":
            unknown = [v for v in raw if v not in keys]
            if unknown:
                raise ValidationError(field, f"{unknown[0]!r} is not one of {', '.join(sorted(keys))}")
            return list(dict.fromkeys(raw))
        if len(raw) > 1:
            raise ValidationError(field, "takes one value")
        value = raw[0].strip()
        if self.datatype == "singlevaluelist" and value not in keys:
            raise ValidationError(field, f"{value!r} is not one of {', '.join(k for k, _, _ in self.values)}")
        if self.datatype == "number":
            try:
                return float(value) if "." in value else int(value)
            except ValueError:
                raise ValidationError(field, f"{value!r} is not a number") from None
        if len(value) > self.max_length:
            raise ValidationError(field, f"is {len(value)} characters, at most {self.max_length}")
        return value


_DISPUTE_KINDS = (
    ("neighbour", "邻里纠纷", "neighbour"), ("family", "婚姻家庭纠纷", "family"),
    ("property_management", "物业纠纷", "property management"), ("labour", "劳动纠纷", "labour"),
    ("contract", "合同纠纷", "contract"), ("damage", "损害赔偿纠纷", "damage"), ("other", "其他纠纷", "other"),
)  # fmt: skip
_NEEDS = (
    ("loan", "贷款", "loan"), ("guarantee", "担保", "guarantee"), ("insurance", "保险", "insurance"),
    ("policy", "政策宣讲", "policy briefing"), ("listing", "上市辅导", "listing guidance"),
)  # fmt: skip

ATTRIBUTES: dict[str, tuple[Attribute, ...]] = {
    "mediation.dispute": (
        Attribute(code="kind", datatype="singlevaluelist", required=True, description_zh="纠纷类型",
                  description_en="What kind of dispute", payload=("mediation", "kind"), values=_DISPUTE_KINDS),
    ),
    "finance.financing_need": (
        Attribute(code="uscc", datatype="string", required=True, description_zh="企业统一社会信用代码",
                  description_en="The firm's unified social credit code (18 characters)", payload=("uscc",),
                  max_length=18),
        Attribute(code="enterprise_name", datatype="string", required=False, description_zh="企业名称",
                  description_en="The firm's name", payload=("enterprise_name",)),
        Attribute(code="need", datatype="singlevaluelist", required=True, description_zh="融资需求",
                  description_en="What the firm needs", payload=("need",), values=_NEEDS),
        Attribute(code="amount", datatype="string", required=False, description_zh="金额（如 300万）",
                  description_en="Amount asked (e.g. 300万)", payload=("amount",), max_length=40),
    ),
}


def attributes_for(category: str) -> tuple[Attribute, ...]:
    return ATTRIBUTES.get(category, ())


def payload_from(category: str, submitted: dict[str, list[str]]) -> dict[str, Any]:
    """The payload a POST's ``attribute[…]`` values make for a case of ``category``;
    unknown codes and missing required ones are refused."""
    known = {a.code: a for a in attributes_for(category)}
    for code in submitted:
        if code not in known:
            raise ValidationError(f"attribute[{code}]", f"{category} has no attribute {code!r}"
                                  + (f"; it has {', '.join(known)}" if known else ""))
    payload: dict[str, Any] = {}
    for code, attribute in known.items():
        raw = [v for v in submitted.get(code, []) if v.strip()]
        if not raw:
            if attribute.required:
                raise ValidationError(f"attribute[{code}]", "is required")
            continue
        target = payload
        for key in attribute.payload[:-1]:
            target = target.setdefault(key, {})
        target[attribute.payload[-1]] = attribute.parse(raw)
    return payload
