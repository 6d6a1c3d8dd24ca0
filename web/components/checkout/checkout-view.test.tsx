import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { CartProvider } from "@/components/cart/cart-provider";
import { createShopApi, shopApi, type ShopApi } from "@/lib/api";
import { fail, ok, problemToError } from "@/lib/api/result";
import type { Cart, PlacedOrder } from "@/lib/api/types";
import { CART_TOKEN_KEY, CHECKOUT_DRAFT_KEY } from "@/lib/storage-keys";

import { CheckoutView } from "./checkout-view";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push, replace: vi.fn(), prefetch: vi.fn() }) }));

const CART: Cart = {
  status: "open",
  item_count: 2,
  total: { amount_minor: 13600, currency: "JPY" },
  items: [
    {
      product_id: 7,
      sku: "COF-007",
      name: "Hand Drip Kettle",
      image_url: null,
      unit_price: { amount_minor: 6800, currency: "JPY" },
      quantity: 2,
      line_total: { amount_minor: 13600, currency: "JPY" },
      stock: { status: "in_stock", available: 10 },
    },
  ],
};

const DRAFT = {
  name: "Hanako Yamada",
  email: "hanako@example",
  phone: "+81 3-1234-5678",
  postal_code: "100-0001",
  region: "Tokyo",
  city: "Chiyoda-ku",
  line1: "1-1 Chiyoda",
  line2: "",
  country: "JP",
};

const PLACED = { order: { number: "OS-AAAA-BBBB" }, access_token: "tok" } as unknown as PlacedOrder;

function renderCheckout() {
  const base = createShopApi({} as never);
  const api: ShopApi = { ...base, cart: { ...base.cart, get: vi.fn().mockResolvedValue(ok(CART)) } };
  render(
    <CartProvider api={api}>
      <CheckoutView />
    </CartProvider>,
  );
}

async function toReviewAndPlace() {
  fireEvent.click(await screen.findByRole("button", { name: "Continue to review" }));
  fireEvent.click(await screen.findByRole("button", { name: "Place order" }));
}

describe("CheckoutView", () => {
  beforeEach(() => {
    window.localStorage.setItem(CART_TOKEN_KEY, "cart-1");
    window.sessionStorage.setItem(CHECKOUT_DRAFT_KEY, JSON.stringify(DRAFT));
    window.scrollTo = vi.fn() as never;
    push.mockReset();
  });
  afterEach(() => vi.restoreAllMocks());

  it("retries a failed placement with the same idempotency key, then shows the order", async () => {
    const checkout = vi
      .spyOn(shopApi.orders, "checkout")
      .mockResolvedValueOnce(fail(problemToError(503, { detail: "inventory down" })))
      .mockResolvedValueOnce(ok(PLACED));
    renderCheckout();
    await toReviewAndPlace();

    fireEvent.click(await screen.findByRole("button", { name: "Try again" }));
    await waitFor(() => expect(push).toHaveBeenCalledWith("/checkout/complete/?number=OS-AAAA-BBBB&token=tok"));
    expect(checkout).toHaveBeenCalledTimes(2);
    const [first, second] = checkout.mock.calls;
    expect(first?.[0]).toBe("cart-1");
    expect(second?.[1]).toBe(first?.[1]);
    // The cart became an order: the token and the address draft are gone.
    expect(window.localStorage.getItem(CART_TOKEN_KEY)).toBeNull();
    expect(window.sessionStorage.getItem(CHECKOUT_DRAFT_KEY)).toBeNull();
  });

  it("puts the server's field errors back on the form, and a changed address gets a new key", async () => {
    const checkout = vi
      .spyOn(shopApi.orders, "checkout")
      .mockResolvedValueOnce(
        fail(problemToError(422, { detail: "invalid", errors: [{ field: "body.shipping.email", message: "value is not a valid email address", type: "value_error" }] })),
      )
      .mockResolvedValueOnce(ok(PLACED));
    renderCheckout();
    await toReviewAndPlace();

    const email = await screen.findByLabelText("Email");
    await waitFor(() => expect(document.activeElement).toBe(email));
    expect(email.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("value is not a valid email address")).toBeTruthy();

    fireEvent.change(email, { target: { value: "hanako@example.com" } });
    await toReviewAndPlace();
    await waitFor(() => expect(push).toHaveBeenCalled());
    const [first, second] = checkout.mock.calls;
    expect(second?.[2].email).toBe("hanako@example.com");
    expect(second?.[1]).not.toBe(first?.[1]);
  });
});
