/**
 * A fresh key for one checkout attempt. Sent again on a retry, it makes the server return the
 * order it already placed instead of placing a second one. getRandomValues works outside secure
 * contexts too (a shop opened by LAN address), unlike randomUUID.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return `chk-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
