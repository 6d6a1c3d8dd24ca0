"use client";

import { useRouter } from "next/navigation";

import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { shopApi } from "@/lib/api";
import type { Category } from "@/lib/api/types";
import { parseMajorToMinor } from "@/lib/money";
import { SHOP_CURRENCY } from "@/lib/shop";
import { recordEvent, usePageTelemetry } from "@/lib/telemetry";
import { useResource } from "@/lib/use-resource";

import { useAdminCall } from "./admin-session";
import { ProductForm } from "./product-form";
import { EMPTY_PRODUCT } from "./product-form-rules";

export function productEditHref(id: number, created = false): string {
  return `/admin/products/edit/?id=${id}${created ? "&created=1" : ""}`;
}

export function ProductCreateView() {
  usePageTelemetry("admin-product-new");
  const router = useRouter();
  const call = useAdminCall();
  const [categories, reload] = useResource<Category[]>("categories", () => shopApi.catalog.categories());

  return (
    <>
      <PageHeading>New product</PageHeading>
      {categories.state === "loading" ? (
        <LoadingState label="Loading categories…" />
      ) : categories.state === "error" ? (
        <ErrorState error={categories.error} title="Categories did not load" onRetry={reload} />
      ) : (
        <ProductForm
          initial={EMPTY_PRODUCT}
          categories={categories.data}
          currency={SHOP_CURRENCY}
          submitLabel="Create product"
          onSave={async (draft) => {
            const result = await call((t) =>
              shopApi.admin.createProduct(t, {
                sku: draft.sku.trim(),
                name: draft.name.trim(),
                description: draft.description,
                price_minor: parseMajorToMinor(draft.price, SHOP_CURRENCY) ?? 0,
                category_id: Number(draft.categoryId),
                active: draft.active,
                featured: draft.featured,
              }),
            );
            if (!result.ok) return result.error;
            recordEvent("admin.product.created", { product_id: result.data.id });
            router.push(productEditHref(result.data.id, true));
            return null;
          }}
        />
      )}
    </>
  );
}
