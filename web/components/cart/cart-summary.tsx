import type { ReactNode } from "react";

import { Price } from "@/components/product/price";
import type { Cart } from "@/lib/api/types";

export function CartSummary({ cart, children }: { cart: Cart; children?: ReactNode }) {
  return (
    <section aria-labelledby="summary-heading" className="card p-5">
      <h2 id="summary-heading" className="text-lg font-semibold">
        Order summary
      </h2>
      <dl className="mt-3 space-y-2 text-sm">
        <div className="flex justify-between">
          <dt>Items</dt>
          <dd data-testid="cart-item-count">{cart.item_count}</dd>
        </div>
        <div className="flex justify-between text-base font-bold">
          <dt>Subtotal</dt>
          <dd data-testid="cart-total">
            <Price money={cart.total} />
          </dd>
        </div>
      </dl>
      <p className="mt-2 text-xs text-slate-600">Shipping is added when you place the order.</p>
      {children}
    </section>
  );
}
