import { gmail } from "@googleapis/gmail";
import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./server.js";
import { connectGoogle, connectMicrosoft, GOOGLE_SCOPES, MICROSOFT_SCOPES } from "./test-support.js";

const METADATA = "https://www.googleapis.com/auth/gmail.metadata";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
  emulator.control.addUser({ provider: "google", email: "ada@example.com" });
  emulator.control.addUser({ provider: "microsoft", email: "grace@contoso.test" });
});
afterAll(async () => emulator.close());

const mime = (from: string, messageId: string) =>
  `From: ${from}\r\nTo: bob@client.test\r\nSubject: Hello\r\nMessage-ID: ${messageId}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi Bob\r\n`;

describe("reading Sent mail, with the scopes the providers enforce", () => {
  it("Gmail: the SENT label lists newest first; format=metadata gives the asked headers; gmail.metadata refuses q and FULL; gmail.send alone reads nothing", async () => {
    const root = emulator.env.GOOGLE_API_ROOT_URL;
    const sender = gmail({ version: "v1", rootUrl: root, auth: await connectGoogle(emulator, "ada@example.com") });
    for (const id of ["<g1@example.com>", "<g2@example.com>"]) {
      await sender.users.messages.send({ userId: "me", requestBody: { raw: Buffer.from(mime("ada@example.com", id)).toString("base64url") } });
    }
    const metadata = gmail({ version: "v1", rootUrl: root, auth: await connectGoogle(emulator, "ada@example.com", [...GOOGLE_SCOPES, METADATA]) });
    const listed = (await metadata.users.messages.list({ userId: "me", labelIds: ["SENT"], maxResults: 10 })).data;
    expect(listed.messages).toHaveLength(2);
    const newest = (await metadata.users.messages.get({ userId: "me", id: listed.messages![0]!.id!, format: "metadata", metadataHeaders: ["Message-ID"] })).data;
    expect(newest.payload?.headers).toEqual([{ name: "Message-ID", value: "<g2@example.com>" }]);
    expect(Number(newest.internalDate)).toBeGreaterThan(0);
    const refused = await metadata.users.messages.list({ userId: "me", q: "rfc822msgid:<g1@example.com>" }).then(() => undefined, (e: { status?: number; message?: string }) => e);
    expect(refused).toMatchObject({ status: 403, message: "Metadata scope does not support 'q' parameter" });
    const full = await metadata.users.messages.get({ userId: "me", id: listed.messages![0]!.id!, format: "full" }).then(() => undefined, (e: { status?: number }) => e);
    expect(full).toMatchObject({ status: 403 });

    const readonly = gmail({ version: "v1", rootUrl: root, auth: await connectGoogle(emulator, "ada@example.com", [...GOOGLE_SCOPES, "https://www.googleapis.com/auth/gmail.readonly"]) });
    const searched = (await readonly.users.messages.list({ userId: "me", q: "rfc822msgid:<g1@example.com>" })).data;
    expect(searched.messages).toHaveLength(1);
    expect((await readonly.users.messages.list({ userId: "me", q: "rfc822msgid:<nope@example.com>" })).data).toEqual({ resultSizeEstimate: 0 });

    const noRead = await sender.users.messages.list({ userId: "me", labelIds: ["SENT"] }).then(() => undefined, (e: { status?: number; message?: string }) => e);
    expect(noRead).toMatchObject({ status: 403, message: "Request had insufficient authentication scopes." });
  });

  it("Graph: sentitems filtered by internetMessageId (the MIME Message-ID), with Mail.ReadBasic; 403 ErrorAccessDenied without", async () => {
    const client = (token: string) => Client.init({ baseUrl: `${emulator.env.MICROSOFT_GRAPH_URL}/`, customHosts: new Set(["localhost"]), authProvider: (done) => done(null, token) });
    const sendOnly = client((await connectMicrosoft(emulator, "grace@contoso.test")).access_token);
    await sendOnly.api("/me/sendMail").header("Content-Type", "text/plain").post(Buffer.from(mime("grace@contoso.test", "<m'1@contoso.test>")).toString("base64"));
    const reader = client((await connectMicrosoft(emulator, "grace@contoso.test", `${MICROSOFT_SCOPES} Mail.ReadBasic`)).access_token);
    const path = (id: string) => `/me/mailFolders/sentitems/messages?$filter=${encodeURIComponent(`internetMessageId eq '${id.replace(/'/g, "''")}'`)}&$select=id,internetMessageId`;
    const found = (await reader.api(path("<m'1@contoso.test>")).get()) as { value: Array<{ id: string; internetMessageId: string }> };
    expect(found.value).toEqual([{ id: expect.any(String), internetMessageId: "<m'1@contoso.test>" }]);
    expect(((await reader.api(path("<other@contoso.test>")).get()) as { value: unknown[] }).value).toEqual([]);
    const denied = await sendOnly.api(path("<m'1@contoso.test>")).get().then(() => undefined, (e: unknown) => e);
    expect(denied).toBeInstanceOf(GraphError);
    expect(denied).toMatchObject({ statusCode: 403, code: "ErrorAccessDenied" });

    // Exchange saves the copy after transport: for a while after the 202 it is not listed.
    emulator.control.setSentItemsDelay(400);
    try {
      await sendOnly.api("/me/sendMail").header("Content-Type", "text/plain").post(Buffer.from(mime("grace@contoso.test", "<late@contoso.test>")).toString("base64"));
      expect(((await reader.api(path("<late@contoso.test>")).get()) as { value: unknown[] }).value).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect(((await reader.api(path("<late@contoso.test>")).get()) as { value: unknown[] }).value).toHaveLength(1);
    } finally {
      emulator.control.setSentItemsDelay(0);
    }
  });
});
