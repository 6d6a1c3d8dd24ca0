import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { clientError, problemToError } from "@/lib/api/result";

import { ErrorState } from "./error-state";

describe("ErrorState", () => {
  it("offers to try again when the error may pass", () => {
    const onRetry = vi.fn();
    render(<ErrorState error={problemToError(503, null)} onRetry={onRetry} title="Products did not load" />);
    expect(screen.getByRole("alert").textContent).toMatch(/Products did not load/);
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("offers somewhere to go instead when retrying cannot help", () => {
    render(<ErrorState error={clientError("not_found", "No such product.")} onRetry={() => {}} fallback={{ href: "/products/", label: "Browse all products" }} />);
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
    expect(screen.getByRole("link", { name: "Browse all products" }).getAttribute("href")).toBe("/products/");
    expect(screen.getByText("No such product.")).toBeTruthy();
  });
});
