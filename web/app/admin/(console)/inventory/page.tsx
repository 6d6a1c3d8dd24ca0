import { Suspense } from "react";

import { InventoryListView } from "@/components/admin/inventory-list-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Inventory" };

export default function AdminInventoryPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading stock levels…" />}>
      <InventoryListView />
    </Suspense>
  );
}
