import Link from "next/link";

import type { ProductSummary } from "@/lib/api/types";

import { Price } from "./price";
import { ProductImage } from "./product-image";
import { StockBadge } from "./stock-badge";

export function productHref(id: number): string {
  return `/product/?id=${id}`;
}

/** The whole card is clickable, but only the name is the link, so its accessible name is the product's. */
export function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <li className="card group relative flex flex-col overflow-hidden focus-within:ring-2 focus-within:ring-brand-600" data-testid="product-card">
      <ProductImage src={product.image_url} alt={product.name} className="transition-opacity group-hover:opacity-90" />
      <div className="flex flex-1 flex-col gap-1 p-3">
        <span className="text-xs uppercase tracking-wide text-slate-500">{product.category.name}</span>
        <h3 className="font-semibold text-slate-900">
          <Link href={productHref(product.id)} className="after:absolute after:inset-0 focus-visible:outline-none group-hover:underline">
            {product.name}
          </Link>
        </h3>
        <span className="mt-auto flex flex-wrap items-center justify-between gap-2 pt-2">
          <Price money={product.price} className="font-bold" />
          <StockBadge stock={product.stock} compact />
        </span>
      </div>
    </li>
  );
}
