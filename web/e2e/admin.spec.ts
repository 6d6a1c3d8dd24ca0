import { expect, test } from "@playwright/test";

import { screenshot } from "./screenshots";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./stack";

test("admin: sign in, create and edit a product, find it in the shop, receive and correct stock, see the movements, delete it", async ({ page }, testInfo) => {
  const suffix = `${testInfo.project.name === "mobile-375" ? "M" : "D"}${Date.now().toString(36).toUpperCase()}`;
  const sku = `E2E-${suffix}`;
  const name = `E2E Teacup ${suffix}`;

  // Signed out, the console sends you to sign in, and back afterwards.
  await page.goto("/admin/products/");
  await expect(page).toHaveURL(/\/admin\/login\/\?next=%2Fadmin%2Fproducts%2F/);
  await expect(page.getByRole("heading", { level: 1, name: "Staff sign-in" })).toBeVisible();
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText("That email and password do not match an account.");
  await screenshot(page, "admin-login");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  await expect(page.getByTestId("admin-product-row").first()).toBeVisible();
  await screenshot(page, "admin-products");

  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("orders-today")).toHaveText(/^\d+$/);
  await expect(page.getByTestId("low-stock-count")).toHaveText(/^\d+$/);
  await screenshot(page, "admin-dashboard");

  // Create a product; a missing category is caught before it is sent.
  await page.getByRole("link", { name: "Products" }).click();
  await page.getByRole("link", { name: "New product" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New product" })).toBeVisible();
  await page.getByLabel("SKU").fill(sku.toLowerCase());
  await expect(page.getByLabel("SKU")).toHaveValue(sku);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Price (JPY)").fill("1800");
  await page.getByLabel("Description").fill("A teacup made by the end-to-end test.");
  await page.getByRole("button", { name: "Create product" }).click();
  await expect(page.getByText("Choose a category.")).toBeVisible();
  await expect(page.getByLabel("Category")).toBeFocused();
  await page.getByLabel("Category").selectOption({ label: "Coffee & Tea" });
  await screenshot(page, "admin-product-new");
  await page.getByRole("button", { name: "Create product" }).click();
  await expect(page.getByText("Product created.")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByLabel("SKU")).toHaveValue(sku);
  await screenshot(page, "admin-product-edit");

  // Edit it: only the price changes.
  await page.getByLabel("Price (JPY)").fill("2000");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved.")).toBeVisible();
  await expect(page.getByLabel("Price (JPY)")).toHaveValue("2000");

  // The shop finds it by search; with no stock yet it is sold out.
  await page.getByRole("link", { name: "View shop" }).click();
  await page.getByRole("search").getByLabel("Search products").fill(name);
  await page.getByRole("search").getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Results for “${name}”` })).toBeVisible();
  await expect(page.getByTestId("product-card")).toHaveCount(1);
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("¥2,000")).toBeVisible();
  await expect(page.getByTestId("stock-status")).toHaveText("Sold out");
  const shopUrl = page.url();

  // Receive stock, and see the movement in its history.
  await page.goto("/admin/inventory/");
  await expect(page.getByRole("heading", { level: 1, name: "Inventory" })).toBeVisible();
  await expect(page.getByTestId("stock-row").first()).toBeVisible();
  await screenshot(page, "admin-inventory");
  await page.getByLabel("Low stock only").check();
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/low=true/);
  const statuses = () =>
    page.getByTestId("stock-row").getByTestId("stock-status").evaluateAll((els) => [...new Set(els.map((el) => el.getAttribute("data-stock-status")))].sort());
  // Polls until the filtered list has replaced the full one: only low and sold-out rows are left.
  await expect.poll(async () => {
    const seen = await statuses();
    return seen.length > 0 && seen.every((status) => status === "low" || status === "sold_out");
  }).toBe(true);
  await page.getByLabel("Low stock only").uncheck();
  await page.getByLabel("Search by name or SKU").fill(sku);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("stock-row")).toHaveCount(1);
  await page.getByRole("link", { name: `Manage stock of ${name}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Stock of ${name}` })).toBeVisible();
  const receive = page.getByRole("form", { name: "Receive stock" });
  await receive.getByLabel("Units received").fill("24");
  await receive.getByLabel("Reason").fill("delivery note DN-42");
  await receive.getByRole("button", { name: "Receive" }).click();
  await expect(receive.getByRole("status")).toHaveText("Done: 24 on hand, 24 available.");
  await expect(page.getByTestId("level-on-hand")).toHaveText("24");
  // Newest first: the receipt tops the history.
  const newest = page.getByTestId("movement-row").first();
  await expect(newest).toContainText("delivery note DN-42");
  await expect(newest).toContainText("Received");
  await expect(newest).toContainText("+24");
  await screenshot(page, "admin-inventory-item");

  // A count finds four fewer: correct it, with a reason.
  const correct = page.getByRole("form", { name: "Correct stock" });
  await correct.getByLabel("Change in units").fill("-4");
  await correct.getByLabel("Reason").fill("stock count");
  await correct.getByRole("button", { name: "Correct" }).click();
  await expect(page.getByTestId("level-on-hand")).toHaveText("20");
  await expect(page.getByTestId("movement-row").first()).toContainText("Correction");
  await expect(page.getByTestId("movement-row").first()).toContainText("-4");

  await page.goto(shopUrl);
  await expect(page.getByTestId("stock-status")).toHaveText("In stock (20 available)");

  // Delete it: gone from the console and from the shop.
  await page.goto(`/admin/products/?q=${sku}`);
  await expect(page.getByTestId("admin-product-row")).toHaveCount(1);
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("button", { name: `Yes, delete ${sku}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `${name} was deleted.` })).toBeVisible();
  await expect(page.getByText(`No products match “${sku}”`)).toBeVisible();

  await page.goto(shopUrl);
  await expect(page.getByRole("heading", { name: "This product is no longer available" })).toBeVisible();
});
