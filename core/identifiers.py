"""Chinese identifiers: check digits, phone numbers, and masking of personal data.

The unified social credit code (GB 32100-2015) and the resident ID number (GB 11643-1999)
both end in a check character; verifying it catches most typing errors at intake, which
is where a grid worker can still ask the firm or the resident again.
"""

from __future__ import annotations

import datetime as dt
import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def uscc_check_char(body: str) -> str:
    """The 18th character of a USCC whose first 17 characters are ``body``."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, or None when it is."""
    if len(code) != 18:
        return f"must have 18 characters, has {len(code)}"
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return f"contains characters not used in credit codes: {''.join(bad)}"
    if uscc_check_char(code[:17]) != code[17]:
        return f"check character should be {uscc_check_char(code[:17])}, not {code[17]}"
    return None


def id_check_char(body: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are ``body``."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(number: str) -> str | None:
    """Why ``number`` is not a valid 18-digit resident ID number, or None when it is."""
    if len(number) != 18:
        return f"must have 18 characters, has {len(number)}"
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "must be 17 digits followed by a digit or X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"birth date {number[6:14]} does not exist"
    if id_check_char(number[:17]) != number[17]:
        return f"check character should be {id_check_char(number[:17])}, not {number[17]}"
    return None


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` is not a mainland mobile or landline number, or None when it is."""
    if not _PHONE.fullmatch(phone):
        return "must be an 11-digit mobile number (1xxxxxxxxxx) or a landline such as 0755-12345678"
    return None


def make_uscc(body: str) -> str:
    """Complete a 17-character body with its check character (for demo data and tests)."""
    return body + uscc_check_char(body)


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """A valid ID number for a region code, birth date and 3-digit sequence."""
    body = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence % 1000:03d}"
    return body + id_check_char(body)


def mask_phone(phone: str | None) -> str | None:
    """``13812341234`` → ``138****1234``; landlines keep area code and last 4 digits."""
    if not phone:
        return phone
    digits = phone.replace("-", "")
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str | None) -> str | None:
    """``440307199001011234`` → ``440307********1234``: region and last four stay."""
    if not number:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
