import path from "node:path";
import { useServiceAndBrowser } from "./support/service-and-browser.js";
import { describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { repoRoot } from "../support/child-process.js";
import { middayZone } from "../support/midday-zone.js";
import type { Harness } from "../support/service-harness.js";
import { DESKTOP, hasChromium, type RunningBrowser, screenshots as pictures } from "./support/browser.js";

const ARTIFACTS = path.join(repoRoot, "tests", "artifacts", "sandbox");
const SECOND = 1000;
const LATE = "Quarterly review with Northwind Traders";
const MISSED = "Onboarding call with Acme Logistics";
const EDIT = "P.S. Happy to come to your office if that is easier.";

if (!hasChromium) console.warn("sandbox browser loop SKIPPED: /usr/bin/chromium is missing (apt-get install -y chromium)");

/** Pictures of this loop go to their own folder: the dashboard suite may be writing its own at the same time. */
const screenshots = (page: Page, name: string) => pictures(page, name, ARTIFACTS);

/**
 * The whole sandbox loop in Chromium, as a person meets it after `npm start` on a machine with
 * no OAuth credentials: the sandbox is on by default, the cron jobs run, and time is real (the
 * sample client answers about 20 s after the proposal goes out). Every step is read off the
 * page; the only waiting is polling it.
 */
describe.skipIf(!hasChromium)("the sandbox loop in a real browser", { timeout: 120_000 }, () => {
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;
  const nav = () => page.getByRole("navigation", { name: "Dashboard" });
  const theCase = () => page.locator("article", { hasText: MISSED });
  /** Opens a page through the nav (via another one, so it loads afresh). */
  const open = async (label: string, heading = label) => {
    await nav().getByRole("link", { name: label === "Today" ? "Alerts" : "Today" }).click();
    await nav().getByRole("link", { name: label }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1, name: heading }).isVisible()).toBe(true);
  };
  /** Polls a page, opening it afresh each time, until `visible` shows. */
  const waitOnPage = async (label: string, visible: () => Locator, timeout: number) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      await open(label);
      // The page loads its data after the heading shows: give it a moment before opening it again.
      const shown = await visible().first().waitFor({ state: "visible", timeout: 3 * SECOND }).then(() => true, () => false);
      if (shown) return;
      if (Date.now() > deadline) throw new Error(`${label}: still not visible after ${timeout / SECOND} s: ${visible().toString()}`);
    }
  };

  // The browser is where it is midday, so the sample that is running late now is on today's timeline.
  useServiceAndBrowser({ artifacts: ARTIFACTS, timezoneId: middayZone(), cron: true }, (running) => {
    harness = running.harness;
    browser = running.browser;
    page = running.page;
  });

  it("the start page offers only the sandbox; trying it signs in with a labelled sample calendar", async () => {
    await page.goto(harness.baseUrl + "/");
    await expect.poll(() => page.getByRole("button", { name: "Try the sandbox" }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByRole("link", { name: "Connect Google" }).count()).toBe(0);
    await screenshots(page, "01-start");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Today" }).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.locator(".brand .sandbox-tag").textContent()).toBe("Sandbox");
    const timeline = page.locator("section", { has: page.locator("#timeline") });
    await expect.poll(() => timeline.getByText(LATE).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await nav().getByRole("link", { name: "Outbox" }).isVisible()).toBe(true);
    await screenshots(page, "02-today");
  });

  it("the late alert is in the feed; \"Tell them I'm 10 minutes late\" drafts a notice", async () => {
    await open("Alerts");
    const feed = page.getByRole("list", { name: "Alerts feed" });
    const late = feed.locator("li", { hasText: LATE }).first();
    await expect.poll(() => late.isVisible(), { timeout: 20_000 }).toBe(true);
    await screenshots(page, "03-alerts");
    await late.getByRole("spinbutton", { name: /Tell them I'm/ }).fill("10");
    await late.getByRole("button", { name: "Tell them" }).click();
    await expect.poll(() => page.getByText("Late notice drafted: approve it in Drafts.").first().isVisible(), { timeout: 10_000 }).toBe(true);
  });

  it("the missed meeting asks first; \"Yes, I missed it\" opens a recovery case with the tel: link and the call script", async () => {
    const feed = page.getByRole("list", { name: "Alerts feed" });
    const missed = feed.locator("li", { hasText: MISSED }).first();
    await expect.poll(() => missed.isVisible(), { timeout: 20_000 }).toBe(true);
    await missed.getByRole("button", { name: "Yes, I missed it" }).click();
    await expect.poll(() => page.getByText(/^Recorded as missed/).first().isVisible(), { timeout: 10_000 }).toBe(true);

    await waitOnPage("Recovery", () => theCase().getByRole("link", { name: "Read, edit and approve the proposal" }), 30_000);
    expect(await theCase().getByRole("link", { name: /^Call \+/ }).getAttribute("href")).toMatch(/^tel:\+\d+$/);
    expect(await theCase().locator("ol.script li").count()).toBe(3);
    expect(await theCase().getByText("Times offered:").isVisible()).toBe(true);
    await screenshots(page, "04-recovery");
    // The README's picture (docs/sandbox.png): the case from the top of the page down to the proposal.
    const proposalStep = theCase().locator("li.step", { has: page.getByRole("heading", { level: 3, name: "Propose a new time" }) });
    const box = await proposalStep.boundingBox();
    const bottom = box!.y + box!.height + Number(await page.evaluate("window.scrollY"));
    await page.screenshot({ path: path.join(ARTIFACTS, "readme-recovery.png"), clip: { x: 0, y: 0, width: DESKTOP.width, height: Math.ceil(bottom) + 24 }, fullPage: true, style: ".toast { display: none !important; }" });

    // Too early for the simulation: it says so next to its button.
    const panel = page.getByRole("region", { name: /Simulate the world outside/ });
    await panel.getByRole("button", { name: "Simulate: the client's rescheduled meeting took place" }).click();
    await expect.poll(() => panel.getByRole("alert").filter({ hasText: "not yet accepted a slot" }).isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshots(page, "05-simulate-too-early");
    await panel.screenshot({ path: path.join(ARTIFACTS, "05-simulate-too-early-panel.png") });
  });

  it("edits and approves the proposal; the outbox shows exactly one message, the edited proposal", async () => {
    await theCase().getByRole("link", { name: "Read, edit and approve the proposal" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Drafts" }).isVisible()).toBe(true);
    const draftId = /id=([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(draftId).toBeTruthy();
    const form = page.locator(`#draft-${draftId}`);
    await expect.poll(() => form.getByLabel("Message").isVisible()).toBe(true);
    const body = form.getByLabel("Message");
    await body.fill(`${await body.inputValue()}\n\n${EDIT}`);
    await screenshots(page, "06-drafts-edited");
    await form.getByRole("button", { name: "Approve with my edits" }).click();
    await expect.poll(() => page.getByText("Approved: it is being sent.").isVisible(), { timeout: 10_000 }).toBe(true);

    const messages = page.locator("ul.outbox > li");
    await waitOnPage("Outbox", () => messages, 20_000);
    expect(await messages.count()).toBe(1);
    await messages.first().getByText("Read the message").click();
    expect(await messages.first().locator("pre.message").textContent()).toContain(EDIT);
    expect(await messages.first().getByRole("heading", { level: 2 }).textContent()).toMatch(/time/i);
    await screenshots(page, "07-outbox");
  });

  it("the sample client accepts the first slot about 20 s later: the new meeting and its buffer show on the case", async () => {
    await waitOnPage("Recovery", () => theCase().getByText(/^Buffer on your calendar:/), 90_000);
    expect(await theCase().getByText(/^New meeting:/).isVisible()).toBe(true);
    expect(await theCase().getByRole("link", { name: "Read the proposal" }).isVisible()).toBe(true);
    await screenshots(page, "08-buffer");
  });

  it("\"Simulate: the client's rescheduled meeting took place\": attended, and a thank-you draft waits in Drafts", async () => {
    const panel = page.getByRole("region", { name: /Simulate the world outside/ });
    const pressed = Date.now();
    await panel.getByRole("button", { name: "Simulate: the client's rescheduled meeting took place" }).click();
    await expect.poll(() => panel.getByText(/^Simulated: .* took place/).isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshots(page, "09-simulated");

    // The kind is a label above the subject (not a prefix of the heading).
    const thankYou = () => page.locator("article.draft", { has: page.locator(".draft-kind", { hasText: "Thank-you email" }) }).getByRole("heading", { level: 3 });
    // Generous: a slow path shows up as the measured time, which must stay under a minute.
    await waitOnPage("Drafts", thankYou, 300_000);
    const seconds = Math.round((Date.now() - pressed) / SECOND);
    console.info(`sandbox loop: ${seconds} s from pressing "simulate" to the thank-you draft on the page`);
    expect(seconds).toBeLessThan(60);
    await screenshots(page, "10-thank-you");

    await open("Today");
    // Held just now: under today's meetings, or under "Earlier meetings" when it began before midnight.
    const held = page.locator("li.meeting", { hasText: MISSED }).filter({ has: page.locator(".badge.state-attended") });
    await expect.poll(() => held.first().isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshots(page, "11-today-attended");
    // Still the one message: the thank-you waits for approval.
    await open("Outbox");
    await expect.poll(() => page.locator("ul.outbox > li").count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator("ul.outbox > li").first().getByRole("heading", { level: 2 }).textContent()).toMatch(/new time/i);
  }, 360_000);

  it("\"Start the sandbox over\" asks first, then brings fresh samples and an empty outbox", async () => {
    await open("Recovery");
    const panel = page.getByRole("region", { name: /Simulate the world outside/ });
    await panel.getByRole("button", { name: "Start the sandbox over" }).click();
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Yes, start over");
    await panel.getByRole("button", { name: "Cancel" }).click();
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Start the sandbox over");
    await page.keyboard.press("Enter");
    await screenshots(page, "12-start-over-confirm");
    await panel.screenshot({ path: path.join(ARTIFACTS, "12-start-over-confirm-panel.png") });
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Today" }).isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByText(/^Started over: \d+ fresh sample meetings/).first().isVisible(), { timeout: 10_000 }).toBe(true);
    await open("Outbox");
    await expect.poll(() => page.locator("ul.outbox > li").count()).toBe(0);
    await open("Recovery");
    await expect.poll(() => page.getByText("No open recovery cases.").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(browser.problems.filter((p) => /Content Security Policy|Refused to|page error/i.test(p))).toEqual([]);
  });
});
