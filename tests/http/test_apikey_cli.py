"""``gridgov apikey``: keys issued, listed and revoked by administrators within their scope;
secrets shown once and stored only as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from gridgov.core import Actor, RoleAssignment
from gridgov.core.services.api_keys import ApiKeyService


@pytest.fixture
def subdistrict_admin(gridgov_platform):
    """An admin over the BNK community only."""
    gridgov_platform.members.assign(Actor.system(), RoleAssignment(login="worker_bnk01", post="admin", area_code="BNK",
                                                                   starts=dt.date(2026, 1, 1)))
    return "worker_bnk01"


def test_create_prints_the_secret_once_and_stores_its_hash(gridgov_cli, gridgov_platform):
    result = gridgov_cli(["apikey", "create", "worker_sx01", "--label", "handheld", "--json"], as_="admin")
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    secret = created.pop("secret")
    [row] = gridgov_platform._store.select("api_key")
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(row)
    listed = gridgov_cli(["apikey", "list", "--json"], as_="admin")
    assert secret not in listed.stdout
    assert json.loads(listed.stdout)[0]["login"] == "worker_sx01"
    key, actor = ApiKeyService(gridgov_platform).authenticate(secret)
    assert (key.label, actor.login, key.created_by) == ("handheld", "worker_sx01", "admin")


def test_an_admin_issues_keys_only_to_members_in_their_scope(gridgov_cli, subdistrict_admin):
    refused = gridgov_cli(["apikey", "create", "worker_sx01"], as_=subdistrict_admin)
    assert refused.exit_code == 3 and "member.manage" in refused.stderr
    assert gridgov_cli(["apikey", "create", "head_sx01b1"], as_="worker_sx01").exit_code == 3
    made = gridgov_cli(["apikey", "service-account", "bnk_app", "--name", "白泥坑小程序", "--area", "BNK", "--json"],
                       as_=subdistrict_admin)
    assert made.exit_code == 0, made.output
    wide = gridgov_cli(["apikey", "service-account", "lg_app", "--name", "全区", "--area", "LG"], as_=subdistrict_admin)
    assert wide.exit_code == 3


def test_list_shows_only_managed_members_and_revoke_ends_a_key(gridgov_cli, gridgov_platform, subdistrict_admin):
    gridgov_cli(["apikey", "create", "worker_sx01"], as_="admin")
    secret = json.loads(gridgov_cli(["apikey", "create", "worker_bnk01", "--json"], as_="admin").stdout)["secret"]
    mine = json.loads(gridgov_cli(["apikey", "list", "--json"], as_=subdistrict_admin).stdout)
    assert [k["login"] for k in mine] == ["worker_bnk01"]
    assert gridgov_cli(["apikey", "list", "--member", "worker_sx01"], as_=subdistrict_admin).exit_code == 3
    sx_key = json.loads(gridgov_cli(["apikey", "list", "--json"], as_="admin").stdout)[0]["id"]
    assert gridgov_cli(["apikey", "revoke", str(sx_key)], as_=subdistrict_admin).exit_code == 3
    bnk_key = mine[0]["id"]
    assert gridgov_cli(["apikey", "revoke", str(bnk_key)], as_=subdistrict_admin).exit_code == 0
    assert gridgov_cli(["apikey", "revoke", str(bnk_key)], as_="admin").exit_code == 2
    with pytest.raises(Exception, match="revoked"):
        ApiKeyService(gridgov_platform).authenticate(secret)
    assert len(json.loads(gridgov_cli(["apikey", "list", "--all", "--json"], as_="admin").stdout)) == 2
