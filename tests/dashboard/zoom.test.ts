import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import path from "node:path";
import { middayZone } from "../support/midday-zone.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { settleTasks } from "../sync/support.js";
import { ARTIFACTS, hasChromium, launchBrowser, PHONE_390, screenshots, screenshotWhenFailing, type RunningBrowser } from "./support/browser.js";

const MINUTE = 60_000;
const ZOOM_ARTIFACTS = path.join(ARTIFACTS, "..", "zoom");

/** "Connect Zoom" beside the calendars, connected and disconnected, in Chromium at 1280 and 390 px. */
describe.skipIf(!hasChromium)("Zoom on the dashboard", { timeout: 60_000 }, () => {
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
  const at = (minutes: number) => new Date(t0 + minutes * MINUTE).toISOString();
  const zone = middayZone(new Date(t0));
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;
  const calendars = () => page.locator("section", { has: page.locator("#calendars") });
  const timeline = () => page.locator("section", { has: page.locator("#timeline") });

  beforeAll(async () => {
    harness = await startHarness();
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee", timeZone: zone });
    control.zoom.addUser({ email: "ann@example.com", name: "Ann Lee" });
    control.zoom.setWebhookEndpoint(`${harness.baseUrl}/webhooks/zoom`);
    control.zoom.scheduleMeeting({ host: "ann@example.com", id: "81234567890", topic: "Northwind: pricing", start: at(60) });
    const guests = [{ email: "ann@example.com", response: "accepted" as const }, { email: "dana@northwind.example", name: "Dana Smith", response: "accepted" as const }];
    control.createEvent("ann@example.com", { summary: "Northwind: pricing (Zoom)", start: at(60), end: at(90), attendees: guests, location: "https://us06web.zoom.us/j/81234567890?pwd=abc" });
    control.createEvent("ann@example.com", { summary: "Tailwind: intro (Zoom)", start: at(120), end: at(150), attendees: [...guests, { email: "jo@tailwind.example", name: "Jo Park", response: "accepted" }], organizer: { email: "jo@tailwind.example", name: "Jo Park" }, location: "https://tailwind.zoom.us/j/84512345678" });
    browser = await launchBrowser(ZOOM_ARTIFACTS, { timezoneId: zone });
    page = browser.page;
  }, 60_000);

  screenshotWhenFailing(() => page, ZOOM_ARTIFACTS);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("offers Connect Zoom beside the calendars; Zoom meetings say why they are check-in only", async () => {
    harness.emulator.control.setNextLogin("google", "ann@example.com");
    await page.goto(harness.baseUrl + "/auth/google");
    await page.waitForURL((url) => url.pathname === "/", { timeout: 15_000 });
    await settleTasks(harness);
    await page.reload();
    await expect.poll(() => calendars().getByText("ann@example.com").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await calendars().getByRole("link", { name: "Connect Zoom" }).count()).toBe(1);
    expect(await calendars().getByText("not connected").isVisible()).toBe(true);
    await expect.poll(() => timeline().getByText("Northwind: pricing (Zoom)").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await timeline().locator("li", { hasText: "Northwind: pricing (Zoom)" }).getByText(/Zoom doesn't tell us who joins/).isVisible()).toBe(true);
    await screenshots(page, "01-connect-zoom-offered", ZOOM_ARTIFACTS, PHONE_390);
  });

  it("Connect Zoom: the meeting Ann hosts is seen live, the one Jo hosts stays check-in and says so", async () => {
    harness.emulator.control.zoom.setNextLogin("ann@example.com");
    await calendars().getByRole("link", { name: "Connect Zoom" }).first().click();
    await page.waitForURL((url) => url.pathname === "/", { timeout: 15_000 });
    expect(await page.getByText("Zoom is connected").isVisible()).toBe(true);
    await settleTasks(harness);
    await page.reload();
    await expect.poll(() => calendars().getByText("Meetings you host").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await calendars().getByText("1 meeting: we see you join them live").isVisible()).toBe(true);
    expect(await timeline().locator("li", { hasText: "Northwind: pricing (Zoom)" }).getByText(/We'll see you join in Zoom/).isVisible()).toBe(true);
    expect(await timeline().locator("li", { hasText: "Tailwind: intro (Zoom)" }).getByText(/Zoom meeting hosted by someone else/).isVisible()).toBe(true);
    expect(await calendars().getByRole("link", { name: "Connect Zoom" }).count()).toBe(0);
    await screenshots(page, "02-zoom-connected", ZOOM_ARTIFACTS, PHONE_390);
  });

  it("Disconnect Zoom asks first, revokes the grant, and offers Connect Zoom again", async () => {
    page.once("dialog", (dialog) => void dialog.accept());
    await calendars().getByRole("button", { name: "Disconnect Zoom" }).click();
    await expect.poll(() => calendars().getByText("not connected").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(harness.emulator.control.zoom.installed("ann@example.com")).toBe(false);
    expect(browser.problems).toEqual([]);
  });
});
