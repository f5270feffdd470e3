import path from "node:path";
import { useServiceAndBrowser } from "./support/service-and-browser.js";
import { middayZone } from "../support/midday-zone.js";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { repoRoot } from "../support/child-process.js";
import type { Harness } from "../support/service-harness.js";
import { hasChromium, PHONE_390, type RunningBrowser, screenshots as pictures } from "./support/browser.js";

const ARTIFACTS = path.join(repoRoot, "tests", "artifacts", "check-in");
// Where it is midday now: the running-late sample (8 minutes ago) and the coffee (in 4) are on today's timeline at any hour CI runs.
const ZONE = middayZone();
const LATE = "Quarterly review with Northwind Traders";
const COFFEE = "Coffee with Jordan Lee";
const LUNCH = "Lunch with Maya Chen";
const ZOOM = "Pricing call with Contoso";

if (!hasChromium) console.warn("check-in browser tests SKIPPED: /usr/bin/chromium is missing (apt-get install -y chromium)");

/** Desktop (1280 px) and phone (390 px) pictures, in their own folder. */
const screenshots = (page: Page, name: string) => pictures(page, name, ARTIFACTS, PHONE_390);

/**
 * Meetings we cannot see, in Chromium against the sandbox as `npm start` runs it (real time,
 * cron on): the source line on each row, the coffee's nudge answered with "I'm here",
 * yesterday's digest answered with "I was at all of them" and (after starting over) with
 * "I missed this one", and the new settings saved.
 */
describe.skipIf(!hasChromium)("meetings we can't see, in a real browser", { timeout: 120_000 }, () => {
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;
  const nav = () => page.getByRole("navigation", { name: "Dashboard" });
  const open = async (label: string) => {
    await nav().getByRole("link", { name: label === "Today" ? "Alerts" : "Today" }).click();
    await nav().getByRole("link", { name: label }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1, name: label }).isVisible()).toBe(true);
  };
  const section = (id: string) => page.locator("section", { has: page.locator(`#${id}`) });
  const row = (id: string, title: string) => section(id).locator("li.meeting", { hasText: title });

  useServiceAndBrowser({ artifacts: ARTIFACTS, timezoneId: ZONE, cron: true }, (running) => {
    harness = running.harness;
    browser = running.browser;
    page = running.page;
  });

  it("signs in to the sandbox in the browser's time zone; each row says whether we can see it", async () => {
    await page.goto(harness.baseUrl + "/");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Today" }).isVisible(), { timeout: 15_000 }).toBe(true);
    const settings = (await page.evaluate("fetch('/api/settings').then((r) => r.json())")) as { timeZone: string };
    expect(settings.timeZone).toBe(ZONE);
    await expect.poll(() => row("timeline", COFFEE).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByText(`times in ${ZONE}`).isVisible()).toBe(true);

    expect(await row("timeline", LATE).locator(".source").textContent()).toContain("We'll see you join in Google Meet");
    const coffeeSource = row("timeline", COFFEE).locator(".source");
    expect(await coffeeSource.textContent()).toContain("In person (Blue Bottle, 66 Mint St): we can't see it, so tap I'm here");
    expect(await coffeeSource.getAttribute("title")).toBe("In person (Blue Bottle, 66 Mint St): we can't see it, so tap I'm here when you arrive.");
    // About to start: the row offers I'm here.
    expect(await row("timeline", COFFEE).getByRole("button", { name: `I'm here: ${COFFEE}` }).isVisible()).toBe(true);

    // Yesterday's meetings we could not see ask, they do not accuse.
    const lunch = row("recent", LUNCH);
    await expect.poll(() => lunch.locator(".badge").textContent(), { timeout: 10_000 }).toContain("Were you there?");
    expect(await lunch.locator(".source").textContent()).toContain("In person (Nopa, 560 Divisadero St): we can't see it");
    expect(await lunch.locator(".source").textContent()).not.toContain("tap I'm here");
    // Only a meeting we could see (the Meet sample nobody joined) may say "Missed?"; a lunch or a Zoom call never does.
    expect(await lunch.getByText("Missed? Please confirm").count()).toBe(0);
    expect(await page.locator("li.meeting", { hasText: ZOOM }).getByText("Missed? Please confirm").count()).toBe(0);
  });

  it("the nudge's email link opens the feed at its \"Tell them I'm N minutes late\", answering nothing", async () => {
    const alerts = (await page.evaluate("fetch('/api/alerts').then((r) => r.json())")) as { alerts: Array<{ id: string; kind: string; meetingId: string | null; title: string }> };
    const nudge = alerts.alerts.find((a) => a.kind === "nudge" && a.title.startsWith(COFFEE))!;
    expect(nudge).toBeTruthy();
    await page.goto(`${harness.baseUrl}/?meeting=${nudge.meetingId}&action=late`);
    await expect.poll(() => page.getByText("From your email: answer below.").isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.evaluate("document.activeElement.id")).toBe(`answer-${nudge.id}-minutes`);
    await open("Today");
  });

  it("the coffee's nudge needs attention; I'm here collapses the card and changes the row at once", async () => {
    const attention = section("attention");
    const nudge = attention.locator("li.alert-nudge", { hasText: COFFEE });
    await expect.poll(() => nudge.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await nudge.getByRole("spinbutton", { name: /Tell them I'm/ }).isVisible()).toBe(true);
    await expect.poll(() => attention.locator("li.alert-digest").isVisible(), { timeout: 15_000 }).toBe(true);
    await screenshots(page, "01-today");

    await nudge.getByRole("button", { name: "I'm here" }).click();
    // The card collapses to what was done (server state: it stays so after a reload).
    await expect.poll(() => nudge.locator(".answered").first().textContent(), { timeout: 5_000 }).toMatch(/^✓ Checked in/);
    expect(await nudge.getByRole("button", { name: "I'm here" }).count()).toBe(0);
    expect(await nudge.getByRole("button", { name: "Tell them" }).count()).toBe(0);
    const coffee = row("timeline", COFFEE);
    await expect.poll(() => coffee.locator(".badge").textContent()).toContain("Checked in");
    expect(await coffee.locator(".source").textContent()).toMatch(/You checked in at \d{1,2}:\d\d [AP]M/);
    expect(await coffee.getByRole("button").count()).toBe(0);
    await screenshots(page, "02-today-checked-in");
  });

  it("yesterday's digest lists both meetings in the user's zone; I was at all of them answers it", async () => {
    await open("Alerts");
    const digest = page.getByRole("list", { name: "Alerts feed" }).locator("li.alert-digest").first();
    await expect.poll(() => digest.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await digest.locator(".alert-kind").textContent()).toBe("Day summary");
    expect(await digest.locator(".digest-intro").textContent()).toBe("We couldn't see these 2 meetings, and you didn't check in:");
    expect(await digest.locator(".alert-title").textContent()).toBe("Were you at these 2 meetings?");
    await expect.poll(() => digest.locator(".digest-item").count()).toBe(2);
    expect(await digest.locator(".digest-item", { hasText: LUNCH }).textContent()).toContain("12:30–1:30 PM");
    expect(await digest.locator(".digest-item", { hasText: ZOOM }).textContent()).toContain("3:00–3:30 PM");
    expect(await digest.getByRole("button", { name: /^I missed this one/ }).count()).toBe(2);
    // No raw kind names anywhere in the feed.
    expect(await page.locator(".alert-kind").allTextContents()).not.toContain("digest");
    expect(await page.locator(".alert-kind").allTextContents()).not.toContain("nudge");
    await screenshots(page, "03-alerts");

    await digest.getByRole("button", { name: "I was at all of them" }).click();
    await expect.poll(() => digest.getByText("All answered. Thank you.").isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await digest.locator(".digest-item", { hasText: "You were there" }).count()).toBe(2);
    expect(await digest.getByRole("button").count()).toBe(0);
    await screenshots(page, "04-alerts-digest-answered");
    await open("Today");
    await expect.poll(() => row("recent", LUNCH).locator(".badge").textContent(), { timeout: 10_000 }).toContain("Attended");
  });

  it("after starting over, I missed this one marks one; the button then answers only the other", async () => {
    expect(await page.evaluate("fetch('/auth/sandbox/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status)")).toBe(200);
    const freshDigest = async () => ((await page.evaluate("fetch('/api/alerts').then((r) => r.json())")) as { alerts: Array<{ id: string; kind: string }> }).alerts.find((a) => a.kind === "digest")?.id;
    await expect.poll(freshDigest, { timeout: 15_000 }).toBeTruthy();
    const digestId = (await freshDigest())!;
    // The digest email's link opens the feed with "I was at all of them" focused; it answers nothing itself.
    await page.goto(`${harness.baseUrl}/?alert=${digestId}&action=all_attended`);
    await expect.poll(() => page.getByText("From your email: answer below.").isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.evaluate("document.activeElement.id")).toBe(`answer-${digestId}-all`);
    const digest = page.locator(`#alert-${digestId}`);
    await expect.poll(() => digest.locator(".digest-item").count(), { timeout: 15_000 }).toBe(2);
    expect(await digest.getByRole("button", { name: /^I missed this one/ }).count()).toBe(2);
    await digest.getByRole("button", { name: `I missed this one: ${ZOOM}` }).click();
    const zoom = digest.locator(".digest-item", { hasText: ZOOM });
    await expect.poll(() => zoom.getByText("Missed: your recovery plan is under").isVisible(), { timeout: 5_000 }).toBe(true);
    // Answered: only Undo is left on it.
    expect(await zoom.getByRole("button").allTextContents()).toEqual(["Undo"]);
    expect(await digest.getByRole("button", { name: "I was at all of them" }).count()).toBe(0);
    await digest.getByRole("button", { name: "I was at the other one" }).click();
    await expect.poll(() => digest.getByText("All answered. Thank you.").isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await digest.locator(".digest-item", { hasText: LUNCH }).getByText("You were there").isVisible()).toBe(true);
    await screenshots(page, "05-alerts-digest-one-missed");
    // A mistaken "I missed this one" is taken back while nothing was sent: it asks again.
    await zoom.getByRole("button", { name: `Undo: ${ZOOM}` }).click();
    await expect.poll(() => zoom.getByRole("button", { name: `I missed this one: ${ZOOM}` }).isVisible(), { timeout: 10_000 }).toBe(true);
  });

  it("saves the settings for meetings we can't see, and shows the server's message by its field", async () => {
    await open("Settings");
    const group = page.getByRole("group", { name: "Meetings we can't see" });
    await expect.poll(() => group.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await group.getByRole("radio", { name: "One summary at the end of my working day" }).isChecked()).toBe(true);
    await screenshots(page, "06-settings");

    await group.getByRole("radio", { name: "Ask me after each one" }).check();
    await group.getByRole("checkbox", { name: "Ask “Running late?” for these too" }).check();
    await page.getByRole("checkbox", { name: "Reminders and heads-ups by Email" }).check();
    await group.getByLabel("Remind me before they start (minutes)").fill("90");
    await page.getByRole("button", { name: "Save settings" }).click();
    const error = group.locator("#error-nudgeMinutes");
    await expect.poll(() => error.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await error.textContent()).toMatch(/60/);
    expect(await page.evaluate("document.activeElement.id")).toBe("setting-nudgeMinutes");
    await screenshots(page, "07-settings-error");

    await group.getByLabel("Remind me before they start (minutes)").fill("10");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByText("Settings saved.").isVisible(), { timeout: 5_000 }).toBe(true);
    const saved = (await page.evaluate("fetch('/api/settings').then((r) => r.json())")) as Record<string, unknown>;
    expect(saved).toMatchObject({ checkInPrompt: "each", lateAlertsWithoutSignal: true, nudgeMinutes: 10, nudgeChannels: ["email", "feed", "push"] });
    await page.reload();
    await expect.poll(() => page.getByRole("radio", { name: "Ask me after each one" }).isChecked(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByLabel("Remind me before they start (minutes)").inputValue()).toBe("10");
    expect(browser.problems.filter((p) => /Content Security Policy|Refused to|page error/i.test(p))).toEqual([]);
  });
});
