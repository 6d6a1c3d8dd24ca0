"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";

import { useCart } from "@/components/cart/cart-provider";
import { describeError } from "@/lib/api/result";
import type { ProductDetail } from "@/lib/api/types";
import { recordEvent } from "@/lib/telemetry";

const MAX_PER_LINE = 99;

type Status = { kind: "idle" } | { kind: "adding" } | { kind: "added"; quantity: number } | { kind: "failed"; message: string };

export function AddToCartForm({ product }: { product: ProductDetail }) {
  const { add } = useCart();
  const [quantity, setQuantity] = useState("1");
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const soldOut = product.stock.status === "sold_out";
  const max = Math.min(MAX_PER_LINE, product.stock.available ?? MAX_PER_LINE) || 1;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const wanted = Number(quantity);
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > max) {
      setStatus({ kind: "failed", message: `Choose a quantity from 1 to ${max}.` });
      return;
    }
    setStatus({ kind: "adding" });
    const result = await add(product.id, wanted);
    if (result.ok) {
      recordEvent("cart.add", { product_id: product.id, quantity: wanted });
      setStatus({ kind: "added", quantity: wanted });
    } else {
      const fieldMessage = result.error.fieldErrors["quantity"];
      setStatus({ kind: "failed", message: fieldMessage ? `Quantity: ${fieldMessage}` : describeError(result.error) });
    }
  }

  if (soldOut) {
    return (
      <p className="mt-6 rounded-md bg-slate-100 p-4 text-slate-800">
        Sold out for now. <Link href={`/products/?category=${product.category.slug}`} className="link">See other {product.category.name.toLowerCase()}</Link>.
      </p>
    );
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 flex flex-wrap items-end gap-3" aria-label="Add to cart">
      <div>
        <label htmlFor="quantity" className="mb-1 block text-sm font-medium">
          Quantity
        </label>
        <input
          id="quantity"
          name="quantity"
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          className="input w-24"
        />
      </div>
      <button type="submit" className="btn-primary" disabled={status.kind === "adding"}>
        {status.kind === "adding" ? "Adding…" : "Add to cart"}
      </button>
      <div aria-live="polite" className="basis-full">
        {status.kind === "added" ? (
          <p className="rounded-md bg-green-50 p-3 text-green-900">
            Added {status.quantity} to your cart.{" "}
            <Link href="/cart/" className="link">
              View cart
            </Link>
          </p>
        ) : null}
        {status.kind === "failed" ? (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-red-900">
            {status.message}
          </p>
        ) : null}
      </div>
    </form>
  );
}
