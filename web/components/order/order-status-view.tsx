"use client";

import Form from "next/form";

import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { usePageTelemetry } from "@/lib/telemetry";

import { OrderDetails } from "./order-details";
import { useOrderFromUrl } from "./use-order";

function LookupForm({ number, token }: { number: string; token: string }) {
  return (
    <Form action="/order/" className="card grid gap-4 p-5 sm:grid-cols-[1fr_1fr_auto] sm:items-end" aria-label="Look up an order">
      <div>
        <label htmlFor="lookup-number" className="mb-1 block text-sm font-medium">
          Order number
        </label>
        <input id="lookup-number" name="number" required defaultValue={number} className="input" />
      </div>
      <div>
        <label htmlFor="lookup-token" className="mb-1 block text-sm font-medium">
          Access code
        </label>
        <input id="lookup-token" name="token" required defaultValue={token} className="input" aria-describedby="lookup-token-hint" />
      </div>
      <button type="submit" className="btn-primary">
        Find order
      </button>
      <p id="lookup-token-hint" className="text-xs text-slate-600 sm:col-span-3">
        The access code is part of the link on your order confirmation page.
      </p>
    </Form>
  );
}

export function OrderStatusView() {
  usePageTelemetry("order-status");
  const { named, number, token, order, reload } = useOrderFromUrl();

  if (!named) {
    return (
      <>
        <PageHeading>Track an order</PageHeading>
        <LookupForm number={number} token={token} />
      </>
    );
  }
  return (
    <>
      <PageHeading>Order {number}</PageHeading>
      {order.state === "loading" ? (
        <LoadingState label="Loading your order…" />
      ) : order.state === "error" ? (
        <>
          <ErrorState
            error={order.error}
            title={order.error.kind === "not_found" ? "We could not find that order" : "The order did not load"}
            onRetry={reload}
          />
          {order.error.kind === "not_found" ? <LookupForm number={number} token="" /> : null}
        </>
      ) : (
        <OrderDetails order={order.data} />
      )}
    </>
  );
}
