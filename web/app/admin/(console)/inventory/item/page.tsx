import { Suspense } from "react";

import { InventoryItemView } from "@/components/admin/inventory-item-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Stock" };

export default function AdminStockItemPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading stock…" />}>
      <InventoryItemView />
    </Suspense>
  );
}
