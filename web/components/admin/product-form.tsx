"use client";

import { useState, type FormEvent } from "react";

import { TextField } from "@/components/ui/text-field";
import { describeError, type ApiError } from "@/lib/api/result";
import type { Category } from "@/lib/api/types";

import { productErrorsFromServer, validateProduct, type ProductDraft, type ProductErrors, type ProductField } from "./product-form-rules";

interface ProductFormProps {
  initial: ProductDraft;
  categories: Category[];
  currency: string;
  submitLabel: string;
  /** Save; an error comes back to be shown on its fields or above the form. */
  onSave: (draft: ProductDraft) => Promise<ApiError | null>;
}

const ORDER: ProductField[] = ["sku", "name", "price", "categoryId", "description"];

export function ProductForm({ initial, categories, currency, submitLabel, onSave }: ProductFormProps) {
  const [draft, setDraft] = useState<ProductDraft>(initial);
  const [errors, setErrors] = useState<ProductErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function set<K extends keyof ProductDraft>(key: K, value: ProductDraft[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
  }

  function focusFirst(found: ProductErrors, form: HTMLFormElement) {
    const first = ORDER.find((f) => found[f]);
    if (first) form.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const found = validateProduct(draft, currency);
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) {
      focusFirst(found, form);
      return;
    }
    setBusy(true);
    const error = await onSave(draft);
    setBusy(false);
    if (!error) return;
    const fromServer = productErrorsFromServer(error.fieldErrors);
    setErrors(fromServer);
    if (Object.keys(fromServer).length > 0) focusFirst(fromServer, form);
    else setFormError(describeError(error));
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card grid gap-4 p-5 sm:grid-cols-2" aria-label="Product details">
      {formError ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900 sm:col-span-2">
          {formError}
        </p>
      ) : null}
      <TextField
        name="sku"
        label="SKU"
        required
        hint="Capital letters, digits and dashes, e.g. KIT-042."
        value={draft.sku}
        error={errors.sku}
        autoCapitalize="characters"
        onChange={(e) => set("sku", e.target.value.toUpperCase())}
      />
      <TextField name="name" label="Name" required value={draft.name} error={errors.name} onChange={(e) => set("name", e.target.value)} />
      <TextField
        name="price"
        label={`Price (${currency})`}
        required
        inputMode="decimal"
        value={draft.price}
        error={errors.price}
        onChange={(e) => set("price", e.target.value)}
      />
      <div>
        <label htmlFor="product-category" className="mb-1 block text-sm font-medium text-slate-800">
          Category
        </label>
        <select
          id="product-category"
          name="categoryId"
          className="input"
          value={draft.categoryId}
          aria-invalid={errors.categoryId ? true : undefined}
          aria-describedby={errors.categoryId ? "product-category-error" : undefined}
          onChange={(e) => set("categoryId", e.target.value)}
        >
          <option value="">Choose a category</option>
          {categories.map((c) => (
            <option key={c.id} value={String(c.id)}>
              {c.name}
            </option>
          ))}
        </select>
        {errors.categoryId ? (
          <p id="product-category-error" className="mt-1 text-sm text-red-700">
            {errors.categoryId}
          </p>
        ) : null}
      </div>
      <div className="sm:col-span-2">
        <label htmlFor="product-description" className="mb-1 block text-sm font-medium text-slate-800">
          Description <span className="font-normal text-slate-500">(optional)</span>
        </label>
        <textarea
          id="product-description"
          name="description"
          rows={5}
          className="input"
          value={draft.description}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? "product-description-error" : undefined}
          onChange={(e) => set("description", e.target.value)}
        />
        {errors.description ? (
          <p id="product-description-error" className="mt-1 text-sm text-red-700">
            {errors.description}
          </p>
        ) : null}
      </div>
      <fieldset className="flex flex-wrap gap-6 sm:col-span-2">
        <legend className="sr-only">Visibility</legend>
        <label className="flex min-h-11 items-center gap-2">
          <input type="checkbox" name="active" className="size-5" checked={draft.active} onChange={(e) => set("active", e.target.checked)} />
          On sale (shown in the shop)
        </label>
        <label className="flex min-h-11 items-center gap-2">
          <input type="checkbox" name="featured" className="size-5" checked={draft.featured} onChange={(e) => set("featured", e.target.checked)} />
          Featured on the home page
        </label>
      </fieldset>
      <div className="sm:col-span-2">
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
