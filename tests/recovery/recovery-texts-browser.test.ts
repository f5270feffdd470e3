import path from "node:path";
import { useServiceAndBrowser } from "../dashboard/support/service-and-browser.js";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { repoRoot } from "../support/child-process.js";
import type { Harness } from "../support/service-harness.js";
import { hasChromium, PHONE_390, type RunningBrowser, screenshots as pictures } from "../dashboard/support/browser.js";

const ARTIFACTS = path.join(repoRoot, "tests", "artifacts", "texts");
const LATE = "Quarterly review with Northwind Traders";
const MISSED = "Onboarding call with Acme Logistics";

const screenshots = (page: Page, name: string) => pictures(page, name, ARTIFACTS, PHONE_390);

/**
 * Every text true, in Chromium over the sandbox: the late form shows what they will read (the
 * arrival time and the margin) before anything is drafted, and says in plain words what it
 * needs; the case page drafts the materials note from a link the user adds; a gift marked done
 * is still done after a reload.
 */
describe.skipIf(!hasChromium)("recovery texts in a real browser", { timeout: 120_000 }, () => {
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;
  const db = () => harness.service.services.db;
  const lateCard = () => page.getByRole("list", { name: "Alerts feed" }).locator("li", { hasText: LATE }).first();
  const theCase = () => page.locator("article", { hasText: MISSED });
  const stepOf = (label: string) => theCase().locator("li.step", { has: page.getByRole("heading", { level: 3, name: label }) });

  useServiceAndBrowser({ artifacts: ARTIFACTS, cron: true }, async (running) => {
    harness = running.harness;
    browser = running.browser;
    page = running.page;
    await page.goto(harness.baseUrl + "/");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await page.getByRole("heading", { level: 1, name: "Today" }).waitFor({ state: "visible", timeout: 15_000 });
  });

  it("the late form shows the arrival time and the margin before sending, a plain message for an empty box, and no ETA past the end", async () => {
    await page.goto(harness.baseUrl + "/#/alerts");
    await expect.poll(() => lateCard().isVisible(), { timeout: 30_000 }).toBe(true);
    const minutes = lateCard().getByRole("spinbutton", { name: /Tell them I'm/ });
    const preview = lateCard().locator(".late-preview");

    await minutes.fill("12");
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toMatch(/^They'll read: .*I'll be there by \d{1,2}:\d{2} [AP]M\..*\(12 min from now \+ \d+ min margin\)$/);
    const sentence = (await preview.locator(".late-sentence").textContent())!;
    await screenshots(page, "01-late-preview");

    // Empty: a plain message, checked in the page; nothing is drafted.
    await minutes.fill("");
    await expect.poll(() => preview.textContent()).toContain("Type how many minutes late, from 1 to 240.");
    await lateCard().getByRole("button", { name: "Tell them" }).click();
    expect(await db().draft.count({ where: { kind: "late_notice" } })).toBe(0);
    expect(await preview.textContent()).not.toMatch(/body\/|Too small|expected/);
    await screenshots(page, "02-late-empty");

    // Longer than the meeting: no arrival time, another time instead.
    await minutes.fill("240");
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toMatch(/after the meeting ends .*can't make it/);
    expect(await lateCard().getByRole("button", { name: "Tell them I can't make it" }).isVisible()).toBe(true);
    await lateCard().getByText("Read the message").click();
    expect(await preview.locator(".late-body").textContent()).not.toContain("be there by");
    await screenshots(page, "03-late-too-long");

    // Back to 12: what was previewed is what is drafted.
    await minutes.fill("12");
    await expect.poll(() => preview.locator(".late-sentence").textContent(), { timeout: 10_000 }).toBe(sentence);
    await lateCard().getByRole("button", { name: "Tell them", exact: true }).click();
    await expect.poll(() => page.getByText("Late notice drafted: approve it in Drafts.").first().isVisible(), { timeout: 10_000 }).toBe(true);
    const notice = await db().draft.findFirstOrThrow({ where: { kind: "late_notice" } });
    expect(notice.body).toContain(sentence);
  });

  it("the case page drafts the materials note from a link the user adds, and a gift marked done stays done after a reload", async () => {
    const missed = await db().meeting.findFirstOrThrow({ where: { title: MISSED } });
    await expect.poll(async () => (await db().meeting.findUniqueOrThrow({ where: { id: missed.id } })).state, { timeout: 60_000 }).toBe("suspected_missed");
    const confirmed = await page.evaluate(async (id) => (await fetch(`/api/meetings/${id}/confirm`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ missed: true }) })).status, missed.id);
    expect(confirmed).toBe(200);
    await expect.poll(async () => db().draft.count({ where: { kind: "reschedule" } }), { timeout: 30_000 }).toBe(1);

    await page.goto(harness.baseUrl + "/#/recovery");
    await expect.poll(() => stepOf("Send the materials").isVisible(), { timeout: 15_000 }).toBe(true);
    const materials = stepOf("Send the materials");
    expect(await materials.textContent()).toContain("Add a link to what you meant to discuss");
    expect(await materials.textContent()).toContain("can't attach files");
    expect(await materials.locator(".materials-note").count()).toBe(0);

    await materials.getByLabel("Link to send (the deck, notes…)").fill("deck.pdf");
    await materials.getByRole("button", { name: "Add link" }).click();
    await expect.poll(() => materials.locator(".field-error").textContent()).toBe("Paste the full address, starting with https://");
    await materials.getByLabel("Link to send (the deck, notes…)").fill("https://docs.example.com/acme-onboarding");
    await materials.getByLabel("What it is (optional)").fill("Onboarding plan");
    await materials.getByRole("button", { name: "Add link" }).click();
    await expect.poll(() => materials.locator(".materials-note pre").textContent(), { timeout: 10_000 }).toContain("- Onboarding plan: https://docs.example.com/acme-onboarding");
    expect(await materials.locator(".materials-note").textContent()).toContain("It can be approved once your proposal has been sent");
    expect(await materials.locator(".materials-note pre").textContent()).not.toMatch(/attach/i);
    await screenshots(page, "04-case-materials");

    const gift = stepOf("Send a small gift");
    expect(await gift.locator(".step-reason").textContent()).toMatch(/^Suggested (at|on) /) // "on Thu, Dec 3, 12:06 AM" when three hours from now is another day;
    await gift.getByRole("button", { name: 'Mark "Send a small gift" done' }).click();
    await expect.poll(() => gift.locator(".step-reason").textContent(), { timeout: 10_000 }).toMatch(/^Marked done at \d{1,2}:\d{2}/);
    await page.reload();
    await expect.poll(() => stepOf("Send a small gift").locator(".step-reason").textContent(), { timeout: 15_000 }).toMatch(/^Marked done at /);
    expect(await stepOf("Send a small gift").locator(".badge").textContent()).toContain("Done");
    await screenshots(page, "05-gift-done-after-reload");
  });
});
