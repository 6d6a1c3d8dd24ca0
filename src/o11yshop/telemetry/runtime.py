"""Process and host metrics (O-METRIC-02, 11), sampled with psutil each time metrics are flushed,
plus event-loop lag and database pool use, which only the process itself can see."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import psutil
from sqlalchemy import Engine

from o11yshop.telemetry import catalogue, metrics


class RuntimeSampler:
    """Called before each flush: records the process's and the host's state since the last call."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.process.cpu_percent(None)  # the first call starts the measuring interval
        psutil.cpu_percent(None)
        self._gc = self._collections()
        self._disk = psutil.disk_io_counters()
        self._net = psutil.net_io_counters()
        self.pools: list[Any] = []

    @staticmethod
    def _collections() -> int:
        return sum(generation["collections"] for generation in gc.get_stats())

    def __call__(self) -> None:
        record = metrics.record
        with self.process.oneshot():
            record(catalogue.PROCESS_CPU, self.process.cpu_percent(None))
            record(catalogue.PROCESS_RSS, self.process.memory_info().rss)
            record(catalogue.PROCESS_THREADS, self.process.num_threads())
            record(catalogue.PROCESS_OPEN_FILES, self.process.num_fds())
        collections = self._collections()
        record(catalogue.GC_COLLECTIONS, collections - self._gc)
        self._gc = collections
        record(catalogue.HOST_CPU, psutil.cpu_percent(None))
        disk, net = psutil.disk_io_counters(), psutil.net_io_counters()
        if disk is not None and self._disk is not None:
            record(catalogue.DISK_READ, disk.read_bytes - self._disk.read_bytes)
            record(catalogue.DISK_WRITE, disk.write_bytes - self._disk.write_bytes)
        if net is not None and self._net is not None:
            record(catalogue.NET_SENT, net.bytes_sent - self._net.bytes_sent)
            record(catalogue.NET_RECEIVED, net.bytes_recv - self._net.bytes_recv)
        self._disk, self._net = disk, net
        for pool in self.pools:
            checked_out = getattr(pool, "checkedout", None)
            if callable(checked_out):
                record(catalogue.DB_POOL_IN_USE, checked_out())


_sampler: RuntimeSampler | None = None


def sampler() -> RuntimeSampler:
    global _sampler
    if _sampler is None:
        _sampler = RuntimeSampler()
    return _sampler


def watch_engine(engine: Engine) -> None:
    """Count the engine's pool in DbPoolInUse and time each connection checkout into DbPoolWait."""
    if not metrics.recorder().enabled:
        return
    pool = engine.pool
    sampler().pools.append(pool)
    checkout = pool.connect  # the pool has no "before checkout" event: time the call itself

    def timed_checkout() -> Any:
        started = time.perf_counter()
        try:
            return checkout()
        finally:
            metrics.record(catalogue.DB_POOL_WAIT, (time.perf_counter() - started) * 1000)

    pool.connect = timed_checkout  # type: ignore[method-assign]


async def watch_event_loop(period: float = 0.5) -> None:
    """Sleep ``period`` again and again and record how late each wake-up is."""
    loop = asyncio.get_running_loop()
    while True:
        expected = loop.time() + period
        await asyncio.sleep(period)
        metrics.record(catalogue.EVENT_LOOP_LAG, max(0.0, (loop.time() - expected) * 1000))
