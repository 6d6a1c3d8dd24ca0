import { Suspense } from "react";

import { OrderCompleteView } from "@/components/order/order-complete-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Order placed" };

export default function OrderCompletePage() {
  return (
    <Suspense fallback={<LoadingState label="Loading your order…" />}>
      <OrderCompleteView />
    </Suspense>
  );
}
