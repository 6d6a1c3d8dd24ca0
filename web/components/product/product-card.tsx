import Link from "next/link";

import type { ProductSummary } from "@/lib/api/types";

import { Price } from "./price";
import { ProductImage } from "./product-image";
import { StockBadge } from "./stock-badge";

export function productHref(id: number): string {
  return `/product/?id=${id}`;
}

export function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <li className="card flex flex-col overflow-hidden" data-testid="product-card">
      <Link href={productHref(product.id)} className="group flex flex-1 flex-col focus-visible:outline-offset-0">
        <ProductImage src={product.image_url} alt={product.name} className="transition-opacity group-hover:opacity-90" />
        <div className="flex flex-1 flex-col gap-1 p-3">
          <span className="text-xs uppercase tracking-wide text-slate-500">{product.category.name}</span>
          <span className="font-semibold text-slate-900 group-hover:underline">{product.name}</span>
          <span className="mt-auto flex flex-wrap items-center justify-between gap-2 pt-2">
            <Price money={product.price} className="font-bold" />
            <StockBadge stock={product.stock} compact />
          </span>
        </div>
      </Link>
    </li>
  );
}
