"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";

import { parseId } from "@/components/product/product-detail-view";
import { StockBadge } from "@/components/product/stock-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { TextField } from "@/components/ui/text-field";
import { shopApi } from "@/lib/api";
import { clientError, describeError, ok, type Result } from "@/lib/api/result";
import type { AdminProduct, Movement, StockLevel } from "@/lib/api/types";
import { usePageTelemetry } from "@/lib/telemetry";
import { useResource } from "@/lib/use-resource";

import { useAdminCall } from "./admin-session";
import { MovementHistory } from "./movement-history";
import { productEditHref } from "./product-create-view";
import { StockAdjustForm } from "./stock-adjust-form";

interface Loaded {
  product: AdminProduct;
  level: StockLevel | null;
  movements: Movement[];
}

function ThresholdForm({ level, onSave }: { level: StockLevel; onSave: (threshold: number) => Promise<Result<StockLevel>> }) {
  const [value, setValue] = useState(String(level.low_stock_threshold));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      noValidate
      className="card flex flex-wrap items-end gap-3 p-5"
      aria-label="Low-stock level"
      onSubmit={async (event) => {
        event.preventDefault();
        const n = Number(value);
        if (!/^\d+$/.test(value.trim()) || n > 1_000_000) {
          setError("Enter a whole number, 0 or more.");
          return;
        }
        setBusy(true);
        const result = await onSave(n);
        setBusy(false);
        setError(result.ok ? undefined : (result.error.fieldErrors["low_stock_threshold"] ?? describeError(result.error)));
      }}
    >
      <TextField
        name="low_stock_threshold"
        label="Low-stock level"
        hint="The product shows as low when this many or fewer are available."
        required
        inputMode="numeric"
        value={value}
        error={error}
        onChange={(e) => setValue(e.target.value)}
        className="min-w-0 flex-1"
      />
      <button type="submit" className="btn-secondary" disabled={busy}>
        Save level
      </button>
    </form>
  );
}

export function InventoryItemView() {
  usePageTelemetry("admin-inventory-item");
  const id = parseId(useSearchParams().get("id"));
  const call = useAdminCall();
  const [loaded, reload] = useResource<Loaded>(id === null ? null : `admin-stock-item:${id}`, async (): Promise<Result<Loaded>> => {
    const productId = id ?? 0;
    const product = await call((t) => shopApi.admin.product(t, productId));
    if (!product.ok) return product;
    // There is no GET for one product's level: find it in the list, searched by its SKU.
    const [rows, movements] = await Promise.all([
      call((t) => shopApi.admin.stock(t, { q: product.data.sku, pageSize: 100 })),
      call((t) => shopApi.admin.movements(t, productId, 50)),
    ]);
    if (!rows.ok) return rows;
    if (!movements.ok) return movements;
    const level = rows.data.items.find((row) => row.product_id === productId)?.level ?? null;
    return ok({ product: product.data, level, movements: movements.data.items });
  });

  if (id === null) {
    return <ErrorState title="No such product" error={clientError("not_found", "This link does not name a product.")} fallback={{ href: "/admin/inventory/", label: "All stock" }} />;
  }
  if (loaded.state === "loading") return <LoadingState label="Loading stock…" />;
  if (loaded.state === "error") {
    return <ErrorState error={loaded.error} title="Stock did not load" onRetry={reload} fallback={{ href: "/admin/inventory/", label: "All stock" }} />;
  }
  const { product, level, movements } = loaded.data;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600">
        <Link href="/admin/inventory/" className="link">
          Inventory
        </Link>{" "}
        / {product.sku}
      </nav>
      <PageHeading
        action={
          <Link href={productEditHref(product.id)} className="btn-secondary">
            Edit product
          </Link>
        }
      >
        Stock of {product.name}
      </PageHeading>
      {level ? (
        <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="stock-level">
          {[
            ["On hand", level.on_hand, "on-hand"],
            ["Reserved", level.reserved, "reserved"],
            ["Available", level.available, "available"],
            ["Low at", level.low_stock_threshold, "threshold"],
          ].map(([label, value, testId]) => (
            <div key={label} className="card p-4">
              <dt className="text-sm text-slate-600">{label}</dt>
              <dd className="text-2xl font-bold" data-testid={`level-${testId}`}>
                {value}
              </dd>
            </div>
          ))}
          <div className="card p-4">
            <dt className="text-sm text-slate-600">Status</dt>
            <dd className="mt-1">
              <StockBadge stock={{ status: level.status, available: level.available }} compact />
            </dd>
          </div>
        </dl>
      ) : (
        <p className="card mb-6 p-4 text-slate-700">No stock recorded yet: receive some to start.</p>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <StockAdjustForm
          title="Receive stock"
          description="Goods arrived: adds to on hand."
          quantityLabel="Units received"
          signed={false}
          submitLabel="Receive"
          reasonHint="e.g. the delivery note number."
          onSubmit={(quantity, reason) => call((t) => shopApi.admin.receiveStock(t, product.id, quantity, reason))}
          onDone={reload}
        />
        <StockAdjustForm
          title="Correct stock"
          description="A count found a difference: adds or removes units."
          quantityLabel="Change in units"
          quantityHint="Negative to remove, e.g. -2."
          signed
          submitLabel="Correct"
          reasonHint="e.g. stock count, damaged in storage."
          onSubmit={(quantity, reason) => call((t) => shopApi.admin.correctStock(t, product.id, quantity, reason))}
          onDone={reload}
        />
      </div>
      {level ? (
        <div className="mt-4">
          <ThresholdForm
            key={level.low_stock_threshold}
            level={level}
            onSave={async (threshold) => {
              const result = await call((t) => shopApi.admin.setThreshold(t, product.id, threshold));
              if (result.ok) reload();
              return result;
            }}
          />
        </div>
      ) : null}
      <section aria-labelledby="history-heading" className="mt-8">
        <h2 id="history-heading" className="mb-3 text-lg font-semibold">
          History
        </h2>
        {movements.length === 0 ? <EmptyState title="No movements yet" /> : <MovementHistory movements={movements} />}
      </section>
    </>
  );
}
