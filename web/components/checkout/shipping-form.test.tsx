import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { ShippingForm } from "./shipping-form";
import { EMPTY_SHIPPING } from "./shipping-rules";

describe("ShippingForm", () => {
  it("shows each problem on its field, focuses the first, and clears it once fixed", () => {
    const onDone = vi.fn();
    render(<ShippingForm initial={EMPTY_SHIPPING} serverErrors={{}} onDone={onDone} onChange={() => {}} />);

    fireEvent.click(screen.getByRole("button", { name: "Continue to review" }));
    expect(onDone).not.toHaveBeenCalled();
    const name = screen.getByLabelText("Full name");
    expect(name).toHaveProperty("ariaInvalid", "true");
    expect(document.activeElement).toBe(name);
    expect(screen.getByRole("alert").textContent).toMatch(/7 fields need fixing/);
    // The error is tied to the input for screen readers.
    const describedBy = name.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy)?.textContent).toMatch(/Enter the name/);

    fireEvent.change(name, { target: { value: "Hanako Yamada" } });
    expect(name.getAttribute("aria-invalid")).toBeNull();
  });

  it("hands over the details when everything is valid", () => {
    const onDone = vi.fn();
    const initial = { ...EMPTY_SHIPPING, name: "H Y", email: "h@example.com", phone: "0312345678", postal_code: "100-0001", region: "Tokyo", city: "Chiyoda", line1: "1-1" };
    render(<ShippingForm initial={initial} serverErrors={{}} onDone={onDone} onChange={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Continue to review" }));
    expect(onDone).toHaveBeenCalledWith(initial);
  });

  it("opens with the server's errors on their fields and the first one focused", () => {
    const initial = { ...EMPTY_SHIPPING, name: "H Y", email: "h@example", phone: "0312345678", postal_code: "100-0001", region: "Tokyo", city: "Chiyoda", line1: "1-1" };
    render(<ShippingForm initial={initial} serverErrors={{ email: "value is not a valid email address" }} onDone={() => {}} onChange={() => {}} />);
    const email = screen.getByLabelText("Email");
    expect(email.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(email);
    expect(screen.getByText("value is not a valid email address")).toBeTruthy();
  });
});
