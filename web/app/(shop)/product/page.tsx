import { Suspense } from "react";

import { ProductDetailView } from "@/components/product/product-detail-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Product" };

// /product/?id=3: one exported page, the product fetched in the browser, so new products need no rebuild.
export default function ProductPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading product…" />}>
      <ProductDetailView />
    </Suspense>
  );
}
