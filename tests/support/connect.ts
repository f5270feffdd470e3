import { expect } from "vitest";
import type { MeetingView } from "../../src/web/schemas/meeting.js";
import { CookieClient } from "./cookie-client.js";
import type { Harness } from "./service-harness.js";

/** Signs a user in through the real OAuth flow against the emulator and returns their browser. */
export async function connectAs(harness: Harness, provider: "google" | "microsoft", email: string): Promise<CookieClient> {
  harness.emulator.control.setNextLogin(provider, email);
  const browser = new CookieClient(harness.baseUrl);
  const { hops } = await browser.follow(`/auth/${provider}`);
  expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=${provider}`);
  return browser;
}

export async function meetingsOf(browser: CookieClient, query = ""): Promise<MeetingView[]> {
  const reply = await browser.json<{ meetings: MeetingView[] }>(`/api/meetings${query}`);
  expect(reply.status).toBe(200);
  return reply.body.meetings;
}

/** Waits until the meeting titled `title` satisfies `check` (the task runner works in the background). */
export async function waitForMeeting(browser: CookieClient, title: string, check: (meeting: MeetingView) => boolean, timeout = 10_000, query = ""): Promise<MeetingView> {
  // A plain loop rather than expect.poll, so it also works in beforeAll.
  const deadline = Date.now() + timeout;
  let found: MeetingView | undefined;
  while (Date.now() < deadline) {
    found = (await meetingsOf(browser, query)).find((meeting) => meeting.title === title);
    if (found && check(found)) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`meeting "${title}" did not reach the expected state within ${timeout} ms; last seen: ${JSON.stringify(found)}`);
}
