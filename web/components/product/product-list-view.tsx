"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";

import { ProductGrid } from "@/components/product/product-grid";
import { ProductFilters, SORT_OPTIONS } from "@/components/product/product-filters";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { Pagination } from "@/components/ui/pagination";
import { shopApi } from "@/lib/api";
import type { Category, ProductPage, ProductSort } from "@/lib/api/types";
import { usePageTelemetry } from "@/lib/telemetry";
import { useResource } from "@/lib/use-resource";

const PAGE_SIZE = 12;

function parseSort(value: string | null): ProductSort {
  return SORT_OPTIONS.some((o) => o.value === value) ? (value as ProductSort) : "newest";
}

function parsePage(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 && page <= 10000 ? page : 1;
}

export function ProductListView() {
  usePageTelemetry("product-list");
  const params = useSearchParams();
  const category = params.get("category") ?? "";
  const q = (params.get("q") ?? "").trim();
  const sort = parseSort(params.get("sort"));
  const page = parsePage(params.get("page"));

  const [categories] = useResource<Category[]>("categories", () => shopApi.catalog.categories());
  const [products, reload] = useResource<ProductPage>(JSON.stringify([category, q, sort, page]), () =>
    shopApi.catalog.products({ category, q, sort, page, pageSize: PAGE_SIZE }),
  );

  const categoryList = categories.state === "ready" ? categories.data : [];
  const categoryName = categoryList.find((c) => c.slug === category)?.name;
  const heading = q ? `Results for “${q}”` : category ? (categoryName ?? "Products") : "All products";

  const hrefFor = (target: number) => {
    const next = new URLSearchParams();
    if (category) next.set("category", category);
    if (q) next.set("q", q);
    if (sort !== "newest") next.set("sort", sort);
    if (target > 1) next.set("page", String(target));
    const query = next.toString();
    return query ? `/products/?${query}` : "/products/";
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600">
        <Link href="/" className="link">
          Home
        </Link>{" "}
        / <span>{heading}</span>
      </nav>
      <PageHeading>{heading}</PageHeading>
      <ProductFilters categories={categoryList} category={category} q={q} sort={sort} />
      {products.state === "loading" ? (
        <LoadingState label="Loading products…" />
      ) : products.state === "error" ? (
        <ErrorState
          error={products.error}
          title="Products did not load"
          onRetry={reload}
          fallback={{ href: "/products/", label: "Show all products" }}
        />
      ) : products.data.items.length === 0 ? (
        <EmptyState title="No products match">
          <p>Try other words, or another category.</p>
          <Link href="/products/" className="btn-secondary mt-4">
            Clear filters
          </Link>
        </EmptyState>
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-600" aria-live="polite">
            {products.data.total} {products.data.total === 1 ? "product" : "products"}
          </p>
          <ProductGrid products={products.data.items} label={heading} />
          <Pagination page={products.data.page} pages={products.data.pages} hrefFor={hrefFor} />
        </>
      )}
    </>
  );
}
