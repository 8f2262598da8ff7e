"""Messages the screens send each other through the app."""

from __future__ import annotations

from textual.message import Message


class OpenIssue(Message):
    """Show one case (from the queue, the home screen, intake or a plugin)."""

    def __init__(self, issue_id: int) -> None:
        super().__init__()
        self.issue_id = issue_id


class IssueChanged(Message):
    """A case was reported or acted on: screens showing counts or lists refresh on resume."""

    def __init__(self, issue_id: int, action: str) -> None:
        super().__init__()
        self.issue_id = issue_id
        self.action = action
