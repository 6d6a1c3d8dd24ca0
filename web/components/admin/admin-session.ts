"use client";
// The admin's sign-in, kept in sessionStorage (this tab only; the token lasts 15 minutes) and read
// through useSyncExternalStore so every component sees the same session and sign-out is instant.

import { usePathname, useRouter } from "next/navigation";
import { useCallback, useMemo, useSyncExternalStore } from "react";

import type { Result } from "@/lib/api/result";
import type { Admin, TokenOut } from "@/lib/api/types";
import { readItem, writeItem } from "@/lib/browser-storage";
import { ADMIN_SESSION_KEY } from "@/lib/storage-keys";

export interface AdminSession {
  token: string;
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: number;
  admin: Admin;
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // A timer re-reads the session so an expired token signs the admin out without a click.
  const timer = window.setInterval(listener, 15_000);
  return () => {
    listeners.delete(listener);
    window.clearInterval(timer);
  };
}

function parse(raw: string | null): AdminSession | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<AdminSession>;
    if (typeof value.token !== "string" || typeof value.expiresAt !== "number" || !value.admin) return null;
    return value as AdminSession;
  } catch {
    return null;
  }
}

/** The stored session's text while it is unexpired; a string, so React can compare snapshots. */
function snapshot(): string | null {
  const raw = readItem("session", ADMIN_SESSION_KEY);
  const session = parse(raw);
  return session && session.expiresAt > Date.now() ? raw : null;
}

function notify() {
  for (const listener of listeners) listener();
}

export function saveAdminSession(token: TokenOut, now: number = Date.now()): AdminSession {
  const session: AdminSession = { token: token.access_token, expiresAt: now + token.expires_in * 1000, admin: token.admin };
  writeItem("session", ADMIN_SESSION_KEY, JSON.stringify(session));
  notify();
  return session;
}

export function clearAdminSession(): void {
  writeItem("session", ADMIN_SESSION_KEY, null);
  notify();
}

const noSubscribe = () => () => {};

/** False while React hydrates the static HTML (which was built without a session), then true. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
}

export function useAdminSession(): AdminSession | null {
  const raw = useSyncExternalStore(subscribe, snapshot, () => null);
  return useMemo(() => parse(raw), [raw]);
}

export function loginHref(next: string, expired = false): string {
  const params = new URLSearchParams({ next });
  if (expired) params.set("expired", "1");
  return `/admin/login/?${params.toString()}`;
}

/**
 * Run an admin API call with the current token. A refused token (401) signs the admin out and
 * sends them to the login page, which brings them back here afterwards.
 */
export function useAdminCall() {
  const session = useAdminSession();
  const router = useRouter();
  const pathname = usePathname();
  const token = session?.token ?? null;
  return useCallback(
    async <T,>(request: (token: string) => Promise<Result<T>>): Promise<Result<T>> => {
      const result = await request(token ?? "");
      if (!result.ok && result.error.kind === "unauthorized") {
        clearAdminSession();
        router.replace(loginHref(`${pathname}${window.location.search}`, true));
      }
      return result;
    },
    [token, router, pathname],
  );
}
