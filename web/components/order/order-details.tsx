import { Price } from "@/components/product/price";
import type { Order } from "@/lib/api/types";

const STATUS_TEXT: Record<string, string> = {
  pending: "Being placed",
  placed: "Placed — we are preparing it",
  paid: "Paid",
  shipped: "Shipped",
  delivered: "Delivered",
  cancelled: "Cancelled",
};

export function orderStatusText(status: string): string {
  return STATUS_TEXT[status] ?? status;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

export function OrderDetails({ order }: { order: Order }) {
  return (
    <div className="grid gap-4 lg:grid-cols-[1fr_18rem]">
      <section aria-labelledby="order-items-heading" className="card p-5">
        <h2 id="order-items-heading" className="text-lg font-semibold">
          Items
        </h2>
        <ul className="mt-3 divide-y divide-slate-200">
          {order.items.map((line) => (
            <li key={line.product_id} className="flex justify-between gap-3 py-2 text-sm">
              <span>
                {line.name} × {line.quantity}
              </span>
              <Price money={line.line_total} className="font-semibold" />
            </li>
          ))}
        </ul>
        <dl className="mt-3 space-y-1 border-t border-slate-200 pt-3 text-sm">
          <div className="flex justify-between">
            <dt>Subtotal</dt>
            <dd>
              <Price money={order.subtotal} />
            </dd>
          </div>
          <div className="flex justify-between">
            <dt>Shipping</dt>
            <dd>{order.shipping_fee.amount_minor === 0 ? "Free" : <Price money={order.shipping_fee} />}</dd>
          </div>
          <div className="flex justify-between text-base font-bold">
            <dt>Total</dt>
            <dd data-testid="order-total">
              <Price money={order.total} />
            </dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="order-shipping-heading" className="card p-5 text-sm">
        <h2 id="order-shipping-heading" className="text-lg font-semibold">
          Shipping to
        </h2>
        <address className="mt-2 not-italic leading-6">
          {order.shipping.name}
          <br />
          {order.shipping.line1}
          {order.shipping.line2 ? (
            <>
              <br />
              {order.shipping.line2}
            </>
          ) : null}
          <br />
          {order.shipping.city}, {order.shipping.region} {order.shipping.postal_code}
        </address>
        <p className="mt-3">
          <span className="font-medium">Status:</span> <span data-testid="order-status">{orderStatusText(order.status)}</span>
        </p>
        <p className="mt-1 text-slate-600">Ordered {dateFormat.format(new Date(order.created_at))}</p>
      </section>
    </div>
  );
}
