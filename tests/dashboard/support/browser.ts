import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { beforeEach } from "vitest";
import { repoRoot } from "../../support/child-process.js";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = path.join(repoRoot, "tests", "artifacts", "dashboard");

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 812 };
/** A larger phone (iPhone 12–15): the check-in views are looked at here too. */
export const PHONE_390 = { width: 390, height: 844 };

export interface RunningBrowser {
  context: BrowserContext;
  page: Page;
  /** console errors and failed requests the page produced (CSP violations show up here) */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with a fresh profile (playwright passes it as --user-data-dir) and the flags STACK.md asks for (without
 * the background-networking ones it floods the closed network). The emulator's certificate
 * comes from the test CA, which the browser does not know.
 */
/**
 * `serviceWorkers: "block"` keeps the dashboard's service worker out: requests it makes itself
 * (it fetches every /api call) are invisible to page.route, so a test that fakes an API answer
 * must run without it.
 */
export async function launchBrowser(artifacts = ARTIFACTS, options: { timezoneId?: string; serviceWorkers?: "allow" | "block" } = {}): Promise<RunningBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), "makegood-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    ignoreHTTPSErrors: true,
    viewport: DESKTOP,
    locale: "en-GB",
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    serviceWorkers: options.serviceWorkers ?? "allow",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  // Pictures of this run only: a stale failure picture would mislead.
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot at desktop and phone width, under tests/artifacts/dashboard/ (or `artifacts`); fails when the phone view scrolls sideways. */
export async function screenshots(page: Page, name: string, artifacts = ARTIFACTS, phone: { width: number; height: number } = PHONE): Promise<void> {
  // The action toast is fixed to the viewport and would float over a full-page picture.
  const style = ".toast { display: none !important; }";
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(artifacts, `${name}-desktop.png`), fullPage: true, style });
  await page.setViewportSize(phone);
  await page.screenshot({ path: path.join(artifacts, `${name}-phone.png`), fullPage: true, style });
  // Readable at phone width means nothing wider than the screen (no sideways scrolling).
  const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
  if (width > phone.width) {
    const culprits = await page.evaluate(`[...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > ${phone.width} && element.children.length === 0)
      .slice(0, 5)
      .map((element) => element.tagName.toLowerCase() + (element.className ? "." + String(element.className).split(" ").join(".") : "") + " “" + (element.textContent ?? "").trim().slice(0, 60) + "”")`);
    throw new Error(`${name}: the page is ${width} px wide at phone width (${phone.width} px); too wide: ${JSON.stringify(culprits)}`);
  }
  await page.setViewportSize(DESKTOP);
}

/** Keeps a full-page picture of the page as it was when a test of the calling suite failed. */
export function screenshotWhenFailing(page: () => Page | undefined, artifacts = ARTIFACTS): void {
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await page()?.screenshot({ path: path.join(artifacts, `failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}.png`), fullPage: true });
    });
  });
}
