"""Terminal UI screens of the HR policy plugin (each built by ``factory(app)``)."""

from .catalogue import CatalogueScreen, FirmPoliciesScreen
from .questions import QuestionsScreen
from .sessions import AttendanceScreen, PlanSessionScreen

__all__ = ["AttendanceScreen", "CatalogueScreen", "FirmPoliciesScreen", "PlanSessionScreen", "QuestionsScreen"]
