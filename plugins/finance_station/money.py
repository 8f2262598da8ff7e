"""Money as whole fen (分): parsed exactly from what officers type, shown in 元 and 亿元.

Credit figures are reported to the last yuan (95.83亿元 is 958,300,000,000 fen), and a sum
of floats drifts, so amounts are integers of fen everywhere; :class:`decimal.Decimal` is
used only to read and to print them. Rounding happens only in display helpers, never in
stored values or totals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

from gridgov.core import ValidationError

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000
FEN_PER_YI = 10_000_000_000
# 1,000亿元: more than any single credit line a district station handles; above it, a typo.
MAX_FEN = 1_000 * FEN_PER_YI

_UNITS = {"": FEN_PER_YUAN, "元": FEN_PER_YUAN, "万": FEN_PER_WAN, "万元": FEN_PER_WAN,
          "亿": FEN_PER_YI, "亿元": FEN_PER_YI}  # fmt: skip
_AMOUNT = re.compile(r"^\s*([+-]?)([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(亿元|万元|亿|万|元)?\s*$")


def check_fen(value: object, field: str = "amount") -> int:
    """``value`` if it is a whole number of fen in 0…MAX_FEN, else ValidationError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be a whole number of fen, got {value!r}")
    if value < 0:
        raise ValidationError(field, f"must not be negative, got {value} fen")
    if value > MAX_FEN:
        raise ValidationError(
            field, f"{format_yi(value)} is over the limit of {format_yi(MAX_FEN)}"
        )
    return value


def parse_amount(text: str | int, field: str = "amount") -> int:
    """Fen from ``"12.34"`` (yuan), ``"300万"``, ``"1.5亿"``, ``"1,200元"`` or an int of fen.

    Refuses negative amounts, amounts finer than one fen (``"0.001"``) and absurd ones."""
    if isinstance(text, int) and not isinstance(text, bool):
        return check_fen(text, field)
    if not isinstance(text, str):
        raise ValidationError(
            field, f"must be an amount such as 12.34, 300万 or 1.5亿, got {text!r}"
        )
    match = _AMOUNT.match(text)
    if not match:
        raise ValidationError(field, f"{text!r} is not an amount such as 12.34, 300万 or 1.5亿")
    sign, number, unit = match.group(1), match.group(2), match.group(3) or ""
    if "," in number and not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?", number):
        raise ValidationError(field, f"{text!r} has misplaced thousands separators")
    try:
        value = Decimal(number.replace(",", "")) * _UNITS[unit]
    except InvalidOperation:
        raise ValidationError(field, f"{text!r} is not a number") from None
    if sign == "-" and value != 0:
        raise ValidationError(field, f"must not be negative, got {text.strip()}")
    if value != value.to_integral_value():
        raise ValidationError(field, f"{text.strip()} is not a whole number of fen (0.01 yuan)")
    return check_fen(int(value), field)


def format_yuan(fen: int) -> str:
    """``123456`` → ``1,234.56元`` (exact)."""
    check_fen(fen, "fen")
    yuan, rest = divmod(fen, FEN_PER_YUAN)
    return f"{yuan:,}.{rest:02d}元"


def format_yi(fen: int, places: int | None = None) -> str:
    """``958300000000`` → ``95.83亿元``: exact unless ``places`` asks for display rounding."""
    value = Decimal(fen) / FEN_PER_YI
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    else:
        value = value.normalize() if value else Decimal(0)
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return f"{value:f}亿元"


def format_wan(fen: int) -> str:
    """``3000000000`` → ``3000万元`` (exact)."""
    value = Decimal(fen) / FEN_PER_WAN
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{value:f}万元"


def format_short(fen: int) -> str:
    """The unit a reader expects: 亿元 from 1亿 (exact for whole 万元, else to 0.01亿),
    万元 from 1万, else 元."""
    if fen == 0:
        return "0元"
    if fen >= FEN_PER_YI:
        return format_yi(fen) if fen % FEN_PER_WAN == 0 else format_yi(fen, places=2)
    if fen >= FEN_PER_WAN:
        return format_wan(fen)
    return format_yuan(fen)


def split_exactly(
    total: int, weights: Sequence[int | float], *, unit: int = 1, minimum: int = 0
) -> list[int]:
    """Split ``total`` fen into parts proportional to ``weights`` whose sum is exactly ``total``.

    Every part is a multiple of ``unit`` fen and at least ``minimum`` units (largest
    remainder method on whole units), so demo data can reproduce a reported total exactly.
    """
    n = len(weights)
    if n == 0:
        if total:
            raise ValueError("cannot split a non-zero total into no parts")
        return []
    if total % unit:
        raise ValueError(f"total {total} is not a multiple of the unit {unit}")
    units = total // unit
    spare = units - minimum * n
    if spare < 0:
        raise ValueError(f"{units} units cannot give {n} parts at least {minimum} each")
    exact = [Fraction(str(w)) if isinstance(w, float) else Fraction(w) for w in weights]
    if any(w < 0 for w in exact) or not any(exact):
        raise ValueError("weights must be non-negative and not all zero")
    whole = sum(exact)
    shares = [w * spare / whole for w in exact]
    parts = [int(s) for s in shares]
    left = spare - sum(parts)
    order = sorted(range(n), key=lambda i: (shares[i] - parts[i], -i), reverse=True)
    for i in order[:left]:
        parts[i] += 1
    return [(p + minimum) * unit for p in parts]
