import { describe, expect, it } from "vitest";

import { formatMoney, minorToMajorText, minorDigits, parseMajorToMinor } from "./money";

describe("formatMoney", () => {
  it("shows yen without decimals", () => {
    expect(formatMoney({ amount_minor: 5800, currency: "JPY" })).toBe("¥5,800");
  });
  it("shows cents for currencies that have them", () => {
    expect(formatMoney({ amount_minor: 1250, currency: "USD" })).toBe("$12.50");
  });
});

describe("parseMajorToMinor", () => {
  it("reads yen as whole numbers, with or without separators", () => {
    expect(parseMajorToMinor("1800", "JPY")).toBe(1800);
    expect(parseMajorToMinor("12,800", "JPY")).toBe(12800);
  });
  it("refuses decimals in yen, negatives and words", () => {
    expect(parseMajorToMinor("18.5", "JPY")).toBeNull();
    expect(parseMajorToMinor("-5", "JPY")).toBeNull();
    expect(parseMajorToMinor("free", "JPY")).toBeNull();
    expect(parseMajorToMinor("", "JPY")).toBeNull();
  });
  it("turns dollars and cents into cents without float error", () => {
    expect(parseMajorToMinor("0.29", "USD")).toBe(29);
    expect(parseMajorToMinor("12.5", "USD")).toBe(1250);
    expect(parseMajorToMinor("12.505", "USD")).toBeNull();
  });
  it("round-trips with minorToMajorText", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(minorToMajorText(1800, "JPY")).toBe("1800");
    expect(minorToMajorText(1205, "USD")).toBe("12.05");
    expect(parseMajorToMinor(minorToMajorText(1205, "USD"), "USD")).toBe(1205);
  });
});
