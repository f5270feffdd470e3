import type { Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { startHarness, type Harness } from "../../support/service-harness.js";
import { launchBrowser, screenshotWhenFailing, type RunningBrowser } from "./browser.js";

/** As `npm start` runs on a fresh machine: no OAuth clients, so the start page offers the sandbox. */
export const NO_OAUTH_CLIENTS = { GOOGLE_CLIENT_ID: "", GOOGLE_CLIENT_SECRET: "", MICROSOFT_CLIENT_ID: "", MICROSOFT_CLIENT_SECRET: "" } as const;

export interface ServiceAndBrowser {
  harness: Harness;
  browser: RunningBrowser;
  page: Page;
}

/**
 * For one describe block: the service (sandbox on; `cron` runs its jobs as `npm start` does) and
 * Chromium on it, started before the tests, a full-page picture of a failing test, both closed
 * after. `started` hands them to the block's own variables.
 */
export function useServiceAndBrowser(
  options: { artifacts: string; timezoneId?: string; cron?: boolean; env?: Record<string, string> },
  started: (running: ServiceAndBrowser) => void | Promise<void>,
): void {
  let running: Partial<ServiceAndBrowser> = {};
  beforeAll(async () => {
    const harness = await startHarness({ env: { ...NO_OAUTH_CLIENTS, ...(options.cron ? { CRON: "true" } : {}), ...options.env } });
    running = { harness };
    const browser = await launchBrowser(options.artifacts, options.timezoneId ? { timezoneId: options.timezoneId } : {});
    running = { harness, browser, page: browser.page };
    await started({ harness, browser, page: browser.page });
  }, 60_000);
  screenshotWhenFailing(() => running.page, options.artifacts);
  afterAll(async () => {
    await running.browser?.close();
    await running.harness?.close();
  });
}
