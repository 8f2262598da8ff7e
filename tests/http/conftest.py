"""Fixtures for the HTTP service's tests: an app on a test platform (either engine), an
intake channel's key for Open311 POSTs, and members' keys for the staff API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from gridgov.core import Actor, Platform
from gridgov.core.http import PlatformPool, create_app
from gridgov.core.services.api_keys import ApiKeyService
from http_support import add_channel


@pytest.fixture
def http_platform(gridgov_make_platform) -> Platform:
    return gridgov_make_platform()


@pytest.fixture
def client(http_platform) -> TestClient:
    with TestClient(create_app(PlatformPool.of(http_platform))) as test_client:
        yield test_client


@pytest.fixture
def channel_key(http_platform) -> str:
    return add_channel(http_platform)


@pytest.fixture
def staff_key(http_platform) -> Callable[[str], dict[str, str]]:
    """Headers carrying a new key of the member ``login``."""

    def make(login: str) -> dict[str, str]:
        _, secret = ApiKeyService(http_platform).create(Actor.system(), login, label="test")
        return {"Authorization": f"Bearer {secret}"}

    return make
