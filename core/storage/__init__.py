"""The storage layer: the only part of gridgov that speaks SQL (through sqlite-utils)."""

from .connection import connect
from .store import Store
from .tables import LOOKUPS, Migrations, SchemaEditor, Table, TableSpec, all_of, any_of

__all__ = ["LOOKUPS", "Migrations", "SchemaEditor", "Store", "Table", "TableSpec", "all_of", "any_of", "connect"]
