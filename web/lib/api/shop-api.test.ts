import { describe, expect, it } from "vitest";

import { createApiClient } from "./client";
import { createShopApi } from "./shop-api";

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

function fakeShop(respond: (request: Seen) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const api = createShopApi(
    createApiClient({
      baseUrl: "http://shop.test",
      fetch: async (request: Request) => {
        const text = await request.text();
        const entry = { method: request.method, url: request.url, headers: request.headers, body: text ? JSON.parse(text) : null };
        seen.push(entry);
        return respond(entry);
      },
    }),
  );
  return { api, seen };
}

const json = (status: number, body: unknown, contentType = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": contentType } });

const SHIPPING = {
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

describe("shopApi", () => {
  it("sends checkout with the cart token and idempotency key headers, and returns the order", async () => {
    const { api, seen } = fakeShop(() => json(201, { order: { number: "OS-AAAA-BBBB" }, access_token: "tok" }));
    const result = await api.orders.checkout("cart-1", "chk-123456789", SHIPPING);
    expect(result.ok).toBe(true);
    expect(seen[0]?.method).toBe("POST");
    expect(seen[0]?.url).toBe("http://shop.test/api/checkout");
    expect(seen[0]?.headers.get("x-cart-token")).toBe("cart-1");
    expect(seen[0]?.headers.get("idempotency-key")).toBe("chk-123456789");
    expect(seen[0]?.body).toEqual({ shipping: SHIPPING });
  });

  it("turns a refused checkout into an error value with the fields named", async () => {
    const { api } = fakeShop(() =>
      json(
        422,
        { status: 422, title: "x", type: "x", code: "validation_error", detail: "bad", errors: [{ field: "body.shipping.email", message: "bad e-mail", type: "value_error" }] },
        "application/problem+json",
      ),
    );
    const result = await api.orders.checkout("cart-1", "chk-123456789", SHIPPING);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe("validation");
      expect(result.error.fieldErrors).toEqual({ "shipping.email": "bad e-mail" });
    }
  });

  it("returns a retryable network error when fetch itself fails", async () => {
    const { api } = fakeShop(() => {
      throw new TypeError("Failed to fetch");
    });
    const result = await api.catalog.categories();
    expect(result).toMatchObject({ ok: false, error: { kind: "network", retryable: true } });
  });

  it("puts filters in the query string and leaves empty ones out", async () => {
    const { api, seen } = fakeShop(() => json(200, { items: [], total: 0, page: 2, page_size: 12, pages: 0 }));
    await api.catalog.products({ category: "kitchen", q: "", sort: "price_asc", page: 2, pageSize: 12 });
    const url = new URL(seen[0]?.url ?? "");
    expect(url.pathname).toBe("/api/products");
    expect(Object.fromEntries(url.searchParams)).toEqual({ category: "kitchen", sort: "price_asc", page: "2", page_size: "12" });
  });

  it("sends the admin's bearer token, and the order token in a header rather than the URL", async () => {
    const { api, seen } = fakeShop(() => json(200, {}));
    await api.admin.summary("admin-token");
    await api.orders.lookup("OS-AAAA-BBBB", "secret");
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer admin-token");
    expect(seen[1]?.url).toBe("http://shop.test/api/orders/OS-AAAA-BBBB");
    expect(seen[1]?.headers.get("x-order-token")).toBe("secret");
  });
});
