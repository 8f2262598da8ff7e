"""Terminal UI screens of the finance stations (Textual). Each receives the app context
(``platform``, ``actor``, ``lang``) and calls :class:`~..service.FinanceService` only."""

from .detail import ConsultationScreen
from .firm import FirmScreen
from .forms import FormModal
from .queue import StationQueueScreen
from .stations import StationsScreen

__all__ = ["ConsultationScreen", "FirmScreen", "FormModal", "StationQueueScreen", "StationsScreen"]
