"""A phone-number input that takes digits (and ``+ -`` and spaces) only, and masks the
number once the cursor leaves it.

The full number is kept in :attr:`phone` and shown again while the field has focus, so
the person at the desk can correct it; on screen (and in screenshots) it stays masked.
"""

from __future__ import annotations

from gridgov.core import mask_phone
from textual import events
from textual.widgets import Input

PHONE_CHARACTERS = r"[0-9+\- ]*"


class PhoneInput(Input):
    def __init__(self, **kwargs) -> None:
        super().__init__(type="text", max_length=20, restrict=PHONE_CHARACTERS, **kwargs)
        self.phone = ""

    def on_blur(self, _event: events.Blur) -> None:
        if self.value != mask_phone(self.phone) or not self.phone:
            self.phone = self.value.strip()
        if self.phone:
            self.value = mask_phone(self.phone)

    def on_focus(self, _event: events.Focus) -> None:
        if self.phone and self.value == mask_phone(self.phone):
            self.value = self.phone

    def current(self) -> str:
        """The number as typed, whether the field shows it masked or not."""
        if self.phone and self.value == mask_phone(self.phone):
            return self.phone
        return self.value.strip()

    def clear_phone(self) -> None:
        self.phone = ""
        self.value = ""
