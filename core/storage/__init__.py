"""The storage layer: the only part of gridgov that speaks SQL (through sqlite-utils)."""

from .connection import connect
from .store import Store
from .tables import Migrations, SchemaEditor, Table

__all__ = ["Migrations", "SchemaEditor", "Store", "Table", "connect"]
