import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { detectJob } from "../../jobs/detect.js";
import { runJob } from "../../jobs/run-job.js";
import { FixedClock } from "../../src/platform/clock.js";
import { eventually, syncNow } from "../recovery/support/recovery-helpers.js";
import { connectedLongAgo } from "../support/connect.js";
import { middayZone } from "../support/midday-zone.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { hasChromium, launchBrowser, screenshots, screenshotWhenFailing, type RunningBrowser } from "./support/browser.js";

const MINUTE = 60_000;

if (!hasChromium) {
  // Say so loudly rather than pass quietly: `.ci/run` installs the package.
  console.warn("dashboard browser tests SKIPPED: /usr/bin/chromium is missing (apt-get install -y chromium)");
}

/**
 * The dashboard in Debian's Chromium against the real service and the provider emulator, on a
 * clock the test moves: sign in through Google OAuth, a late meeting appears live (SSE, no
 * reload), confirm a miss, edit and approve the proposal, change a setting.
 */
// Each step waits on background work (sync, detection, sending); the machine is shared and busy.
describe.skipIf(!hasChromium)("the dashboard in a real browser", { timeout: 60_000 }, () => {
  const clock = new FixedClock(new Date(Math.floor(Date.now() / MINUTE) * MINUTE));
  const t0 = clock.now().getTime();
  const at = (minutes: number) => new Date(t0 + minutes * MINUTE).toISOString();
  // Ann's calendar and browser are where it is midday: her meetings from 3 hours ago to 3½ hours ahead are all "today".
  const zone = middayZone(clock.now());
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;
  const db = () => harness.service.services.db;
  const detect = () => runJob(detectJob, { ...harness.service.services, signal: new AbortController().signal }, { waitForLock: true });
  const nav = () => page.getByRole("navigation", { name: "Dashboard" });
  const meeting = (title: string) => db().meeting.findFirst({ where: { title } });

  beforeAll(async () => {
    harness = await startHarness({ clock, emulatorNow: () => clock.now().getTime() });
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee", timeZone: zone });
    control.addUser({ provider: "google", email: "dana@client.example", name: "Dana Smith" });
    const guests = [
      { email: "ann@example.com", name: "Ann Lee", response: "accepted" as const },
      { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
    ];
    const organizer = { email: "ann@example.com", name: "Ann Lee" };
    control.createEvent("ann@example.com", { summary: "Pricing review", start: at(-180), end: at(-135), attendees: guests, organizer, meet: "pri-cing-rev", description: "Agenda: pricing for 2027\nDana's mobile: +1 (415) 555-0132" });
    control.createEvent("ann@example.com", { summary: "Weekly sync", start: at(2), end: at(32), attendees: guests, organizer, meet: "wee-klys-ync" });
    control.createEvent("ann@example.com", { summary: "Client lunch", start: at(150), end: at(210), attendees: guests, organizer });
    // This file fakes a failing API with page.route, which the service worker's own fetches would bypass.
    browser = await launchBrowser(undefined, { timezoneId: zone, serviceWorkers: "block" });
    page = browser.page;
  }, 60_000);

  screenshotWhenFailing(() => page);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("a signed-out visitor sees the sign-in choices", async () => {
    await page.goto(harness.baseUrl + "/");
    await expect.poll(() => page.getByRole("link", { name: "Connect Google" }).isVisible()).toBe(true);
    expect(await page.getByRole("link", { name: "Connect Outlook" }).getAttribute("href")).toBe("/auth/microsoft");
    // Without GET /auth/providers (or with sandbox off) there is no sandbox button.
    const providers = await fetch(harness.baseUrl + "/auth/providers");
    const sandbox = providers.ok ? ((await providers.json()) as { sandbox: boolean }).sandbox : false;
    expect(await page.getByRole("button", { name: "Try the sandbox" }).count()).toBe(sandbox ? 1 : 0);
    await screenshots(page, "01-signed-out");
  });

  it("signs in through the emulator's Google OAuth and shows today's meetings and the calendar's health", async () => {
    harness.emulator.control.setNextLogin("google", "ann@example.com");
    await page.getByRole("link", { name: "Connect Google" }).click();
    await page.waitForURL((url) => url.pathname === "/" && !url.search.includes("connected"), { timeout: 15_000 });
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Today" }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByText("Your Google calendar is connected").isVisible()).toBe(true);
    // The missed meeting ended before this first connect, which never asks about it: as if Ann had been connected.
    await connectedLongAgo(harness, "ann@example.com");

    // The first sync and detection run in the background; the missed meeting is then asked about.
    await eventually(async () => (await meeting("Pricing review"))?.state === "suspected_missed" || (await detect(), false), "the missed meeting to be suspected", { timeout: 20_000 });
    await page.reload();
    const timeline = page.locator("section", { has: page.locator("#timeline") });
    await expect.poll(() => timeline.getByText("Weekly sync").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await timeline.locator("li", { hasText: "Pricing review" }).getByText("Missed? Please confirm").isVisible()).toBe(true);
    expect(await timeline.locator("li", { hasText: "Weekly sync" }).getByText("Upcoming").isVisible()).toBe(true);
    const calendars = page.locator("section", { has: page.locator("#calendars") });
    expect(await calendars.getByText("ann@example.com").isVisible()).toBe(true);
    expect(await calendars.getByText("Healthy").isVisible()).toBe(true);
    await screenshots(page, "02-today");

    // Keyboard: the first Tab reaches "Skip to content", which takes focus to the page's heading.
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate("document.activeElement.tagName")).toBe("H1");
  });

  it("a late meeting appears in the alerts feed live, without a reload", async () => {
    await nav().getByRole("link", { name: "Alerts" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Alerts" }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText("● Live").isVisible(), { timeout: 10_000 }).toBe(true);
    await page.evaluate("window.sameDocument = true");
    const feed = page.getByRole("list", { name: "Alerts feed" });
    expect(await feed.getAttribute("aria-live")).toBe("polite");
    expect(await feed.getByText(/Weekly sync/).count()).toBe(0);

    // Grace (5 minutes) passes after the start with no sign of Ann.
    clock.set(new Date(t0 + 8 * MINUTE));
    await detect();
    await expect.poll(() => feed.locator("li", { hasText: "Weekly sync" }).first().isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.evaluate("window.sameDocument")).toBe(true);
    const late = feed.locator("li", { hasText: "Weekly sync" }).first();
    expect(await late.getByRole("button", { name: "I'm here" }).isVisible()).toBe(true);
    expect(await late.getByRole("spinbutton", { name: /Tell them I'm/ }).isVisible()).toBe(true);
    await screenshots(page, "03-alerts");

    // "Tell them I'm 12 minutes late" drafts the notice (auto-send is off: it waits for approval).
    await late.getByRole("spinbutton", { name: /Tell them I'm/ }).fill("12");
    await late.getByRole("button", { name: "Tell them" }).click();
    await expect.poll(() => page.getByText("Late notice drafted: approve it in Drafts.").first().isVisible(), { timeout: 10_000 }).toBe(true);
    const notice = await db().draft.findFirstOrThrow({ where: { kind: "late_notice" } });
    expect(notice).toMatchObject({ status: "pending", to: ["dana@client.example"] });
    // The notice promises a clock time: the typed 12 minutes plus the margin the form showed.
    expect(notice.body).toMatch(/I'll be there by \d{1,2}:\d{2} [AP]M/);

    // The alert's one-click "I'm here" link (from the email) checks in under the strict CSP.
    const weekly = (await meeting("Weekly sync"))!;
    const alert = await db().alert.findFirstOrThrow({ where: { meetingId: weekly.id, kind: "late" } });
    const links = (alert.data as { links: Array<{ label: string; url: string }> }).links;
    await page.goto(links.find((link) => link.label === "I'm here")!.url);
    await expect.poll(() => page.getByRole("heading", { name: "You're checked in" }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect((await meeting("Weekly sync"))?.state).toBe("attended");
    await page.goto(harness.baseUrl + "/#/alerts");
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Alerts" }).isVisible()).toBe(true);
  });

  it("confirms the miss from the email link with the keyboard, and the recovery case shows what to do next", async () => {
    // The alert email's "Yes, I missed it" link opens the feed with that answer focused; it does
    // not answer by itself (mail scanners fetch links), Enter does.
    const suspected = (await meeting("Pricing review"))!;
    await page.goto(`${harness.baseUrl}/?meeting=${suspected.id}&action=confirm`);
    await expect.poll(() => page.getByText("From your email: answer below.").isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.evaluate("document.activeElement.textContent")).toBe("Yes, I missed it");
    expect(page.url()).toBe(`${harness.baseUrl}/#/alerts`);
    expect((await meeting("Pricing review"))?.state).toBe("suspected_missed");
    await screenshots(page, "03b-alert-from-email");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByText("Recorded as missed").isVisible(), { timeout: 10_000 }).toBe(true);
    const pricing = await meeting("Pricing review");
    expect(pricing?.state).toBe("missed");

    await eventually(async () => (await db().draft.findFirst({ where: { kind: "reschedule" } })) !== null, "the reschedule proposal", { timeout: 20_000 });
    await nav().getByRole("link", { name: "Recovery" }).click();
    const theCase = page.locator("article", { hasText: "Pricing review" });
    await expect.poll(() => theCase.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await theCase.getByRole("link", { name: /Call \+1 415/ }).getAttribute("href")).toBe("tel:+14155550132");
    expect(await theCase.locator("ol.script li").count()).toBe(3);
    expect(await theCase.getByText(/^Next:/).isVisible()).toBe(true);
    expect(await theCase.getByLabel("Gift note").isVisible()).toBe(true);
    await screenshots(page, "04-recovery");
  });

  it("edits and approves the reschedule proposal; exactly one message leaves, with the edit", async () => {
    await page.locator("article", { hasText: "Pricing review" }).getByRole("link", { name: "Read, edit and approve the proposal" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Drafts" }).isVisible()).toBe(true);
    const proposal = await db().draft.findFirstOrThrow({ where: { kind: "reschedule" } });
    const form = page.locator(`#draft-${proposal.id}`);
    await expect.poll(() => form.getByLabel("Message").isVisible()).toBe(true);
    await screenshots(page, "05-drafts-pending");
    const body = form.getByLabel("Message");
    await body.fill(`${await body.inputValue()}\n\nP.S. I can also come to your office if that is easier.`);
    await form.getByRole("button", { name: "Approve with my edits" }).click();
    await expect.poll(() => page.getByText("Approved: it is being sent.").isVisible(), { timeout: 10_000 }).toBe(true);

    await eventually(async () => (await db().draft.findUniqueOrThrow({ where: { id: proposal.id } })).status === "sent", "the proposal to be sent", { timeout: 20_000 });
    const mail = harness.emulator.control.sentMail();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body.replace(/\r\n/g, "\n")).toContain("P.S. I can also come to your office if that is easier.");
    // Shown as sent, with when and how.
    await nav().getByRole("link", { name: "Today" }).click();
    await nav().getByRole("link", { name: "Drafts" }).click();
    await expect.poll(() => page.locator(`#draft-${proposal.id}`).getByText(/^Sent .* from your own mailbox/).isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshots(page, "06-drafts-sent");
  });

  it("changes a setting, and shows the server's validation message next to the field", async () => {
    await nav().getByRole("link", { name: "Settings" }).click();
    const grace = page.getByLabel("Grace minutes");
    await expect.poll(() => grace.isVisible()).toBe(true);
    await grace.fill("99");
    await page.getByRole("button", { name: "Save settings" }).click();
    const field = page.locator(".field", { has: grace });
    await expect.poll(() => field.locator(".field-error").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await field.locator(".field-error").textContent()).toMatch(/60/);
    expect(await grace.getAttribute("aria-invalid")).toBe("true");
    await screenshots(page, "07-settings-invalid");

    await grace.fill("7");
    await page.getByLabel("Buffer before a rescheduled meeting (minutes)").fill("35");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByText("Settings saved.").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await field.locator(".field-error").count()).toBe(0);
    const user = await db().user.findFirstOrThrow({ where: { email: "ann@example.com" }, include: { settings: true } });
    expect(user.settings).toMatchObject({ lateGraceMinutes: 7, bufferMinutes: 35 });
  });

  it("the API document (Swagger UI) still renders under the strict CSP", async () => {
    await page.goto(harness.baseUrl + "/docs");
    await expect.poll(() => page.getByText("Makegood API").first().isVisible(), { timeout: 15_000 }).toBe(true);
    expect(browser.problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    await page.goto(harness.baseUrl + "/#/punctuality");
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Punctuality" }).isVisible()).toBe(true);
  });

  /** Weeks of settled meetings before today, as detection would have left them, for a chart worth looking at. */
  async function seedHistory(): Promise<void> {
    const pricing = await db().meeting.findFirstOrThrow({ where: { title: "Pricing review" } });
    for (let week = 1; week <= 11; week += 1) {
      for (let slot = 0; slot < 4; slot += 1) {
        const start = new Date(t0 - week * 7 * 24 * 60 * MINUTE - slot * 26 * 60 * MINUTE);
        // Early weeks go wrong more often than recent ones: the habit is improving.
        const outcome = week <= 4 ? (week === 2 && slot === 0 ? "late" : "on_time") : (week + slot) % 2 === 0 ? (slot === 3 ? "missed" : "late") : "on_time";
        const meeting = await db().meeting.create({
          data: {
            userId: pricing.userId, connectionId: pricing.connectionId, calendarId: pricing.calendarId, providerEventId: `history-${week}-${slot}`,
            title: `Check-in ${week}.${slot}`, start, end: new Date(start.getTime() + 30 * MINUTE), timeZone: "UTC", watched: true, selfResponse: "accepted",
            state: outcome === "missed" ? "missed" : "attended",
          },
        });
        if (outcome !== "missed") {
          const arrival = new Date(start.getTime() + (outcome === "late" ? 6 + week : 1) * MINUTE);
          await db().evidence.create({ data: { meetingId: meeting.id, kind: "conference_joined", sourceKey: "conference", observedAt: arrival } });
        }
      }
    }
  }

  it("shows the punctuality chart, the remaining pages, and signs out", async () => {
    await seedHistory();
    await nav().getByRole("link", { name: "Today" }).click();
    await nav().getByRole("link", { name: "Punctuality" }).click();
    await expect.poll(() => page.getByRole("img", { name: /Meetings per week over the last 12 weeks/ }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByText("minutes late on average").isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/^Improving:/).isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshots(page, "08-punctuality");
    await page.goto(harness.baseUrl + "/#/outbox");
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Outbox" }).isVisible()).toBe(true);
    await screenshots(page, "09-outbox");
    // Without SMTP_URL the alert emails of this flow were kept in the outbox preview.
    await expect.poll(() => page.getByRole("heading", { level: 2, name: "Did you miss Pricing review?" }).isVisible(), { timeout: 10_000 }).toBe(true);
    const missedMail = page.locator("li", { has: page.getByRole("heading", { level: 2, name: "Did you miss Pricing review?" }) });
    await missedMail.getByText("Read the message").click();
    expect(await missedMail.locator("pre.message").isVisible()).toBe(true);
    expect(await missedMail.locator("pre.message").textContent()).toContain("Pricing review");
    await screenshots(page, "09-outbox-messages");

    // A failing API shows the page's error state, and "Try again" recovers without a reload.
    await page.route("**/api/cases?status=open", (route) => route.fulfill({ status: 503, json: { error: { code: "database_unavailable", message: "The database is not reachable; try again shortly." } } }));
    await nav().getByRole("link", { name: "Recovery" }).click();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "The database is not reachable" }).isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshots(page, "11-error-state");
    await page.unroute("**/api/cases?status=open");
    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => page.locator("article", { hasText: "Pricing review" }).isVisible(), { timeout: 10_000 }).toBe(true);
    await nav().getByRole("link", { name: "Today" }).click();
    const timeline = page.locator("section", { has: page.locator("#timeline") });
    await expect.poll(() => timeline.locator("li", { hasText: "Pricing review" }).locator(".badge.state-missed").isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshots(page, "10-today-after");

    // Access withdrawn at Google: the calendar says so and offers to reconnect.
    harness.emulator.control.revokeRefreshTokens("ann@example.com", "google");
    harness.emulator.control.expireAccessTokens("ann@example.com", "google");
    clock.advance(2 * 60 * MINUTE);
    await syncNow(harness, "ann@example.com", clock, "after-revocation");
    await eventually(async () => (await db().connection.findFirstOrThrow({ where: { accountEmail: "ann@example.com" } })).status === "needs_reauth", "the connection to need re-authorisation");
    await nav().getByRole("link", { name: "Alerts" }).click();
    await nav().getByRole("link", { name: "Today" }).click();
    const calendars = page.locator("section", { has: page.locator("#calendars") });
    await expect.poll(() => calendars.getByText("Needs re-authorisation").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await calendars.getByRole("link", { name: "Reconnect Google" }).getAttribute("href")).toBe("/auth/google");
    await screenshots(page, "13-needs-reauth");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("link", { name: "Connect Google" }).isVisible()).toBe(true);
    expect((await fetch(harness.baseUrl + "/api/me")).status).toBe(401);

    // With the sandbox on (GET /auth/providers, built alongside), the start page offers it as a form POST.
    await page.route("**/auth/providers", (route) => route.fulfill({ json: { google: true, microsoft: false, sandbox: true } }));
    await page.reload();
    await expect.poll(() => page.getByRole("button", { name: "Try the sandbox" }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByRole("link", { name: "Connect Outlook" }).count()).toBe(0);
    expect(await page.locator("form", { has: page.getByRole("button", { name: "Try the sandbox" }) }).getAttribute("action")).toBe("/auth/sandbox");
    expect(await page.locator("form", { has: page.getByRole("button", { name: "Try the sandbox" }) }).getAttribute("method")).toBe("post");
    await screenshots(page, "12-signed-out-sandbox");
    await page.unroute("**/auth/providers");
    // Nothing the page did was refused by the Content Security Policy.
    expect(browser.problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    expect(browser.problems.filter((p) => p.startsWith("page error"))).toEqual([]);
  });
});
