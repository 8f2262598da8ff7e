"""Creating and dropping PostgreSQL databases (tests, ``gridgov db copy`` targets, the
deployment guide's checks), through a maintenance connection to the server."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import psycopg

from .pg_engine import _POOLS, _POOLS_LOCK

_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def url_for(server_url: str, database: str) -> str:
    """``server_url`` with its database replaced by ``database``."""
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


def _check(name: str) -> str:
    if not _DB_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain database name")
    return name


def close_pool(url: str) -> None:
    """Close this process's pool for ``url`` (before the database is dropped or copied)."""
    with _POOLS_LOCK:
        for key in [k for k in _POOLS if k[1] == url]:
            _POOLS.pop(key).close()


def create_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """Create database ``name`` (from ``template`` if given); returns its URL."""
    with psycopg.connect(url_for(server_url, "postgres"), autocommit=True) as conn:
        clause = f' TEMPLATE "{_check(template)}"' if template else ""
        conn.execute(f'CREATE DATABASE "{_check(name)}"{clause}')
    return url_for(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    close_pool(url_for(server_url, name))
    with psycopg.connect(url_for(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_check(name)}" WITH (FORCE)')


def database_exists(server_url: str, name: str) -> bool:
    with psycopg.connect(url_for(server_url, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
