"""The staff API on both engines: keys act as their member, with the CLI's scopes,
refusals, masking, access log and stale-update checks."""

from __future__ import annotations

import pytest
from gridgov.core import Actor
from gridgov.core.services.api_keys import ApiKeyService
from http_support import POINT_SX01

pytestmark = pytest.mark.gridgov_engines
API = "/api/v1"


@pytest.fixture
def case_id(http_platform, gridgov_issue):
    return gridgov_issue(platform=http_platform, to="registered", requester_phone="13812345678").id


def test_no_key_or_a_bad_key_is_401(client):
    assert client.get(f"{API}/issues").status_code == 401
    response = client.get(f"{API}/issues", headers={"Authorization": "Bearer ggk_unknown"})
    assert response.status_code == 401 and response.json()["error"] == "unauthorised"


def test_the_queue_is_the_members_own(client, staff_key, case_id, http_platform):
    mine = client.get(f"{API}/issues", headers=staff_key("worker_sx01")).json()["items"]
    assert [i["id"] for i in mine] == [i.id for i in http_platform.issues.list(http_platform.actor("worker_sx01"))]
    assert case_id in [i["id"] for i in mine]
    theirs = client.get(f"{API}/issues", headers=staff_key("worker_bnk01")).json()["items"]
    assert case_id not in [i["id"] for i in theirs]
    denied = client.get(f"{API}/issues/{case_id}", headers=staff_key("worker_bnk01"))
    assert denied.status_code == 403 and denied.json()["error"] == "access_denied"


def test_a_case_has_its_timeline_and_the_actions_available_now(client, staff_key, case_id):
    body = client.get(f"{API}/issues/{case_id}", headers=staff_key("dispatcher_sx")).json()
    assert body["issue"]["status"] == "registered" and body["issue"]["requester_phone"] == "138****5678"
    assert [e["action"] for e in body["events"]] == ["report", "register"]
    assert "dispatch" in body["actions"] and "accept" not in body["actions"]
    assert "dispatch" not in client.get(f"{API}/issues/{case_id}", headers=staff_key("worker_sx01")).json()["actions"]


def test_unmasking_is_checked_and_logged(client, staff_key, case_id, http_platform):
    assert client.get(f"{API}/issues/{case_id}", params={"unmask_reason": "回访"},
                      headers=staff_key("worker_sx01")).status_code == 403
    body = client.get(f"{API}/issues/{case_id}", params={"unmask_reason": "回访"}, headers=staff_key("admin")).json()
    assert body["issue"]["requester_phone"] == "13812345678"
    log = http_platform.access_log(Actor.system())
    assert log[0]["actor"] == "admin" and log[0]["reason"] == "回访"


def test_actions_refusals_and_stale_versions(client, staff_key, case_id):
    dispatcher = staff_key("dispatcher_sx")
    version = client.get(f"{API}/issues/{case_id}", headers=dispatcher).json()["issue"]["version"]
    done = client.post(f"{API}/issues/{case_id}/actions/dispatch", headers=dispatcher,
                       json={"org": "ZJJ", "expected_version": version})
    assert done.status_code == 200 and done.json()["status"] == "dispatched"
    assert done.json()["version"] == version + 1
    stale = client.post(f"{API}/issues/{case_id}/actions/urge", headers=dispatcher,
                        json={"note": "加快", "expected_version": version})
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_update" and stale.json()["current_version"] == version + 1
    refused = client.post(f"{API}/issues/{case_id}/actions/close", headers=dispatcher, json={"rating": "satisfied"})
    assert refused.status_code == 409 and refused.json()["error"] == "transition_refused"
    assert "needs verified" in refused.json()["message"]
    not_theirs = client.post(f"{API}/issues/{case_id}/actions/accept", headers=staff_key("handler_cgj"), json={})
    assert not_theirs.status_code in (403, 409)
    accepted = client.post(f"{API}/issues/{case_id}/actions/accept", headers=staff_key("handler_zjj"), json={})
    assert accepted.status_code == 200 and accepted.json()["status"] == "in_progress"


def test_events_are_attributed_to_the_keys_member(client, staff_key, case_id, http_platform):
    client.post(f"{API}/issues/{case_id}/actions/dispatch", headers=staff_key("dispatcher_sx"), json={"org": "ZJJ"})
    last = http_platform.issues.events(Actor.system(), case_id)[-1]
    assert (last.action, last.actor) == ("dispatch", "dispatcher_sx")


def test_a_deactivated_members_keys_stop_at_once(client, staff_key, http_platform):
    headers = staff_key("worker_sx01")
    assert client.get(f"{API}/me", headers=headers).json()["login"] == "worker_sx01"
    http_platform.members.update(Actor.system(), "worker_sx01", active=False)
    response = client.get(f"{API}/issues", headers=headers)
    assert response.status_code == 403 and "deactivated" in response.json()["message"]


def test_a_revoked_key_stops(client, staff_key, http_platform):
    headers = staff_key("worker_sx01")
    key_id = client.get(f"{API}/me", headers=headers).json()["api_key_id"]
    ApiKeyService(http_platform).revoke(Actor.system(), key_id)
    assert client.get(f"{API}/me", headers=headers).status_code == 401


def test_a_grid_worker_reports_from_a_point(client, staff_key, http_platform):
    response = client.post(f"{API}/issues", headers=staff_key("worker_sx01"),
                           json={"category": "environment.sanitation", "title": "垃圾桶满溢",
                                 "lat": POINT_SX01[0], "lon": POINT_SX01[1]})
    assert response.status_code == 201, response.text
    assert response.json()["area_code"] == "SX01" and response.json()["reporter"] == "worker_sx01"
    outside = client.post(f"{API}/issues", headers=staff_key("worker_bnk01"),
                          json={"category": "noise", "title": "噪声", "area": "SX01"})
    assert outside.status_code == 403


def test_stats_are_the_metrics_of_the_area(client, staff_key, gridgov_issue, http_platform):
    gridgov_issue(platform=http_platform, to="closed")
    body = client.get(f"{API}/stats", params={"area": "SX"}, headers=staff_key("dispatcher_sx")).json()
    expected = http_platform.metrics.for_area(http_platform.actor("dispatcher_sx"), "SX").as_dict()
    assert body == expected and body["flows"]["closed"] == 1 and body["rates"]["closure_rate"] == 1.0
    assert client.get(f"{API}/stats", params={"area": "LG"}, headers=staff_key("dispatcher_sx")).status_code == 403
    assert client.get(f"{API}/stats", headers=staff_key("dispatcher_sx")).json()["scope"] == "area:SX"


def test_the_openapi_document_is_served(client):
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/issues", "/api/v1/issues/{issue_id}/actions/{action}", "/open311/v2/requests.{format}"} <= set(
        document["paths"])
