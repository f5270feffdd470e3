import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

/**
 * STOPGAP until tests/emulator implements them (listed in the adapter's report): an HTTPS front for
 * the emulator that answers the Graph endpoints it lacks and forwards everything else unchanged,
 * rewriting the emulator's absolute @odata links to point back here.
 * - GET /v1.0/me/calendars: one default calendar per account (the emulator has no calendar concept);
 * - POST /v1.0/me/sendMail with Content-Type text/plain (MIME format): decoded and kept in `mimeMessages`.
 */
export class GraphGapProxy {
  readonly mimeMessages: { authorization: string; mime: string }[] = [];
  static readonly DEFAULT_CALENDAR_ID = "AAMkAGI2-default-calendar";
  url = "";
  private server: Server | undefined;

  constructor(private readonly emulatorUrl: string) {}

  async start(): Promise<this> {
    const tls = new URL("../../../emulator/tls/", import.meta.url);
    this.server = createServer({ key: readFileSync(new URL("server-key.pem", tls)), cert: readFileSync(new URL("server.pem", tls)) }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        void this.handle(request.method ?? "GET", request.url ?? "/", request.headers, Buffer.concat(chunks)).then(({ status, headers, body }) => {
          response.writeHead(status, headers).end(body);
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `https://localhost:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const authorization = typeof headers.authorization === "string" ? headers.authorization : "";
    if (method === "GET" && path.split("?")[0] === "/v1.0/me/calendars") {
      const me = await fetch(`${this.emulatorUrl}/v1.0/me`, { headers: { authorization } });
      if (!me.ok) return { status: me.status, headers: { "content-type": "application/json" }, body: await me.text() };
      const value = [{ id: GraphGapProxy.DEFAULT_CALENDAR_ID, name: "Calendar", isDefaultCalendar: true }, { id: "AAMkAGI2-birthdays", name: "Birthdays", isDefaultCalendar: false }];
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ value }) };
    }
    if (method === "POST" && path === "/v1.0/me/sendMail" && String(headers["content-type"] ?? "").startsWith("text/plain")) {
      const text = body.toString("utf8");
      if (!/^[A-Za-z0-9+/=\r\n]+$/.test(text)) return { status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: { code: "ErrorMimeContentInvalidBase64String", message: "Invalid base64 string for MIME content." } }) };
      this.mimeMessages.push({ authorization, mime: Buffer.from(text, "base64").toString("utf8") });
      return { status: 202, headers: {}, body: "" };
    }
    const forwarded: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (typeof value === "string" && name !== "host" && name !== "content-length") forwarded[name] = value;
    const answer = await fetch(`${this.emulatorUrl}${path}`, { method, headers: forwarded, body: method === "GET" || method === "DELETE" ? undefined : body });
    const responseHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== "content-length" && name !== "transfer-encoding" && name !== "connection") responseHeaders[name] = value;
    });
    return { status: answer.status, headers: responseHeaders, body: (await answer.text()).split(this.emulatorUrl).join(this.url) };
  }
}
