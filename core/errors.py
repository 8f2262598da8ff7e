"""Errors the core raises.

Every error carries enough to print one line that names the record, the field and the
reason, because that line is what the CLI shows and what the TUI puts in a notice.
"""

from __future__ import annotations


class GridgovError(Exception):
    """Base of every error the core raises on purpose."""

    exit_code = 1


class ValidationError(GridgovError, ValueError):
    """Bad input: names the record, the field and the reason."""

    exit_code = 2

    def __init__(self, field: str, reason: str, *, record: str | None = None) -> None:
        self.field = field
        self.reason = reason
        self.record = record
        where = f"{record}: " if record else ""
        super().__init__(f"{where}{field}: {reason}")

    def at(self, record: str) -> ValidationError:
        """The same error, located at a record (e.g. ``members.csv line 12``)."""
        where = f"{record}: {self.record}" if self.record else record
        return ValidationError(self.field, self.reason, record=where)


class NotFound(GridgovError, LookupError):
    exit_code = 2

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!s} not found")


class AccessDenied(GridgovError, PermissionError):
    """The actor lacks the permission, or the record lies outside the actor's scope."""

    exit_code = 3


class TransitionRefused(GridgovError):
    """A workflow action that may not happen now; ``reason`` says why."""

    exit_code = 4

    def __init__(self, issue_id: object | None, action: str, reason: str, *, record: str = "issue") -> None:
        self.issue_id = issue_id
        self.key = issue_id
        self.record = record
        self.action = action
        self.reason = reason
        subject = f"{record} {issue_id}" if issue_id is not None else f"new {record}"
        super().__init__(f"{subject}: {action} refused: {reason}")


class StaleUpdate(GridgovError):
    """Somebody else changed the record (a case, a member, a plugin's row) since it was read."""

    exit_code = 5

    def __init__(self, key: object, expected: int, actual: int, *, record: str = "issue") -> None:
        self.key = key
        self.issue_id = key
        self.record = record
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{record} {key} was changed by someone else: you had version {expected}, "
            f"the database has version {actual}; reload and try again"
        )


class DatabaseBusy(GridgovError):
    """Another process held the write lock for longer than the busy timeout."""

    exit_code = 6

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"the database is busy: another process has held the write lock for over {seconds} s; "
                         "nothing was changed, try again")


class WriteConflict(GridgovError):
    """Two writers waited on each other (PostgreSQL broke the deadlock by ending this one)."""

    exit_code = 6

    def __init__(self) -> None:
        super().__init__("another writer changed the same records at the same moment; nothing was changed, try again")


class PluginError(GridgovError):
    """A plugin failed to load or raised in a hook."""

    def __init__(self, plugin: str, hook: str, error: BaseException) -> None:
        self.plugin = plugin
        self.hook = hook
        self.error = error
        super().__init__(f"plugin {plugin} failed in {hook}: {type(error).__name__}: {error}")
