import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { expect, test } from "@playwright/test";

// A budget, not a target: it fails the run when the home page's JavaScript grows by a lot.
const BUDGET_GZIP_BYTES = Number(process.env.E2E_HOME_JS_BUDGET ?? 200_000);
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "..", "test-results");

test("home page first-load JavaScript (gzip) is measured and within budget", async ({ page }, testInfo) => {
  // Scripts up to the load event only: the router prefetches other pages' chunks afterwards, and a
  // body still being read when the page closes would reject after this test, failing the next one.
  const scripts = new Map<string, Promise<Buffer>>();
  let loading = true;
  page.on("response", (response) => {
    if (loading && response.request().resourceType() === "script" && response.ok()) {
      const body = response.body();
      body.catch(() => undefined);
      scripts.set(response.url(), body);
    }
  });
  await page.goto("/", { waitUntil: "load" });
  loading = false;
  await expect(page.getByRole("list", { name: "Featured products" })).toBeVisible();

  const files = await Promise.all(
    [...scripts.entries()].map(async ([url, body]) => {
      const bytes = await body;
      return { path: new URL(url).pathname, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    }),
  );
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const gzip = files.reduce((sum, f) => sum + f.gzip, 0);
  files.sort((a, b) => b.gzip - a.gzip);

  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "first-load-js.json"), JSON.stringify({ page: "/", files: files.length, bytes: total, gzip, budget: BUDGET_GZIP_BYTES, detail: files }, null, 2));
  console.log(`first-load JS of /: ${files.length} files, ${total} bytes, ${gzip} bytes gzip (budget ${BUDGET_GZIP_BYTES})`);
  testInfo.annotations.push({ type: "first-load-js-gzip-bytes", description: String(gzip) });

  expect(files.length).toBeGreaterThan(0);
  expect(gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
});
