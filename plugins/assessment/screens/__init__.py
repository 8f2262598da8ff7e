"""Terminal UI screens of the assessment plugin: the plan with its explanations and the
rotation diff, a check-in calendar, and the yearly sheets. Textual loads only when a
screen opens."""

from __future__ import annotations

from typing import Any


def plan_screen(app: Any):
    from .plan import PlanScreen

    return PlanScreen(app)


def calendar_screen(app: Any):
    from .calendar import CalendarScreen

    return CalendarScreen(app)


def sheets_screen(app: Any):
    from .sheets import SheetsScreen

    return SheetsScreen(app)
