import Link from "next/link";

import { describeError, type ApiError } from "@/lib/api/result";

interface ErrorStateProps {
  error: ApiError;
  title?: string;
  onRetry?: () => void;
  /** Where to go when retrying cannot help (e.g. a missing product). */
  fallback?: { href: string; label: string };
}

/** An error with a way forward: try again when it may help, and always somewhere to go. */
export function ErrorState({ error, title = "Something went wrong", onRetry, fallback }: ErrorStateProps) {
  return (
    <div role="alert" className="card my-6 border-red-200 bg-red-50 p-5">
      <h2 className="text-lg font-semibold text-red-900">{title}</h2>
      <p className="mt-1 text-red-900">{describeError(error)}</p>
      {error.requestId ? <p className="mt-1 text-xs text-red-800">Reference: {error.requestId}</p> : null}
      <div className="mt-4 flex flex-wrap gap-3">
        {onRetry && error.retryable ? (
          <button type="button" className="btn-primary" onClick={onRetry}>
            Try again
          </button>
        ) : null}
        {fallback ? (
          <Link className="btn-secondary" href={fallback.href}>
            {fallback.label}
          </Link>
        ) : null}
        {onRetry && !error.retryable && !fallback ? (
          <button type="button" className="btn-secondary" onClick={onRetry}>
            Reload
          </button>
        ) : null}
      </div>
    </div>
  );
}
