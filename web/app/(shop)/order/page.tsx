import { Suspense } from "react";

import { OrderStatusView } from "@/components/order/order-status-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Order status" };

export default function OrderStatusPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading your order…" />}>
      <OrderStatusView />
    </Suspense>
  );
}
