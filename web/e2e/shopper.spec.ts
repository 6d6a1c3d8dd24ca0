import { expect, test, type Page } from "@playwright/test";

import { screenshot } from "./screenshots";

/** The number a product page shows as available ("In stock (20 available)" or "Only 3 left"). */
async function shownStock(page: Page): Promise<number> {
  const text = await page.getByTestId("stock-status").first().innerText();
  const match = /(\d+) available|Only (\d+) left/.exec(text);
  if (!match) throw new Error(`no stock count in ${JSON.stringify(text)}`);
  return Number(match[1] ?? match[2]);
}

/** Open the n-th product card in the list that is in stock (not low, not sold out). */
async function openInStockProduct(page: Page, n: number): Promise<string> {
  const card = page.getByTestId("product-card").filter({ has: page.locator('[data-stock-status="in_stock"]') }).nth(n);
  const link = card.getByRole("link");
  const name = (await link.innerText()).trim();
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return name;
}

test("shopper: browse, fill and edit a cart, fix a refused field, place an order; stock drops", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Good things for everyday life" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Featured products" }).getByTestId("product-card").first()).toBeVisible();
  await screenshot(page, "home");

  // Home → a category.
  await page.getByRole("region", { name: "Shop by category" }).getByRole("link", { name: /Coffee & Tea/ }).click();
  await expect(page).toHaveURL(/\/products\/\?category=coffee-tea/);
  await expect(page.getByRole("heading", { level: 1, name: "Coffee & Tea" })).toBeVisible();
  await expect(page.getByTestId("product-card").first()).toBeVisible();
  await expect(page.getByLabel("Category")).toHaveValue("coffee-tea");
  await screenshot(page, "product-list");

  // → a product, added once; the product page says how many are left.
  const first = await openInStockProduct(page, 0);
  const firstUrl = page.url();
  const stockBefore = await shownStock(page);
  expect(stockBefore).toBeGreaterThanOrEqual(3);
  await screenshot(page, "product-detail");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByText("Added 1 to your cart.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Cart, 1 item" })).toBeVisible();

  // Back to the category (browser history), a second product.
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1, name: "Coffee & Tea" })).toBeVisible();
  const second = await openInStockProduct(page, 1);
  expect(second).not.toBe(first);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("link", { name: "Cart, 2 items" })).toBeVisible();

  // The cart: change the first product's quantity, remove the second.
  await page.getByRole("link", { name: "Cart, 2 items" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
  await expect(page.getByTestId("cart-line")).toHaveCount(2);
  await screenshot(page, "cart");
  const quantity = page.getByLabel(`Quantity of ${first}`);
  await quantity.fill("3");
  await quantity.press("Enter");
  await expect(page.getByTestId("cart-item-count")).toHaveText("4");
  await page.getByRole("button", { name: `Remove ${second}` }).click();
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("cart-item-count")).toHaveText("3");
  await expect(page.getByLabel(`Quantity of ${first}`)).toHaveValue("3");

  // The cart survives a reload (its token is in localStorage).
  await page.reload();
  await expect(page.getByTestId("cart-item-count")).toHaveText("3");

  // Checkout: an address the server refuses (no period in the e-mail's domain) comes back onto its field.
  await page.getByRole("link", { name: "Check out" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
  await page.getByLabel("Full name").fill("Hanako Yamada");
  await page.getByLabel("Email").fill("hanako@example");
  await page.getByLabel("Phone").fill("+81 3-1234-5678");
  await page.getByLabel("Postal code").fill("100-0001");
  await page.getByLabel("Prefecture / state").fill("Tokyo");
  await page.getByLabel("City").fill("Chiyoda-ku");
  await page.getByLabel("Address", { exact: true }).fill("1-1 Chiyoda");
  await screenshot(page, "checkout-shipping");
  await page.getByRole("button", { name: "Continue to review" }).click();

  await expect(page.getByRole("heading", { name: "Ship to" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Items" })).toContainText(`${first} × 3`);
  await screenshot(page, "checkout-review");
  await page.getByRole("button", { name: "Place order" }).click();

  const email = page.getByLabel("Email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toBeFocused();
  await expect(page.getByText(/not a valid email address/)).toBeVisible();
  await screenshot(page, "checkout-field-error");
  await email.fill("hanako@example.com");
  await expect(email).not.toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await page.getByRole("button", { name: "Place order" }).click();

  // The order number, and an empty cart.
  await expect(page).toHaveURL(/\/checkout\/complete\/\?number=/);
  const number = (await page.getByTestId("order-number").innerText()).trim();
  expect(number).toMatch(/^OS-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await expect(page.getByTestId("order-total")).toBeVisible();
  await expect(page.getByRole("link", { name: "Cart, 0 items" })).toBeVisible();
  await screenshot(page, "order-complete");

  await page.getByRole("link", { name: "Track this order" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Order ${number}` })).toBeVisible();
  await expect(page.getByRole("region", { name: "Items" })).toContainText(`${first} × 3`);
  await screenshot(page, "order-status");

  // The product now shows three fewer in stock.
  await page.goto(firstUrl);
  await expect(page.getByRole("heading", { level: 1, name: first })).toBeVisible();
  expect(await shownStock(page)).toBe(stockBefore - 3);
});
