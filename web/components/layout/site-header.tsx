"use client";

import Form from "next/form";
import Link from "next/link";

import { useCart } from "@/components/cart/cart-provider";
import { SHOP_NAME } from "@/lib/shop";

function CartLink() {
  const { cart } = useCart();
  const count = cart.state === "ready" ? cart.data.item_count : null;
  return (
    <Link
      href="/cart/"
      className="btn-secondary whitespace-nowrap"
      aria-label={count === null ? "Cart" : `Cart, ${count} ${count === 1 ? "item" : "items"}`}
    >
      <span aria-hidden="true">Cart</span>
      <span
        aria-hidden="true"
        data-testid="cart-count"
        className="min-w-6 rounded-full bg-brand-600 px-1.5 text-center text-xs leading-5 text-white"
      >
        {count ?? "·"}
      </span>
    </Link>
  );
}

export function SiteHeader() {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-3 px-4 py-3">
        <Link href="/" className="mr-auto text-xl font-extrabold tracking-tight text-brand-900 sm:mr-4">
          {SHOP_NAME}
        </Link>
        <nav aria-label="Shop">
          <Link href="/products/" className="link text-sm">
            All products
          </Link>
        </nav>
        <Form action="/products/" role="search" className="order-4 flex w-full gap-2 sm:order-none sm:ml-auto sm:w-auto">
          <label htmlFor="site-search" className="sr-only">
            Search products
          </label>
          <input id="site-search" name="q" type="search" placeholder="Search products" className="input sm:w-64" />
          <button type="submit" className="btn-secondary">
            Search
          </button>
        </Form>
        <CartLink />
      </div>
    </header>
  );
}
