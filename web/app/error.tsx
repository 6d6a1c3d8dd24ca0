"use client";

import Link from "next/link";
import { useEffect } from "react";

import { reportError } from "@/lib/telemetry";

export default function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    reportError(error, { boundary: "route" });
  }, [error]);
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <div role="alert">
        <h1 className="text-2xl font-bold">Something went wrong</h1>
        <p className="mt-2 text-slate-700">This page failed. Trying again usually helps.</p>
      </div>
      <div className="mt-6 flex gap-3">
        <button type="button" className="btn-primary" onClick={reset}>
          Try again
        </button>
        <Link className="btn-secondary" href="/">
          Go to the shop
        </Link>
      </div>
    </main>
  );
}
