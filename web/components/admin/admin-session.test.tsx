import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { TokenOut } from "@/lib/api/types";
import { ADMIN_SESSION_KEY } from "@/lib/storage-keys";

import { clearAdminSession, saveAdminSession, useAdminSession } from "./admin-session";

const TOKEN: TokenOut = {
  access_token: "jwt",
  token_type: "bearer",
  expires_in: 900,
  admin: { id: 1, email: "admin@o11yshop.local", role: "admin", permissions: ["catalog:write"] },
};

describe("admin session", () => {
  it("is shared by every component and ends on sign-out", () => {
    const { result } = renderHook(() => useAdminSession());
    expect(result.current).toBeNull();
    act(() => void saveAdminSession(TOKEN));
    expect(result.current?.token).toBe("jwt");
    expect(result.current?.admin.email).toBe("admin@o11yshop.local");
    act(() => clearAdminSession());
    expect(result.current).toBeNull();
    expect(window.sessionStorage.getItem(ADMIN_SESSION_KEY)).toBeNull();
  });

  it("treats an expired token as signed out", () => {
    saveAdminSession(TOKEN, Date.now() - 901_000);
    const { result } = renderHook(() => useAdminSession());
    expect(result.current).toBeNull();
  });

  it("ignores a stored value it cannot read", () => {
    window.sessionStorage.setItem(ADMIN_SESSION_KEY, "{not json");
    const { result } = renderHook(() => useAdminSession());
    expect(result.current).toBeNull();
  });
});
