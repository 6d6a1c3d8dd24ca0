import Link from "next/link";

import type { Category } from "@/lib/api/types";

export function categoryHref(slug: string): string {
  return `/products/?category=${encodeURIComponent(slug)}`;
}

export function CategoryList({ categories }: { categories: Category[] }) {
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {categories.map((category) => (
        <li key={category.id}>
          <Link
            href={categoryHref(category.slug)}
            className="card flex h-full flex-col p-4 hover:border-brand-600 hover:bg-brand-50"
          >
            <span className="font-semibold">{category.name}</span>
            <span className="text-sm text-slate-600">
              {category.product_count} {category.product_count === 1 ? "product" : "products"}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
