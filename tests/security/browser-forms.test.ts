import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUserWithMeetings } from "../support/seed.js";
import { startHarness, type Harness } from "../support/service-harness.js";

const MINUTE = 60_000;

/**
 * Chromium, not a stand-in, because three things only a real browser shows broke the "I'm
 * here" link: its ~200-character token exceeded Fastify's default path-parameter length (414);
 * under helmet's default `Referrer-Policy: no-referrer` Chromium sends `Origin: null` on a
 * same-origin form POST, which the same-origin check refuses for a signed-in user (403); and
 * the form's `application/x-www-form-urlencoded` body had no parser (415).
 */
describe("forms posted by a real browser with a session cookie", () => {
  let harness: Harness;
  let browser: Browser;
  let userId: string;
  let meetingId: string;

  beforeAll(async () => {
    harness = await startHarness();
    const seeded = await seedUserWithMeetings(harness.service.services.db, {
      meetings: [{ title: "Weekly sync", start: new Date(Date.now() - 5 * MINUTE), end: new Date(Date.now() + 25 * MINUTE) }],
    });
    userId = seeded.userId;
    meetingId = seeded.meetingIds[0]!;
    // Playwright gives the browser a fresh temporary profile of its own.
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function signedInPage() {
    const { token } = await harness.service.services.sessions.create(userId);
    const context = await browser.newContext();
    await context.addCookies([{ name: "mg_session", value: harness.service.app.signCookie(token), url: harness.baseUrl, httpOnly: true, sameSite: "Lax" }]);
    return context.newPage();
  }

  it("the check-in link's form checks a signed-in user in", async () => {
    const page = await signedInPage();
    const posts: Array<string | undefined> = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.headers()["origin"]);
    });
    const link = harness.service.services.checkIns.url(meetingId, userId, new Date(Date.now() + 2 * 60 * MINUTE));
    await page.goto(link.replace(harness.service.services.config.publicUrl, harness.baseUrl));
    await page.waitForURL(/check-in/, { timeout: 10_000 });
    await expect.poll(() => page.content(), { timeout: 10_000 }).toMatch(/You're checked in|cross_site_request|Not checked in|"error"/);
    expect(await page.content(), JSON.stringify(posts)).toContain("You're checked in");
    expect(posts).toEqual([harness.baseUrl]);
    expect((await harness.service.services.db.meeting.findUniqueOrThrow({ where: { id: meetingId } })).state).toBe("attended");
    await page.context().close();
  }, 30_000);

  it("a form on another site posting to the API is refused", async () => {
    const page = await signedInPage();
    // Another origin (127.0.0.1 is not localhost) serving a self-submitting form.
    const other = harness.baseUrl.replace("localhost", "127.0.0.1");
    await page.route(`${other}/attack`, (route) =>
      route.fulfill({ contentType: "text/html", body: `<form method="post" action="${harness.baseUrl}/auth/sign-out" id="f"></form><script>document.getElementById("f").submit()</script>` }),
    );
    const response = page.waitForResponse((r) => r.url() === `${harness.baseUrl}/auth/sign-out`);
    await page.goto(`${other}/attack`);
    // SameSite=Lax keeps the cookie off this POST, and the Origin check would refuse it if a
    // browser sent it: either way the session is not used, and it survives.
    expect([401, 403, 415]).toContain((await response).status());
    const settings = await page.context().request.get(`${harness.baseUrl}/api/settings`);
    expect(settings.status()).toBe(200);
    await page.context().close();
  }, 30_000);
});
