import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { createShopApi, type ShopApi } from "@/lib/api";
import { fail, ok, problemToError } from "@/lib/api/result";
import type { Cart } from "@/lib/api/types";
import { CART_TOKEN_KEY } from "@/lib/storage-keys";

import { CartProvider, useCart } from "./cart-provider";

const cartWith = (count: number): Cart => ({
  status: "open",
  items: [],
  item_count: count,
  total: { amount_minor: 1000 * count, currency: "JPY" },
});

function fakeApi(cart: Partial<ShopApi["cart"]>): ShopApi {
  const unused = createShopApi({} as never);
  return { ...unused, cart: { ...unused.cart, ...cart } };
}

function Probe() {
  const { cart, add } = useCart();
  return (
    <div>
      <span data-testid="state">{cart.state === "ready" ? `ready:${cart.data.item_count}` : cart.state}</span>
      <button type="button" onClick={() => void add(5, 2)}>
        add
      </button>
    </div>
  );
}

describe("CartProvider", () => {
  it("starts empty without a token, and creates a cart (keeping its token) on the first add", async () => {
    const create = vi.fn().mockResolvedValue(ok({ token: "t-1", cart: cartWith(0) }));
    const add = vi.fn().mockResolvedValue(ok(cartWith(2)));
    render(
      <CartProvider api={fakeApi({ create, add })}>
        <Probe />
      </CartProvider>,
    );
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("ready:0"));
    fireEvent.click(screen.getByRole("button", { name: "add" }));
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("ready:2"));
    expect(add).toHaveBeenCalledWith("t-1", 5, 2);
    expect(window.localStorage.getItem(CART_TOKEN_KEY)).toBe("t-1");
  });

  it("reloads the saved cart, so it survives a page reload", async () => {
    window.localStorage.setItem(CART_TOKEN_KEY, "saved");
    const get = vi.fn().mockResolvedValue(ok(cartWith(3)));
    render(
      <CartProvider api={fakeApi({ get })}>
        <Probe />
      </CartProvider>,
    );
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("ready:3"));
    expect(get).toHaveBeenCalledWith("saved");
  });

  it("forgets a token the shop no longer knows and starts afresh", async () => {
    window.localStorage.setItem(CART_TOKEN_KEY, "stale");
    const get = vi.fn().mockResolvedValue(fail(problemToError(404, { detail: "no cart" })));
    render(
      <CartProvider api={fakeApi({ get })}>
        <Probe />
      </CartProvider>,
    );
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("ready:0"));
    expect(window.localStorage.getItem(CART_TOKEN_KEY)).toBeNull();
  });

  it("shows an error (not an empty cart) when the shop cannot be reached", async () => {
    window.localStorage.setItem(CART_TOKEN_KEY, "saved");
    const get = vi.fn().mockResolvedValue(fail(problemToError(503, null)));
    await act(async () => {
      render(
        <CartProvider api={fakeApi({ get })}>
          <Probe />
        </CartProvider>,
      );
    });
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("error"));
    expect(window.localStorage.getItem(CART_TOKEN_KEY)).toBe("saved");
  });
});
