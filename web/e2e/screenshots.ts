import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect, type Page } from "@playwright/test";

export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "test-results", "screenshots");

/** Save the whole page as test-results/screenshots/<screen>-<width>.png once nothing is loading. */
export async function screenshot(page: Page, screen: string): Promise<void> {
  await expect(page.getByRole("status").filter({ hasText: /Loading|Checking your sign-in/ })).toHaveCount(0);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${screen}-${width}.png`), fullPage: true });
}
