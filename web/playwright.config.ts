import { defineConfig } from "@playwright/test";

import { ADMIN_EMAIL, ADMIN_PASSWORD, API_PORT, BASE_URL, CHROMIUM } from "./e2e/stack";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/playwright",
  // Two cores shared with other work: one browser at a time. The journeys share one shop.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    launchOptions: CHROMIUM,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // The JS size does not depend on the width: measured once, in the desktop project.
    { name: "mobile-375", use: { viewport: { width: 375, height: 812 } }, testIgnore: /first-load-js/ },
    { name: "desktop-1280", use: { viewport: { width: 1280, height: 900 } } },
  ],
  webServer: {
    command: "node e2e/start-stack.mjs",
    url: `${BASE_URL}/api/health/ready`,
    reuseExistingServer: false,
    timeout: 180_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      E2E_API_PORT: String(API_PORT),
      E2E_ADMIN_EMAIL: ADMIN_EMAIL,
      E2E_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
  },
});
