"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { shopApi, type ShopApi } from "@/lib/api";
import { ok, type Result } from "@/lib/api/result";
import type { Cart } from "@/lib/api/types";
import { readItem, writeItem } from "@/lib/browser-storage";
import { SHOP_CURRENCY } from "@/lib/shop";
import { CART_TOKEN_KEY } from "@/lib/storage-keys";
import { reportError } from "@/lib/telemetry";
import type { Resource } from "@/lib/use-resource";


export const EMPTY_CART: Cart = {
  status: "open",
  items: [],
  item_count: 0,
  total: { amount_minor: 0, currency: SHOP_CURRENCY },
};

export interface CartContextValue {
  cart: Resource<Cart>;
  reload: () => void;
  add: (productId: number, quantity: number) => Promise<Result<Cart>>;
  setQuantity: (productId: number, quantity: number) => Promise<Result<Cart>>;
  remove: (productId: number) => Promise<Result<Cart>>;
  /** The token checkout needs; null while the visitor has no cart. */
  token: () => string | null;
  /** After checkout: the cart is an order now, start afresh. */
  forget: () => void;
}

const CartContext = createContext<CartContextValue | null>(null);

export function useCart(): CartContextValue {
  const value = useContext(CartContext);
  if (!value) throw new Error("useCart needs a <CartProvider> above it");
  return value;
}

function isGone(result: Result<Cart>): boolean {
  return !result.ok && result.error.kind === "not_found";
}

export function CartProvider({ children, api = shopApi }: { children: ReactNode; api?: ShopApi }) {
  const [cart, setCart] = useState<Resource<Cart>>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);

  const token = useCallback(() => readItem("local", CART_TOKEN_KEY), []);
  const forget = useCallback(() => {
    writeItem("local", CART_TOKEN_KEY, null);
    setCart({ state: "ready", data: EMPTY_CART });
  }, []);

  useEffect(() => {
    let current = true;
    const saved = readItem("local", CART_TOKEN_KEY);
    const load: Promise<Result<Cart>> = saved ? api.cart.get(saved) : Promise.resolve(ok(EMPTY_CART));
    load.then((result) => {
      if (!current) return;
      if (result.ok && result.data.status === "open") {
        setCart({ state: "ready", data: result.data });
      } else if (result.ok || isGone(result)) {
        // Checked out elsewhere, or the shop forgot it (a fresh database): start a new one.
        writeItem("local", CART_TOKEN_KEY, null);
        setCart({ state: "ready", data: EMPTY_CART });
      } else {
        reportError(result.error, { screen: "cart" });
        setCart({ state: "error", error: result.error });
      }
    });
    return () => {
      current = false;
    };
  }, [api, attempt]);

  const reload = useCallback(() => {
    setCart({ state: "loading" });
    setAttempt((n) => n + 1);
  }, []);

  const settle = useCallback((result: Result<Cart>): Result<Cart> => {
    if (result.ok) setCart({ state: "ready", data: result.data });
    else reportError(result.error, { screen: "cart" });
    return result;
  }, []);

  const newCart = useCallback(async (): Promise<Result<string>> => {
    const created = await api.cart.create();
    if (!created.ok) return created;
    writeItem("local", CART_TOKEN_KEY, created.data.token);
    return ok(created.data.token);
  }, [api]);

  const add = useCallback(
    async (productId: number, quantity: number): Promise<Result<Cart>> => {
      let current = readItem("local", CART_TOKEN_KEY);
      if (!current) {
        const created = await newCart();
        if (!created.ok) return settle(created);
        current = created.data;
      }
      let result = await api.cart.add(current, productId, quantity);
      if (isGone(result) || (!result.ok && result.error.code === "cart_checked_out")) {
        const created = await newCart();
        if (!created.ok) return settle(created);
        result = await api.cart.add(created.data, productId, quantity);
      }
      return settle(result);
    },
    [api, newCart, settle],
  );

  const withToken = useCallback(
    async (change: (cartToken: string) => Promise<Result<Cart>>): Promise<Result<Cart>> => {
      const current = readItem("local", CART_TOKEN_KEY);
      if (!current) {
        forget();
        return ok(EMPTY_CART);
      }
      const result = await change(current);
      if (isGone(result)) {
        forget();
        return result;
      }
      return settle(result);
    },
    [forget, settle],
  );

  const setQuantity = useCallback(
    (productId: number, quantity: number) => withToken((t) => api.cart.setQuantity(t, productId, quantity)),
    [api, withToken],
  );
  const remove = useCallback((productId: number) => withToken((t) => api.cart.remove(t, productId)), [api, withToken]);

  const value = useMemo<CartContextValue>(
    () => ({ cart, reload, add, setQuantity, remove, token, forget }),
    [cart, reload, add, setQuantity, remove, token, forget],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}
