// Client-side checks that mirror the API's Shipping schema, so most mistakes are caught as the
// shopper types. The server stays the authority: its problem JSON is mapped onto the same fields.
import type { Shipping } from "@/lib/api/types";

export type ShippingField = keyof Shipping;
export type ShippingDraft = Record<ShippingField, string>;
export type ShippingErrors = Partial<Record<ShippingField, string>>;

export const EMPTY_SHIPPING: ShippingDraft = {
  name: "",
  email: "",
  phone: "",
  postal_code: "",
  region: "",
  city: "",
  line1: "",
  line2: "",
  country: "JP",
};

export const SHIPPING_FIELDS: ShippingField[] = ["name", "email", "phone", "postal_code", "country", "region", "city", "line1", "line2"];

interface Rule {
  required: boolean;
  max: number;
  pattern?: RegExp;
  message: string;
}

const RULES: Record<ShippingField, Rule> = {
  name: { required: true, max: 120, message: "Enter the name of the person receiving the order." },
  // Only the shape: whether a domain can receive mail is the server's call.
  email: { required: true, max: 254, pattern: /^[^\s@]+@[^\s@]+$/, message: "Enter an email address like name@example.com." },
  phone: {
    required: true,
    max: 26,
    pattern: /^\+?[0-9][0-9 ()-]{6,24}$/,
    message: "Enter a phone number: digits, with spaces, dashes or brackets if you like (at least 7).",
  },
  postal_code: { required: true, max: 12, pattern: /^[A-Za-z0-9 -]{3,12}$/, message: "Enter a postal code of 3 to 12 letters or digits." },
  region: { required: true, max: 120, message: "Enter the prefecture, state or region." },
  city: { required: true, max: 120, message: "Enter the city." },
  line1: { required: true, max: 200, message: "Enter the street address." },
  line2: { required: false, max: 200, message: "Keep the second address line under 200 characters." },
  country: { required: true, max: 2, pattern: /^[A-Z]{2}$/, message: "Choose a country." },
};

export function validateField(field: ShippingField, value: string): string | undefined {
  const rule = RULES[field];
  const text = value.trim();
  if (!text) return rule.required ? rule.message : undefined;
  if (text.length > rule.max) return rule.message;
  if (rule.pattern && !rule.pattern.test(text)) return rule.message;
  return undefined;
}

export function validateShipping(draft: ShippingDraft): ShippingErrors {
  const errors: ShippingErrors = {};
  for (const field of SHIPPING_FIELDS) {
    const message = validateField(field, draft[field]);
    if (message) errors[field] = message;
  }
  return errors;
}

export function toShipping(draft: ShippingDraft): Shipping {
  const trimmed = Object.fromEntries(SHIPPING_FIELDS.map((f) => [f, draft[f].trim()])) as ShippingDraft;
  return trimmed;
}

/** The server's field errors (`shipping.email` after the `body.` prefix) → errors on our fields. */
export function shippingErrorsFromServer(fieldErrors: Readonly<Record<string, string>>): ShippingErrors {
  const errors: ShippingErrors = {};
  for (const [path, message] of Object.entries(fieldErrors)) {
    const field = path.startsWith("shipping.") ? path.slice("shipping.".length) : null;
    if (field && (SHIPPING_FIELDS as string[]).includes(field)) errors[field as ShippingField] = message;
  }
  return errors;
}

export function isShippingDraft(value: unknown): value is ShippingDraft {
  return (
    typeof value === "object" &&
    value !== null &&
    SHIPPING_FIELDS.every((f) => typeof (value as Record<string, unknown>)[f] === "string")
  );
}
