// Errors are values: every API call returns a Result, never throws.

export type ApiErrorKind =
  | "network"
  | "validation"
  | "not_found"
  | "conflict"
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "unavailable"
  | "server";

/** Field errors keyed by the field's path inside the request body, e.g. `shipping.email`. */
export type FieldErrors = Readonly<Record<string, string>>;

export interface ApiError {
  kind: ApiErrorKind;
  /** True when the same request may succeed later (network, 5xx, 429, a running checkout). */
  retryable: boolean;
  status: number | null;
  /** The problem's machine-readable `code`, e.g. `insufficient_stock`. */
  code: string | null;
  /** A sentence for people: the problem's `detail`, or a fallback. */
  message: string;
  fieldErrors: FieldErrors;
  requestId: string | null;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

export function fail<T>(error: ApiError): Result<T> {
  return { ok: false, error };
}

interface ProblemLike {
  detail?: unknown;
  title?: unknown;
  code?: unknown;
  request_id?: unknown;
  errors?: unknown;
}

function kindOf(status: number): ApiErrorKind {
  if (status === 400 || status === 422) return "validation";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  return "server";
}

const FALLBACK_MESSAGES: Record<ApiErrorKind, string> = {
  network: "We could not reach the shop. Check your connection and try again.",
  validation: "Some details need fixing.",
  not_found: "We could not find that.",
  conflict: "That could not be done right now.",
  unauthorized: "Please sign in again.",
  forbidden: "Your account is not allowed to do that.",
  rate_limited: "Too many attempts. Please wait a moment and try again.",
  unavailable: "Part of the shop is unavailable right now. Please try again shortly.",
  server: "Something went wrong on our side. Please try again.",
};

/**
 * `body.shipping.email` → `shipping.email`; `header.idempotency-key` stays as it is.
 * The server names a field by where it sits in the request.
 */
export function fieldPath(serverField: string): string {
  return serverField.startsWith("body.") ? serverField.slice("body.".length) : serverField;
}

function fieldErrorsOf(errors: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(errors)) return out;
  for (const entry of errors) {
    if (entry && typeof entry === "object" && "field" in entry && "message" in entry) {
      const field = String((entry as { field: unknown }).field);
      const message = String((entry as { message: unknown }).message);
      const path = fieldPath(field);
      if (!(path in out)) out[path] = message;
    }
  }
  return out;
}

/** Turn an HTTP status and an RFC 9457 problem body (or anything else) into an ApiError. */
export function problemToError(status: number, body: unknown): ApiError {
  const kind = kindOf(status);
  const problem: ProblemLike = body && typeof body === "object" ? (body as ProblemLike) : {};
  const detail = typeof problem.detail === "string" && problem.detail ? problem.detail : null;
  return {
    kind,
    retryable: kind === "unavailable" || kind === "server" || kind === "rate_limited" || status === 409 && problem.code === "checkout_in_progress",
    status,
    code: typeof problem.code === "string" ? problem.code : null,
    message: detail ?? FALLBACK_MESSAGES[kind],
    fieldErrors: fieldErrorsOf(problem.errors),
    requestId: typeof problem.request_id === "string" ? problem.request_id : null,
  };
}

export function networkError(cause: unknown): ApiError {
  return {
    kind: "network",
    retryable: true,
    status: null,
    code: cause instanceof Error ? cause.name : null,
    message: FALLBACK_MESSAGES.network,
    fieldErrors: {},
    requestId: null,
  };
}

/** A message fit for a person, for kinds where the server's own detail is too technical. */
export function describeError(error: ApiError): string {
  if (error.kind === "network" || error.kind === "server" || error.kind === "unavailable") {
    return FALLBACK_MESSAGES[error.kind];
  }
  return error.message;
}

/** An error the front end finds itself (a malformed link, say), in the same shape as the API's. */
export function clientError(kind: ApiErrorKind, message: string): ApiError {
  return { kind, retryable: false, status: null, code: null, message, fieldErrors: {}, requestId: null };
}
