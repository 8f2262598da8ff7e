"""The storage layer: the only part of gridgov that speaks SQL (SQLite through
sqlite-utils, PostgreSQL through psycopg)."""

from .connection import connect
from .engine import is_postgres_url, open_engine
from .store import Store
from .tables import LOOKUPS, Migrations, SchemaEditor, Table, TableSpec, all_of, any_of

__all__ = [
    "LOOKUPS", "Migrations", "SchemaEditor", "Store", "Table", "TableSpec", "all_of", "any_of", "connect",
    "is_postgres_url", "open_engine",
]  # fmt: skip
