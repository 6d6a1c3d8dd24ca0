import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  oxc: { jsx: { runtime: "automatic" } },
  test: {
    environment: "jsdom",
    include: ["{app,components,lib}/**/*.test.{ts,tsx}"],
    setupFiles: ["./vitest.setup.ts"],
    // What next.config's trailingSlash sets at build time, so links render as they ship.
    env: { __NEXT_TRAILING_SLASH: "true" },
    // Two shared cores: one fork is plenty for component tests.
    pool: "forks",
    maxWorkers: 1,
  },
});
