"use client";

import Link from "next/link";

import { CartLineItem } from "@/components/cart/cart-line-item";
import { useCart } from "@/components/cart/cart-provider";
import { CartSummary } from "@/components/cart/cart-summary";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { usePageTelemetry } from "@/lib/telemetry";

export function CartView() {
  usePageTelemetry("cart");
  const { cart, reload, setQuantity, remove } = useCart();

  if (cart.state === "loading") return <LoadingState label="Loading your cart…" />;
  if (cart.state === "error") {
    return <ErrorState error={cart.error} title="Your cart did not load" onRetry={reload} fallback={{ href: "/products/", label: "Keep shopping" }} />;
  }
  if (cart.data.items.length === 0) {
    return (
      <>
        <PageHeading>Your cart</PageHeading>
        <EmptyState title="Your cart is empty">
          <p>Find something you like and add it here.</p>
          <Link href="/products/" className="btn-primary mt-4">
            Browse products
          </Link>
        </EmptyState>
      </>
    );
  }

  const soldOut = cart.data.items.some((line) => line.stock.status === "sold_out");
  return (
    <>
      <PageHeading>Your cart</PageHeading>
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <ul aria-label="Items in your cart" className="card px-4">
          {cart.data.items.map((line) => (
            <CartLineItem key={`${line.product_id}:${line.quantity}`} line={line} onQuantity={setQuantity} onRemove={remove} />
          ))}
        </ul>
        <CartSummary cart={cart.data}>
          {soldOut ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              Something in your cart has sold out. Remove it to check out.
            </p>
          ) : null}
          <Link
            href="/checkout/"
            className={`btn-primary mt-4 w-full ${soldOut ? "pointer-events-none opacity-50" : ""}`}
            aria-disabled={soldOut || undefined}
          >
            Check out
          </Link>
          <Link href="/products/" className="link mt-3 block text-center text-sm">
            Continue shopping
          </Link>
        </CartSummary>
      </div>
    </>
  );
}
