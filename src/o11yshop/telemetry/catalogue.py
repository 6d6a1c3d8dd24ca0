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
