import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGoogleCalendar } from "../../../src/calendars/google/calendar.js";
import { createGoogleOAuth, type GoogleEndpoints } from "../../../src/calendars/google/oauth.js";
import { ProviderError } from "../../../src/calendars/provider-error.js";
import type { CalendarProvider } from "../../../src/calendars/provider.js";
import { SendWindowClosed } from "../../../src/calendars/send-window.js";
import { createPkcePair } from "../../../src/calendars/connections/pkce.js";
import { systemClock } from "../../../src/platform/clock.js";
import { createLogger } from "../../../src/platform/logger.js";
import { startEmulator, type Emulator } from "../../emulator/server.js";
import { authorize, GOOGLE_REDIRECT } from "../../emulator/test-support.js";

/**
 * Gmail messages.send within the attempt's window: a crashed worker's attempt is over, one way
 * or the other, once the window has closed, which is what lets another worker settle it soon.
 */
describe("Gmail send within its window, against the emulator", () => {
  let emulator: Emulator;
  let gia: CalendarProvider;
  const mime = Buffer.from("From: gia@example.com\r\nTo: dana@client.example\r\nSubject: Window\r\nMessage-ID: <window.1@localhost>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n");

  beforeAll(async () => {
    emulator = await startEmulator();
    const endpoints: GoogleEndpoints = { authUrl: emulator.env.GOOGLE_AUTH_URL, tokenUrl: emulator.env.GOOGLE_TOKEN_URL, apiRootUrl: emulator.env.GOOGLE_API_ROOT_URL, meetRootUrl: emulator.env.GOOGLE_MEET_ROOT_URL };
    const account = emulator.control.addUser({ provider: "google", email: "gia@example.com" });
    emulator.control.addUser({ provider: "google", email: "dana@client.example" });
    const oauth = createGoogleOAuth({ clientId: emulator.env.GOOGLE_CLIENT_ID, clientSecret: emulator.env.GOOGLE_CLIENT_SECRET, endpoints });
    emulator.control.setNextLogin("google", "gia@example.com");
    const pkce = createPkcePair();
    const params = await authorize(oauth.authorizationUrl({ state: "s", codeChallenge: pkce.challenge, redirectUri: GOOGLE_REDIRECT }));
    const { accessToken } = (await oauth.exchangeCode({ code: params.get("code") ?? "", codeVerifier: pkce.verifier, redirectUri: GOOGLE_REDIRECT })).tokens;
    gia = createGoogleCalendar({
      endpoints,
      tokens: { accessToken: async () => accessToken, invalidate: () => undefined },
      account: { id: "connection-gia", provider: "google", accountId: account.id, accountEmail: "gia@example.com" },
      clock: systemClock,
      log: createLogger("silent"),
    });
  });
  afterAll(async () => emulator.close());

  it("sends inside the window and answers with Gmail's message id", async () => {
    const sent = await gia.sendMail(mime, { deadline: new Date(Date.now() + 20_000) });
    expect(sent.providerMessageId).toEqual(expect.any(String));
    expect(emulator.control.sentMail().at(-1)).toMatchObject({ provider: "google", subject: "Window", messageId: "<window.1@localhost>" });
  });

  it("sends nothing once the window has closed", async () => {
    const before = emulator.control.sentMail().length;
    await expect(gia.sendMail(mime, { deadline: new Date(Date.now() - 1) })).rejects.toBeInstanceOf(SendWindowClosed);
    expect(emulator.control.sentMail()).toHaveLength(before);
  });

  it("abandons a send the provider holds past the window, without calling it a refusal", async () => {
    emulator.control.addFault({ method: "POST", path: "/gmail/v1/users/*/messages/send", kind: "delay", delayMs: 1_500 });
    const started = Date.now();
    const abandoned = await gia.sendMail(mime, { deadline: new Date(Date.now() + 300) }).then(() => undefined, (error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(abandoned).toBeInstanceOf(ProviderError);
    expect(abandoned).not.toBeInstanceOf(SendWindowClosed);
    // No HTTP status: nothing says Gmail refused it, so the caller looks in Sent before sending again.
    expect(typeof (abandoned as ProviderError).details["status"]).not.toBe("number");
  });
});
