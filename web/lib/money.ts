import type { Money } from "./api/types";

// One locale for every price so the same amount always reads the same (and tests can rely on it).
const LOCALE = "en-US";

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat(LOCALE, { style: "currency", currency });
    formatters.set(currency, formatter);
  }
  return formatter;
}

/** How many minor units a currency has after the point: JPY 0, USD 2. */
export function minorDigits(currency: string): number {
  return formatterFor(currency).resolvedOptions().maximumFractionDigits ?? 0;
}

/** `{ amount_minor: 5800, currency: "JPY" }` → `¥5,800`; never goes through a float for yen. */
export function formatMoney(money: Money): string {
  const digits = minorDigits(money.currency);
  return formatterFor(money.currency).format(money.amount_minor / 10 ** digits);
}

/**
 * A price typed by a person ("1,800", "12.50") → minor units, or null when it is not a price in
 * that currency (too many decimals, negative, not a number).
 */
export function parseMajorToMinor(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const cleaned = text.replace(/[,\s]/g, "");
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(cleaned)) return null;
  const [whole = "0", fraction = ""] = cleaned.split(".");
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units → the text a person would type back into a price field. */
export function minorToMajorText(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amountMinor);
  const whole = Math.trunc(amountMinor / 10 ** digits);
  const fraction = String(amountMinor % 10 ** digits).padStart(digits, "0");
  return `${whole}.${fraction}`;
}
