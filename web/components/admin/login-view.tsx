"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";

import { TextField } from "@/components/ui/text-field";
import { shopApi } from "@/lib/api";
import { describeError } from "@/lib/api/result";
import { reportError, usePageTelemetry } from "@/lib/telemetry";

import { saveAdminSession } from "./admin-session";

/** Only ever go back into the admin console (never to another site) after signing in. */
export function safeNext(next: string | null): string {
  const inConsole = next !== null && next.startsWith("/admin/") && !next.startsWith("/admin/login") && !next.includes("//");
  return inConsole ? next : "/admin/";
}

export function LoginView() {
  usePageTelemetry("admin-login");
  const router = useRouter();
  const params = useSearchParams();
  const expired = params.get("expired") === "1";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setBusy(true);
    setError(null);
    const result = await shopApi.admin.login(email.trim(), password);
    setBusy(false);
    if (result.ok) {
      saveAdminSession(result.data);
      router.replace(safeNext(params.get("next")));
      return;
    }
    reportError(result.error, { screen: "admin-login" });
    setError(
      result.error.kind === "unauthorized"
        ? "That email and password do not match an account."
        : result.error.kind === "rate_limited"
          ? "Too many sign-in attempts. Wait a few minutes, then try again."
          : describeError(result.error),
    );
  }

  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <form onSubmit={onSubmit} noValidate className="card p-6" aria-labelledby="login-heading">
        <h1 id="login-heading" className="text-2xl font-bold">
          Staff sign-in
        </h1>
        <p className="mt-1 text-sm text-slate-600">The o11yshop admin console.</p>
        {expired ? (
          <p role="status" className="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
            Your session ended. Sign in again to carry on where you were.
          </p>
        ) : null}
        {error ? (
          <p role="alert" className="mt-4 rounded-md bg-red-50 p-3 text-sm text-red-900">
            {error}
          </p>
        ) : null}
        <div className="mt-4 grid gap-4">
          <TextField name="email" label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <TextField
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="btn-primary mt-6 w-full" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
