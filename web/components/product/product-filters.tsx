"use client";

import Form from "next/form";
import { useRef } from "react";

import type { Category, ProductSort } from "@/lib/api/types";

export const SORT_OPTIONS: { value: ProductSort; label: string }[] = [
  { value: "newest", label: "Newest" },
  { value: "price_asc", label: "Price: low to high" },
  { value: "price_desc", label: "Price: high to low" },
  { value: "name", label: "Name" },
];

interface ProductFiltersProps {
  categories: Category[];
  category: string;
  q: string;
  sort: ProductSort;
}

/** A plain GET form to /products/: filters are the URL, so results are shareable and survive reload. */
export function ProductFilters({ categories, category, q, sort }: ProductFiltersProps) {
  const form = useRef<HTMLFormElement>(null);
  const submit = () => form.current?.requestSubmit();
  return (
    <Form
      ref={form}
      action="/products/"
      aria-label="Filter products"
      className="card mb-6 grid gap-3 p-4 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end"
      // Keys make the uncontrolled fields follow the URL after client navigation.
      key={`${category}|${q}|${sort}|${categories.length}`}
    >
      <div>
        <label htmlFor="filter-q" className="mb-1 block text-sm font-medium">
          Search
        </label>
        <input id="filter-q" name="q" type="search" defaultValue={q} className="input" placeholder="Name, description or SKU" />
      </div>
      <div>
        <label htmlFor="filter-category" className="mb-1 block text-sm font-medium">
          Category
        </label>
        <select id="filter-category" name="category" defaultValue={category} className="input" onChange={submit}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c.id} value={c.slug}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-sort" className="mb-1 block text-sm font-medium">
          Sort by
        </label>
        <select id="filter-sort" name="sort" defaultValue={sort} className="input" onChange={submit}>
          {SORT_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="btn-primary">
        Apply
      </button>
    </Form>
  );
}
