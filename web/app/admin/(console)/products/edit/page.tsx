import { Suspense } from "react";

import { ProductEditView } from "@/components/admin/product-edit-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Edit product" };

export default function AdminEditProductPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading product…" />}>
      <ProductEditView />
    </Suspense>
  );
}
