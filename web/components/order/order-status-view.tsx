"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { clientError } from "@/lib/api/result";
import { TextField } from "@/components/ui/text-field";
import { usePageTelemetry } from "@/lib/telemetry";

import { OrderDetails } from "./order-details";
import { orderStatusHref } from "./order-link";
import { useOrderFromUrl } from "./use-order";

/** Order numbers look like OS-7K3M-9QXD (the API refuses anything else). */
export const ORDER_NUMBER = /^OS-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

function LookupForm({ number, token }: { number: string; token: string }) {
  const router = useRouter();
  const [numberText, setNumberText] = useState(number);
  const [tokenText, setTokenText] = useState(token);
  const [errors, setErrors] = useState<{ number?: string; token?: string }>({});

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const wanted = numberText.trim().toUpperCase();
    const code = tokenText.trim();
    const found = {
      number: ORDER_NUMBER.test(wanted) ? undefined : "Order numbers look like OS-7K3M-9QXD.",
      token: code ? undefined : "Enter the access code from your order's link.",
    };
    setErrors(found);
    if (found.number || found.token) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${found.number ? "number" : "token"}"]`)?.focus();
      return;
    }
    router.push(orderStatusHref(wanted, code));
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card grid gap-4 p-5 sm:grid-cols-[1fr_1fr_auto] sm:items-start" aria-label="Look up an order">
      <TextField name="number" label="Order number" required value={numberText} error={errors.number} hint="e.g. OS-7K3M-9QXD" onChange={(e) => setNumberText(e.target.value)} />
      <TextField
        name="token"
        label="Access code"
        required
        value={tokenText}
        error={errors.token}
        hint="Part of the link on your order confirmation page."
        onChange={(e) => setTokenText(e.target.value)}
      />
      <button type="submit" className="btn-primary sm:mt-6">
        Find order
      </button>
    </form>
  );
}

export function OrderStatusView() {
  usePageTelemetry("order-status");
  const { named, number, token, order, reload } = useOrderFromUrl();
  // A malformed number or code cannot name an order: to the shopper that is "not found".
  const notFound = order.state === "error" && (order.error.kind === "not_found" || order.error.kind === "validation");

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
            error={notFound ? clientError("not_found", "That order number and access code do not match an order. Check both and try again.") : order.error}
            title={notFound ? "We could not find that order" : "The order did not load"}
            onRetry={notFound ? undefined : reload}
          />
          {notFound ? <LookupForm key={`${number}|${token}`} number={number} token="" /> : null}
        </>
      ) : (
        <OrderDetails order={order.data} />
      )}
    </>
  );
}
