"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";

import { categoryHref } from "@/components/home/category-list";
import { AddToCartForm } from "@/components/product/add-to-cart-form";
import { Price } from "@/components/product/price";
import { ProductImage } from "@/components/product/product-image";
import { StockBadge } from "@/components/product/stock-badge";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { shopApi } from "@/lib/api";
import { clientError } from "@/lib/api/result";
import type { ProductDetail } from "@/lib/api/types";
import { usePageTelemetry } from "@/lib/telemetry";
import { useResource } from "@/lib/use-resource";

export function parseId(value: string | null): number | null {
  if (value === null || !/^\d{1,10}$/.test(value)) return null;
  const id = Number(value);
  return id >= 1 && id <= 2147483647 ? id : null;
}

export function ProductDetailView() {
  usePageTelemetry("product-detail");
  const id = parseId(useSearchParams().get("id"));
  const [product, reload] = useResource<ProductDetail>(id === null ? null : `product:${id}`, () =>
    shopApi.catalog.product(id ?? 0),
  );

  if (id === null) {
    return (
      <ErrorState
        title="No such product"
        error={clientError("not_found", "This link does not name a product.")}
        fallback={{ href: "/products/", label: "Browse all products" }}
      />
    );
  }
  if (product.state === "loading") return <LoadingState label="Loading product…" />;
  if (product.state === "error") {
    return (
      <ErrorState
        error={product.error}
        title={product.error.kind === "not_found" ? "This product is no longer available" : "The product did not load"}
        onRetry={reload}
        fallback={{ href: "/products/", label: "Browse all products" }}
      />
    );
  }

  const p = product.data;
  return (
    <article>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm text-slate-600">
        <Link href="/" className="link">
          Home
        </Link>{" "}
        /{" "}
        <Link href={categoryHref(p.category.slug)} className="link">
          {p.category.name}
        </Link>{" "}
        / <span>{p.name}</span>
      </nav>
      <div className="grid gap-6 md:grid-cols-2 md:gap-10">
        <ProductImage src={p.image_url} alt={p.name} className="card" priority />
        <div>
          <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{p.name}</h1>
          <p className="mt-1 text-sm text-slate-500">SKU {p.sku}</p>
          <p className="mt-4 text-2xl font-bold">
            <Price money={p.price} />
          </p>
          <p className="mt-2">
            <StockBadge stock={p.stock} />
          </p>
          <AddToCartForm product={p} key={p.id} />
          {p.description ? (
            <section aria-labelledby="description-heading" className="mt-8">
              <h2 id="description-heading" className="text-lg font-semibold">
                Description
              </h2>
              <p className="mt-2 whitespace-pre-line text-slate-700">{p.description}</p>
            </section>
          ) : null}
        </div>
      </div>
    </article>
  );
}
