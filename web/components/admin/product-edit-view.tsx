"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";

import { productHref } from "@/components/product/product-card";
import { parseId } from "@/components/product/product-detail-view";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { shopApi } from "@/lib/api";
import { clientError, ok, type Result } from "@/lib/api/result";
import type { AdminProduct, Category, ProductUpdate } from "@/lib/api/types";
import { minorToMajorText, parseMajorToMinor } from "@/lib/money";
import { usePageTelemetry } from "@/lib/telemetry";
import { useResource } from "@/lib/use-resource";

import { useAdminCall } from "./admin-session";
import { stockItemHref } from "./inventory-links";
import { ProductForm } from "./product-form";
import type { ProductDraft } from "./product-form-rules";

function draftOf(product: AdminProduct): ProductDraft {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: minorToMajorText(product.price.amount_minor, product.price.currency),
    categoryId: String(product.category.id),
    active: product.active,
    featured: product.featured,
  };
}

/** Only what changed, so a save never overwrites someone else's edit of another field. */
export function changesOf(product: AdminProduct, draft: ProductDraft): ProductUpdate {
  const changes: ProductUpdate = {};
  const before = draftOf(product);
  if (draft.sku.trim() !== before.sku) changes.sku = draft.sku.trim();
  if (draft.name.trim() !== before.name) changes.name = draft.name.trim();
  if (draft.description !== before.description) changes.description = draft.description;
  const price = parseMajorToMinor(draft.price, product.price.currency);
  if (price !== null && price !== product.price.amount_minor) changes.price_minor = price;
  if (draft.categoryId !== before.categoryId) changes.category_id = Number(draft.categoryId);
  if (draft.active !== before.active) changes.active = draft.active;
  if (draft.featured !== before.featured) changes.featured = draft.featured;
  return changes;
}

interface Loaded {
  product: AdminProduct;
  categories: Category[];
}

export function ProductEditView() {
  usePageTelemetry("admin-product-edit");
  const params = useSearchParams();
  const id = parseId(params.get("id"));
  const created = params.get("created") === "1";
  const call = useAdminCall();
  const [saved, setSaved] = useState<string | null>(null);
  const [loaded, reload] = useResource<Loaded>(id === null ? null : `admin-product:${id}`, async (): Promise<Result<Loaded>> => {
    const [product, categories] = await Promise.all([call((t) => shopApi.admin.product(t, id ?? 0)), shopApi.catalog.categories()]);
    if (!product.ok) return product;
    if (!categories.ok) return categories;
    return ok({ product: product.data, categories: categories.data });
  });

  if (id === null) {
    return <ErrorState title="No such product" error={clientError("not_found", "This link does not name a product.")} fallback={{ href: "/admin/products/", label: "All products" }} />;
  }
  if (loaded.state === "loading") return <LoadingState label="Loading product…" />;
  if (loaded.state === "error") {
    return <ErrorState error={loaded.error} title="The product did not load" onRetry={reload} fallback={{ href: "/admin/products/", label: "All products" }} />;
  }
  const { product, categories } = loaded.data;

  return (
    <>
      <PageHeading>{product.name}</PageHeading>
      {created ? (
        <div role="status" className="card mb-4 border-green-200 bg-green-50 p-4 text-green-950">
          <p className="font-semibold">Product created.</p>
          <p className="mt-1 text-sm">It has no stock yet: receive some so shoppers can buy it.</p>
        </div>
      ) : null}
      <div className="mb-4 flex flex-wrap gap-3">
        <Link href={stockItemHref(product.id)} className="btn-primary">
          Manage stock
        </Link>
        {product.active && !product.deleted ? (
          <Link href={productHref(product.id)} className="btn-secondary">
            View in shop
          </Link>
        ) : null}
        <Link href="/admin/products/" className="btn-secondary">
          All products
        </Link>
      </div>
      {saved ? (
        <p role="status" className="mb-4 rounded-md bg-green-50 p-3 text-sm text-green-900">
          {saved}
        </p>
      ) : null}
      <ProductForm
        key={product.updated_at}
        initial={draftOf(product)}
        categories={categories}
        currency={product.price.currency}
        submitLabel="Save changes"
        onSave={async (draft) => {
          const changes = changesOf(product, draft);
          if (Object.keys(changes).length === 0) {
            setSaved("Nothing to save: no field changed.");
            return null;
          }
          const result = await call((t) => shopApi.admin.updateProduct(t, product.id, changes));
          if (!result.ok) return result.error;
          setSaved("Changes saved.");
          reload();
          return null;
        }}
      />
    </>
  );
}
