import { expect, test } from "@playwright/test";

import { screenshot } from "./screenshots";

// The screens the journeys do not pass through: empty, missing and look-up states.

test("empty cart says so and leads back to the products", async ({ page }) => {
  await page.goto("/cart/");
  await expect(page.getByRole("heading", { name: "Your cart is empty" })).toBeVisible();
  await screenshot(page, "cart-empty");
  await page.getByRole("link", { name: "Browse products" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "All products" })).toBeVisible();
});

test("a search with no match offers to clear the filters", async ({ page }) => {
  await page.goto("/products/?q=no-such-thing-anywhere");
  await expect(page.getByRole("heading", { name: "No products match" })).toBeVisible();
  await screenshot(page, "product-list-empty");
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByTestId("product-card").first()).toBeVisible();
});

test("product list pages through results and keeps the sort in the URL", async ({ page }) => {
  await page.goto("/products/?sort=price_asc");
  await expect(page.getByLabel("Sort by")).toHaveValue("price_asc");
  await expect(page.getByText("Page 1 of")).toBeVisible();
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/sort=price_asc&page=2/);
  await expect(page.getByText("Page 2 of")).toBeVisible();
  await page.reload();
  await expect(page.getByText("Page 2 of")).toBeVisible();
});

test("a product that does not exist has a way back", async ({ page }) => {
  await page.goto("/product/?id=999999");
  await expect(page.getByRole("heading", { name: "This product is no longer available" })).toBeVisible();
  await screenshot(page, "product-missing");
  await page.getByRole("link", { name: "Browse all products" }).click();
  await expect(page).toHaveURL(/\/products\/$/);
});

test("order look-up asks for the number and code, and says when they do not match", async ({ page }) => {
  await page.goto("/order/");
  await expect(page.getByRole("heading", { level: 1, name: "Track an order" })).toBeVisible();
  await screenshot(page, "order-lookup");
  await page.getByLabel("Order number").fill("NO-SUCH-ORDER");
  await page.getByLabel("Access code").fill("wrong");
  await page.getByRole("button", { name: "Find order" }).click();
  await expect(page.getByText("Order numbers look like OS-7K3M-9QXD.")).toBeVisible();
  await expect(page.getByLabel("Order number")).toBeFocused();
  await page.getByLabel("Order number").fill("os-0000-0000");
  await page.getByRole("button", { name: "Find order" }).click();
  await expect(page).toHaveURL(/number=OS-0000-0000/);
  await expect(page.getByRole("heading", { name: "We could not find that order" })).toBeVisible();
  await expect(page.getByLabel("Order number")).toHaveValue("OS-0000-0000");
});

test("an unknown address shows the shop's 404 page", async ({ page }) => {
  const response = await page.goto("/no-such-page/");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await screenshot(page, "not-found");
});

test("keyboard only: skip link, open a product, add it to the cart", async ({ page }) => {
  await page.goto("/products/?category=kitchen&sort=price_desc");
  await expect(page.getByTestId("product-card").first()).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();

  // Tab to the first in-stock product's link, then Enter.
  const target = page.getByTestId("product-card").filter({ has: page.locator('[data-stock-status="in_stock"]') }).first().getByRole("link");
  const name = (await target.innerText()).trim();
  for (let presses = 0; presses < 60 && !(await target.evaluate((el) => el === document.activeElement)); presses++) {
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

  const add = page.getByRole("button", { name: "Add to cart" });
  for (let presses = 0; presses < 30 && !(await add.evaluate((el) => el === document.activeElement)); presses++) {
    await page.keyboard.press("Tab");
  }
  await expect(add).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Added 1 to your cart.")).toBeVisible();
});
