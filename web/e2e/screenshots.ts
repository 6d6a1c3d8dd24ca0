import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect, type Page } from "@playwright/test";

export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "test-results", "screenshots");

interface ScreenProblems {
  unlabelled: string[];
  noAlt: string[];
  /** Elements that stick out past the right edge of the window (none when it fits). */
  overflowing: string[];
}

/** What every screen must get right at every width: labels, alt text, no sideways scrolling. */
async function screenProblems(page: Page): Promise<ScreenProblems> {
  return page.evaluate(() => {
    const describe = (el: Element) => el.outerHTML.slice(0, 120);
    const controls = Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"));
    const unlabelled = controls
      .filter((el) => {
        const control = el as HTMLInputElement;
        return (control.labels?.length ?? 0) === 0 && !control.getAttribute("aria-label") && !control.getAttribute("aria-labelledby");
      })
      .map(describe);
    const noAlt = Array.from(document.querySelectorAll("img")).filter((img) => !img.hasAttribute("alt")).map(describe);
    const overflowing =
      document.documentElement.scrollWidth <= window.innerWidth
        ? []
        : Array.from(document.body.querySelectorAll("*"))
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter((el) => !el.closest(".overflow-x-auto") || el.classList.contains("overflow-x-auto"))
            .slice(0, 5)
            .map(describe);
    if (document.documentElement.scrollWidth > window.innerWidth && overflowing.length === 0) {
      overflowing.push(`the document: ${document.documentElement.scrollWidth}px`);
    }
    return { unlabelled, noAlt, overflowing };
  });
}

/**
 * Save the whole page as test-results/screenshots/<screen>-<width>.png once nothing is loading,
 * after checking that its inputs are labelled, its images have alt text and it fits the width.
 */
export async function screenshot(page: Page, screen: string): Promise<void> {
  await expect(page.getByRole("status").filter({ hasText: /Loading|Checking your sign-in/ })).toHaveCount(0);
  const problems = await screenProblems(page);
  expect(problems.unlabelled, `${screen}: inputs without a label`).toEqual([]);
  expect(problems.noAlt, `${screen}: images without alt`).toEqual([]);
  expect(problems.overflowing, `${screen}: wider than the window`).toEqual([]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${screen}-${width}.png`), fullPage: true });
}
