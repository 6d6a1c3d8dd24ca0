import { describe, expect, it } from "vitest";

import { safeNext } from "./login-view";

describe("safeNext", () => {
  it("returns to the admin page that asked for a sign-in", () => {
    expect(safeNext("/admin/inventory/item/?id=3")).toBe("/admin/inventory/item/?id=3");
  });
  it("never leaves the console, nor loops back to the login page", () => {
    for (const next of [null, "", "https://evil.example/", "//evil.example/admin/", "/products/", "/admin/login/?next=x", "/admin//evil"]) {
      expect(safeNext(next)).toBe("/admin/");
    }
  });
});
