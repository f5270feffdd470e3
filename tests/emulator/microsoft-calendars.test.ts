import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./server.js";
import { connectMicrosoft } from "./test-support.js";

let emulator: Emulator;
let client: Client;
const owner = "mary@contoso.test";
const MARKER = "String {8b5f2d4e-3c71-4a0e-9d6b-2f1e7c5a9b30} Name makegoodMarker";
const expandMarker = `singleValueExtendedProperties($filter=id eq '${MARKER}')`;
const window = "startDateTime=2030-05-01T00:00:00Z&endDateTime=2030-05-31T00:00:00Z";

beforeAll(async () => {
  emulator = await startEmulator({ now: () => Date.UTC(2030, 3, 1) });
  emulator.control.addUser({ provider: "microsoft", email: owner, name: "Mary Jackson" });
  const token = (await connectMicrosoft(emulator, owner)).access_token;
  client = Client.init({ baseUrl: `${emulator.env.MICROSOFT_GRAPH_URL}/`, customHosts: new Set(["localhost"]), authProvider: (done) => done(null, token) });
});
afterAll(async () => emulator.close());

async function graphFailure(request: Promise<unknown>): Promise<GraphError> {
  const error = await request.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(error)}`);
  return error;
}

const utc = (dateTime: string) => ({ dateTime, timeZone: "UTC" });

describe("Graph calendars", () => {
  it("lists the default calendar and a read-only one, and gets each", async () => {
    const list = await client.api("/me/calendars").get();
    expect(list.value).toHaveLength(2);
    const [main, birthdays] = list.value;
    expect(main).toMatchObject({ name: "Calendar", isDefaultCalendar: true, canEdit: true, owner: { name: "Mary Jackson", address: owner } });
    expect(birthdays).toMatchObject({ name: "Birthdays", isDefaultCalendar: false, canEdit: false });
    expect((await client.api("/me/calendar").get()).id).toBe(main.id);
    expect((await client.api(`/me/calendars/${encodeURIComponent(birthdays.id)}`).get()).name).toBe("Birthdays");
    expect((await graphFailure(client.api("/me/calendars/AAMkAGI2nope").get())).statusCode).toBe(404);
  });

  it("maps the default calendar's id to the /me views and writes; the read-only one is empty and refuses writes", async () => {
    const [main, birthdays] = emulator.control.graphCalendars(owner);
    const created = await client.api(`/me/calendars/${encodeURIComponent(main!.id)}/events`).post({ subject: "Focus", start: utc("2030-05-02T09:00:00"), end: utc("2030-05-02T10:00:00") });
    expect(created.subject).toBe("Focus");
    const viaCalendar = await client.api(`/me/calendars/${encodeURIComponent(main!.id)}/calendarView?${window}`).get();
    const viaMe = await client.api(`/me/calendarView?${window}`).get();
    expect(viaCalendar.value.map((e: { id: string }) => e.id)).toEqual(viaMe.value.map((e: { id: string }) => e.id));
    expect(viaCalendar.value.map((e: { id: string }) => e.id)).toContain(created.id);

    const other = `/me/calendars/${encodeURIComponent(birthdays!.id)}`;
    expect((await client.api(`${other}/calendarView?${window}`).get()).value).toEqual([]);
    const delta = await client.api(`${other}/calendarView/delta?${window}`).get();
    expect(delta.value).toEqual([]);
    expect(delta["@odata.deltaLink"]).toContain(`${other}/calendarView/delta?$deltatoken=`);
    expect((await client.api(delta["@odata.deltaLink"]).get()).value).toEqual([]);
    expect((await graphFailure(client.api(`${other}/events`).post({ subject: "x", start: utc("2030-05-02T09:00:00"), end: utc("2030-05-02T10:00:00") }))).statusCode).toBe(403);
  });
});

describe("Graph extended properties", () => {
  it("returns them only when expanded with the id filter, never in delta or write responses", async () => {
    const created = await client.api("/me/events").post({ subject: "Buffer", start: utc("2030-05-03T08:00:00"), end: utc("2030-05-03T08:30:00"), singleValueExtendedProperties: [{ id: MARKER, value: "case-7" }] });
    expect(created).not.toHaveProperty("singleValueExtendedProperties");
    expect(await client.api(`/me/events/${created.id}`).get()).not.toHaveProperty("singleValueExtendedProperties");

    const expanded = await client.api(`/me/events/${created.id}`).select("id").expand(expandMarker).get();
    expect(expanded).toEqual({ "@odata.etag": expect.any(String), id: created.id, singleValueExtendedProperties: [{ id: MARKER, value: "case-7" }] });
    // The Name part is case-sensitive; another name matches nothing.
    const otherName = await client.api(`/me/events/${created.id}`).expand(expandMarker.replace("makegoodMarker", "MakegoodMarker")).get();
    expect(otherName).not.toHaveProperty("singleValueExtendedProperties");

    const view = await client.api(`/me/calendarView?${window}`).expand(expandMarker).top(50).get();
    expect(view.value.find((e: { id: string }) => e.id === created.id).singleValueExtendedProperties).toEqual([{ id: MARKER, value: "case-7" }]);
    const delta = await client.api(`/me/calendarView/delta?${window}`).get();
    const synced = delta.value.find((e: { id: string }) => e.id === created.id);
    expect(synced.subject).toBe("Buffer");
    expect(synced).not.toHaveProperty("singleValueExtendedProperties");
  });
});

describe("Graph recurring events", () => {
  it("gives occurrences and exceptions originalStart (UTC) and the series' originalStartTimeZone", async () => {
    const master = emulator.control.createEvent(owner, { summary: "Weekly", start: "2030-05-06T09:00:00", end: "2030-05-06T09:30:00", timeZone: "W. Europe Standard Time", recurrence: ["RRULE:FREQ=WEEKLY;COUNT=2"] }, "microsoft");
    emulator.control.moveOccurrence(owner, master.id, "2030-05-13T07:00:00Z", { start: "2030-05-13T11:00:00", end: "2030-05-13T11:30:00" }, "microsoft");
    const view = await client.api(`/me/calendarView?${window}`).top(50).get();
    const series = view.value.filter((e: { seriesMasterId?: string }) => e.seriesMasterId === master.id);
    expect(series).toEqual([
      expect.objectContaining({ type: "occurrence", originalStart: "2030-05-06T07:00:00Z", originalStartTimeZone: "W. Europe Standard Time" }),
      expect.objectContaining({ type: "exception", originalStart: "2030-05-13T07:00:00Z", originalStartTimeZone: "W. Europe Standard Time" }),
    ]);
    const single = view.value.find((e: { type: string }) => e.type === "singleInstance");
    expect(single).not.toHaveProperty("originalStart");
    expect(await client.api(`/me/events/${series[1].id}`).get()).toMatchObject({ type: "exception", originalStart: "2030-05-13T07:00:00Z" });
  });
});

describe("Graph sendMail in MIME form", () => {
  it("accepts base64 MIME as text/plain and keeps the parsed message; refuses malformed base64", async () => {
    const mime = "From: Mary Jackson <mary@contoso.test>\r\nTo: client@fabrikam.test\r\nCc: boss@contoso.test\r\nSubject: Follow-up\r\nMessage-ID: <m1@contoso.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello again\r\n";
    const wrapped = Buffer.from(mime).toString("base64").replace(/(.{76})/g, "$1\r\n");
    await client.api("/me/sendMail").header("Content-Type", "text/plain").post(wrapped);
    expect(emulator.control.sentMail().at(-1)).toMatchObject({ provider: "microsoft", from: owner, to: ["client@fabrikam.test"], cc: ["boss@contoso.test"], subject: "Follow-up", messageId: "<m1@contoso.test>", raw: mime });
    const bad = await graphFailure(client.api("/me/sendMail").header("Content-Type", "text/plain").post("not base64!"));
    expect([bad.statusCode, bad.code, bad.message]).toEqual([400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content."]);
  });
});

describe("Graph getSchedule limits", () => {
  const ask = (start: string, end: string, availabilityViewInterval?: number) =>
    client.api("/me/calendar/getSchedule").post({ schedules: [owner], startTime: utc(start), endTime: utc(end), ...(availabilityViewInterval === undefined ? {} : { availabilityViewInterval }) });

  it("accepts 62 days and intervals of 5 to 1440 minutes", async () => {
    expect((await ask("2030-05-01T00:00:00", "2030-07-02T00:00:00", 1440)).value[0].availabilityView).toHaveLength(62);
    expect((await ask("2030-05-01T00:00:00", "2030-05-01T01:00:00", 5)).value[0].availabilityView).toHaveLength(12);
  });

  it("refuses longer windows and out-of-range intervals with Exchange's errors", async () => {
    const long = await graphFailure(ask("2030-05-01T00:00:00", "2030-07-03T00:00:00"));
    expect([long.statusCode, long.code]).toEqual([400, "ErrorTimeIntervalTooBig"]);
    expect(long.message).toContain("The allowed limit = 62 days; the actual limit = 63 days.");
    for (const interval of [4, 1441]) {
      const error = await graphFailure(ask("2030-05-01T00:00:00", "2030-05-03T00:00:00", interval));
      expect([error.statusCode, error.code]).toEqual([400, "ErrorInvalidMergedFreeBusyInterval"]);
    }
    expect((await graphFailure(ask("2030-05-02T00:00:00", "2030-05-01T00:00:00"))).code).toBe("ErrorInvalidTimeInterval");
  });
});
