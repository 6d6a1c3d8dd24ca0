"use client";

import { useId, useState, type FormEvent } from "react";

import { TextField } from "@/components/ui/text-field";
import { describeError, type Result } from "@/lib/api/result";
import type { StockLevel } from "@/lib/api/types";

interface StockAdjustFormProps {
  title: string;
  description: string;
  quantityLabel: string;
  quantityHint?: string;
  /** Allowed quantities: receipts are positive, corrections any non-zero change. */
  signed: boolean;
  submitLabel: string;
  reasonHint: string;
  onSubmit: (quantity: number, reason: string) => Promise<Result<StockLevel>>;
  onDone: (level: StockLevel) => void;
}

const MAX = 1_000_000;

export function StockAdjustForm(props: StockAdjustFormProps) {
  const headingId = useId();
  const [quantity, setQuantity] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<{ quantity?: string; reason?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const n = Number(quantity);
    const found: { quantity?: string; reason?: string } = {};
    if (!/^-?\d+$/.test(quantity.trim()) || n === 0 || Math.abs(n) > MAX || (!props.signed && n < 0)) {
      found.quantity = props.signed ? "Enter a whole number of units, e.g. -2 or 5 (not 0)." : "Enter how many units, 1 or more.";
    }
    if (reason.trim().length < 3) found.reason = "Give a reason of at least 3 characters.";
    setErrors(found);
    setFormError(null);
    setDone(null);
    if (found.quantity || found.reason) {
      form.querySelector<HTMLElement>(`[name="${found.quantity ? "quantity" : "reason"}"]`)?.focus();
      return;
    }
    setBusy(true);
    const result = await props.onSubmit(n, reason.trim());
    setBusy(false);
    if (!result.ok) {
      const fe = result.error.fieldErrors;
      if (fe["quantity"] || fe["reason"]) setErrors({ quantity: fe["quantity"], reason: fe["reason"] });
      else setFormError(describeError(result.error));
      return;
    }
    setQuantity("");
    setReason("");
    setDone(`Done: ${result.data.on_hand} on hand, ${result.data.available} available.`);
    props.onDone(result.data);
  }

  return (
    <form onSubmit={submit} noValidate className="card grid gap-3 p-5" aria-labelledby={headingId}>
      <h2 id={headingId} className="text-lg font-semibold">
        {props.title}
      </h2>
      <p className="text-sm text-slate-600">{props.description}</p>
      {formError ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900">
          {formError}
        </p>
      ) : null}
      <TextField
        name="quantity"
        label={props.quantityLabel}
        hint={props.quantityHint}
        required
        inputMode="numeric"
        value={quantity}
        error={errors.quantity}
        onChange={(e) => setQuantity(e.target.value)}
      />
      <TextField name="reason" label="Reason" hint={props.reasonHint} required value={reason} error={errors.reason} onChange={(e) => setReason(e.target.value)} />
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? "Saving…" : props.submitLabel}
        </button>
        <span role="status" className="text-sm text-green-800">
          {done}
        </span>
      </div>
    </form>
  );
}
