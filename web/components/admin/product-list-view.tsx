"use client";

import Form from "next/form";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";

import { Price } from "@/components/product/price";
import { StockBadge } from "@/components/product/stock-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { Pagination } from "@/components/ui/pagination";
import { shopApi } from "@/lib/api";
import { describeError } from "@/lib/api/result";
import type { AdminProduct, AdminProductPage } from "@/lib/api/types";
import { recordEvent, usePageTelemetry } from "@/lib/telemetry";
import { useResource } from "@/lib/use-resource";

import { useAdminCall } from "./admin-session";
import { productEditHref } from "./product-create-view";

const PAGE_SIZE = 20;

type Notice = { kind: "ok" | "error"; text: string } | null;

function DeleteButton({ product, onDeleted, onFailed }: { product: AdminProduct; onDeleted: (mode: string) => void; onFailed: (message: string) => void }) {
  const call = useAdminCall();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  if (!confirming) {
    return (
      <button type="button" className="btn-secondary" onClick={() => setConfirming(true)} aria-label={`Delete ${product.name}`}>
        Delete
      </button>
    );
  }
  return (
    <span role="group" aria-label={`Confirm deleting ${product.name}`} className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        className="btn-danger"
        disabled={busy}
        autoFocus
        onClick={async () => {
          setBusy(true);
          const result = await call((t) => shopApi.admin.deleteProduct(t, product.id));
          setBusy(false);
          setConfirming(false);
          if (result.ok) {
            recordEvent("admin.product.deleted", { product_id: product.id, mode: result.data.mode });
            onDeleted(result.data.mode);
          } else {
            onFailed(describeError(result.error));
          }
        }}
      >
        {busy ? "Deleting…" : `Yes, delete ${product.sku}`}
      </button>
      <button type="button" className="btn-secondary" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}

export function AdminProductListView() {
  usePageTelemetry("admin-products");
  const params = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const call = useAdminCall();
  const [notice, setNotice] = useState<Notice>(null);
  const [products, reload] = useResource<AdminProductPage>(`admin-products:${q}:${page}`, () =>
    call((t) => shopApi.admin.products(t, { q, page, pageSize: PAGE_SIZE })),
  );

  const hrefFor = (target: number) => {
    const next = new URLSearchParams();
    if (q) next.set("q", q);
    if (target > 1) next.set("page", String(target));
    const query = next.toString();
    return query ? `/admin/products/?${query}` : "/admin/products/";
  };

  return (
    <>
      <PageHeading
        action={
          <Link href="/admin/products/new/" className="btn-primary">
            New product
          </Link>
        }
      >
        Products
      </PageHeading>
      <Form action="/admin/products/" key={q} className="card mb-4 flex flex-wrap items-end gap-3 p-4" aria-label="Search products">
        <div className="min-w-0 flex-1">
          <label htmlFor="admin-product-q" className="mb-1 block text-sm font-medium">
            Search by name or SKU
          </label>
          <input id="admin-product-q" name="q" type="search" defaultValue={q} className="input" />
        </div>
        <button type="submit" className="btn-secondary">
          Search
        </button>
      </Form>
      {notice ? (
        <p role={notice.kind === "ok" ? "status" : "alert"} className={`mb-4 rounded-md p-3 text-sm ${notice.kind === "ok" ? "bg-green-50 text-green-900" : "bg-red-50 text-red-900"}`}>
          {notice.text}
        </p>
      ) : null}
      {products.state === "loading" ? (
        <LoadingState label="Loading products…" />
      ) : products.state === "error" ? (
        <ErrorState error={products.error} title="Products did not load" onRetry={reload} />
      ) : products.data.items.length === 0 ? (
        <EmptyState title={q ? `No products match “${q}”` : "No products yet"}>
          <Link href="/admin/products/new/" className="btn-primary mt-2">
            Create a product
          </Link>
        </EmptyState>
      ) : (
        <>
          <div className="card relative overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Products, {products.data.total} in all</caption>
              <thead className="bg-slate-100 text-slate-700">
                <tr>
                  <th scope="col" className="px-3 py-2">SKU</th>
                  <th scope="col" className="px-3 py-2">Name</th>
                  <th scope="col" className="px-3 py-2">Category</th>
                  <th scope="col" className="px-3 py-2 text-right">Price</th>
                  <th scope="col" className="px-3 py-2">Stock</th>
                  <th scope="col" className="px-3 py-2">Shown</th>
                  <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {products.data.items.map((product) => (
                  <tr key={product.id} className="border-t border-slate-200 align-middle" data-testid="admin-product-row">
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{product.sku}</td>
                    <td className="px-3 py-2">
                      <Link href={productEditHref(product.id)} className="link">
                        {product.name}
                      </Link>
                    </td>
                    <td className="px-3 py-2">{product.category.name}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-right">
                      <Price money={product.price} />
                    </td>
                    <td className="whitespace-nowrap px-3 py-2">
                      <StockBadge stock={product.stock} compact />
                    </td>
                    <td className="px-3 py-2">{product.active ? (product.featured ? "Yes, featured" : "Yes") : "Hidden"}</td>
                    <td className="px-3 py-2">
                      <DeleteButton
                        product={product}
                        onDeleted={(mode) => {
                          setNotice({
                            kind: "ok",
                            text:
                              mode === "soft"
                                ? `${product.name} was hidden: it has orders, so it is kept for them.`
                                : `${product.name} was deleted.`,
                          });
                          reload();
                        }}
                        onFailed={(text) => setNotice({ kind: "error", text: `${product.name} was not deleted: ${text}` })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={products.data.page} pages={Math.max(1, Math.ceil(products.data.total / products.data.page_size))} hrefFor={hrefFor} />
        </>
      )}
    </>
  );
}
