import path from "node:path";
import { useServiceAndBrowser } from "../dashboard/support/service-and-browser.js";
import { DateTime } from "luxon";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { formatMeetingTime, formatTimeOfDay } from "../../src/recovery/domain/format.js";
import { clockRange, dayAndClock } from "../../src/platform/time-format/time-format.js";
import { insideWorkingHours, DEFAULT_WORKING_HOURS } from "../../src/calendars/sandbox/working-hours.js";
import { hasChromium, PHONE_390, type RunningBrowser, screenshots as pictures } from "../dashboard/support/browser.js";
import { repoRoot } from "../support/child-process.js";
import type { Harness } from "../support/service-harness.js";

const ARTIFACTS = path.join(repoRoot, "tests", "artifacts", "times");
const ZONE = "Asia/Tokyo";
const screenshots = (page: Page, name: string) => pictures(page, name, ARTIFACTS, PHONE_390);

interface Meeting { id: string; title: string; start: string; end: string; state: string | null; providerEventId: string; notWatchedReason: string | null }
interface Draft { id: string; kind: string; status: string; caseId: string | null; subject: string; body: string }
interface Alert { id: string; kind: string; title: string; meetingId: string | null }

/**
 * A newcomer in Tokyo (Chromium's zone is Asia/Tokyo, the server's is not) tries the sandbox:
 * every time on every page is theirs, in the same shapes as the emails, the samples sit in
 * their working hours, and punctuality has twelve weeks to show.
 */
describe.skipIf(!hasChromium)("times in the sandbox for a newcomer in Tokyo", { timeout: 120_000 }, () => {
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;
  const get = async <T>(url: string): Promise<T> => page.evaluate(async (u) => (await fetch(u)).json(), url) as Promise<T>;
  const nav = () => page.getByRole("navigation", { name: "Dashboard" });
  const open = async (label: string) => {
    await nav().getByRole("link", { name: label === "Today" ? "Alerts" : "Today" }).click();
    await nav().getByRole("link", { name: label }).click();
    await page.getByRole("heading", { level: 1, name: label }).waitFor();
  };

  useServiceAndBrowser({ artifacts: ARTIFACTS, timezoneId: ZONE }, (running) => {
    harness = running.harness;
    browser = running.browser;
    page = running.page;
  });

  it("signs in from the start page in the browser's zone: the header names Tokyo, not UTC", async () => {
    await page.goto(harness.baseUrl + "/");
    await page.getByRole("button", { name: "Try the sandbox" }).waitFor({ timeout: 10_000 });
    expect(await page.getByText("in your working hours, in your browser's time zone (Asia/Tokyo)").isVisible()).toBe(true);
    await screenshots(page, "01-start");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await page.getByRole("heading", { level: 1, name: "Today" }).waitFor({ timeout: 15_000 });
    await page.locator('section[aria-labelledby="timeline"] li.meeting').first().waitFor({ timeout: 10_000 });
    const note = await page.locator('section[aria-labelledby="timeline"] .zone-note').textContent();
    const today = DateTime.now().setZone(ZONE).toFormat("ccc, LLL d");
    expect(note).toBe(`${today} · times in Asia/Tokyo (GMT+9)`);
    // Same zone in the browser and the settings: nothing to offer.
    expect(await page.locator(".zone-offer").count()).toBe(0);
    await screenshots(page, "02-today");
  });

  it("keeps the sandbox banner after a reload", async () => {
    expect(await page.locator(".sandbox-banner").isVisible()).toBe(true);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Today" }).waitFor();
    expect(await page.locator(".sandbox-banner").isVisible()).toBe(true);
    expect(await page.locator(".sandbox-banner").textContent()).toContain("Nothing goes to anyone else: emails land in the Outbox, and notifications reach only devices you turn them on for.");
  });

  it("says what it saw of a meeting that is over, and why a meeting is not watched", async () => {
    const rowOf = (title: string) => page.locator("li.meeting").filter({ hasText: title }).first();
    // Attended yesterday in Meet: the future-tense promise is replaced by what was seen.
    expect(await rowOf("Contract check-in with Globex").locator(".source").first().textContent()).toContain("Seen in the Meet call");
    expect(await rowOf("Onboarding call with Acme Logistics").locator(".source").first().textContent()).toContain("Not seen in the Meet call");
    // Declined: not a bare "Not watched". The sample sits in the working hours still left today,
    // or (from mid-afternoon in Tokyo) tomorrow morning, which Today does not list: then the
    // reason its row would show is read from the API.
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const { meetings } = await get<{ meetings: Meeting[] }>(`/api/meetings?from=${from}&to=${to}`);
    const declined = meetings.find((m) => m.title === "Vendor pitch from Hooli");
    expect(declined?.notWatchedReason).toBe("You declined it, so we won't ask about it");
    const today = DateTime.now().setZone(ZONE).toISODate();
    if (DateTime.fromISO(declined!.start, { zone: ZONE }).toISODate() === today) {
      expect(await rowOf("Vendor pitch from Hooli").locator(".source").first().textContent()).toContain("You declined it, so we won't ask about it");
    } else {
      expect(await page.locator("li.meeting").filter({ hasText: "Vendor pitch from Hooli" }).count()).toBe(0);
    }
  });

  it("places every sample not tied to now inside the working hours (9–5, Monday to Friday) in Tokyo", async () => {
    const from = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 4 * 86_400_000).toISOString();
    const { meetings } = await get<{ meetings: Meeting[] }>(`/api/meetings?from=${from}&to=${to}`);
    const placed = meetings.filter((m) => !["Quarterly review with Northwind Traders", "Coffee with Jordan Lee", "Lunch with Maya Chen", "Pricing call with Contoso"].includes(m.title) && !m.providerEventId.startsWith("history:"));
    expect(placed.length).toBeGreaterThanOrEqual(6);
    for (const meeting of placed) {
      const start = DateTime.fromISO(meeting.start, { zone: ZONE });
      const minutes = (Date.parse(meeting.end) - Date.parse(meeting.start)) / 60_000;
      expect(insideWorkingHours(start, minutes, DEFAULT_WORKING_HOURS), `${meeting.title} at ${start.toFormat("ccc HH:mm")} in Tokyo`).toBe(true);
    }
  });

  it("writes each time on the page exactly as the server writes it, in one shape (no leading zeros, no 24-hour clock)", async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const { meetings } = await get<{ meetings: Meeting[] }>(`/api/meetings?from=${from}&to=${to}`);
    // The rows of today's timeline against the server's own rules for the same instants.
    const rows = await page.locator('section[aria-labelledby="timeline"] li.meeting').evaluateAll((items) => items.map((li) => ({ id: li.getAttribute("data-meeting"), when: li.querySelector(".when")?.textContent ?? "" })));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const meeting = meetings.find((m) => m.id === row.id)!;
      expect(row.when).toBe(clockRange(meeting.start, meeting.end, ZONE));
      expect(row.when).toMatch(/^(1[0-2]|[1-9]):[0-5]\d( [AP]M)?–(1[0-2]|[1-9]):[0-5]\d [AP]M$/);
    }
    // Chromium's ICU and Node's give the same text for the same instants, zones and shapes.
    const instants = ["2026-12-03T01:00:00Z", "2026-07-01T23:30:00Z", "2026-03-08T09:15:00Z", "2026-11-01T05:59:00Z"];
    const zones = [ZONE, "America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Chicago", "UTC"];
    // A string, so the test runner's transform leaves the browser's dynamic import alone.
    const inBrowser = (await page.evaluate(`(async () => {
      const format = await import("/shared/time-format.js");
      const instants = ${JSON.stringify(instants)}, zones = ${JSON.stringify(zones)};
      return instants.flatMap((at) => zones.map((zone) => [format.formatMeetingTime(at, Date.parse(at) + 45 * 60000, zone), format.formatTimeOfDay(at, zone), format.dayAndClock(at, zone)].join(" | ")));
    })()`)) as string[];
    const inNode = instants.flatMap((at) => zones.map((zone) => [formatMeetingTime(new Date(at), new Date(Date.parse(at) + 45 * 60_000), zone), formatTimeOfDay(new Date(at), zone), dayAndClock(at, zone)].join(" | ")));
    expect(inBrowser).toEqual(inNode);
    // The coffee's nudge, worded by the server, names the start as the page would.
    const { alerts } = await get<{ alerts: Alert[] }>("/api/alerts?limit=50");
    const nudge = alerts.find((a) => a.kind === "nudge");
    const coffee = meetings.find((m) => m.title === "Coffee with Jordan Lee")!;
    if (nudge) expect(nudge.title).toContain(formatTimeOfDay(new Date(coffee.start), ZONE));
  });

  it("shows twelve weeks of history on Punctuality, with a trend and figures that agree", async () => {
    await open("Punctuality");
    await page.locator(".trend").waitFor();
    const report = await get<{ weeks: Array<{ onTime: number; late: number; missed: number }>; totals: { late: number }; lateMeasured: number; averageMinutesLate: number | null }>("/api/punctuality");
    expect(report.weeks).toHaveLength(12);
    expect(report.weeks.filter((w) => w.onTime + w.late + w.missed > 0).length).toBeGreaterThanOrEqual(11);
    expect(report.totals.late).toBeGreaterThan(0);
    expect(report.lateMeasured).toBe(report.totals.late);
    expect(await page.locator(".trend").textContent()).toMatch(/^Improving: /);
    // The minutes figure is a number whenever there are late meetings, never a bare dash.
    expect(await page.locator(".stat").nth(3).textContent()).toMatch(/^\d+minutes late/);
    // Hours in the same 12-hour clock as every other time.
    expect(await page.locator('section[aria-labelledby="hours"] p').first().textContent()).toMatch(/Most trouble: \d{1,2}(–| [AP]M–)\d{1,2} [AP]M/);
    // The history ended before the sample connection was made: nothing was asked about it.
    const { alerts } = await get<{ alerts: Alert[] }>("/api/alerts?limit=100");
    const { meetings } = await get<{ meetings: Meeting[] }>(`/api/meetings?from=${new Date(Date.now() - 90 * 86_400_000).toISOString()}&to=${new Date().toISOString()}`);
    const history = new Set(meetings.filter((m) => m.providerEventId.startsWith("history:")).map((m) => m.id));
    expect(history.size).toBeGreaterThan(50);
    expect(alerts.filter((a) => a.meetingId && history.has(a.meetingId))).toEqual([]);
    await screenshots(page, "03-punctuality");
  });

  it("offers, in one line, to switch when the settings' zone is not the browser's", async () => {
    const saved = await page.evaluate(async () => (await fetch("/api/settings", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ timeZone: "Europe/Berlin" }) })).status);
    expect(saved).toBe(200);
    // A fresh load (a hash-only goto would keep the page and its profile).
    await page.goto(harness.baseUrl + "/#/");
    await page.reload();
    await page.locator(".zone-offer").waitFor();
    expect(await page.locator(".zone-offer").textContent()).toContain("This browser is in Asia/Tokyo (GMT+9); times are shown in Europe/Berlin (GMT+1).");
    expect(await page.locator('section[aria-labelledby="timeline"] .zone-note').textContent()).toContain("times in Europe/Berlin (GMT+1)");
    await screenshots(page, "04-zone-offer");
    await page.getByRole("button", { name: "Show times in Asia/Tokyo" }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="timeline"] .zone-note').textContent(), { timeout: 10_000 }).toContain("times in Asia/Tokyo (GMT+9)");
    expect(await page.locator(".zone-offer").count()).toBe(0);
    expect(await page.locator(".toast").textContent()).toContain("Times are now shown in Asia/Tokyo. The sample meetings stay where they are");
  });

  it("keeps a zone the user keeps: the offer does not come back after a reload", async () => {
    await page.evaluate(async () => fetch("/api/settings", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ timeZone: "Europe/Berlin" }) }));
    // A fresh load (a hash-only goto would keep the page and its profile).
    await page.goto(harness.baseUrl + "/#/");
    await page.reload();
    await page.getByRole("button", { name: "Keep Europe/Berlin" }).click();
    expect(await page.locator(".zone-offer").count()).toBe(0);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Today" }).waitFor();
    await page.locator('section[aria-labelledby="timeline"] .zone-note').waitFor();
    expect(await page.locator(".zone-offer").count()).toBe(0);
    await page.evaluate(async () => fetch("/api/settings", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ timeZone: "Asia/Tokyo" }) }));
  });

  it("lists drafts in a stable order, proposal first, the linked one highlighted, each message whole in its box", async () => {
    const post = (url: string, body: unknown) => page.evaluate(async ({ url, body }) => (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).status, { url, body });
    const { meetings } = await get<{ meetings: Meeting[] }>(`/api/meetings?from=${new Date(Date.now() - 3 * 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`);
    const missed = meetings.find((m) => m.title === "Onboarding call with Acme Logistics")!;
    const late = meetings.find((m) => m.title === "Quarterly review with Northwind Traders")!;
    expect(await post(`/api/meetings/${missed.id}/confirm`, { missed: true })).toBe(200);
    expect(await post(`/api/meetings/${late.id}/running-late`, { minutes: 12 })).toBeLessThan(300);
    await expect.poll(async () => (await get<{ drafts: Draft[] }>("/api/drafts")).drafts.filter((d) => d.status === "pending").map((d) => d.kind).sort(), { timeout: 30_000 }).toEqual(expect.arrayContaining(["late_notice", "reschedule"]));
    const first = (await get<{ drafts: Draft[] }>("/api/drafts")).drafts.map((d) => d.id);
    for (let again = 0; again < 3; again++) expect((await get<{ drafts: Draft[] }>("/api/drafts")).drafts.map((d) => d.id)).toEqual(first);
    const drafts = (await get<{ drafts: Draft[] }>("/api/drafts")).drafts;
    // Within the case, the proposal comes before any other draft of it.
    const caseDrafts = drafts.filter((d) => d.caseId && d.caseId === drafts.find((x) => x.kind === "reschedule")!.caseId);
    expect(caseDrafts[0]!.kind).toBe("reschedule");

    // Opened from a link: the last draft on the page is scrolled to and marked.
    const linked = drafts.at(-1)!;
    await page.goto(harness.baseUrl + "/#/drafts?draft=" + linked.id);
    await page.reload();
    const card = page.locator("#draft-" + linked.id);
    await card.locator(".draft-linked").waitFor();
    expect(await card.evaluate((el) => el.classList.contains("draft-focused"))).toBe(true);
    expect(await card.evaluate((el) => { const box = el.getBoundingClientRect(); return box.top >= 0 && box.top < (globalThis as unknown as { innerHeight: number }).innerHeight; })).toBe(true);
    expect(await page.locator(".draft-focused").count()).toBe(1);
    // One label and the subject: the kind is not repeated in the heading.
    for (const heading of await page.locator("article.draft h3").allTextContents()) expect(heading).not.toMatch(/^(Thank-you|Late notice|Reschedule proposal|Materials cover note):/);
    await screenshots(page, "06-drafts");

    // The message box shows the whole message at both widths: nothing scrolls inside it.
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      // The boxes fit again once the new width has wrapped their lines.
      await expect.poll(() => page.locator("article.draft textarea").evaluateAll((boxes) => Math.max(...boxes.map((box) => box.scrollHeight - box.clientHeight))), { timeout: 5_000 }).toBeLessThanOrEqual(1);
      const overflow = await page.locator("article.draft textarea").evaluateAll((boxes) => boxes.map((box) => box.scrollHeight - box.clientHeight));
      expect(overflow.length).toBeGreaterThan(0);
      for (const extra of overflow) expect(extra).toBeLessThanOrEqual(1);
    }
    // It grows with typing too.
    const box = page.locator("article.draft textarea").first();
    const before = await box.evaluate((el) => el.clientHeight);
    await box.click();
    await box.press("Control+End");
    await box.pressSequentially("\nOne more line.\nAnd another.");
    await expect.poll(() => box.evaluate((el) => el.clientHeight)).toBeGreaterThan(before);
    expect(await box.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("shows the outbox's kinds in words", async () => {
    // Something in the outbox: the late notice, approved.
    const { drafts } = await get<{ drafts: Draft[] }>("/api/drafts");
    const notice = drafts.find((d) => d.kind === "late_notice" && d.status === "pending")!;
    expect(await page.evaluate(async (id) => (await fetch(`/api/drafts/${id}/approve`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status, notice.id)).toBe(200);
    await open("Outbox");
    await expect.poll(async () => { await open("Drafts"); await open("Outbox"); return page.locator(".outbox li").count(); }, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.locator(".outbox li .draft-kind").first().textContent()).toBe("Late notice");
    const text = await page.locator("main").textContent();
    expect(text).not.toMatch(/\b(thank_you|late_notice|reschedule|materials)\b/);
    await screenshots(page, "05-outbox");
  });
});
