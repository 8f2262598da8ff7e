"""API keys: how a member (a person or an intake channel) signs the HTTP service's requests.

A key is a random secret shown once, when it is made; the database keeps only its SHA-256,
so a copy of the database (a backup, an export) holds no key that works. Keys are
administered like members: only an actor who manages the member (``member.manage`` over
every place the member is tied to) issues, lists or revokes the member's keys. A key acts
as its member and nothing more: the member's posts decide what it may do, and a
deactivated member's keys stop working at once (the member holds no post).
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import secrets
from typing import Any

import attrs

from ..access import Actor
from ..converter import from_dict
from ..errors import AccessDenied, NotFound, ValidationError
from ..models import SOURCES, Member
from .base import Service

SECRET_PREFIX = "ggk_"
"""Every secret starts with this, so a leaked key is easy to find in logs and repositories."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def mask_email(email: str | None) -> str | None:
    """``resident@example.com`` → ``r*******@example.com``."""
    if not email:
        return email
    name, at, domain = email.partition("@")
    return (name[:1] + "*" * max(len(name) - 1, 1) + at + domain) if at else "*" * len(email)


@attrs.frozen(kw_only=True)
class ApiKey:
    """A key as listed: who it acts as, for what, and whether it still works; never the secret."""

    id: int
    login: str
    label: str = ""
    prefix: str
    source: str = "online"
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _key(row: dict) -> ApiKey:
    return from_dict(ApiKey, {f.name: row[f.name] for f in attrs.fields(ApiKey) if f.name in row})


class ApiKeyService(Service):
    def _member(self, login: str) -> Member:
        row = self.store.find("member", login)
        if row is None:
            raise NotFound("member", login)
        return from_dict(Member, row)

    def create(self, actor: Actor, login: str, *, label: str = "", source: str = "online") -> tuple[ApiKey, str]:
        """A new key for ``login``; returns the key and its secret (shown this once).
        ``source`` is what the member's reports record as their channel (online, hotline…)."""
        if source not in SOURCES:
            raise ValidationError("source", f"{source!r} is not one of {', '.join(SOURCES)}")
        if len(label) > 100:
            raise ValidationError("label", f"is {len(label)} characters, at most 100")
        member = self._member(login)
        self.platform.members.require_manage(actor, member)
        if not member.active:
            raise ValidationError("login", f"{login} is deactivated; a key for them would not work")
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        row = {"login": login, "label": label, "prefix": secret[: len(SECRET_PREFIX) + 6],
               "secret_hash": hash_secret(secret), "source": source, "created_at": self.platform.now(),
               "created_by": actor.login}
        key_id = self.store.insert("api_key", row)
        return _key({**row, "id": key_id}), secret

    def list(self, actor: Actor, *, login: str | None = None, include_revoked: bool = False) -> builtins.list[ApiKey]:
        """The keys of the members the actor manages (all of one member's with ``login``)."""
        where: dict[str, Any] = {"login": login} if login else {}
        if not include_revoked:
            where["revoked_at__isnull"] = True
        rows = self.store.select("api_key", order_by="id", **where)
        managed: dict[str, bool] = {}
        for row in rows:
            if row["login"] not in managed:
                managed[row["login"]] = self._manages(actor, row["login"])
        if login and not managed.get(login, self._manages(actor, login)):
            raise AccessDenied(actor.denial("member.manage", f"member {login}"))
        return [_key(r) for r in rows if managed[r["login"]]]

    def _manages(self, actor: Actor, login: str) -> bool:
        try:
            self.platform.members.require_manage(actor, self._member(login))
        except AccessDenied:
            return False
        return True

    def revoke(self, actor: Actor, key_id: int) -> ApiKey:
        """End a key now (it is kept, revoked, so past uses stay explained)."""
        row = self.store.find("api_key", key_id)
        if row is None:
            raise NotFound("api key", key_id)
        self.platform.members.require_manage(actor, self._member(row["login"]))
        if row["revoked_at"] is not None:
            raise ValidationError("key", f"api key {key_id} was revoked already")
        changes = {"revoked_at": self.platform.now(), "revoked_by": actor.login}
        self.store.update("api_key", key_id, changes)
        return _key({**row, **changes})

    def authenticate(self, secret: str | None) -> tuple[ApiKey, Actor]:
        """The key and the actor a secret signs for; AccessDenied for an unknown or revoked
        key and for a deactivated member (checked on every request, so it acts at once)."""
        if not secret or not secret.startswith(SECRET_PREFIX):
            raise AccessDenied("a valid api_key is required")
        rows = self.store.select("api_key", secret_hash=hash_secret(secret))
        if not rows or rows[0]["revoked_at"] is not None:
            raise AccessDenied("the api_key is unknown or revoked")
        key = _key(rows[0])
        actor = self.platform.members.actor(key.login)
        if not actor.active:
            raise AccessDenied(actor.denial("any permission"))
        return key, actor
