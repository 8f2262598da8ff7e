"""What every service shares: the platform it serves and the masking rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..platform import Platform


class Service:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform._store
