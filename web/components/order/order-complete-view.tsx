"use client";

import Link from "next/link";

import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { clientError } from "@/lib/api/result";
import { usePageTelemetry } from "@/lib/telemetry";

import { OrderDetails } from "./order-details";
import { orderStatusHref } from "./order-link";
import { useOrderFromUrl } from "./use-order";

export function OrderCompleteView() {
  usePageTelemetry("order-complete");
  const { named, number, token, order, reload } = useOrderFromUrl();

  if (!named) {
    return <ErrorState title="No order to show" error={clientError("not_found", "This link does not name an order.")} fallback={{ href: "/order/", label: "Look up an order" }} />;
  }
  return (
    <>
      <div className="card mb-6 border-green-200 bg-green-50 p-6">
        <h1 className="text-2xl font-bold text-green-950">Thank you — your order is placed</h1>
        <p className="mt-2 text-green-950">
          Your order number is{" "}
          <strong className="whitespace-nowrap font-mono text-lg" data-testid="order-number">
            {number}
          </strong>
          . Keep this page&apos;s link, or the status link below, to check on it later.
        </p>
        <div className="mt-4 flex flex-wrap gap-3">
          <Link href={orderStatusHref(number, token)} className="btn-primary">
            Track this order
          </Link>
          <Link href="/products/" className="btn-secondary">
            Continue shopping
          </Link>
        </div>
      </div>
      {order.state === "loading" ? (
        <LoadingState label="Loading your order…" />
      ) : order.state === "error" ? (
        <ErrorState error={order.error} title="The order details did not load" onRetry={reload} />
      ) : (
        <OrderDetails order={order.data} />
      )}
    </>
  );
}
