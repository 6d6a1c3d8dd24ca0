"""The telemetry bench's load generator: a fixed, seeded request mix, replayed by its own process.

``make_plan`` turns a seed, a request count and a concurrency into one list of requests per
worker: the same lists for every mode, so every mode answers exactly the same requests. Running
this file replays a plan against a shop with one keep-alive connection per worker and writes each
request's kind, status and latency::

    python benchmarks/bench_loadgen.py --base http://127.0.0.1:8000 --plan plan.json --out run.json

It runs apart from the bench's orchestrator so that neither one's CPU use shows up in the other's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

# What shoppers do, by weight. A checkout needs a cart with something in it: the plan adds the
# cart_create and cart_add requests it needs, counted like any other request.
MIX: dict[str, int] = {"list": 30, "detail": 30, "search": 15, "cart_add": 18, "checkout": 7}
KINDS = ("list", "detail", "search", "cart_create", "cart_add", "checkout")
SORTS = ("newest", "price_asc", "price_desc", "name")
SHIPPING = {
    "name": "Bench Shopper",
    "email": "bench@example.com",
    "phone": "+81 3-0000-0000",
    "postal_code": "100-0001",
    "region": "Tokyo",
    "city": "Chiyoda-ku",
    "line1": "1-1 Chiyoda",
    "country": "JP",
}
KEY_NAMESPACE = uuid.UUID("6f1d7c1e-2a57-4b36-9a7e-0b5c3c1d0b11")

Step = list[Any]  # [kind, argument]: JSON-friendly


def make_plan(
    seed: int,
    count: int,
    concurrency: int,
    products: list[int],
    categories: list[str],
    words: list[str],
    tag: str = "m",
) -> list[list[Step]]:
    """``count`` requests split over ``concurrency`` workers; the same inputs give the same plan."""
    if not products or not categories or not words:
        raise ValueError("a plan needs products, categories and search words")
    rng = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    plan: list[list[Step]] = []
    for worker in range(concurrency):
        quota = count // concurrency + (1 if worker < count % concurrency else 0)
        steps: list[Step] = []
        has_cart, items = False, 0
        while len(steps) < quota:
            kind = rng.choices(kinds, weights)[0]
            if kind == "list":
                params: dict[str, Any] = {"sort": rng.choice(SORTS), "page_size": rng.choice((12, 24))}
                if rng.random() < 0.6:
                    params["category"] = rng.choice(categories)
                else:
                    params["page"] = rng.randint(1, 2)
                steps.append(["list", params])
            elif kind == "detail":
                steps.append(["detail", rng.choice(products)])
            elif kind == "search":
                steps.append(["search", rng.choice(words)])
            else:
                if not has_cart:
                    steps.append(["cart_create", None])
                    has_cart = True
                if kind == "cart_add" or items == 0:
                    steps.append(["cart_add", [rng.choice(products), rng.randint(1, 2)]])
                    items += 1
                if kind == "checkout":
                    key = str(uuid.uuid5(KEY_NAMESPACE, f"{tag}-{seed}-{worker}-{len(steps)}"))
                    steps.append(["checkout", key])
                    has_cart, items = False, 0
        plan.append(steps[:quota])
    return plan


async def _worker(
    client: httpx.AsyncClient,
    steps: list[Step],
    records: list[list[Any]],
    interval: float | None = None,
    offset: float = 0.0,
) -> None:
    """One shopper. With ``interval``, each request starts on a schedule (open loop) instead of as
    soon as the previous one answered."""
    token: str | None = None
    loop = asyncio.get_running_loop()
    start = loop.time() + offset
    for index, (kind, argument) in enumerate(steps):
        if interval is not None:
            await asyncio.sleep(max(0.0, start + index * interval - loop.time()))
        headers = {"X-Cart-Token": token} if token else {}
        began = time.perf_counter()
        if kind == "list":
            response = await client.get("/api/products", params=argument)
        elif kind == "detail":
            response = await client.get(f"/api/products/{argument}")
        elif kind == "search":
            response = await client.get("/api/products", params={"q": argument})
        elif kind == "cart_create":
            response = await client.post("/api/cart")
        elif kind == "cart_add":
            product, quantity = argument
            body = {"product_id": product, "quantity": quantity}
            response = await client.post("/api/cart/items", json=body, headers=headers)
        elif kind == "checkout":
            headers["Idempotency-Key"] = argument
            response = await client.post("/api/checkout", json={"shipping": SHIPPING}, headers=headers)
        else:
            raise ValueError(f"unknown request kind {kind}")
        await response.aread()
        elapsed_ms = (time.perf_counter() - began) * 1000
        if kind == "cart_create" and response.status_code == 201:
            token = response.json()["token"]
        elif kind == "checkout":
            token = None
        records.append([kind, response.status_code, round(elapsed_ms, 3)])


async def replay(
    base: str, plan: list[list[Step]], request_timeout: float = 30.0, rate: float | None = None
) -> dict[str, Any]:
    """Replay ``plan``, one worker per list: as fast as answers come, or at ``rate`` requests a
    second in total (each worker on its own schedule, staggered)."""
    records: list[list[Any]] = []
    workers = len(plan)
    interval = workers / rate if rate else None
    limits = httpx.Limits(max_connections=len(plan), max_keepalive_connections=len(plan))
    async with httpx.AsyncClient(base_url=base, timeout=request_timeout, limits=limits) as client:
        started = time.time()
        began = time.perf_counter()
        await asyncio.gather(
            *(
                _worker(client, steps, records, interval, (i / rate) if rate else 0.0)
                for i, steps in enumerate(plan)
            )
        )
        elapsed = time.perf_counter() - began
    return {"started": started, "elapsed_s": elapsed, "records": records}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the api's base URL")
    parser.add_argument("--plan", type=Path, required=True, help="JSON: one list of steps per worker")
    parser.add_argument("--out", type=Path, required=True, help="where to write the records (JSON)")
    parser.add_argument("--rate", type=float, default=None, help="requests a second in total (open loop)")
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text())
    result = asyncio.run(replay(args.base, plan, rate=args.rate))
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
