import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { StockBadge, stockText } from "./stock-badge";

describe("stock status (C-BROWSE-07)", () => {
  it.each([
    [{ status: "in_stock", available: 20 }, false, "In stock (20 available)"],
    [{ status: "in_stock", available: 20 }, true, "In stock"],
    [{ status: "low", available: 2 }, true, "Only 2 left"],
    [{ status: "sold_out", available: 0 }, false, "Sold out"],
    [{ status: "unknown", available: null }, false, "Stock unknown right now"],
  ] as const)("%o (compact: %s) reads %s", (stock, compact, text) => {
    expect(stockText(stock, compact)).toBe(text);
  });

  it("carries the status for styling and tests", () => {
    render(<StockBadge stock={{ status: "low", available: 3 }} />);
    expect(screen.getByTestId("stock-status").dataset.stockStatus).toBe("low");
  });
});
