"use client";

import Form from "next/form";
import Link from "next/link";
import { useSearchParams } from "next/navigation";

import { StockBadge } from "@/components/product/stock-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { Pagination } from "@/components/ui/pagination";
import { shopApi } from "@/lib/api";
import type { AdminStockPage } from "@/lib/api/types";
import { usePageTelemetry } from "@/lib/telemetry";
import { useResource } from "@/lib/use-resource";

import { useAdminCall } from "./admin-session";
import { stockItemHref } from "./inventory-links";

const PAGE_SIZE = 25;

export function InventoryListView() {
  usePageTelemetry("admin-inventory");
  const params = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const low = params.get("low") === "true";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const call = useAdminCall();
  const [stock, reload] = useResource<AdminStockPage>(`admin-stock:${q}:${low}:${page}`, () =>
    call((t) => shopApi.admin.stock(t, { q, low, page, pageSize: PAGE_SIZE })),
  );

  const hrefFor = (target: number) => {
    const next = new URLSearchParams();
    if (q) next.set("q", q);
    if (low) next.set("low", "true");
    if (target > 1) next.set("page", String(target));
    const query = next.toString();
    return query ? `/admin/inventory/?${query}` : "/admin/inventory/";
  };

  return (
    <>
      <PageHeading>Inventory</PageHeading>
      <Form action="/admin/inventory/" key={`${q}|${low}`} className="card mb-4 flex flex-wrap items-end gap-4 p-4" aria-label="Filter stock">
        <div className="min-w-0 flex-1">
          <label htmlFor="stock-q" className="mb-1 block text-sm font-medium">
            Search by name or SKU
          </label>
          <input id="stock-q" name="q" type="search" defaultValue={q} className="input" />
        </div>
        <label className="flex min-h-11 items-center gap-2 text-sm">
          <input type="checkbox" name="low" value="true" defaultChecked={low} className="size-5" />
          Low stock only
        </label>
        <button type="submit" className="btn-secondary">
          Filter
        </button>
      </Form>
      {stock.state === "loading" ? (
        <LoadingState label="Loading stock levels…" />
      ) : stock.state === "error" ? (
        <ErrorState error={stock.error} title="Stock levels did not load" onRetry={reload} />
      ) : stock.data.items.length === 0 ? (
        <EmptyState title={low ? "Nothing is low on stock" : "No products match"}>
          <Link href="/admin/inventory/" className="link">
            Show all stock
          </Link>
        </EmptyState>
      ) : (
        <>
          <div className="card relative overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Stock levels, {stock.data.total} products</caption>
              <thead className="bg-slate-100 text-slate-700">
                <tr>
                  <th scope="col" className="px-3 py-2">SKU</th>
                  <th scope="col" className="px-3 py-2">Name</th>
                  <th scope="col" className="px-3 py-2 text-right">On hand</th>
                  <th scope="col" className="px-3 py-2 text-right">Reserved</th>
                  <th scope="col" className="px-3 py-2 text-right">Available</th>
                  <th scope="col" className="px-3 py-2 text-right">Low at</th>
                  <th scope="col" className="px-3 py-2">Status</th>
                </tr>
              </thead>
              <tbody>
                {stock.data.items.map((row) => (
                  <tr key={row.product_id} className="border-t border-slate-200" data-testid="stock-row">
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{row.sku}</td>
                    <td className="px-3 py-2">
                      <Link href={stockItemHref(row.product_id)} className="link" aria-label={`Manage stock of ${row.name}`}>
                        {row.name}
                      </Link>
                      {row.active ? null : <span className="ml-2 text-xs text-slate-500">(hidden)</span>}
                    </td>
                    {row.level ? (
                      <>
                        <td className="px-3 py-2 text-right">{row.level.on_hand}</td>
                        <td className="px-3 py-2 text-right">{row.level.reserved}</td>
                        <td className="px-3 py-2 text-right font-semibold">{row.level.available}</td>
                        <td className="px-3 py-2 text-right">{row.level.low_stock_threshold}</td>
                        <td className="whitespace-nowrap px-3 py-2">
                          <StockBadge stock={{ status: row.level.status, available: row.level.available }} compact />
                        </td>
                      </>
                    ) : (
                      <td colSpan={5} className="px-3 py-2 text-slate-600">
                        No stock record yet
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={stock.data.page} pages={Math.max(1, Math.ceil(stock.data.total / stock.data.page_size))} hrefFor={hrefFor} />
        </>
      )}
    </>
  );
}
