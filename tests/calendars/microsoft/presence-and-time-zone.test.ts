import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instrumentProviders } from "../../../src/calendars/instrumented-providers.js";
import { createMicrosoftCalendar } from "../../../src/calendars/microsoft/calendar.js";
import { ProviderError } from "../../../src/calendars/provider-error.js";
import type { CalendarProvider } from "../../../src/calendars/provider.js";
import { systemClock } from "../../../src/platform/clock.js";
import { createLogger } from "../../../src/platform/logger.js";
import { startEmulator, type Emulator } from "../../emulator/server.js";
import { PERSONAL_TENANT_ID } from "../../emulator/state.js";
import { connectMicrosoft } from "../../emulator/test-support.js";
import { connectCalendar } from "./support/connect.js";

const MINUTE = 60_000;

async function failureOf(work: Promise<unknown>): Promise<ProviderError> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe("Microsoft presence and mailbox time zone against the emulator", () => {
  let emulator: Emulator;
  let calendar: CalendarProvider;
  const work = "wes@contoso.example";

  beforeAll(async () => {
    emulator = await startEmulator();
    ({ calendar } = await connectCalendar(emulator, emulator.url, work));
  });
  afterAll(async () => emulator.close());

  /** A connection whose grant predates Presence.Read and MailboxSettings.Read (the emulator's older default scopes). */
  async function calendarWithOldGrant(email: string): Promise<CalendarProvider> {
    const tokens = await connectMicrosoft(emulator, email);
    return createMicrosoftCalendar({
      endpoints: { authorityUrl: emulator.env.MICROSOFT_AUTHORITY_URL, graphUrl: emulator.url, tenant: "common" },
      tokens: { accessToken: async () => tokens.access_token, invalidate: () => undefined },
      account: { id: "old-grant", provider: "microsoft", accountId: "unused", accountEmail: email },
      clock: systemClock,
      log: createLogger("silent"),
    });
  }

  it("reads a work account's presence as Graph reports it, and follows it as it changes", async () => {
    const before = Date.now();
    const reading = await calendar.presence();
    expect(reading).toEqual({ available: true, availability: "Available", activity: "Available", readAt: expect.any(Date) });
    if (reading.available) expect(reading.readAt.getTime()).toBeGreaterThanOrEqual(before);

    const from = emulator.control.now() + 5 * MINUTE;
    emulator.control.setPresence(work, { availability: "Busy", activity: "InACall" }, { from: new Date(from).toISOString(), until: new Date(from + 20 * MINUTE).toISOString() });
    expect(await calendar.presence()).toMatchObject({ available: true, activity: "Available" });
    emulator.control.advanceTime(5 * MINUTE);
    expect(await calendar.presence()).toMatchObject({ available: true, availability: "Busy", activity: "InACall" });
    emulator.control.advanceTime(20 * MINUTE);
    expect(await calendar.presence()).toMatchObject({ available: true, activity: "Available" });
  });

  it("says presence is unavailable, and why, for a personal account", async () => {
    emulator.control.addUser({ provider: "microsoft", email: "pia@outlook.example", tenantId: PERSONAL_TENANT_ID });
    const { calendar: personal } = await connectCalendar(emulator, emulator.url, "pia@outlook.example");
    expect(await personal.presence()).toEqual({ available: false, reason: expect.stringContaining("work or school") });
  });

  it("says presence is unavailable when Graph refuses it (403: Presence.Read not granted)", async () => {
    const old = await calendarWithOldGrant(work);
    expect(await old.presence()).toEqual({ available: false, reason: expect.stringContaining("Presence.Read") });
  });

  it("throws rate_limited with Retry-After on 429, and transient on 503, as every Graph call does", async () => {
    emulator.control.addFault({ method: "GET", path: "/v1.0/me/presence", kind: "rateLimit", retryAfterSeconds: 7 });
    const throttled = await failureOf(calendar.presence());
    expect(throttled).toMatchObject({ kind: "rate_limited", retryAfterMs: 7000, retryable: true });
    emulator.control.addFault({ method: "GET", path: "/v1.0/me/presence", kind: "serverError", status: 503 });
    expect(await failureOf(calendar.presence())).toMatchObject({ kind: "transient", retryable: true });
    expect(await calendar.presence()).toMatchObject({ available: true });
  });

  it("maps the mailbox's Windows zone to IANA, passes IANA through, and gives null for a custom zone", async () => {
    // The emulator's Microsoft accounts start on "Pacific Standard Time", Outlook's Windows form.
    expect(await calendar.timeZone()).toBe("America/Los_Angeles");
    emulator.control.setTimeZone(work, "W. Europe Standard Time", "microsoft");
    expect(await calendar.timeZone()).toBe("Europe/Berlin");
    emulator.control.setTimeZone(work, "Asia/Kolkata", "microsoft");
    expect(await calendar.timeZone()).toBe("Asia/Kolkata");
    emulator.control.setTimeZone(work, "Customized Time Zone", "microsoft");
    expect(await calendar.timeZone()).toBeNull();
    const reads = emulator.control.requests({ pathPrefix: "/v1.0/me/mailboxSettings" });
    expect(reads.length).toBeGreaterThanOrEqual(4);
  });

  it("throws forbidden for the zone when the grant lacks MailboxSettings.Read", async () => {
    const old = await calendarWithOldGrant(work);
    expect(await failureOf(old.timeZone())).toMatchObject({ kind: "forbidden", providerCode: "ErrorAccessDenied" });
  });

  it("counts presence and timeZone calls in the provider metrics, by outcome", async () => {
    const calls: string[] = [];
    const counted = instrumentProviders({ oauth: () => undefined, calendar: () => calendar }, { providerCall: (provider, operation, status) => calls.push(`${provider} ${operation} ${status}`) })
      .calendar({ id: "c", provider: "microsoft", accountId: "a", accountEmail: work }, { accessToken: async () => "", invalidate: () => undefined });
    await counted.presence();
    emulator.control.addFault({ method: "GET", path: "/v1.0/me/mailboxSettings", kind: "rateLimit", retryAfterSeconds: 1 });
    await counted.timeZone().catch(() => undefined);
    expect(calls).toEqual(["microsoft presence ok", "microsoft timeZone rate_limited"]);
  });
});
