import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { fail, ok, problemToError } from "@/lib/api/result";
import type { Cart, CartLine } from "@/lib/api/types";

import { CartLineItem } from "./cart-line-item";

const LINE: CartLine = {
  product_id: 7,
  sku: "COF-007",
  name: "Hand Drip Kettle",
  image_url: "/media/products/cof-007.png",
  unit_price: { amount_minor: 6800, currency: "JPY" },
  quantity: 1,
  line_total: { amount_minor: 6800, currency: "JPY" },
  stock: { status: "in_stock", available: 12 },
};
const CART: Cart = { status: "open", items: [LINE], item_count: 1, total: LINE.line_total };

describe("CartLineItem", () => {
  it("shows the line and sends a new quantity on Enter", async () => {
    const onQuantity = vi.fn().mockResolvedValue(ok(CART));
    render(<CartLineItem line={LINE} onQuantity={onQuantity} onRemove={vi.fn()} />);
    expect(screen.getByText(/each/).textContent).toMatch(/^¥6,800 each/);
    const input = screen.getByLabelText("Quantity of Hand Drip Kettle");
    fireEvent.change(input, { target: { value: "3" } });
    fireEvent.submit(input.closest("form")!);
    await waitFor(() => expect(onQuantity).toHaveBeenCalledWith(7, 3));
  });

  it("explains a refused quantity on the line and puts the old one back", async () => {
    const refused = problemToError(409, {
      code: "insufficient_stock",
      detail: "only 12 of product 7 can be bought now",
      errors: [{ field: "body.quantity", message: "only 12 available", type: "insufficient_stock" }],
    });
    const onQuantity = vi.fn().mockResolvedValue(fail(refused));
    render(<CartLineItem line={LINE} onQuantity={onQuantity} onRemove={vi.fn()} />);
    const input = screen.getByLabelText("Quantity of Hand Drip Kettle");
    fireEvent.change(input, { target: { value: "50" } });
    fireEvent.submit(input.closest("form")!);
    expect((await screen.findByRole("alert")).textContent).toBe("only 12 available");
    expect((input as HTMLInputElement).value).toBe("1");
    expect(input.getAttribute("aria-invalid")).toBe("true");
  });

  it("refuses zero without asking the server, and removes on request", async () => {
    const onQuantity = vi.fn();
    const onRemove = vi.fn().mockResolvedValue(ok({ ...CART, items: [], item_count: 0 }));
    render(<CartLineItem line={LINE} onQuantity={onQuantity} onRemove={onRemove} />);
    const input = screen.getByLabelText("Quantity of Hand Drip Kettle");
    fireEvent.change(input, { target: { value: "0" } });
    fireEvent.submit(input.closest("form")!);
    expect((await screen.findByRole("alert")).textContent).toMatch(/from 1 to 99, or remove/);
    expect(onQuantity).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Remove Hand Drip Kettle" }));
    await waitFor(() => expect(onRemove).toHaveBeenCalledWith(7));
  });
});
