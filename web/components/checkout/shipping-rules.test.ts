import { describe, expect, it } from "vitest";

import { EMPTY_SHIPPING, shippingErrorsFromServer, toShipping, validateShipping, type ShippingDraft } from "./shipping-rules";

const GOOD: ShippingDraft = {
  name: "Hanako Yamada",
  email: "hanako@example.com",
  phone: "+81 3-1234-5678",
  postal_code: "100-0001",
  region: "Tokyo",
  city: "Chiyoda-ku",
  line1: "1-1 Chiyoda",
  line2: "",
  country: "JP",
};

describe("validateShipping", () => {
  it("accepts a complete address (the second line is optional)", () => {
    expect(validateShipping(GOOD)).toEqual({});
  });
  it("names every missing required field", () => {
    expect(Object.keys(validateShipping(EMPTY_SHIPPING)).sort()).toEqual(["city", "email", "line1", "name", "phone", "postal_code", "region"]);
  });
  it("checks the shapes the API checks", () => {
    const errors = validateShipping({ ...GOOD, email: "hanako", phone: "12", postal_code: "1", country: "Japan" });
    expect(Object.keys(errors).sort()).toEqual(["country", "email", "phone", "postal_code"]);
  });
  it("treats whitespace as empty and trims what it sends", () => {
    expect(validateShipping({ ...GOOD, name: "   " }).name).toBeDefined();
    expect(toShipping({ ...GOOD, city: "  Chiyoda-ku " }).city).toBe("Chiyoda-ku");
  });
});

describe("shippingErrorsFromServer", () => {
  it("keeps the shipping fields and drops the rest", () => {
    expect(shippingErrorsFromServer({ "shipping.email": "bad", "header.idempotency-key": "reused", "shipping.nope": "x" })).toEqual({ email: "bad" });
  });
});
