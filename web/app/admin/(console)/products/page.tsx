import { Suspense } from "react";

import { AdminProductListView } from "@/components/admin/product-list-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Products" };

export default function AdminProductsPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading products…" />}>
      <AdminProductListView />
    </Suspense>
  );
}
