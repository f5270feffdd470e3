import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/platform/clock.js";
import type { MeetingView } from "../../src/detection/meetings/meeting-view-schema.js";
import type { CookieClient } from "../support/cookie-client.js";
import { connectAs, meetingsOf, tickTo } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { settleTasks } from "../sync/support.js";

/**
 * Zoom as an evidence provider (issue 14), end to end over the emulator: Tom (Outlook) connects
 * Zoom; his calendar holds Zoom meetings he hosts and one a client hosts. The emulator's Zoom
 * sends signed webhooks on the same clock as the service (Tue 2026-11-17, UTC).
 */
describe("Zoom: seeing the user join the Zoom meetings they host", () => {
  const clock = new FixedClock(new Date("2026-11-17T08:00:00Z"));
  let harness: Harness;
  let tom: CookieClient;
  const TOM = "tom@contoso.example";
  const MARC = "marc@fabrikam.example";
  const query = "?from=2026-11-17T00:00:00Z&to=2026-11-18T00:00:00Z";
  const services = () => harness.service.services;
  const zoom = () => harness.emulator.control.zoom;
  const tick = (iso: string) => tickTo(harness, clock, iso);
  const meetingOf = async (title: string): Promise<MeetingView> => (await meetingsOf(tom, query)).find((m) => m.title === title)!;
  const alertKinds = async (meetingId: string) => (await services().db.alert.findMany({ where: { meetingId }, orderBy: { createdAt: "asc" } })).map((a) => a.kind);
  const evidenceOf = async (meetingId: string) => (await services().db.evidence.findMany({ where: { meetingId }, orderBy: { kind: "asc" } })).map((e) => e.kind);
  const zoomEvent = (title: string, start: string, end: string, location: string, organizer: string) =>
    harness.emulator.control.createEvent(TOM, { summary: title, start, end, location, organizer: { email: organizer, name: "" }, attendees: [{ email: TOM, response: "accepted" }, { email: MARC, name: "Marc Dubois", response: "accepted" }] }, "microsoft");
  const joinedBody = (meetingId: string, hostId: string, participant: { id: string; email: string }, at: string) =>
    JSON.stringify({ event: "meeting.participant_joined", event_ts: clock.now().getTime(), payload: { account_id: "x", object: { uuid: "Abc123==", id: meetingId, host_id: hostId, topic: "t", type: 2, start_time: at, duration: 30, participant: { user_id: "16778241", user_name: "Tom", id: participant.id, email: participant.email, join_time: at } } } });
  let tomZoomId = "";

  beforeAll(async () => {
    harness = await startHarness({ clock, emulatorNow: () => clock.now().getTime() });
    const { control } = harness.emulator;
    control.addUser({ provider: "microsoft", email: TOM, name: "Tom Rivers", timeZone: "UTC" });
    control.addUser({ provider: "microsoft", email: MARC, name: "Marc Dubois" });
    tomZoomId = zoom().addUser({ email: TOM, name: "Tom Rivers" }).id;
    zoom().addUser({ email: MARC, name: "Marc Dubois" });
    zoom().setWebhookEndpoint(`${harness.baseUrl}/webhooks/zoom`);
    zoom().scheduleMeeting({ host: TOM, id: "81111111111", topic: "Acme: kickoff", start: "2026-11-17T09:00:00Z" });
    zoom().scheduleMeeting({ host: TOM, id: "82222222222", topic: "Acme: pricing", start: "2026-11-17T10:00:00Z" });
    zoom().scheduleMeeting({ host: MARC, id: "93333333333", topic: "Fabrikam: discovery", start: "2026-11-17T11:00:00Z" });
    zoom().scheduleMeeting({ host: TOM, id: "84444444444", topic: "Acme: review", start: "2026-11-17T12:00:00Z" });
    zoom().scheduleMeeting({ host: TOM, id: "85555555555", topic: "Acme: legal", start: "2026-11-17T13:00:00Z" });
    zoomEvent("Acme: kickoff (Zoom)", "2026-11-17T09:00:00Z", "2026-11-17T09:30:00Z", "https://us06web.zoom.us/j/81111111111?pwd=abc", TOM);
    zoomEvent("Acme: pricing (Zoom)", "2026-11-17T10:00:00Z", "2026-11-17T10:30:00Z", "https://contoso.zoom.us/j/82222222222", TOM);
    zoom().scheduleMeeting({ host: TOM, id: "86666666666", topic: "Acme: wrap-up", start: "2026-11-17T15:00:00Z" });
    zoomEvent("Acme: wrap-up (Zoom)", "2026-11-17T15:00:00Z", "2026-11-17T15:30:00Z", "https://zoom.us/j/86666666666", TOM);
    zoomEvent("Fabrikam: discovery (Zoom)", "2026-11-17T11:00:00Z", "2026-11-17T11:30:00Z", "https://fabrikam.zoom.us/j/93333333333?pwd=xyz", MARC);
    zoomEvent("Acme: review (Zoom)", "2026-11-17T12:00:00Z", "2026-11-17T12:30:00Z", "zoommtg://zoom.us/join?action=join&confno=84444444444&pwd=1", TOM);
    zoomEvent("Acme: legal (Zoom)", "2026-11-17T13:00:00Z", "2026-11-17T13:30:00Z", "Zoom: https://zoom.us/j/85555555555", TOM);

    tom = await connectAs(harness, "microsoft", TOM);
    await tick("2026-11-17T08:00:00Z");
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("before Zoom is connected, Zoom meetings are check-in only and Connect Zoom is offered", async () => {
    expect(await meetingOf("Acme: kickoff (Zoom)")).toMatchObject({ evidenceSource: "check_in", liveSignal: false });
    const reply = await tom.json<{ zoom: { available: boolean; connection: unknown } }>("/api/connections");
    expect(reply.body.zoom).toEqual({ available: true, connection: null });
  });

  it("Connect Zoom: OAuth with the emulator, then meetings Tom hosts are seen live and the client's is check-in, said so", async () => {
    zoom().setNextLogin(TOM);
    const { hops } = await tom.follow("/auth/zoom");
    expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=zoom`);
    await settleTasks(harness);
    const zoomRow = await services().db.zoomConnection.findFirstOrThrow();
    expect(zoomRow.zoomUserId).toBe(tomZoomId);
    expect(zoomRow.accessTokenSealed).not.toContain("eyJzm");
    for (const title of ["Acme: kickoff (Zoom)", "Acme: pricing (Zoom)", "Acme: review (Zoom)", "Acme: legal (Zoom)"]) {
      expect(await meetingOf(title)).toMatchObject({ evidenceSource: "conference", liveSignal: true, evidenceSourceReason: "We'll see you join in Zoom." });
    }
    const theirs = await meetingOf("Fabrikam: discovery (Zoom)");
    expect(theirs).toMatchObject({ evidenceSource: "check_in", liveSignal: false });
    expect(theirs.evidenceSourceReason).toMatch(/^Zoom meeting hosted by someone else: we can't see it/);
    const view = (await tom.json<{ zoom: { connection: { accountEmail: string; hostedMeetings: number; status: string } } }>("/api/connections")).body.zoom;
    expect(view.connection).toMatchObject({ accountEmail: TOM, hostedMeetings: 5, status: "active" });
  });

  it("answers Zoom's endpoint.url_validation challenge", async () => {
    expect(await zoom().validateEndpoint()).toMatchObject({ status: 200, valid: true });
  });

  it("unsigned, stale or wrongly signed webhooks: 401 and nothing stored", async () => {
    const meeting = await meetingOf("Acme: kickoff (Zoom)");
    const body = joinedBody("81111111111", tomZoomId, { id: tomZoomId, email: TOM }, "2026-11-17T09:01:00Z");
    for (const delivery of [{ unsigned: true }, { staleSeconds: 6 * 60 }, { badSignature: true }]) {
      const [result] = await zoom().sendRaw(body, delivery);
      expect(result?.status, JSON.stringify(delivery)).toBe(401);
      expect(JSON.parse(result!.body).error.code).toMatch(/unsigned_webhook|stale_webhook|bad_signature/);
    }
    // A body changed after signing is refused too (the signature covers the raw bytes).
    const response = await fetch(`${harness.baseUrl}/webhooks/zoom`, { method: "POST", headers: { "content-type": "application/json", "x-zm-request-timestamp": String(Math.floor(clock.now().getTime() / 1000)), "x-zm-signature": "v0=" + "0".repeat(64) }, body });
    expect(response.status).toBe(401);
    expect(await evidenceOf(meeting.id)).toEqual([]);
  });

  it("a signed webhook for a meeting we cannot place: 200 and nothing stored", async () => {
    const before = await services().db.evidence.count();
    const unknownMeeting = await zoom().sendRaw(joinedBody("99999999999", tomZoomId, { id: tomZoomId, email: TOM }, "2026-11-17T09:01:00Z"));
    const unknownHost = await zoom().sendRaw(joinedBody("81111111111", "someone-else", { id: "someone-else", email: "" }, "2026-11-17T09:01:00Z"));
    const otherDay = await zoom().sendRaw(joinedBody("81111111111", tomZoomId, { id: tomZoomId, email: TOM }, "2026-11-20T09:01:00Z"));
    for (const [result] of [unknownMeeting, unknownHost, otherDay]) expect(result).toMatchObject({ status: 200 });
    expect(JSON.parse(unknownMeeting[0]!.body)).toEqual({ received: 1, stored: 0 });
    expect(await services().db.evidence.count()).toBe(before);
  });

  it("Tom joins the meeting he hosts: attended the moment the webhook arrives; a duplicated webhook changes nothing", async () => {
    await tick("2026-11-17T09:00:00Z");
    clock.set(new Date("2026-11-17T09:01:00Z"));
    await zoom().join("81111111111", { email: MARC }, { duplicate: true });
    await zoom().join("81111111111", { email: TOM }, { duplicate: true });
    await settleTasks(harness);
    const kickoff = await meetingOf("Acme: kickoff (Zoom)");
    expect(kickoff.state).toBe("attended");
    expect(await evidenceOf(kickoff.id)).toEqual(["conference_joined", "others_joined"]);
    await tick("2026-11-17T09:45:00Z");
    expect(await alertKinds(kickoff.id)).toEqual([]);
  });

  it("others joined, the host did not: 'running late?' after the grace, then 'did you miss it?', each once despite duplicates", async () => {
    await tick("2026-11-17T10:00:00Z");
    clock.set(new Date("2026-11-17T10:01:00Z"));
    await zoom().join("82222222222", { email: MARC }, { duplicate: true });
    await settleTasks(harness);
    const pricing = await meetingOf("Acme: pricing (Zoom)");
    expect(pricing.state).toBe("in_progress");
    await tick("2026-11-17T10:06:00Z");
    expect((await meetingOf("Acme: pricing (Zoom)")).state).toBe("late");
    await zoom().leave("82222222222", { email: MARC, at: "2026-11-17T10:29:00Z" }, { duplicate: true });
    await zoom().end("82222222222", "2026-11-17T10:30:00Z");
    await tick("2026-11-17T10:41:00Z");
    expect((await meetingOf("Acme: pricing (Zoom)")).state).toBe("suspected_missed");
    expect(await alertKinds(pricing.id)).toEqual(["late", "suspected_missed"]);
    expect(await evidenceOf(pricing.id)).toEqual(["others_joined"]);
  });

  it("a Zoom meeting the client hosts stays check-in only: no webhook, no 'running late?', a nudge instead", async () => {
    await tick("2026-11-17T10:56:00Z");
    clock.set(new Date("2026-11-17T11:01:00Z"));
    await zoom().join("93333333333", { email: MARC });
    await zoom().join("93333333333", { email: TOM });
    await tick("2026-11-17T11:10:00Z");
    const discovery = await meetingOf("Fabrikam: discovery (Zoom)");
    expect(discovery.evidenceSource).toBe("check_in");
    expect(await evidenceOf(discovery.id)).toEqual([]);
    expect(await alertKinds(discovery.id)).toEqual(["nudge"]);
  });

  it("webhooks out of order (left before joined) still say the host was there", async () => {
    await tick("2026-11-17T12:00:00Z");
    clock.set(new Date("2026-11-17T12:02:00Z"));
    await zoom().join("84444444444", { email: TOM }, { hold: true });
    clock.set(new Date("2026-11-17T12:03:00Z"));
    await zoom().leave("84444444444", { email: TOM }, { hold: true });
    const results = await zoom().releaseHeld("reverse");
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await settleTasks(harness);
    const review = await meetingOf("Acme: review (Zoom)");
    expect(review.state).toBe("attended");
    expect(await evidenceOf(review.id)).toEqual(["conference_joined"]);
  });

  it("after the end, the participant list corrects a day whose webhooks never came (paged, UUID double-encoded, after a 429)", async () => {
    // Zoom's webhooks were lost: only its participant list knows Tom joined at 13:07.
    zoom().setWebhookEndpoint("http://127.0.0.1:9/lost");
    zoom().setMaxPageSize(2);
    zoom().recordPastInstance("85555555555", {
      start: "2026-11-17T13:00:00Z",
      end: "2026-11-17T13:30:00Z",
      participants: [
        { email: MARC, joinTime: "2026-11-17T13:00:00Z" },
        { name: "Dial-in guest", joinTime: "2026-11-17T13:01:00Z" },
        { name: "Legal (Fabrikam)", joinTime: "2026-11-17T13:02:00Z" },
        { email: TOM, joinTime: "2026-11-17T13:07:00Z" },
      ],
    });
    const legal = await meetingOf("Acme: legal (Zoom)");
    await tick("2026-11-17T13:06:00Z");
    expect(await alertKinds(legal.id)).toEqual(["late"]);
    harness.emulator.control.addFault({ path: "/zoom/v2/past_meetings/**", kind: "rateLimit", retryAfterSeconds: 60, times: 1 });
    await tick("2026-11-17T13:40:00Z");
    // Throttled: no "did you miss it?" while the list could not be read.
    expect(await alertKinds(legal.id)).toEqual(["late"]);
    await tick("2026-11-17T13:41:30Z");
    expect((await meetingOf("Acme: legal (Zoom)")).state).toBe("attended");
    expect(await evidenceOf(legal.id)).toEqual(["conference_joined"]);
    expect(await alertKinds(legal.id)).toEqual(["late"]);
    const reads = harness.emulator.control.requests({ pathPrefix: "/zoom/v2/past_meetings/" });
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(reads.some((r) => r.query["next_page_token"])).toBe(true);
    // the instance's UUID (from no webhook: by number here) or, when known, encoded twice where Zoom asks
    // Zoom's rule: a UUID that begins with "/" or contains "//" is encoded twice; any other once.
    for (const read of reads) {
      const segment = /\/past_meetings\/([^/]+)\/participants$/.exec(read.path)?.[1] ?? "";
      const once = decodeURIComponent(segment);
      const uuid = once.includes("%") ? decodeURIComponent(once) : once;
      expect(segment).toBe(uuid.startsWith("/") || uuid.includes("//") ? encodeURIComponent(encodeURIComponent(uuid)) : encodeURIComponent(uuid));
    }
    zoom().setMaxPageSize(300);
    zoom().setWebhookEndpoint(`${harness.baseUrl}/webhooks/zoom`);
  });

  it("Disconnect Zoom revokes the grant at Zoom; its meetings are check-in only again", async () => {
    const reply = await tom.fetch("/api/zoom", { method: "DELETE" });
    expect(reply.status).toBe(204);
    expect(zoom().installed(TOM)).toBe(false);
    expect(await services().db.zoomConnection.count()).toBe(0);
    await settleTasks(harness);
    const wrapUp = await meetingOf("Acme: wrap-up (Zoom)");
    expect(wrapUp).toMatchObject({ evidenceSource: "check_in", liveSignal: false });
    expect(wrapUp.evidenceSourceReason).toMatch(/^Zoom doesn't tell us who joins/);
    const view = (await tom.json<{ zoom: { connection: unknown } }>("/api/connections")).body.zoom;
    expect(view.connection).toBeNull();
  });

  it("a grant revoked at Zoom: needs re-authorisation, one alert, and its meetings become check-in only", async () => {
    zoom().setNextLogin(TOM);
    const { hops } = await tom.follow("/auth/zoom");
    expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=zoom`);
    await settleTasks(harness);
    expect(await meetingOf("Acme: wrap-up (Zoom)")).toMatchObject({ evidenceSource: "conference" });
    expect(zoom().revokeGrants(TOM)).toBeGreaterThan(0);
    const account = await services().db.zoomConnection.findFirstOrThrow();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expect(services().zoom.api(account.id)!.hostedMeetingIds()).rejects.toMatchObject({ code: "needs_reauth" });
    }
    expect(await services().db.zoomConnection.findFirstOrThrow()).toMatchObject({ status: "needs_reauth" });
    const alerts = await services().db.alert.findMany({ where: { kind: "needs_reauth" } });
    expect(alerts.map((a) => a.title)).toEqual(["Reconnect Zoom"]);
    expect(await meetingOf("Acme: wrap-up (Zoom)")).toMatchObject({ evidenceSource: "check_in", liveSignal: false });
    const view = (await tom.json<{ zoom: { connection: { status: string } } }>("/api/connections")).body.zoom;
    expect(view.connection.status).toBe("needs_reauth");
  });
});
