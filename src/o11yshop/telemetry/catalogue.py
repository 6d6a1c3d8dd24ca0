"""Every metric the shop emits, declared once with its unit and dimensions (O-METRIC-01, 03, 04).

Dashboards, alarms and the docs are generated from this list; code records only what is here, so a
name cannot be misspelt into a new metric. ``Service`` is filled in by the process.
"""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "o11yshop"


@dataclass(frozen=True)
class MetricSpec:
    name: str
    unit: str  # a CloudWatch unit
    dimensions: tuple[str, ...]
    description: str
    distribution: bool = False  # keep every value (for percentiles) instead of summing

    def __str__(self) -> str:
        return self.name


RED = ("Service", "Route", "Method", "StatusClass")

REQUESTS = MetricSpec("Requests", "Count", RED, "HTTP requests answered (rate)")
ERRORS_4XX = MetricSpec("Errors4xx", "Count", RED, "answers with a 4xx status (client errors)")
ERRORS_5XX = MetricSpec("Errors5xx", "Count", RED, "answers with a 5xx status (the shop's faults)")
LATENCY = MetricSpec(
    "Latency", "Milliseconds", RED, "time to answer, as a distribution: p50/p90/p99", distribution=True
)

PRODUCT_VIEWS = MetricSpec("ProductViews", "Count", ("Service", "Category"), "product detail pages served")
SEARCHES = MetricSpec("Searches", "Count", ("Service",), "catalog searches with a query")
ZERO_RESULT_SEARCHES = MetricSpec("ZeroResultSearches", "Count", ("Service",), "searches that found nothing")
CART_ADDS = MetricSpec("CartAdds", "Count", ("Service",), "products added to a cart")
CART_REMOVES = MetricSpec("CartRemoves", "Count", ("Service",), "products taken out of a cart")
CHECKOUTS_STARTED = MetricSpec("CheckoutsStarted", "Count", ("Service",), "checkout attempts (new keys)")
ORDERS_PLACED = MetricSpec("OrdersPlaced", "Count", ("Service",), "orders placed")
CHECKOUT_FAILURES = MetricSpec(
    "CheckoutFailures", "Count", ("Service", "Reason"), "checkouts refused, by reason"
)
REVENUE = MetricSpec(
    "Revenue", "None", ("Service", "Currency"), "order totals, in minor units of the currency"
)
ITEMS_SOLD = MetricSpec("ItemsSold", "Count", ("Service",), "units sold")

# process and host (O-METRIC-02, 11): sampled every flush interval
SERVICE = ("Service",)
PROCESS_CPU = MetricSpec("ProcessCpuPercent", "Percent", SERVICE, "CPU used by the process (100 = one core)")
PROCESS_RSS = MetricSpec("ProcessMemoryRss", "Bytes", SERVICE, "resident memory of the process")
PROCESS_THREADS = MetricSpec("ProcessThreads", "Count", SERVICE, "threads in the process")
PROCESS_OPEN_FILES = MetricSpec("ProcessOpenFiles", "Count", SERVICE, "open file descriptors")
GC_COLLECTIONS = MetricSpec("GcCollections", "Count", SERVICE, "garbage collections since the last sample")
EVENT_LOOP_LAG = MetricSpec(
    "EventLoopLag",
    "Milliseconds",
    SERVICE,
    "how late the event loop runs a timer: blocking work on the loop shows here",
    distribution=True,
)
DB_POOL_IN_USE = MetricSpec("DbPoolInUse", "Count", SERVICE, "database connections checked out")
DB_POOL_WAIT = MetricSpec(
    "DbPoolWait", "Milliseconds", SERVICE, "time to get a database connection", distribution=True
)
HOST_CPU = MetricSpec("HostCpuPercent", "Percent", SERVICE, "CPU used on the whole host")
DISK_READ = MetricSpec("HostDiskReadBytes", "Bytes", SERVICE, "bytes read from disks since the last sample")
DISK_WRITE = MetricSpec(
    "HostDiskWriteBytes", "Bytes", SERVICE, "bytes written to disks since the last sample"
)
NET_SENT = MetricSpec("HostNetworkSentBytes", "Bytes", SERVICE, "bytes sent since the last sample")
NET_RECEIVED = MetricSpec(
    "HostNetworkReceivedBytes", "Bytes", SERVICE, "bytes received since the last sample"
)

CATALOGUE: tuple[MetricSpec, ...] = (
    REQUESTS,
    ERRORS_4XX,
    ERRORS_5XX,
    LATENCY,
    PRODUCT_VIEWS,
    SEARCHES,
    ZERO_RESULT_SEARCHES,
    CART_ADDS,
    CART_REMOVES,
    CHECKOUTS_STARTED,
    ORDERS_PLACED,
    CHECKOUT_FAILURES,
    REVENUE,
    ITEMS_SOLD,
)
