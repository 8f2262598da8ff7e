"""A small state machine for a plugin's own records (a consultation, a dispute, an order).

The core's cases have the workflow table; a department's records have lives of their own
and used to hand-write them. A :class:`Lifecycle` holds the states and the moves as data,
refuses a move with the reason (the record's name, not "issue"), says which moves a record
offers now, and writes an optional history row per move::

    ORDER = Lifecycle("order", states=("placed", "taken", "done", "cancelled"), initial="placed", moves=(
        Move("take", {"placed"}, "taken", permission="lists.serve"),
        Move("complete", {"taken"}, "done", requires={"note"}),
        Move("cancel", {"placed", "taken"}, "cancelled", requires={"note"}),
    ))
    step = ORDER.step(row["status"], "take", key=row["id"], actor=actor, path=row["area_path"])
    table.update(row["id"], {"status": step.target}, expected_version=row["version"])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .access import Actor, frozen_strings
from .errors import TransitionRefused


@attrs.frozen
class Move:
    """One move: the states it may start from, the state it leads to, the permission the
    actor needs over the record's area, the parameters it cannot do without, and an
    optional ``check(record, params)`` returning why it cannot apply now. Name, sources
    and target may be given by position (a table of moves reads better that way)."""

    name: str
    sources: frozenset[str] = attrs.field(converter=frozen_strings)
    target: str = attrs.field()
    permission: str | None = attrs.field(default=None, kw_only=True)
    requires: frozenset[str] = attrs.field(default=frozenset(), converter=frozen_strings, kw_only=True)
    check: Callable[[Mapping[str, Any], Mapping[str, Any]], str | None] | None = attrs.field(
        default=None, eq=False, kw_only=True)
    name_zh: str = attrs.field(default="", kw_only=True)
    name_en: str = attrs.field(default="", kw_only=True)

    def label(self, lang: str) -> str:
        return (self.name_zh if lang == "zh" else self.name_en) or self.name


@attrs.frozen(kw_only=True)
class Step:
    """A move that may happen: what the record becomes, for the caller to write."""

    move: Move
    source: str
    target: str

    def history(self, key: Any, actor: Actor, at: dt.datetime, note: str = "") -> dict[str, Any]:
        """A history row (``record_id, move, from_status, to_status, actor, at, note``) for a
        table the plugin declares with those columns."""
        return {"record_id": key, "move": self.move.name, "from_status": self.source, "to_status": self.target,
                "actor": actor.login, "at": at, "note": note}


class Lifecycle:
    """States and moves of one kind of record."""

    def __init__(self, record: str, *, states: Sequence[str], initial: str, moves: Iterable[Move],
                 terminal: Iterable[str] | None = None) -> None:
        self.record = record
        self.states = tuple(states)
        self.initial = initial
        found = list(moves)
        self.moves = {m.name: m for m in found}
        if len(self.moves) != len(found):
            raise ValueError(f"{record}: two moves share a name")
        known = set(self.states)
        if initial not in known:
            raise ValueError(f"{record}: initial state {initial!r} is not among {self.states}")
        for move in found:
            unknown = (set(move.sources) | {move.target}) - known
            if unknown:
                raise ValueError(f"{record}: move {move.name} uses unknown states {sorted(unknown)}")
        leaving = {s for m in found for s in m.sources}
        self.terminal = frozenset(terminal) if terminal is not None else frozenset(known - leaving)

    def is_terminal(self, status: str) -> bool:
        return status in self.terminal

    def move(self, name: str, key: Any = None) -> Move:
        try:
            return self.moves[name]
        except KeyError:
            raise TransitionRefused(key, name, f"unknown move; {self.record} moves are {', '.join(self.moves)}",
                                    record=self.record) from None

    def refusal(self, status: str, name: str, *, actor: Actor | None = None, path: str | None = None,
                record: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None) -> str | None:
        """Why move ``name`` cannot happen to a record in ``status`` now, or None."""
        move = self.move(name)
        if status not in move.sources:
            return f"the {self.record} is {status}; {name} needs {' or '.join(sorted(move.sources))}"
        if move.permission and actor is not None and not actor.covers(move.permission, path):
            return actor.denial(move.permission, "this record's area")
        params = params or {}
        for needed in sorted(move.requires):
            value = params.get(needed)
            if value is None or (isinstance(value, str) and not value.strip()):
                return f"{needed} is required"
        if move.check is not None:
            return move.check(record or {}, params)
        return None

    def available(self, status: str, *, actor: Actor | None = None, path: str | None = None,
                  record: Mapping[str, Any] | None = None) -> list[str]:
        """The moves a record in ``status`` offers this actor now (offer only what can
        succeed: a screen shows these keys and no others). Required parameters are asked
        for when the move is chosen, so they do not hide a move."""
        out = []
        for name, move in self.moves.items():
            if status not in move.sources:
                continue
            if move.permission and actor is not None and not actor.covers(move.permission, path):
                continue
            if move.check is not None and move.check(record or {}, {}) is not None:
                continue
            out.append(name)
        return out

    def step(self, status: str, name: str, *, key: Any = None, actor: Actor | None = None, path: str | None = None,
             record: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None) -> Step:
        """The step of move ``name`` from ``status``; raises :class:`TransitionRefused`
        naming the record (``consultation 12: grant refused: …``)."""
        reason = self.refusal(status, name, actor=actor, path=path, record=record, params=params)
        if reason:
            raise TransitionRefused(key, name, reason, record=self.record)
        move = self.moves[name]
        return Step(move=move, source=status, target=move.target)

    def table(self) -> list[tuple[str, str, str, str]]:
        """The moves as rows ``(move, from, to, permission)`` (for docs and help screens)."""
        return [(m.name, " | ".join(sorted(m.sources)), m.target, m.permission or "") for m in self.moves.values()]
