"""Platforms for the request threads: each request borrows one, runs in one store
transaction on it, and gives it back.

A Platform is not thread-safe, and opening one loads the plugins and reads the
deployment's settings (about 10 ms once the modules are imported, 0.3 s for the first),
against a request's few milliseconds. So each worker process keeps a small pool: at most
``size`` platforms, opened on first need and reused; a request that finds none free waits
for one. On PostgreSQL the platforms of a process share its connection pool.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator

from ..platform import Platform


class PlatformPool:
    def __init__(self, open_platform: Callable[[], Platform], size: int = 4) -> None:
        if size < 1:
            raise ValueError("a platform pool needs at least one platform")
        self._open = open_platform
        self.size = size
        self._free: queue.LifoQueue[Platform] = queue.LifoQueue()
        self._all: list[Platform] = []
        self._lock = threading.Lock()
        self._owned = True

    @classmethod
    def of(cls, platform: Platform) -> PlatformPool:
        """A pool holding one existing platform (tests, embedding in one thread)."""
        pool = cls(lambda: platform, size=1)
        pool._owned = False
        pool._take_new()
        pool._free.put(platform)
        return pool

    def _take_new(self) -> Platform | None:
        with self._lock:
            if len(self._all) >= self.size:
                return None
            platform = self._open()
            self._all.append(platform)
            return platform

    @contextlib.contextmanager
    def borrow(self) -> Iterator[Platform]:
        try:
            platform = self._free.get_nowait()
        except queue.Empty:
            platform = self._take_new() or self._free.get()
        try:
            yield platform
        finally:
            self._free.put(platform)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Platform]:
        """A borrowed platform inside one store transaction (committed when the block
        ends without an error, rolled back otherwise)."""
        with self.borrow() as platform, platform.transaction():
            yield platform

    @contextlib.contextmanager
    def reading(self) -> Iterator[Platform]:
        """A borrowed platform inside one read-only transaction (for GETs: one view of
        the database, without the write lock)."""
        with self.borrow() as platform, platform._store.read():
            yield platform

    def first(self) -> Platform:
        """A platform to read the deployment's registrations from (categories, roles)."""
        with self.borrow() as platform:
            return platform

    def close(self) -> None:
        with self._lock:
            for platform in self._all if self._owned else ():
                platform.close()
            self._all.clear()
