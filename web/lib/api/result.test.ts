import { describe, expect, it } from "vitest";

import { describeError, fieldPath, networkError, problemToError } from "./result";

describe("problemToError", () => {
  it("keeps the problem's detail, code and request id, and names fields by their body path", () => {
    const error = problemToError(422, {
      type: "about:blank",
      title: "Unprocessable",
      status: 422,
      detail: "invalid fields: body.shipping.email",
      code: "validation_error",
      request_id: "req-1",
      errors: [
        { field: "body.shipping.email", message: "not an e-mail address", type: "value_error" },
        { field: "header.idempotency-key", message: "too short", type: "string_too_short" },
      ],
    });
    expect(error).toMatchObject({ kind: "validation", retryable: false, status: 422, code: "validation_error", requestId: "req-1" });
    expect(error.fieldErrors).toEqual({ "shipping.email": "not an e-mail address", "header.idempotency-key": "too short" });
  });

  it.each([
    [401, "unauthorized", false],
    [403, "forbidden", false],
    [404, "not_found", false],
    [409, "conflict", false],
    [429, "rate_limited", true],
    [500, "server", true],
    [503, "unavailable", true],
  ] as const)("status %i is %s (retryable: %s)", (status, kind, retryable) => {
    expect(problemToError(status, null)).toMatchObject({ kind, retryable, fieldErrors: {} });
  });

  it("treats a checkout still running as worth retrying", () => {
    expect(problemToError(409, { code: "checkout_in_progress", detail: "still running" }).retryable).toBe(true);
    expect(problemToError(409, { code: "insufficient_stock", detail: "only 2" }).retryable).toBe(false);
  });

  it("survives a body that is not a problem", () => {
    const error = problemToError(502, "<html>Bad gateway</html>");
    expect(error.kind).toBe("unavailable");
    expect(error.message).toMatch(/unavailable/);
  });
});

describe("messages", () => {
  it("hides technical details of server and network failures", () => {
    expect(describeError(problemToError(500, { detail: "Traceback (most recent call last)" }))).not.toMatch(/Traceback/);
    expect(describeError(networkError(new TypeError("Failed to fetch")))).toMatch(/could not reach/);
  });
  it("strips only the body prefix from field names", () => {
    expect(fieldPath("body.shipping.phone")).toBe("shipping.phone");
    expect(fieldPath("query.category")).toBe("query.category");
  });
});
