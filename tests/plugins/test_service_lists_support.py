"""Shared set-up for the service-lists tests: a list keeper of community SX, a unit
contact of the SX-PB01 branch, and a few resources and services on the sample deployment."""

from __future__ import annotations

import datetime as dt

from gridgov.core import Actor, Member, RoleAssignment
from gridgov.plugins.service_lists.records import Need, Resource, Service
from gridgov.plugins.service_lists.service import ListsService

SYSTEM = Actor.system()
START = dt.date(2026, 1, 1)


def staff(platform) -> dict[str, Actor]:
    """keeper_sx keeps SX's lists; unit_pb01 acts for the branch SX-PB01."""
    with platform.transaction():
        for login, name, org, post, area, scope_org in (
            ("keeper_sx", "清单管理员陈静", None, "list_keeper", "SX", None),
            ("keeper_bnk", "清单管理员何平", None, "list_keeper", "BNK", None),
            ("unit_pb01", "支部联络员孙浩", "SX-PB01", "service_unit", None, "SX-PB01"),
        ):
            platform.members.add(SYSTEM, Member(login=login, name=name, org_code=org))
            platform.members.assign(SYSTEM, RoleAssignment(login=login, post=post, area_code=area, org_code=scope_org,
                                                           starts=START))  # fmt: skip
    return {login: platform.actor(login) for login in ("keeper_sx", "keeper_bnk", "unit_pb01", "worker_sx01",
                                                        "worker_sx02", "handler_zjj", "dispatcher_sx", "admin")}


def resource(platform, actor, *, org="SX-PB01", tags=("助老", "助餐"), capacity=5, serve=("SX",), **kw):
    return ListsService(platform).add_resource(actor, Resource(
        org_code=org, title=kw.pop("title", "党员志愿助老服务"), tags=tags, capacity=capacity,
        starts=kw.pop("starts", START), ends=kw.pop("ends", dt.date(2026, 12, 31)), serve_areas=serve, **kw))


def need(platform, actor, *, area="SX01-B1", tags=("助老",), units=1, **kw):
    return ListsService(platform).add_need(actor, Need(area_code=area, title=kw.pop("title", "独居老人助餐"),
                                                       tags=tags, units=units, **kw))


def service(platform, actor, *, org="SX-PB01", capacity=3, areas=("SX",), **kw):
    return ListsService(platform).add_service(actor, Service(
        org_code=org, title=kw.pop("title", "上门理发"), monthly_capacity=capacity, order_areas=areas, **kw))
