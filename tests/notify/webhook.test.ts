import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/platform/errors.js";
import type { SlackMessage } from "../../src/alerts/delivery/alert-message.js";
import { retryAfterMs } from "../../src/alerts/delivery/retry-after.js";
import { sendSlackWebhook, type WebhookOptions } from "../../src/alerts/delivery/webhook.js";
import { nonPublicKind, validateWebhookUrl, type WebhookLookup } from "../../src/alerts/delivery/webhook-address.js";
import { startWebhookServer, type WebhookServer } from "./support/webhook-server.js";

const message: SlackMessage = { text: "Running late?", blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Running late?*" } }] };

/** A resolver that knows a few test names; nothing here ever reaches a real DNS server. */
function fakeDns(table: Record<string, string[]>): WebhookLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

const strict: Omit<WebhookOptions, "lookup"> = { allowHttp: false, allowPrivateAddresses: false, timeoutMs: 2_000 };
const local: Omit<WebhookOptions, "lookup"> = { allowHttp: true, allowPrivateAddresses: true, timeoutMs: 2_000 };

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the Slack webhook", () => {
  let server: WebhookServer;
  beforeAll(async () => {
    server = await startWebhookServer();
  });
  afterAll(() => server?.close());
  const okReply = () => server.respond((_request, response) => response.end("ok"));

  it("posts Slack JSON to a local server when private addresses are explicitly allowed", async () => {
    okReply();
    const before = server.requests.length;
    expect(await sendSlackWebhook(`http://127.0.0.1:${server.port}/services/T/B/x?y=1`, message, local)).toEqual({ status: 200 });
    const request = server.requests[before]!;
    expect(request).toMatchObject({ method: "POST", path: "/services/T/B/x?y=1" });
    expect(request.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(request.body)).toEqual(message);
  });

  it("connects to the address it vetted, never resolving the name again", async () => {
    okReply();
    // .invalid never resolves (RFC 6761): success proves the socket used our vetted address.
    const dns = fakeDns({ "hooks.invalid": ["127.0.0.1"] });
    const before = server.requests.length;
    await sendSlackWebhook(`http://hooks.invalid:${server.port}/hook`, message, { ...local, lookup: dns });
    expect(dns.calls).toEqual(["hooks.invalid"]);
    expect(server.requests[before]!.headers.host).toBe(`hooks.invalid:${server.port}`);
  });

  it.each([
    ["http://hooks.example.com/x", {}, "must start with https://"],
    ["ftp://hooks.example.com/x", {}, "must start with https://"],
    ["not a url", {}, "not a valid URL"],
    ["https://user:pw@hooks.example.com/x", {}, "user name or password"],
    ["https://hooks.example.com/x", { "hooks.example.com": ["10.0.0.5"] }, "resolves to 10.0.0.5, which is a private network address"],
    ["https://hooks.example.com/x", { "hooks.example.com": ["172.20.1.1"] }, "private network"],
    ["https://hooks.example.com/x", { "hooks.example.com": ["192.168.1.10"] }, "private network"],
    ["https://localhost/x", { localhost: ["127.0.0.1", "::1"] }, "loopback"],
    ["https://127.0.0.1/x", {}, "The webhook address 127.0.0.1 is a loopback address"],
    ["https://[::1]/x", {}, "loopback"],
    ["https://169.254.169.254/latest/meta-data", {}, "link-local address (this includes cloud metadata services)"],
    ["https://metadata.example.com/x", { "metadata.example.com": ["169.254.169.254"] }, "link-local"],
    ["https://100.64.3.4/x", {}, "carrier-grade NAT"],
    ["https://[fd12:3456::1]/x", {}, "private network"],
    ["https://[fe80::1]/x", {}, "link-local"],
    ["https://[::ffff:10.0.0.5]/x", {}, "private network"],
    ["https://0.0.0.0/x", {}, "reserved"],
    // One public and one internal answer: the internal one could be used later.
    ["https://mixed.example.com/x", { "mixed.example.com": ["93.184.215.14", "10.1.2.3"] }, "10.1.2.3"],
  ])("refuses %s by default", async (url, table, expected) => {
    const dns = fakeDns(table);
    const check = await validateWebhookUrl(url, { ...strict, lookup: dns });
    expect(check).toEqual({ ok: false, message: expect.stringContaining(expected) });
    const error = await failure(sendSlackWebhook(url, message, { ...strict, lookup: dns }));
    expect(error).toMatchObject({ code: "webhook_url_refused", retryable: false });
  });

  it("accepts a public https URL and names a host that does not resolve", async () => {
    expect(await validateWebhookUrl("https://hooks.slack.com/services/T/B/x", { ...strict, lookup: fakeDns({ "hooks.slack.com": ["52.1.2.3", "2600:1f18::1"] }) })).toEqual({ ok: true });
    expect(await validateWebhookUrl("https://nowhere.example.com/x", { ...strict, lookup: fakeDns({}) })).toEqual({ ok: false, message: expect.stringContaining("nowhere.example.com could not be resolved") });
  });

  it("classifies public, private and special addresses", () => {
    expect(nonPublicKind("8.8.8.8")).toBeNull();
    expect(nonPublicKind("2606:4700::1111")).toBeNull();
    expect(nonPublicKind("10.0.0.5")).toBe("a private network address");
    expect(nonPublicKind("64:ff9b::a00:5")).toBe("an IPv6 form of a private network address (10.0.0.5)");
  });

  // Every IPv6 spelling that carries an internal IPv4 address, and the IPv6 ranges of their own.
  it.each([
    ["::127.0.0.1", "loopback address (127.0.0.1)"],
    ["::7f00:1", "loopback address (127.0.0.1)"],
    ["::10.0.0.5", "private network address (10.0.0.5)"],
    ["::169.254.169.254", "link-local address"],
    ["::ffff:127.0.0.1", "loopback address (127.0.0.1)"],
    ["::FFFF:7F00:0001", "loopback address (127.0.0.1)"],
    ["0:0:0:0:0:ffff:192.168.1.1", "private network address (192.168.1.1)"],
    ["::ffff:0:127.0.0.1", "loopback address (127.0.0.1)"],
    ["64:ff9b::127.0.0.1", "loopback address (127.0.0.1)"],
    ["64:ff9b:1::a9fe:a9fe", "link-local address"],
    ["2002:7f00:1::", "loopback address (127.0.0.1)"],
    ["2002:c0a8:101::1", "private network address (192.168.1.1)"],
    ["::1", "a loopback address"],
    ["0:0:0:0:0:0:0:1", "a loopback address"],
    ["::", "reserved"],
    ["::8.8.8.8", "reserved"],
    ["::ffff:0:8.8.8.8", "reserved"],
    ["64:ff9b::8.8.8.8", "reserved"],
    ["2002:808:808::1", "reserved"],
    ["fc00::1", "a private network address"],
    ["fd12:3456::1", "a private network address"],
    ["fe80::1", "a link-local address"],
    ["febf::1", "a link-local address"],
    ["fec0::1", "reserved"],
    ["ff02::1", "reserved"],
  ])("refuses the IPv6 address %s", async (address, expected) => {
    expect(nonPublicKind(address)).toContain(expected);
    const check = await validateWebhookUrl(`https://[${address}]/x`, strict);
    expect(check).toEqual({ ok: false, message: expect.stringContaining(expected) });
    expect(await validateWebhookUrl("https://hooks.example.com/x", { ...strict, lookup: fakeDns({ "hooks.example.com": [address] }) })).toMatchObject({ ok: false });
  });

  it.each(["8.8.8.8", "::ffff:8.8.8.8", "2606:4700::1111", "2600:1f18::1", "2a00:1450:4001::200e"])("accepts the public address %s", (address) => {
    expect(nonPublicKind(address)).toBeNull();
  });

  it("treats 500 and 429 as retryable (with Retry-After) and 404 as permanent, without echoing the URL's path", async () => {
    const url = `http://127.0.0.1:${server.port}/services/T/B/s3cr3t`;
    server.respond((_request, response) => {
      response.statusCode = 500;
      response.end("oops");
    });
    const unavailable = await failure(sendSlackWebhook(url, message, local));
    expect(unavailable).toMatchObject({ code: "webhook_unavailable", retryable: true, retryAfterMs: null });
    expect(unavailable.message).toContain("HTTP 500");
    expect(unavailable.message).not.toContain("s3cr3t");

    server.respond((_request, response) => {
      response.writeHead(429, { "retry-after": "7" });
      response.end("rate_limited");
    });
    expect(await failure(sendSlackWebhook(url, message, local))).toMatchObject({ code: "webhook_unavailable", retryable: true, retryAfterMs: 7_000 });

    server.respond((_request, response) => {
      response.statusCode = 404;
      response.end("no_service");
    });
    const rejected = await failure(sendSlackWebhook(url, message, local));
    expect(rejected).toMatchObject({ code: "webhook_rejected", retryable: false });
    expect(rejected.message).toContain("no_service");
  });

  it("does not follow redirects", async () => {
    server.respond((request, response) => {
      if (request.path === "/moved") {
        response.writeHead(301, { location: "/elsewhere" });
        response.end();
      } else response.end("ok");
    });
    const before = server.requests.length;
    expect(await failure(sendSlackWebhook(`http://127.0.0.1:${server.port}/moved`, message, local))).toMatchObject({ code: "webhook_redirect", retryable: false });
    expect(server.requests.slice(before).map((request) => request.path)).toEqual(["/moved"]);
  });

  it("gives up on a slow server after the timeout, as a retryable failure", async () => {
    server.respond((_request, response) => setTimeout(() => response.end("late"), 3_000));
    const started = performance.now();
    expect(await failure(sendSlackWebhook(`http://127.0.0.1:${server.port}/slow`, message, { ...local, timeoutMs: 300 }))).toMatchObject({ code: "webhook_timeout", retryable: true });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("reports a connection refused as retryable", async () => {
    const closed = await startWebhookServer();
    await closed.close();
    expect(await failure(sendSlackWebhook(`http://127.0.0.1:${closed.port}/x`, message, local))).toMatchObject({ code: "webhook_unreachable", retryable: true });
  });
});

describe("Retry-After", () => {
  const now = new Date("2026-03-04T15:00:00Z");
  it("reads seconds and HTTP dates, caps at an hour and ignores nonsense", () => {
    expect(retryAfterMs("30", now)).toBe(30_000);
    expect(retryAfterMs("Wed, 04 Mar 2026 15:01:00 GMT", now)).toBe(60_000);
    expect(retryAfterMs("86400", now)).toBe(3_600_000);
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });
});
