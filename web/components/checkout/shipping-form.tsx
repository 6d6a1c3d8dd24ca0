"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";

import { TextField } from "@/components/ui/text-field";

import {
  SHIPPING_FIELDS,
  validateField,
  validateShipping,
  type ShippingDraft,
  type ShippingErrors,
  type ShippingField,
} from "./shipping-rules";

const COUNTRIES: { code: string; name: string }[] = [
  { code: "JP", name: "Japan" },
  { code: "AU", name: "Australia" },
  { code: "CA", name: "Canada" },
  { code: "DE", name: "Germany" },
  { code: "FR", name: "France" },
  { code: "GB", name: "United Kingdom" },
  { code: "KR", name: "South Korea" },
  { code: "SG", name: "Singapore" },
  { code: "TW", name: "Taiwan" },
  { code: "US", name: "United States" },
];

const LABELS: Record<ShippingField, string> = {
  name: "Full name",
  email: "Email",
  phone: "Phone",
  postal_code: "Postal code",
  country: "Country",
  region: "Prefecture / state",
  city: "City",
  line1: "Address",
  line2: "Apartment, building, floor",
};

const AUTOCOMPLETE: Record<ShippingField, string> = {
  name: "name",
  email: "email",
  phone: "tel",
  postal_code: "postal-code",
  country: "country",
  region: "address-level1",
  city: "address-level2",
  line1: "address-line1",
  line2: "address-line2",
};

interface ShippingFormProps {
  initial: ShippingDraft;
  /** Errors the server found, shown on their fields when the form opens again. */
  serverErrors: ShippingErrors;
  onDone: (draft: ShippingDraft) => void;
  onChange: (draft: ShippingDraft) => void;
}

export function ShippingForm({ initial, serverErrors, onDone, onChange }: ShippingFormProps) {
  const [draft, setDraft] = useState<ShippingDraft>(initial);
  const [errors, setErrors] = useState<ShippingErrors>(serverErrors);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    // Coming back with the server's errors: put the shopper on the first field to fix.
    const first = SHIPPING_FIELDS.find((f) => serverErrors[f]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  }, [serverErrors]);

  function update(field: ShippingField, value: string) {
    const next = { ...draft, [field]: value };
    setDraft(next);
    onChange(next);
    // Once a field shows an error, re-check it as the shopper types, so it clears when fixed.
    if (errors[field]) setErrors({ ...errors, [field]: validateField(field, value) });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateShipping(draft);
    setErrors(found);
    const first = SHIPPING_FIELDS.find((f) => found[f]);
    if (first) {
      formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    onDone(draft);
  }

  const field = (name: ShippingField, extra: { type?: string; className?: string; inputMode?: "tel" | "email" | "text" } = {}) => (
    <TextField
      key={name}
      name={name}
      label={LABELS[name]}
      required={name !== "line2"}
      autoComplete={AUTOCOMPLETE[name]}
      value={draft[name]}
      error={errors[name]}
      onChange={(e) => update(name, e.target.value)}
      onBlur={(e) => setErrors((current) => ({ ...current, [name]: validateField(name, e.target.value) }))}
      type={extra.type ?? "text"}
      inputMode={extra.inputMode}
      className={extra.className}
    />
  );

  const errorCount = SHIPPING_FIELDS.filter((f) => errors[f]).length;

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="shipping-heading" className="card p-5">
      <h2 id="shipping-heading" className="text-lg font-semibold">
        Shipping details
      </h2>
      <p className="mt-1 text-sm text-slate-600">All fields are required unless marked optional.</p>
      {errorCount > 0 ? (
        <p role="alert" className="mt-3 rounded-md bg-red-50 p-3 text-sm text-red-900">
          {errorCount === 1 ? "One field needs" : `${errorCount} fields need`} fixing before you continue.
        </p>
      ) : null}
      <div className="mt-4 grid gap-4 sm:grid-cols-2">
        {field("name", { className: "sm:col-span-2" })}
        {field("email", { type: "email", inputMode: "email" })}
        {field("phone", { type: "tel", inputMode: "tel" })}
        {field("postal_code")}
        <div>
          <label htmlFor="shipping-country" className="mb-1 block text-sm font-medium text-slate-800">
            {LABELS.country}
          </label>
          <select
            id="shipping-country"
            name="country"
            autoComplete="country"
            value={draft.country}
            onChange={(e) => update("country", e.target.value)}
            className="input"
          >
            {COUNTRIES.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        {field("region")}
        {field("city")}
        {field("line1", { className: "sm:col-span-2" })}
        {field("line2", { className: "sm:col-span-2" })}
      </div>
      <button type="submit" className="btn-primary mt-6 w-full sm:w-auto">
        Continue to review
      </button>
    </form>
  );
}
