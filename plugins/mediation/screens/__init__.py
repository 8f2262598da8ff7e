"""Terminal UI screens of the mediation plugin. Each factory takes the running app, which
carries ``platform``, ``actor`` and ``lang``."""

from __future__ import annotations

from typing import Any


def dispute_list_screen(app: Any):
    from .disputes import DisputeListScreen

    return DisputeListScreen(app)


def dispute_detail_screen(app: Any, dispute_id: int):
    from .detail import DisputeDetailScreen

    return DisputeDetailScreen(app, dispute_id)


def calendar_screen(app: Any):
    from .calendar import CalendarScreen

    return CalendarScreen(app)
