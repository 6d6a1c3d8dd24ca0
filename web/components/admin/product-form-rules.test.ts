import { describe, expect, it } from "vitest";

import { EMPTY_PRODUCT, productErrorsFromServer, validateProduct } from "./product-form-rules";

describe("validateProduct", () => {
  const good = { ...EMPTY_PRODUCT, sku: "KIT-042", name: "Teacup", price: "1,800", categoryId: "2" };

  it("accepts a complete product", () => {
    expect(validateProduct(good, "JPY")).toEqual({});
  });
  it("checks the SKU's shape, the name, the price in the shop's currency and the category", () => {
    const errors = validateProduct({ ...good, sku: "-bad", name: " ", price: "18.50", categoryId: "" }, "JPY");
    expect(Object.keys(errors).sort()).toEqual(["categoryId", "name", "price", "sku"]);
  });
});

describe("productErrorsFromServer", () => {
  it("maps the API's body fields onto the form's", () => {
    expect(productErrorsFromServer({ sku: "already used", price_minor: "too big", category_id: "no category 99" })).toEqual({
      sku: "already used",
      price: "too big",
      categoryId: "no category 99",
    });
  });
});
