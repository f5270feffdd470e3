import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/child-process.js";
import { seedUserWithMeetings } from "../support/seed.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { hasChromium, launchBrowser, PHONE_390, screenshots, screenshotWhenFailing, type RunningBrowser } from "./support/browser.js";

const ARTIFACTS = path.join(repoRoot, "tests", "artifacts", "terminal");

/**
 * The settings page as a person uses it: every refusal in words beside its field (with the
 * allowed range), a webhook address that does not exist explained, and a note when no alert
 * leaves the dashboard any more.
 */
describe.skipIf(!hasChromium)("settings: validation in plain words, in Chromium", { timeout: 60_000 }, () => {
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;
  let userId: string;
  const failed: string[] = [];
  const field = (label: string) => page.locator(".field", { has: page.getByLabel(label, { exact: true }) });
  const errorOf = async (label: string) => (await field(label).locator(".field-error").textContent())?.trim();
  const save = () => page.getByRole("button", { name: "Save settings" }).click();

  beforeAll(async () => {
    harness = await startHarness();
    ({ userId } = await seedUserWithMeetings(harness.service.services.db, { meetings: [], alertChannels: ["email", "feed"] }));
    const { token } = await harness.service.services.sessions.create(userId);
    browser = await launchBrowser(ARTIFACTS);
    page = browser.page;
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await browser.context.addCookies([{ name: "mg_session", value: harness.service.app.signCookie(token), url: harness.baseUrl }]);
    await page.goto(`${harness.baseUrl}/#/settings`);
    await page.getByLabel("Grace minutes").waitFor({ state: "visible", timeout: 15_000 });
  }, 60_000);

  screenshotWhenFailing(() => page, ARTIFACTS);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("writes the end of the working day in the page's one time shape, not 17:00", async () => {
    expect(await page.locator("#hint-checkInPrompt").textContent()).toContain("end of your working hours (5:00 PM, set under Recovery)");
  });

  it("shows each field's problem beside it, naming the field and the allowed range", async () => {
    await page.getByLabel("Grace minutes").fill("99");
    await page.getByLabel("Settle window (minutes)").fill("-5");
    await page.getByLabel("Buffer before a rescheduled meeting (minutes)").fill("");
    await page.getByLabel("Gift reminder after (hours)").fill("500");
    await page.locator("#setting-workingHours-start").fill("09:00");
    await page.locator("#setting-workingHours-end").fill("08:00");
    await save();
    await expect.poll(() => page.locator(".field-error").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    expect(await errorOf("Grace minutes")).toBe("Grace minutes must be a whole number from 0 to 60.");
    expect(await errorOf("Settle window (minutes)")).toBe("Settle window minutes must be a whole number from 0 to 240.");
    expect(await errorOf("Buffer before a rescheduled meeting (minutes)")).toBe("Buffer minutes must be a whole number from 30 to 45.");
    expect(await errorOf("Gift reminder after (hours)")).toBe("Gift reminder after must be a number of hours from 0 to 168 (one week).");
    expect(await page.getByText("Working hours end must be later than the start.").isVisible()).toBe(true);
    expect(await page.getByLabel("Grace minutes").getAttribute("aria-invalid")).toBe("true");
    // Nothing written for developers anywhere on the page.
    expect(await page.locator("main").textContent()).not.toMatch(/Too small|Too big|Invalid input|expected int|body\//);
    // The keyboard is taken to the first field that needs attention.
    expect(await page.evaluate("document.activeElement && document.activeElement.id")).toBe("setting-lateGraceMinutes");
    await screenshots(page, "01-settings-invalid", ARTIFACTS, PHONE_390);
    const row = await harness.service.services.db.settings.findUniqueOrThrow({ where: { userId } });
    expect(row.lateGraceMinutes).toBe(5);
  });

  it("says in words what is wrong with a webhook address nobody answers at", async () => {
    await page.getByLabel("Grace minutes").fill("7");
    await page.getByLabel("Settle window (minutes)").fill("10");
    await page.getByLabel("Buffer before a rescheduled meeting (minutes)").fill("40");
    await page.getByLabel("Gift reminder after (hours)").fill("3");
    await page.locator("#setting-workingHours-end").fill("17:00");
    await page.getByRole("checkbox", { name: "Everything else by Webhook" }).check();
    await page.getByLabel("Webhook URL").fill("https://hooks.slak.invalid/services/T0/B0/x");
    await save();
    await expect.poll(() => field("Webhook URL").locator(".field-error").isVisible(), { timeout: 15_000 }).toBe(true);
    const message = await errorOf("Webhook URL");
    expect(message).toBe("No server answers at \u201chooks.slak.invalid\u201d: check the address for a typo (Slack's webhook addresses start with https://hooks.slack.com/services/).");
    expect(message).not.toMatch(/getaddrinfo|ENOTFOUND/);
    expect(await page.locator(".field-error").count()).toBe(1);
    await screenshots(page, "02-settings-webhook-unknown-host", ARTIFACTS, PHONE_390);
  });

  it("keeps the in-app feed on, and warns before and after saving when no alert leaves the dashboard", async () => {
    const channels = page.locator("table.channel-table");
    const feed = channels.getByRole("checkbox", { name: "Everything else by the in-app feed (always on)" });
    expect(await feed.isChecked()).toBe(true);
    expect(await feed.isDisabled()).toBe(true);
    await channels.getByRole("checkbox", { name: "Everything else by Webhook" }).uncheck();
    await page.getByLabel("Webhook URL").fill("");
    expect(await page.locator("#warning-alertChannels").count()).toBe(0);
    // Every box but the feed's off: nothing leaves the dashboard.
    const ticked = channels.locator("input[type=checkbox]:checked:not(:disabled)");
    while ((await ticked.count()) > 0) await ticked.first().uncheck();
    await expect.poll(() => page.locator("#warning-alertChannels").isVisible()).toBe(true);
    expect(await page.locator("#warning-alertChannels").textContent()).toContain("you will learn of a late or missed meeting only while Makegood is open");
    // Push with no device that gets notifications reaches nobody either: the warning stays.
    await channels.getByRole("checkbox", { name: "Running late? by Push" }).check();
    expect(await page.locator("#warning-alertChannels").isVisible()).toBe(true);
    await channels.getByRole("checkbox", { name: "Running late? by Push" }).uncheck();
    await save();
    await expect.poll(() => page.getByText("Settings saved. Alerts will show only here on the dashboard.").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator(".field-error").count()).toBe(0);
    await screenshots(page, "03-settings-feed-only-warning", ARTIFACTS, PHONE_390);
    const row = await harness.service.services.db.settings.findUniqueOrThrow({ where: { userId } });
    expect(row.alertChannels).toEqual(["feed"]);
    expect(row.lateGraceMinutes).toBe(7);
    expect(browser.problems.filter((problem) => !/status of (400|404)/.test(problem))).toEqual([]);
    // The refusals were the settings API's 400s; nothing else failed (a 404 would be a missing file).
    expect(failed.filter((line) => !/^400 .*\/api\/settings$/.test(line))).toEqual([]);
  });
});
