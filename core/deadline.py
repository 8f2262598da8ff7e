"""A time budget for plugin hooks.

A workflow hook runs inside the transaction of the change it sees, holding the database's
write lock: a hook that sleeps makes every other writer wait, and one that loops hangs the
command. On the main thread (the CLI, the terminal UI) a hook past its budget is
interrupted by ``SIGALRM``: :class:`HookTimeout` is raised inside it, its savepoint is
rolled back, and it is reported like any other plugin failure while the change goes on.
Elsewhere (worker threads) Python cannot interrupt it; the overrun is measured and
reported when the hook returns.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

DEFAULT_BUDGET_S = 5.0


class HookTimeout(Exception):
    """A plugin hook ran past its time budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"ran past its time budget of {seconds:g} s and was stopped; its writes were undone")


def budget_seconds() -> float:
    """``$GRIDGOV_HOOK_BUDGET`` seconds (default 5; 0 turns the budget off)."""
    try:
        return max(0.0, float(os.environ.get("GRIDGOV_HOOK_BUDGET", DEFAULT_BUDGET_S)))
    except ValueError:
        return DEFAULT_BUDGET_S


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`HookTimeout` in the body once ``seconds`` have passed (main thread
    only; nested budgets keep the outer one's deadline)."""
    usable = seconds > 0 and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not usable:
        yield
        return

    def expired(_signum: int, _frame: object) -> None:
        raise HookTimeout(seconds)

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expired)
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    if 0 < outer_delay < seconds:
        signal.setitimer(signal.ITIMER_REAL, outer_delay)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - started), 0.001))
