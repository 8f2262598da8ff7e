"""Clients nobody here wrote: the georeport package (PyPI) reads services, a service
definition and requests over real HTTP, in both formats; schemathesis sends generated
requests to every operation of the served OpenAPI document and finds no server error
and no answer that breaks its documented schema."""

from __future__ import annotations

import pytest
import schemathesis
from georeport import GeoReport
from gridgov.core import Actor
from gridgov.core.http import PlatformPool, create_app
from gridgov.core.services.api_keys import ApiKeyService
from http_support import POINT_SX01, LiveServer, add_channel
from hypothesis import HealthCheck, settings


@pytest.fixture
def live(http_platform):
    with LiveServer(create_app(PlatformPool.of(http_platform))) as url:
        yield url


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_what_we_serve(live, http_platform, client, fmt):
    key = add_channel(http_platform)
    posted = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "road.repair", "lat": POINT_SX01[0], "long": POINT_SX01[1],
        "description": "山厦路口井盖缺失"}).json()[0]["service_request_id"]
    other = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "noise", "lat": POINT_SX01[0], "long": POINT_SX01[1],
        "description": "夜间施工噪声扰民"}).json()[0]["service_request_id"]
    http_platform.issues.act(Actor.system(), other, "reject", note="已转交城管执法")
    georeport = GeoReport(f"{live}/open311/v2", output_format=fmt)
    services = georeport.get_service_list()
    assert sorted(s["service_code"] for s in services) == sorted(http_platform.categories)
    definition = georeport.get_service_definition("mediation.dispute")
    attribute = definition["attributes"][0] if fmt == "json" else definition["attributes"]["attribute"]
    assert attribute["code"] == "kind"
    found = georeport.get_service_requests(status="open")
    found = found if isinstance(found, list) else [found]
    assert [str(r["service_request_id"]) for r in found] == [str(posted)]
    closed = georeport.get_service_requests(status="closed", service_code="noise")
    closed = closed if isinstance(closed, list) else [closed]
    assert [str(r["service_request_id"]) for r in closed] == [str(other)]
    assert closed[0]["status_notes"] == "已转交城管执法"
    one = georeport.get_service_request(str(posted))
    assert str(one["service_request_id"]) == str(posted) and one["status"] == "open"
    assert one["address"].startswith("山厦社区第01网格")


@pytest.fixture
def api_schema(http_platform):
    app = create_app(PlatformPool.of(http_platform))
    app.state.test_secret = ApiKeyService(http_platform).create(Actor.system(), "dispatcher_sx", label="fuzz")[1]
    app.state.test_channel = add_channel(http_platform)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_as_documented(case):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    state = case.operation.schema.app.state
    headers = {"Authorization": f"Bearer {state.test_secret}"} if case.path.startswith("/api/") else {}
    if case.method == "POST" and case.path.startswith("/open311/") and isinstance(case.body, dict):
        case.body["api_key"] = state.test_channel
    case.call_and_validate(headers=headers, checks=[not_a_server_error, status_code_conformance,
                                                    content_type_conformance, response_schema_conformance])
