import { Price } from "@/components/product/price";
import type { Cart } from "@/lib/api/types";

import type { ShippingDraft } from "./shipping-rules";

export function OrderReview({ cart, shipping, onEdit }: { cart: Cart; shipping: ShippingDraft; onEdit: () => void }) {
  return (
    <div className="grid gap-4">
      <section aria-labelledby="review-items-heading" className="card p-5">
        <h2 id="review-items-heading" className="text-lg font-semibold">
          Items
        </h2>
        <ul className="mt-3 divide-y divide-slate-200">
          {cart.items.map((line) => (
            <li key={line.product_id} className="flex justify-between gap-3 py-2 text-sm">
              <span>
                {line.name} × {line.quantity}
              </span>
              <Price money={line.line_total} className="font-semibold" />
            </li>
          ))}
        </ul>
        <p className="mt-3 flex justify-between border-t border-slate-200 pt-3 font-bold">
          <span>Subtotal</span>
          <Price money={cart.total} />
        </p>
        <p className="mt-1 text-xs text-slate-600">Shipping is added to the order total when it is placed.</p>
      </section>
      <section aria-labelledby="review-shipping-heading" className="card p-5">
        <div className="flex items-center justify-between gap-3">
          <h2 id="review-shipping-heading" className="text-lg font-semibold">
            Ship to
          </h2>
          <button type="button" className="btn-secondary" onClick={onEdit}>
            Edit shipping
          </button>
        </div>
        <address className="mt-3 text-sm not-italic leading-6">
          {shipping.name}
          <br />
          {shipping.line1}
          {shipping.line2 ? (
            <>
              <br />
              {shipping.line2}
            </>
          ) : null}
          <br />
          {shipping.city}, {shipping.region} {shipping.postal_code}, {shipping.country}
          <br />
          {shipping.email} · {shipping.phone}
        </address>
      </section>
    </div>
  );
}
