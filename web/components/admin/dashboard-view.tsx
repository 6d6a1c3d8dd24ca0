"use client";

import Link from "next/link";
import type { ReactNode } from "react";

import { Price } from "@/components/product/price";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeading } from "@/components/ui/page-heading";
import { shopApi } from "@/lib/api";
import type { DashboardSummary } from "@/lib/api/types";
import { usePageTelemetry } from "@/lib/telemetry";
import { useResource } from "@/lib/use-resource";

import { useAdminCall } from "./admin-session";
import { formatDateTime } from "./format";

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <div className="card p-5">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-3xl font-bold" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export function DashboardView() {
  usePageTelemetry("admin-dashboard");
  const call = useAdminCall();
  const [summary, reload] = useResource<DashboardSummary>("summary", () => call((t) => shopApi.admin.summary(t)));

  return (
    <>
      <PageHeading
        action={
          <button type="button" className="btn-secondary" onClick={reload}>
            Refresh
          </button>
        }
      >
        Dashboard
      </PageHeading>
      {summary.state === "loading" ? (
        <LoadingState label="Loading today's figures…" />
      ) : summary.state === "error" ? (
        <ErrorState error={summary.error} title="The dashboard did not load" onRetry={reload} />
      ) : (
        <>
          <dl className="grid gap-4 sm:grid-cols-3">
            <Stat label="Orders today" testId="orders-today">
              {summary.data.orders_today}
            </Stat>
            <Stat label="Revenue today" testId="revenue-today">
              <Price money={summary.data.revenue_today} />
            </Stat>
            <Stat label="Products low on stock" testId="low-stock-count">
              {summary.data.low_stock_count === null ? (
                <span className="text-base font-normal text-slate-600">Unknown: the inventory service is not answering</span>
              ) : (
                <Link href="/admin/inventory/?low=true" className="link">
                  {summary.data.low_stock_count}
                </Link>
              )}
            </Stat>
          </dl>
          <section aria-labelledby="recent-heading" className="mt-8">
            <h2 id="recent-heading" className="mb-3 text-lg font-semibold">
              Recent admin actions
            </h2>
            {summary.data.recent_actions.length === 0 ? (
              <EmptyState title="No admin actions yet">Changes to products and stock will appear here.</EmptyState>
            ) : (
              <div className="card relative overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <thead className="bg-slate-100 text-slate-700">
                    <tr>
                      <th scope="col" className="px-3 py-2">When</th>
                      <th scope="col" className="px-3 py-2">Who</th>
                      <th scope="col" className="px-3 py-2">Action</th>
                      <th scope="col" className="px-3 py-2">On</th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.data.recent_actions.map((entry) => (
                      <tr key={entry.id} className="border-t border-slate-200">
                        <td className="whitespace-nowrap px-3 py-2">{formatDateTime(entry.created_at)}</td>
                        <td className="px-3 py-2">{entry.actor_email}</td>
                        <td className="px-3 py-2">{entry.action}</td>
                        <td className="px-3 py-2">
                          {entry.entity_type} {entry.entity_id}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
