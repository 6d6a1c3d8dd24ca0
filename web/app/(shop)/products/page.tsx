import { Suspense } from "react";

import { ProductListView } from "@/components/product/product-list-view";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Products" };

// The filters live in the query string, read in the browser: the export has one /products/ page.
export default function ProductsPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading products…" />}>
      <ProductListView />
    </Suspense>
  );
}
