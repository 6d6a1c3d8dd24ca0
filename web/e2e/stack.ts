// The shop the end-to-end tests run against: started by Playwright's webServer (start-stack.mjs)
// on its own ports and throwaway database, so it never meets a developer's `make run`.

export const API_PORT = Number(process.env.E2E_API_PORT ?? "18400");
export const BASE_URL = `http://127.0.0.1:${API_PORT}`;
export const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "admin@o11yshop.local";
// A throwaway database is seeded with this password at every run; it guards nothing else.
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-only-password";

/** Debian's chromium (never a downloaded browser), with flags for a container without a GPU. */
export const CHROMIUM = {
  executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};
