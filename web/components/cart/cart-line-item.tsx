"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";

import { productHref } from "@/components/product/product-card";
import { Price } from "@/components/product/price";
import { ProductImage } from "@/components/product/product-image";
import { StockBadge } from "@/components/product/stock-badge";
import { describeError, type Result } from "@/lib/api/result";
import type { Cart, CartLine } from "@/lib/api/types";

interface CartLineItemProps {
  line: CartLine;
  onQuantity: (productId: number, quantity: number) => Promise<Result<Cart>>;
  onRemove: (productId: number) => Promise<Result<Cart>>;
}

export function CartLineItem({ line, onQuantity, onRemove }: CartLineItemProps) {
  const [draft, setDraft] = useState(String(line.quantity));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = `qty-${line.product_id}`;
  const errorId = `qty-error-${line.product_id}`;

  async function change(quantity: number) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
      setError("Choose a quantity from 1 to 99, or remove the item.");
      return;
    }
    if (quantity === line.quantity) {
      setError(null);
      return;
    }
    setBusy(true);
    const result = await onQuantity(line.product_id, quantity);
    setBusy(false);
    if (result.ok) {
      setError(null);
    } else {
      setError(result.error.fieldErrors["quantity"] ?? describeError(result.error));
      setDraft(String(line.quantity));
    }
  }

  async function remove() {
    setBusy(true);
    const result = await onRemove(line.product_id);
    setBusy(false);
    if (!result.ok) setError(describeError(result.error));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void change(Number(draft));
  }

  return (
    <li className="flex gap-3 border-b border-slate-200 py-4 last:border-b-0 sm:gap-4" data-testid="cart-line" data-product-id={line.product_id}>
      <Link href={productHref(line.product_id)} className="w-20 shrink-0 sm:w-24" tabIndex={-1} aria-hidden="true">
        <ProductImage src={line.image_url} alt="" className="rounded-md" />
      </Link>
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <Link href={productHref(line.product_id)} className="font-semibold hover:underline">
            {line.name}
          </Link>
          <Price money={line.line_total} className="font-bold" />
        </div>
        <p className="text-sm text-slate-600">
          <Price money={line.unit_price} /> each · <StockBadge stock={line.stock} compact />
        </p>
        <div className="flex flex-wrap items-end gap-2">
          <form onSubmit={onSubmit} className="flex items-end gap-2">
            <div>
              <label htmlFor={inputId} className="mb-1 block text-xs font-medium text-slate-700">
                Quantity<span className="sr-only"> of {line.name}</span>
              </label>
              <input
                id={inputId}
                type="number"
                inputMode="numeric"
                min={1}
                max={99}
                value={draft}
                disabled={busy}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                onChange={(e) => setDraft(e.target.value)}
                onBlur={() => void change(Number(draft))}
                className="input w-20"
              />
            </div>
            <button type="submit" className="btn-secondary" disabled={busy}>
              Update
            </button>
          </form>
          <button type="button" className="btn-secondary" onClick={() => void remove()} disabled={busy} aria-label={`Remove ${line.name}`}>
            Remove
          </button>
        </div>
        {error ? (
          <p id={errorId} role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>
    </li>
  );
}
