"""A bounded load test of ``gridgov serve`` on loopback; prints JSON.

It builds the small demo (on a new SQLite file, or in a new database of the PostgreSQL
server named by --pg or $GRIDGOV_TEST_PG_URL), adds an intake channel with a key, starts
``gridgov serve --workers N`` on 127.0.0.1, and runs C concurrent clients for S seconds:
a mix of Open311 POSTs (a resident's point inside a random grid, unique text) and GETs
(request lists, single requests, the service list, a grid worker's queue through the
staff API). Then it stops the server and checks that every acknowledged POST is in the
database with its token, and that replaying each one's events gives the stored case.

    python bench/http_load.py                       # SQLite, 32 clients, 30 s, 4 workers
    .ci/with-postgres python bench/http_load.py --pg  # the same on PostgreSQL
    python bench/http_load.py --seconds 3 --clients 4 --workers 2   # a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

GRIDGOV = [str(Path(sys.executable).with_name("gridgov"))]
CATEGORIES = ("road.repair", "environment.sanitation", "facility.repair", "noise", "parking", "greening")


def gridgov(db: str, *args: str) -> str:
    env = {**os.environ, "GRIDGOV_LANG": "en"}
    done = subprocess.run([*GRIDGOV, "--db", db, *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"gridgov {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(args: argparse.Namespace, workdir: Path) -> str:
    if args.pg:
        from gridgov.core.storage import pg_admin

        server = args.pg if args.pg is not True else os.environ.get("GRIDGOV_TEST_PG_URL")
        if not server:
            raise SystemExit("--pg needs a server URL or $GRIDGOV_TEST_PG_URL (run under .ci/with-postgres)")
        name = f"gridgov_load_{os.getpid()}"
        pg_admin.drop_database(server, name)
        db = pg_admin.create_database(server, name)
    else:
        db = str(workdir / "load.db")
    gridgov(db, "demo", "--scale", args.scale)
    return db


def points(db: str) -> list[tuple[str, float, float]]:
    """Each grid's inner point (where a resident stands)."""
    from gridgov.core import Platform

    with Platform(db) as platform:
        level = platform.areas.handling_level()
        return [(a.code, *a.centroid) for a in platform.areas.subtree(platform.areas.roots()[0].code, level=level)
                if a.centroid and a.geometry]


async def run_load(base: str, channel: str, staff: str, grids: list, clients: int, seconds: float,
                   post_share: float, seed: int) -> dict:
    latencies: dict[str, list[float]] = {"post": [], "list": [], "one": [], "services": [], "queue": []}
    errors: list[str] = []
    acknowledged: dict[int, str] = {}
    duplicates = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(n: int, http: httpx.AsyncClient) -> None:
        nonlocal duplicates
        rng = random.Random(seed * 1000 + n)
        sent = 0
        while time.monotonic() < deadline:
            roll = rng.random()
            started = time.perf_counter()
            try:
                if roll < post_share:
                    kind = "post"
                    grid, lat, lon = rng.choice(grids)
                    sent += 1
                    response = await http.post("/open311/v2/requests.json", data={
                        "api_key": channel, "service_code": rng.choice(CATEGORIES), "lat": lat, "long": lon,
                        "phone": f"139{rng.randrange(10**8):08d}",
                        "description": f"压测第{n}号客户端第{sent}次报送：{rng.randrange(10**9)} 号路灯不亮"})
                elif roll < post_share + 0.3:
                    kind = "list"
                    response = await http.get("/open311/v2/requests.json", params={"page_size": 20})
                elif roll < post_share + 0.5 and acknowledged:
                    kind = "one"
                    response = await http.get(f"/open311/v2/requests/{rng.choice(list(acknowledged))}.json")
                elif roll < post_share + 0.6:
                    kind = "services"
                    response = await http.get("/open311/v2/services.json")
                else:
                    kind = "queue"
                    response = await http.get("/api/v1/issues", headers={"Authorization": f"Bearer {staff}"})
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies[kind].append(time.perf_counter() - started)
            if response.status_code != 200:
                errors.append(f"{kind} {response.status_code}: {response.text[:200]}")
                continue
            if kind == "post":
                [body] = response.json()
                if body["token"] is None:
                    duplicates += 1
                else:
                    acknowledged[body["service_request_id"]] = body["token"]

    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    elapsed = time.monotonic() - started
    every = [x for values in latencies.values() for x in values]

    def summary(values: list[float]) -> dict:
        if not values:
            return {"count": 0}
        ordered = sorted(values)
        return {"count": len(values), "p50_ms": round(statistics.median(ordered) * 1000, 2),
                "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2)}

    return {
        "seconds": round(elapsed, 2), "requests": len(every), "requests_per_s": round(len(every) / elapsed, 1),
        "latency": summary(every), "by_kind": {k: summary(v) for k, v in latencies.items()},
        "errors": len(errors), "error_samples": errors[:5], "posts_acknowledged": len(acknowledged),
        "posts_joined_to_duplicates": duplicates, "acknowledged": acknowledged,
    }


def verify(db: str, acknowledged: dict[int, str]) -> dict:
    """Every acknowledged POST is stored with its token, and its events replay to it."""
    from gridgov.core import Actor, Platform

    system = Actor.system()
    with Platform(db) as platform:
        stored = {r["issue_id"]: r["token"] for r in platform._store.select("service_request")}
        missing = [i for i, token in acknowledged.items() if stored.get(i) != token]
        mismatched = []
        for issue_id in acknowledged:
            if issue_id in stored:
                reason = "load test replay check"
                if platform.issues.replay(system, issue_id, unmask_reason=reason) != platform.issues.get(
                        system, issue_id, unmask_reason=reason):
                    mismatched.append(issue_id)
        return {"posts_found": len(acknowledged) - len(missing), "posts_missing": len(missing),
                "replay_mismatches": len(mismatched), "service_requests_stored": len(stored)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", nargs="?", const=True, default=None, help="PostgreSQL server URL (default: "
                        "$GRIDGOV_TEST_PG_URL); a new database is made on it")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--platforms", type=int, default=4, help="Platforms per worker")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--post-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gridgov-load-") as tmp:
        db = prepare(args, Path(tmp))
        channel = json.loads(gridgov(db, "apikey", "service-account", "load_app", "--name", "压测渠道", "--area",
                                     points_root(db), "--json", "--as", "admin"))["secret"]
        staff = json.loads(gridgov(db, "apikey", "create", "demo_worker", "--json", "--as", "admin"))["secret"]
        grids = points(db)
        port = free_port()
        env = {**os.environ, "GRIDGOV_LANG": "en"}
        server = subprocess.Popen([*GRIDGOV, "--db", db, "serve", "--port", str(port), "--workers",
                                   str(args.workers), "--platforms", str(args.platforms)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server)
            result = asyncio.run(run_load(base, channel, staff, grids, args.clients, args.seconds,
                                          args.post_share, args.seed))
        finally:
            server.terminate()
            server.wait(30)
        acknowledged = result.pop("acknowledged")
        result.update(verify(db, acknowledged))
        engine = "postgresql" if args.pg else "sqlite"
        report = {"benchmark": "http_load", "engine": engine, "workers": args.workers, "platforms": args.platforms,
                  "clients": args.clients, "post_share": args.post_share, "cpus": os.cpu_count(), **result}
        if args.pg:
            from gridgov.core.storage import pg_admin

            server_url = args.pg if args.pg is not True else os.environ["GRIDGOV_TEST_PG_URL"]
            pg_admin.drop_database(server_url, pg_admin.database_of(db))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


def points_root(db: str) -> str:
    from gridgov.core import Platform

    with Platform(db) as platform:
        return platform.areas.roots()[0].code


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gridgov serve exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{base}/open311/v2/discovery.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("gridgov serve did not start in time")


if __name__ == "__main__":
    main()
