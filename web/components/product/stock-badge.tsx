import type { Stock } from "@/lib/api/types";

const STYLES: Record<Stock["status"], string> = {
  in_stock: "bg-green-100 text-green-900",
  low: "bg-amber-100 text-amber-900",
  sold_out: "bg-slate-200 text-slate-800",
  unknown: "bg-slate-100 text-slate-700",
};

/** What a shopper reads about stock (C-BROWSE-07). */
export function stockText(stock: Stock, compact = false): string {
  switch (stock.status) {
    case "in_stock":
      return stock.available === null || compact ? "In stock" : `In stock (${stock.available} available)`;
    case "low":
      return stock.available === null ? "Only a few left" : `Only ${stock.available} left`;
    case "sold_out":
      return "Sold out";
    case "unknown":
      return "Stock unknown right now";
  }
}

export function StockBadge({ stock, compact = false }: { stock: Stock; compact?: boolean }) {
  return (
    <span
      data-testid="stock-status"
      data-stock-status={stock.status}
      className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${STYLES[stock.status]}`}
    >
      {stockText(stock, compact)}
    </span>
  );
}
