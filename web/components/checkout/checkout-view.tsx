"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { useCart } from "@/components/cart/cart-provider";
import { ErrorState } from "@/components/ui/error-state";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { shopApi } from "@/lib/api";
import { describeError, type ApiError } from "@/lib/api/result";
import { readJson, writeItem } from "@/lib/browser-storage";
import { CHECKOUT_DRAFT_KEY } from "@/lib/storage-keys";
import { recordEvent, reportError, usePageTelemetry } from "@/lib/telemetry";

import { CheckoutSteps, type CheckoutStep } from "./checkout-steps";
import { newIdempotencyKey } from "./idempotency-key";
import { OrderReview } from "./order-review";
import { ShippingForm } from "./shipping-form";
import {
  EMPTY_SHIPPING,
  isShippingDraft,
  shippingErrorsFromServer,
  toShipping,
  type ShippingDraft,
  type ShippingErrors,
} from "./shipping-rules";


export function orderCompleteHref(number: string, accessToken: string): string {
  return `/checkout/complete/?number=${encodeURIComponent(number)}&token=${encodeURIComponent(accessToken)}`;
}

function loadDraft(): ShippingDraft {
  return readJson("session", CHECKOUT_DRAFT_KEY, isShippingDraft) ?? EMPTY_SHIPPING;
}

type Placing = { state: "idle" } | { state: "placing" } | { state: "failed"; error: ApiError };

export function CheckoutView() {
  usePageTelemetry("checkout");
  const router = useRouter();
  const { cart, reload, token, forget } = useCart();
  const [step, setStep] = useState<CheckoutStep>("shipping");
  const [draft, setDraft] = useState<ShippingDraft>(loadDraft);
  const [serverErrors, setServerErrors] = useState<ShippingErrors>({});
  // One key per attempt at placing this cart with these details; a retry resends it.
  const [idempotencyKey, setIdempotencyKey] = useState<string | null>(null);
  const [placing, setPlacing] = useState<Placing>({ state: "idle" });

  function saveDraft(next: ShippingDraft) {
    setDraft(next);
    writeItem("session", CHECKOUT_DRAFT_KEY, JSON.stringify(next));
  }

  function toReview(next: ShippingDraft) {
    saveDraft(next);
    setServerErrors({});
    setIdempotencyKey(newIdempotencyKey());
    setPlacing({ state: "idle" });
    setStep("review");
    window.scrollTo({ top: 0 });
  }

  async function placeOrder() {
    const cartToken = token();
    if (!cartToken || !idempotencyKey) return;
    setPlacing({ state: "placing" });
    const result = await shopApi.orders.checkout(cartToken, idempotencyKey, toShipping(draft));
    if (result.ok) {
      recordEvent("checkout.placed", { order: result.data.order.number });
      writeItem("session", CHECKOUT_DRAFT_KEY, null);
      forget();
      router.push(orderCompleteHref(result.data.order.number, result.data.access_token));
      return;
    }
    const error = result.error;
    reportError(error, { screen: "checkout" });
    const fieldErrors = shippingErrorsFromServer(error.fieldErrors);
    if (Object.keys(fieldErrors).length > 0) {
      // The server refused some details: back to the form, with its messages on those fields.
      setServerErrors(fieldErrors);
      setPlacing({ state: "idle" });
      setStep("shipping");
      return;
    }
    if (error.code === "insufficient_stock") reload();
    setPlacing({ state: "failed", error });
  }

  if (cart.state === "loading") return <LoadingState label="Loading your cart…" />;
  if (cart.state === "error") {
    return <ErrorState error={cart.error} title="Your cart did not load" onRetry={reload} fallback={{ href: "/cart/", label: "Back to cart" }} />;
  }
  if (cart.data.items.length === 0) {
    return (
      <>
        <PageHeading>Checkout</PageHeading>
        <EmptyState title="Your cart is empty">
          <p>Add something to your cart before checking out.</p>
          <Link href="/products/" className="btn-primary mt-4">
            Browse products
          </Link>
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeading>Checkout</PageHeading>
      <CheckoutSteps current={step} />
      {step === "shipping" ? (
        <ShippingForm initial={draft} serverErrors={serverErrors} onDone={toReview} onChange={saveDraft} />
      ) : (
        <>
          <OrderReview cart={cart.data} shipping={draft} onEdit={() => setStep("shipping")} />
          {placing.state === "failed" ? (
            <div role="alert" className="card mt-4 border-red-200 bg-red-50 p-4 text-red-900">
              <p className="font-semibold">The order was not placed.</p>
              <p className="mt-1">{describeError(placing.error)}</p>
              <div className="mt-3 flex flex-wrap gap-3">
                {placing.error.retryable ? (
                  <button type="button" className="btn-primary" onClick={() => void placeOrder()}>
                    Try again
                  </button>
                ) : null}
                <Link href="/cart/" className="btn-secondary">
                  Back to cart
                </Link>
              </div>
            </div>
          ) : null}
          <div className="mt-6 flex flex-wrap items-center gap-3">
            <button type="button" className="btn-primary" onClick={() => void placeOrder()} disabled={placing.state === "placing"}>
              {placing.state === "placing" ? "Placing order…" : "Place order"}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setStep("shipping")}>
              Back
            </button>
          </div>
        </>
      )}
    </>
  );
}
