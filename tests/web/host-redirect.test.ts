import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherNameOfThisServer } from "../../src/web/plugins/canonical-host.js";
import { startHarness, type Harness } from "../support/service-harness.js";

/** A real HTTP request to the service with the Host header a browser would send for another address. */
function send(harness: Harness, method: string, path: string, host: string, body?: string, extra: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const target = new URL(harness.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname: target.hostname, port: target.port, method, path, headers: { host, ...(body !== undefined ? { "content-type": "application/json", origin: `http://${host}` } : {}), ...extra } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("every address works: another name of this server goes to PUBLIC_URL", () => {
  let harness: Harness;
  let port: string;

  beforeAll(async () => {
    harness = await startHarness();
    port = new URL(harness.baseUrl).port;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  const BROWSER = { accept: "text/html,application/xhtml+xml,*/*;q=0.8", "sec-fetch-mode": "navigate" };

  it("redirects a browser's page load at 127.0.0.1 to the same path and query on PUBLIC_URL, uncached", async () => {
    for (const method of ["GET", "HEAD"]) {
      const reply = await send(harness, method, "/drafts?highlight=abc&x=1", `127.0.0.1:${port}`, undefined, BROWSER);
      expect(reply.status, method).toBe(308);
      expect(reply.headers["location"], method).toBe(`${harness.baseUrl}/drafts?highlight=abc&x=1`);
      expect(reply.headers["cache-control"], method).toBe("no-store");
    }
    const ipv6 = await send(harness, "GET", "/", `[::1]:${port}`, undefined, { accept: "text/html" });
    expect(ipv6.status).toBe(308);
    expect(ipv6.headers["location"]).toBe(`${harness.baseUrl}/`);
  });

  it("a state-changing request at the other name is told where Makegood is, in the standard error body", async () => {
    const reply = await send(harness, "PUT", "/api/settings", `127.0.0.1:${port}`, JSON.stringify({ lateGraceMinutes: 5 }));
    expect(reply.status).toBe(421);
    expect(JSON.parse(reply.text)).toEqual({
      error: { code: "wrong_address", message: `Makegood is at ${harness.baseUrl}: open it there and try again (this page was opened at http://127.0.0.1:${port}).` },
    });
  });

  it("answers scripts where they asked: the API document and the JSON API at 127.0.0.1 are not redirected", async () => {
    const document = await send(harness, "GET", "/docs/json", `127.0.0.1:${port}`, undefined, { accept: "application/json" });
    expect(document.status).toBe(200);
    const paths = Object.keys((JSON.parse(document.text) as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(["/api/meetings", "/api/alerts", "/api/cases", "/api/drafts", "/api/settings"]));
    // curl sends */*: still a script, not a page load.
    expect((await send(harness, "GET", "/docs/json", `127.0.0.1:${port}`, undefined, { accept: "*/*" })).status).toBe(200);
    expect((await send(harness, "GET", "/api/meetings", `127.0.0.1:${port}`)).status).toBe(401);
    // A script posting with PUBLIC_URL's Origin is judged by the same-origin rule, not moved.
    const signedOut = await send(harness, "PUT", "/api/settings", `127.0.0.1:${port}`, "{}", { origin: harness.baseUrl });
    expect(signedOut.status).toBe(401);
  });

  it("leaves machines that address the server by IP alone: health, readiness, metrics, provider webhooks", async () => {
    expect((await send(harness, "GET", "/healthz", `127.0.0.1:${port}`)).status).toBe(200);
    expect((await send(harness, "GET", "/readyz", `127.0.0.1:${port}`)).status).toBe(200);
    expect((await send(harness, "GET", "/metrics", `127.0.0.1:${port}`)).status).toBe(200);
    // Graph's subscription handshake, by IP: answered, not redirected.
    const handshake = await send(harness, "POST", "/webhooks/microsoft?validationToken=hello", `127.0.0.1:${port}`, "");
    expect(handshake.status).toBe(200);
    expect(handshake.text).toBe("hello");
  });

  it("does not redirect the PUBLIC_URL name itself", async () => {
    const reply = await send(harness, "GET", "/healthz", `localhost:${port}`);
    expect(reply.status).toBe(200);
    const page = await send(harness, "GET", "/", `localhost:${port}`);
    expect(page.status).toBe(200);
  });
});

describe("which hosts count as another name of this server", () => {
  it("only loopback names on PUBLIC_URL's own port, and only when PUBLIC_URL is itself a loopback name", () => {
    expect(otherNameOfThisServer("127.0.0.1:3000", "http://localhost:3000")).toBe(true);
    expect(otherNameOfThisServer("localhost:3000", "http://127.0.0.1:3000")).toBe(true);
    expect(otherNameOfThisServer("[::1]:3000", "http://localhost:3000")).toBe(true);
    expect(otherNameOfThisServer("localhost:3000", "http://localhost:3000")).toBe(false);
    // another port is another program (a proxy in front, a second instance)
    expect(otherNameOfThisServer("127.0.0.1:3001", "http://localhost:3000")).toBe(false);
    // behind a reverse proxy the Host may be the upstream's: redirecting it would loop
    expect(otherNameOfThisServer("localhost:3000", "https://makegood.example.com")).toBe(false);
    // a LAN address may be how another machine reaches this one: localhost would not work there
    expect(otherNameOfThisServer("192.168.1.5:3000", "http://localhost:3000")).toBe(false);
    expect(otherNameOfThisServer(undefined, "http://localhost:3000")).toBe(false);
    expect(otherNameOfThisServer("not a host", "http://localhost:3000")).toBe(false);
  });
});
