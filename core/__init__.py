"""gridgov.core: the public API for integrators and plugin authors.

Everything a plugin may use is exported here; a test fails when a built-in plugin imports
anything from ``gridgov.core`` that is not in ``__all__``.
"""

__version__ = "0.1.0"

from .access import Actor, Grant, Role  # noqa: E402
from .converter import from_dict, to_dict  # noqa: E402
from .errors import (  # noqa: E402
    AccessDenied,
    GridgovError,
    NotFound,
    PluginError,
    StaleUpdate,
    TransitionRefused,
    ValidationError,
)
from .hookspecs import hookimpl  # noqa: E402
from .identifiers import (  # noqa: E402
    id_number_problem,
    make_id_number,
    make_uscc,
    mask_id_number,
    mask_phone,
    phone_problem,
    uscc_problem,
)
from .lifecycle import Lifecycle, Move, Step  # noqa: E402
from .models import (  # noqa: E402
    DEFAULT_LEVELS,
    ORGANISATION_KINDS,
    PAIRING_KINDS,
    PRIORITIES,
    RATINGS,
    AccessLogEntry,
    Area,
    DualRegistration,
    Event,
    Issue,
    Member,
    Organisation,
    Pairing,
    RoleAssignment,
)
from .platform import Platform, default_db_path  # noqa: E402
from .plugins import DEFAULT_PLUGINS, PluginHost  # noqa: E402
from .registry import Category, MetricSpec, PaletteCommand, Route, ScreenSpec  # noqa: E402
from .services.metrics import Metrics  # noqa: E402
from .sla import SlaBook, SlaRule, WorkCalendar  # noqa: E402
from .storage import LOOKUPS, Migrations, SchemaEditor, Table, TableSpec, all_of, any_of  # noqa: E402
from .timezone import UTC, DeploymentTime, instant  # noqa: E402
from .validators import (  # noqa: E402
    valid_choice,
    valid_code,
    valid_count,
    valid_id_number,
    valid_phone,
    valid_text,
)
from .workflow import OPEN_STATES, STATES, TERMINAL_STATES, Transition  # noqa: E402

__all__ = [
    "DEFAULT_LEVELS", "DEFAULT_PLUGINS", "LOOKUPS", "OPEN_STATES", "UTC", "ORGANISATION_KINDS", "PAIRING_KINDS",
    "PRIORITIES", "RATINGS", "STATES", "TERMINAL_STATES",
    "AccessDenied", "AccessLogEntry", "Actor", "Area", "Category", "DualRegistration", "Event",
    "Grant", "GridgovError", "Issue", "Lifecycle", "Member", "MetricSpec", "Metrics", "Migrations", "Move", "NotFound",
    "Organisation", "Pairing", "PaletteCommand", "Platform", "PluginError", "PluginHost", "Role",
    "RoleAssignment", "Route", "SchemaEditor", "ScreenSpec", "SlaBook", "SlaRule", "StaleUpdate", "Step",
    "Table", "TableSpec", "Transition", "TransitionRefused", "ValidationError", "WorkCalendar", "DeploymentTime",
    "all_of", "any_of", "instant",
    "default_db_path", "from_dict", "hookimpl", "id_number_problem", "make_id_number",
    "make_uscc", "mask_id_number", "mask_phone", "phone_problem", "to_dict", "uscc_problem",
    "valid_choice", "valid_code", "valid_count", "valid_id_number", "valid_phone", "valid_text",
    "__version__",
]  # fmt: skip
