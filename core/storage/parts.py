"""What the store's mixins (issue rows, counters) rely on from :class:`~.store.Store`,
stated once so a type checker and a reader both know it."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from .engine import Engine


class StoreParts:
    """The store's own members the mixins use; :class:`~.store.Store` provides them."""

    sql: Engine

    def write(self, *, savepoint: bool = False) -> contextlib.AbstractContextManager[Engine]:
        raise NotImplementedError

    def get(self, table: str, key: Any) -> dict[str, Any]:
        raise NotImplementedError

    def _row(self, table: str, values: Sequence[Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _columns(self, table: str) -> list[str]:
        raise NotImplementedError
