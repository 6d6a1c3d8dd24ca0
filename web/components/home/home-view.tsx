"use client";

import Link from "next/link";
import type { ReactNode } from "react";

import { CategoryList } from "@/components/home/category-list";
import { ProductGrid } from "@/components/product/product-grid";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { shopApi, type ProductQuery } from "@/lib/api";
import type { Category, ProductPage } from "@/lib/api/types";
import { usePageTelemetry } from "@/lib/telemetry";
import { useResource, type Resource } from "@/lib/use-resource";

function Section({ id, title, action, children }: { id: string; title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-10">
      <div className="mb-4 flex items-baseline justify-between gap-3">
        <h2 id={id} className="text-xl font-bold">
          {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}

function ProductSection({ resource, reload, label, emptyText }: { resource: Resource<ProductPage>; reload: () => void; label: string; emptyText: string }) {
  if (resource.state === "loading") return <LoadingState label={`Loading ${label.toLowerCase()}…`} />;
  if (resource.state === "error") return <ErrorState error={resource.error} title={`${label} did not load`} onRetry={reload} />;
  if (resource.data.items.length === 0) return <EmptyState title={emptyText} />;
  return <ProductGrid products={resource.data.items} label={label} />;
}

function useProducts(key: string, query: ProductQuery) {
  return useResource<ProductPage>(key, () => shopApi.catalog.products(query));
}

export function HomeView() {
  usePageTelemetry("home");
  const [categories, reloadCategories] = useResource<Category[]>("categories", () => shopApi.catalog.categories());
  const [featured, reloadFeatured] = useProducts("featured", { featured: true, pageSize: 8 });
  const [newest, reloadNewest] = useProducts("newest", { sort: "newest", pageSize: 8 });

  return (
    <>
      <div className="rounded-xl bg-brand-900 px-6 py-10 text-white sm:px-10">
        <h1 className="text-3xl font-extrabold tracking-tight sm:text-4xl">Good things for everyday life</h1>
        <p className="mt-2 max-w-xl text-brand-100">Kitchenware, coffee, stationery, outdoor gear and more — shipped from our own shelves.</p>
        <Link href="/products/" className="btn mt-6 bg-white text-brand-900 hover:bg-brand-50">
          Shop all products
        </Link>
      </div>

      <Section id="categories-heading" title="Shop by category">
        {categories.state === "loading" ? (
          <LoadingState label="Loading categories…" />
        ) : categories.state === "error" ? (
          <ErrorState error={categories.error} title="Categories did not load" onRetry={reloadCategories} />
        ) : categories.data.length === 0 ? (
          <EmptyState title="No categories yet" />
        ) : (
          <CategoryList categories={categories.data} />
        )}
      </Section>

      <Section id="featured-heading" title="Featured">
        <ProductSection resource={featured} reload={reloadFeatured} label="Featured products" emptyText="Nothing featured right now" />
      </Section>

      <Section
        id="new-heading"
        title="New arrivals"
        action={
          <Link href="/products/?sort=newest" className="link text-sm">
            See all
          </Link>
        }
      >
        <ProductSection resource={newest} reload={reloadNewest} label="New arrivals" emptyText="No products yet" />
      </Section>
    </>
  );
}
