import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendDraft, type DraftSendDependencies } from "../../src/recovery/drafts/send-draft.js";
import { sentFolderSettlesAfterMs } from "../../src/recovery/drafts/sent-folder-check.js";
import { FixedClock } from "../../src/platform/clock.js";
import { CookieClient } from "../support/cookie-client.js";
import { connectAs, waitForMeeting } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";

const MINUTE = 60_000;
const SEND_PATH = { google: "/gmail/v1/users/*/messages/send", microsoft: "/v1.0/me/sendMail" } as const;

/**
 * A send whose answer was lost is settled by looking for its Message-ID in the user's Sent mail
 * (Gmail SENT label, Graph sentitems) over real HTTP against the emulator: found → sent, no
 * question; not there after the wait → sent once; no read permission → the user is asked, as before.
 */
describe("an unknown send outcome settled by the Sent folder", () => {
  const clock = new FixedClock(new Date("2026-11-10T16:00:00Z"));
  let harness: Harness;
  let deps: DraftSendDependencies;
  /** who sends from which provider; `reads`: whether the grant can read Sent mail */
  const people = {
    googleReads: { provider: "google", email: "gia@example.com", reads: true },
    googleSendOnly: { provider: "google", email: "gus@example.com", reads: false },
    microsoftReads: { provider: "microsoft", email: "mo@contoso.example", reads: true },
    microsoftSendOnly: { provider: "microsoft", email: "max@contoso.example", reads: false },
  } as const;
  type Person = (typeof people)[keyof typeof people];

  const meetingTitle = (person: Person) => `Review with ${person.email}`;
  /** An approved draft straight in the table, with no send task queued (the test drives sending). */
  async function approvedDraft(person: Person, subject: string) {
    const { db } = harness.service.services;
    const meeting = await db.meeting.findFirstOrThrow({ where: { title: meetingTitle(person) } });
    return db.draft.create({
      data: { userId: meeting.userId, meetingId: meeting.id, kind: "late_notice", to: ["dana@client.example"], subject, body: `${subject}: body`, idempotencyKey: `test:${randomUUID()}`, status: "approved", approvedAt: clock.now() },
    });
  }
  const copiesOf = async (draftId: string) => {
    const row = await harness.service.services.db.draft.findUniqueOrThrow({ where: { id: draftId } });
    return harness.emulator.control.sentMail().filter((mail) => mail.messageId === row.messageId).length;
  };
  const questions = (draftId: string) => harness.service.services.db.alert.count({ where: { kind: "send_outcome_unknown", idempotencyKey: { startsWith: `send_outcome_unknown:${draftId}:` } } });
  const draftRow = (draftId: string) => harness.service.services.db.draft.findUniqueOrThrow({ where: { id: draftId } });

  beforeAll(async () => {
    harness = await startHarness({ clock });
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "dana@client.example", name: "Dana Smith" });
    for (const person of Object.values(people)) {
      control.addUser({ provider: person.provider, email: person.email });
      control.createEvent(person.email, { summary: meetingTitle(person), start: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(), end: new Date(clock.now().getTime() + 90 * MINUTE).toISOString(), attendees: [{ email: person.email, response: "accepted" }, { email: "dana@client.example", response: "accepted" }] }, person.provider);
      let browser: CookieClient;
      if (person === people.googleReads) {
        // "Let Makegood check my Sent folder": the opt-in connect asks for gmail.metadata too.
        control.setNextLogin("google", person.email);
        browser = new CookieClient(harness.baseUrl);
        const { hops } = await browser.follow("/auth/google?checkSentMail=1");
        expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=google`);
      } else {
        browser = await connectAs(harness, person.provider, person.email);
      }
      await waitForMeeting(browser, meetingTitle(person), () => true);
    }
    const { db } = harness.service.services;
    // A Microsoft grant from before Mail.ReadBasic was asked for.
    const old = await db.connection.findFirstOrThrow({ where: { accountEmail: people.microsoftSendOnly.email } });
    await db.connection.update({ where: { id: old.id }, data: { scopes: old.scopes.filter((scope) => scope !== "Mail.ReadBasic") } });
    deps = { ...harness.service.services.recovery, mailer: harness.service.services.mailer };
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("the grants: Gmail's read scope only after the opt-in, Graph's Mail.ReadBasic by default", async () => {
    const { db } = harness.service.services;
    const scopesOf = async (email: string) => (await db.connection.findFirstOrThrow({ where: { accountEmail: email } })).scopes;
    expect(await scopesOf(people.googleReads.email)).toContain("https://www.googleapis.com/auth/gmail.metadata");
    expect(await scopesOf(people.googleSendOnly.email)).not.toContain("https://www.googleapis.com/auth/gmail.metadata");
    expect(await scopesOf(people.microsoftReads.email)).toContain("Mail.ReadBasic");
  });

  describe.each([people.googleReads, people.microsoftReads])("with a grant that reads Sent mail ($provider)", (person) => {
    it("the provider accepted the message but the answer was lost: found in Sent → sent once, no question", async () => {
      const draft = await approvedDraft(person, `Accepted, answer lost (${person.provider})`);
      harness.emulator.control.addFault({ method: "POST", path: SEND_PATH[person.provider], kind: "acceptThenDrop" });
      expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("sent");
      expect(await copiesOf(draft.id)).toBe(1);
      expect(await draftRow(draft.id)).toMatchObject({ status: "sent", lastError: null });
      expect(await questions(draft.id)).toBe(0);
      // A later run (a retry of the task) changes nothing.
      expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("already_sent");
      expect(await copiesOf(draft.id)).toBe(1);
    });

    it("the connection dropped before the provider took it: not in Sent after the wait → sent once, no question", async () => {
      const draft = await approvedDraft(person, `Never accepted (${person.provider})`);
      harness.emulator.control.addFault({ method: "POST", path: SEND_PATH[person.provider], kind: "drop" });
      await expect(sendDraft(deps, draft.id, harness.logs.log)).rejects.toMatchObject({ code: "send_unconfirmed", retryable: true });
      expect(await copiesOf(draft.id)).toBe(0);
      const attempted = await draftRow(draft.id);
      expect(attempted).toMatchObject({ status: "approved", sentAt: null });
      expect(attempted.sendAttemptedAt).not.toBeNull();
      // Just inside the settle wait: still waiting (for the attempt, or for the Sent copy), not sent again.
      clock.set(new Date(attempted.sendAttemptedAt!.getTime() + sentFolderSettlesAfterMs(person.provider) - 1_000));
      await expect(sendDraft(deps, draft.id, harness.logs.log)).rejects.toMatchObject({ code: expect.stringMatching(/^send_(unconfirmed|in_flight)$/), retryable: true });
      expect(await copiesOf(draft.id)).toBe(0);
      // Past the settle wait: it never left, so it is sent, once, with the same Message-ID.
      clock.set(new Date(attempted.sendAttemptedAt!.getTime() + sentFolderSettlesAfterMs(person.provider)));
      expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("sent");
      expect(await copiesOf(draft.id)).toBe(1);
      expect(await draftRow(draft.id)).toMatchObject({ status: "sent", messageId: attempted.messageId });
      expect(await questions(draft.id)).toBe(0);
      expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("already_sent");
      expect(await copiesOf(draft.id)).toBe(1);
    });

    it("a worker that died after the provider accepted (no outcome recorded): found in Sent → sent, nothing repeated", async () => {
      const draft = await approvedDraft(person, `Worker died (${person.provider})`);
      harness.emulator.control.addFault({ method: "POST", path: SEND_PATH[person.provider], kind: "acceptThenDrop" });
      // The first run sends; we make it look as if its worker died right after the provider call.
      expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("sent");
      const sent = await draftRow(draft.id);
      await harness.service.services.db.draft.update({ where: { id: draft.id }, data: { status: "approved", sentAt: null, sendAttemptedAt: new Date(clock.now().getTime() - 10 * MINUTE) } });
      expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("sent");
      expect(await copiesOf(draft.id)).toBe(1);
      expect((await draftRow(draft.id)).messageId).toBe(sent.messageId);
      expect(await questions(draft.id)).toBe(0);
    });
  });

  it("Gmail: were the Message-ID replaced on sending, the copy is still recognised by our own header, so nothing is sent twice", async () => {
    const { control } = harness.emulator;
    const draft = await approvedDraft(people.googleReads, "Rewritten Message-ID");
    control.setGmailRewritesMessageId(true);
    try {
      control.addFault({ method: "POST", path: SEND_PATH.google, kind: "acceptThenDrop" });
      expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("sent");
      const row = await draftRow(draft.id);
      expect(control.sentMail().filter((mail) => mail.subject === "Rewritten Message-ID")).toHaveLength(1);
      expect(control.sentMail().find((mail) => mail.subject === "Rewritten Message-ID")!.messageId).not.toBe(row.messageId);
    } finally {
      control.setGmailRewritesMessageId(false);
    }
  });

  it("Sent Items unreadable for half an hour (Graph 503s): looked again meanwhile, then the user is asked; nothing repeated", async () => {
    const person = people.microsoftReads;
    const { control } = harness.emulator;
    const draft = await approvedDraft(person, "Mailbox down");
    control.addFault({ method: "POST", path: SEND_PATH.microsoft, kind: "acceptThenDrop" });
    control.addFault({ method: "GET", path: "/v1.0/me/mailFolders/*/messages", kind: "serverError", status: 503, times: 2 });
    await expect(sendDraft(deps, draft.id, harness.logs.log)).rejects.toMatchObject({ retryable: true });
    const attempted = await draftRow(draft.id);
    expect(attempted).toMatchObject({ status: "approved", sentAt: null });
    clock.set(new Date(attempted.sendAttemptedAt!.getTime() + 31 * MINUTE));
    expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("outcome_unknown");
    expect(await copiesOf(draft.id)).toBe(1);
    expect(await questions(draft.id)).toBe(1);
    control.clearFaults();
  });

  describe.each([people.googleSendOnly, people.microsoftSendOnly])("with a grant that cannot read Sent mail ($provider)", (person) => {
    it("the answer was lost: the user is asked to check their Sent folder, as before, and nothing is repeated", async () => {
      const draft = await approvedDraft(person, `Unknown, no read scope (${person.provider})`);
      harness.emulator.control.clearRequests();
      harness.emulator.control.addFault({ method: "POST", path: SEND_PATH[person.provider], kind: "acceptThenDrop" });
      expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("outcome_unknown");
      expect(await copiesOf(draft.id)).toBe(1);
      const row = await draftRow(draft.id);
      expect(row.status).toBe("failed");
      expect(row.lastError).toMatch(/^Outcome unknown.*Check your Sent folder/);
      expect(await questions(draft.id)).toBe(1);
      // A Google user is offered the opt-in that lets the next one be settled without asking.
      const alert = await harness.service.services.db.alert.findFirstOrThrow({ where: { kind: "send_outcome_unknown", idempotencyKey: { startsWith: `send_outcome_unknown:${draft.id}:` } } });
      const links = (alert.data as { links: Array<{ url: string }> }).links.map((link) => link.url);
      if (person.provider === "google") expect(links).toContainEqual(expect.stringMatching(/\/auth\/google\?checkSentMail=1$/));
      else expect(links.some((url) => url.includes("checkSentMail"))).toBe(false);
      // No Sent-folder read was even tried.
      expect(harness.emulator.control.requests({ method: "GET" }).filter((r) => r.path.startsWith("/gmail/") || r.path.includes("/mailFolders/"))).toEqual([]);
    });
  });
});
