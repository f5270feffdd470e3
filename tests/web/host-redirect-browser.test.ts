import path from "node:path";
import { useServiceAndBrowser } from "../dashboard/support/service-and-browser.js";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, PHONE_390, type RunningBrowser, screenshots } from "../dashboard/support/browser.js";
import { repoRoot } from "../support/child-process.js";
import type { Harness } from "../support/service-harness.js";

const ARTIFACTS = path.join(repoRoot, "tests", "artifacts", "terminal");

/**
 * The address the log used to print (127.0.0.1) broke every action with "Cross-site request
 * refused": opened in a real browser, it now lands on PUBLIC_URL, and signing in (a POST that
 * the same-origin rule checks) works from there.
 */
describe.skipIf(!hasChromium)("opening the server at 127.0.0.1 in a browser", { timeout: 120_000 }, () => {
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;

  useServiceAndBrowser({ artifacts: ARTIFACTS }, (running) => {
    harness = running.harness;
    browser = running.browser;
    page = running.page;
  });

  it("lands on PUBLIC_URL, and the first action (signing in to the sandbox) works", async () => {
    const port = new URL(harness.baseUrl).port;
    expect(harness.baseUrl).toBe(`http://localhost:${port}`);
    await page.goto(`http://127.0.0.1:${port}/#/settings`);
    expect(page.url()).toBe(`${harness.baseUrl}/#/settings`);
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await page.getByRole("navigation", { name: "Dashboard" }).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).origin).toBe(harness.baseUrl);
    expect(await page.getByText(/Cross-site request refused/).count()).toBe(0);
    await screenshots(page, "04-opened-at-127-0-0-1", ARTIFACTS, PHONE_390);
    expect(browser.problems.filter((problem) => !/401/.test(problem))).toEqual([]);
  });
});
