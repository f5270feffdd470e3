import fc from "fast-check";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUserWithMeetings } from "../support/seed.js";
import { startHarness, type Harness } from "../support/service-harness.js";

/**
 * A seeded fuzz over the app's own route table: every route, signed in (with the right Origin,
 * so the same-origin check lets the request reach the route) and signed out, with values
 * nobody should send. No answer may be 5xx, and every refusal in JSON has the standard
 * `{ error: { code, message } }` body. The seed is fixed, so a failure reproduces; change
 * FUZZ_SEED to explore further.
 */
const SEED = Number(process.env["FUZZ_SEED"] ?? 13);
const MINUTE = 60_000;
/** Routes that render HTML for a person (OAuth callbacks, check-in and answer links, the outbox preview, the dashboard). */
const HTML_ROUTES = /^\/(auth\/(google|microsoft)\/callback|auth\/zoom|check-in\/|alert-action\/|outbox|$|docs)/;

interface Answer {
  label: string;
  status: number;
  contentType: string;
  text: string;
}

/** Values a schema never asked for: wrong types, NUL, dates out of range, extreme numbers. */
const nastyScalar = fc.oneof(
  fc.constantFrom<unknown>(
    "\u0000",
    "a\u0000b",
    "\uD800",
    "0000-01-01",
    "0000-01-01T00:00:00Z",
    "+099999-01-01T00:00:00Z",
    "99999-12-31",
    "2026-13-45T25:61:00Z",
    -1,
    -0,
    2 ** 53 + 1,
    -(2 ** 63),
    1e308,
    0.5,
    "",
    " ",
    true,
    null,
    "x".repeat(20_000),
    "UTC+5",
    "system",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "'; drop table users; --",
  ),
  fc.string({ maxLength: 40, unit: "binary" }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
);
const nastyValue = fc.oneof(
  { weight: 4, arbitrary: nastyScalar },
  { weight: 1, arbitrary: fc.array(nastyScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), nastyScalar, { maxKeys: 3 }) },
);
/** Path and query text: raw, so broken %-escapes reach the server as they are. */
const nastyText = fc.oneof(
  fc.constantFrom("%00", "%zz", "%", "%E0%A4%A", "%C0%80", "%FF%FE", "0000-01-01", "%2B099999-01-01", "-1", "99999999999999999999", "1e308", "NaN", "%5B%5D", "a%00b", "..%2F..%2F", "%0D%0Aset-cookie:x=1"),
  fc.string({ maxLength: 30 }).map((text) => encodeURIComponent(text)),
  fc.nat({ max: 3000 }).map((length) => "9".repeat(length)),
);

function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}

/** Field names the route declares (from the OpenAPI document), so the fuzz hits real fields with wrong values. */
function fieldsOf(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

/** One HTTP/1.1 request over a raw socket: what fetch would refuse to send (or fix) is sent as it is. */
function rawRequest(port: number, head: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // The server may close before it has read everything we sent (it answered already).
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error)));
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [headers = "", ...rest] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: ([^\r\n]*)/i.exec(headers)?.[1] ?? "";
      resolve({ label: head.split("\r\n")[0]!.slice(0, 80), status, contentType, text: rest.join("\r\n\r\n") });
    });
    socket.write(`${head}\r\nhost: localhost\r\nconnection: close\r\n\r\n`);
  });
}

describe("fuzz over the route table", () => {
  let harness: Harness;
  let cookie: string;
  let userId: string;
  /** real ids of the signed-in user's objects, so fuzzed queries and bodies reach the services behind the routes */
  const real = { meeting: "", case: "", draft: "", token: "" };
  let client = 0;
  const port = () => Number(new URL(harness.baseUrl).port);

  /** A fresh session: the fuzz signs out (POST /auth/sign-out), and later requests must still be signed in. */
  async function signIn(): Promise<void> {
    const { token } = await harness.service.services.sessions.create(userId);
    cookie = `mg_session=${harness.service.app.signCookie(token)}`;
  }

  beforeAll(async () => {
    harness = await startHarness({ logLevel: "warn" });
    const now = Date.now();
    const db = harness.service.services.db;
    let meetingIds: string[];
    ({ userId, meetingIds } = await seedUserWithMeetings(db, {
      meetings: [
        { title: "Design review", start: new Date(now - 10 * MINUTE), end: new Date(now + 30 * MINUTE) },
        { title: "Pitch", start: new Date(now - 120 * MINUTE), end: new Date(now - 90 * MINUTE) },
      ],
    }));
    const missed = await db.recoveryCase.create({ data: { userId, meetingId: meetingIds[1]!, openedAt: new Date(now - 80 * MINUTE) } });
    const draft = await db.draft.create({
      data: { userId, caseId: missed.id, meetingId: meetingIds[1]!, kind: "thank_you", to: ["client@else.example"], subject: "Thank you", body: "Thank you for your time.", idempotencyKey: `case:${missed.id}:thank_you` },
    });
    const link = harness.service.services.checkIns.url(meetingIds[0]!, userId, new Date(now + 60 * MINUTE));
    Object.assign(real, {
      meeting: meetingIds[0]!,
      case: missed.id,
      draft: draft.id,
      token: new URL(link).pathname.split("/").pop()!,
    });
    await signIn();
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  async function send(label: string, method: string, path: string, options: { signedIn: boolean; body?: string | undefined; type?: string | undefined; headers?: Record<string, string> }): Promise<Answer> {
    // Each request comes from its own address, so the routes' rate limits never answer for the fuzz.
    client += 1;
    const headers: Record<string, string> = { accept: "application/json", "x-forwarded-for": `198.19.${(client >> 8) & 255}.${client & 255}`, ...options.headers };
    if (options.signedIn) Object.assign(headers, { cookie, origin: harness.baseUrl });
    if (options.type) headers["content-type"] = options.type;
    const hasBody = options.body !== undefined && method !== "GET";
    const response = await fetch(`${harness.baseUrl}${path}`, { method, headers, body: hasBody ? options.body : undefined, redirect: "manual" });
    const shown = path.length > 100 ? `${path.slice(0, 100)}…` : path;
    return {
      label: `${label} ${options.signedIn ? "signed in" : "signed out"}: ${method} ${shown} ${hasBody ? JSON.stringify(options.body).slice(0, 60) : ""}`,
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      text: await response.text(),
    };
  }

  /** What is wrong with an answer, or undefined when it is fine. */
  function problemWith(answer: Answer, url: string): string | undefined {
    if (answer.status >= 500 || answer.status === 0) return `${answer.status} ${answer.text.slice(0, 160)}`;
    if (answer.status < 400) return undefined;
    if (HTML_ROUTES.test(url) && answer.contentType.startsWith("text/html")) return undefined;
    if (!answer.contentType.startsWith("application/json")) return `${answer.status} as ${answer.contentType || "no content type"}: ${answer.text.slice(0, 120)}`;
    try {
      const parsed = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
      if (typeof parsed.error?.code === "string" && typeof parsed.error.message === "string") return undefined;
    } catch {
      // reported below
    }
    return `${answer.status} without the standard error body: ${answer.text.slice(0, 160)}`;
  }

  it("no route answers 5xx or a non-standard error body to fuzzed params, queries and bodies", async () => {
    const app = harness.service.app;
    // The alert stream stays open by design; bad-input and access-control cover it.
    const routes = app.routeTable.filter((route) => route.url !== "/api/alerts/stream");
    expect(routes.length).toBeGreaterThan(30);
    const document = app.swagger() as { paths?: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema?: unknown }> } }>> };
    const problems: string[] = [];
    let requests = 0;
    const statuses = new Map<number, number>();

    for (const [index, route] of routes.entries()) {
      const operation = document.paths?.[route.url.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()];
      const queryFields = (operation?.parameters ?? []).filter((parameter) => parameter.in === "query").map((parameter) => parameter.name);
      const bodyFields = fieldsOf(operation?.requestBody?.content?.["application/json"]?.schema);
      const seed = SEED * 1000 + index;
      const texts = sample(nastyText, 24, seed);
      const values = sample(nastyValue, 40, seed + 1);
      const wholeBodies = sample(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(nastyValue, { maxLength: 3 })), 4, seed + 2);

      for (const signedIn of [true, false]) {
        const attempts: Array<{ label: string; path: string; body?: string; type?: string; method?: string; headers?: Record<string, string> }> = [];
        for (let i = 0; i < 6; i += 1) {
          let n = 0;
          const path = route.url.replace(/:(\w+)/g, () => texts[(i * 3 + n++) % texts.length]!).replace("*", texts[i]!);
          const keys = [...queryFields, "from", "to", "limit", "code", "state"].slice(0, 6);
          const query = keys.map((key, k) => `${key}=${texts[(i + k * 5) % texts.length]}`).join("&");
          const fields = bodyFields.length > 0 ? bodyFields : ["minutes", "missed", "subject", "body"];
          const object = Object.fromEntries(fields.map((field, f) => [field, values[(i * 7 + f) % values.length]]));
          attempts.push({ label: "fuzz", path: `${path}?${query}`, body: JSON.stringify(object), type: "application/json" });
        }
        // The same fuzz on the user's own objects: past the "not found" and into the services.
        const own = route.url
          .replace(/^(\/api\/(meetings|cases|drafts))\/:id/, (_match, prefix: string, kind: string) => `${prefix}/${kind === "meetings" ? real.meeting : kind === "cases" ? real.case : real.draft}`)
          .replace(":token", real.token)
          .replace(":kind", "call_reminder");
        if (own !== route.url && !own.includes(":") && route.method !== "DELETE") {
          for (let i = 6; i < 12; i += 1) {
            const fields = bodyFields.length > 0 ? bodyFields : ["minutes", "missed", "subject", "body"];
            const object = Object.fromEntries(fields.map((field, f) => [field, values[(i * 7 + f) % values.length]]));
            const query = [...queryFields, "from"].map((key, k) => `${key}=${texts[(i + k * 5) % texts.length]}`).join("&");
            attempts.push({ label: "fuzz own", path: `${own}?${query}`, body: JSON.stringify(object), type: "application/json" });
          }
          attempts.push({ label: "own, empty body", path: own, body: "", type: "application/json" });
          attempts.push({ label: "own, array body", path: own, body: "[]", type: "application/json" });
          attempts.push({ label: "own, NUL everywhere", path: own, body: JSON.stringify(Object.fromEntries((bodyFields.length > 0 ? bodyFields : ["x"]).map((field) => [field, "a\u0000b"]))), type: "application/json" });
          attempts.push({ label: "own, year 0", path: `${own}?from=0000-01-01&to=%2B099999-01-01`, body: JSON.stringify(Object.fromEntries((bodyFields.length > 0 ? bodyFields : ["x"]).map((field) => [field, "0000-01-01T00:00:00Z"]))), type: "application/json" });
          // Year 10000: past what PostgreSQL's timestamp input reads as a four-digit year.
          attempts.push({ label: "own, year 10000", path: `${own}?${[...queryFields, "from", "to"].map((key) => `${key}=10000-01-01`).join("&")}`, body: JSON.stringify(Object.fromEntries((bodyFields.length > 0 ? bodyFields : ["x"]).map((field) => [field, "10000-01-01T00:00:00Z"]))), type: "application/json" });
          // NUL in every query field the route declares (PostgreSQL refuses NUL in text: 22021).
          if (queryFields.length > 0) attempts.push({ label: "own, NUL in every query field", path: `${own}?${queryFields.map((key) => `${key}=a%00b`).join("&")}` });
          // NUL inside strings nested in arrays and objects.
          attempts.push({ label: "own, nested NUL", path: own, body: JSON.stringify(Object.fromEntries((bodyFields.length > 0 ? bodyFields : ["x"]).map((field) => [field, ["a\u0000b", { a: "\u0000" }]]))), type: "application/json" });
        }
        const plain = route.url.replace(/:(\w+)/g, "x").replace("*", "x");
        for (const whole of wholeBodies) attempts.push({ label: "whole body", path: plain, body: JSON.stringify(whole), type: "application/json" });
        attempts.push({ label: "empty body", path: plain, body: "", type: "application/json" });
        attempts.push({ label: "array for an object", path: plain, body: JSON.stringify([{}]), type: "application/json" });
        attempts.push({ label: "deep JSON", path: plain, body: `${"[".repeat(10_000)}${"]".repeat(10_000)}`, type: "application/json" });
        attempts.push({ label: "deep object", path: plain, body: `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`, type: "application/json" });
        attempts.push({ label: "1 MB body", path: plain, body: JSON.stringify({ subject: "x".repeat(1024 * 1024) }), type: "application/json" });
        attempts.push({ label: "wrong content type", path: plain, body: "<a/>", type: "application/xml" });
        for (const type of ["text/plain", "multipart/form-data; boundary=x", "application/octet-stream", "application/json-patch+json", "text/html"]) {
          attempts.push({ label: `content type ${type}`, path: plain, body: "{}", type });
        }
        attempts.push({ label: "1 MB body of the wrong type", path: plain, body: "x".repeat(1024 * 1024 + 1), type: "text/plain" });
        attempts.push({ label: "1 MB form body", path: plain, body: `a=${"x".repeat(1024 * 1024)}`, type: "application/x-www-form-urlencoded" });
        attempts.push({ label: "NUL in every param", path: route.url.replace(/:(\w+)/g, "a%00b").replace("*", "a%00b") });
        attempts.push({ label: "year 0 in every param", path: route.url.replace(/:(\w+)/g, "0000-01-01").replace("*", "0000-01-01") });
        attempts.push({ label: "form body", path: plain, body: "a=%00&a=1&b=%zz", type: "application/x-www-form-urlencoded" });
        attempts.push({ label: "bad %-escape", path: `${route.url.replace(/:(\w+)/g, "%E0%A4%A").replace("*", "%zz")}?from=%zz` });
        attempts.push({ label: "long id", path: route.url.replace(/:(\w+)/g, "a".repeat(5000)).replace("*", "a".repeat(5000)) });
        attempts.push({ label: "repeated query keys", path: `${plain}?from=1&from=2&to=%00&to=&limit=1&limit=x` });
        // A person's browser: HTML routes may answer their page, the others still the JSON error.
        attempts.push({ label: "browser", path: `${plain}?from=0000-01-01`, body: "{}", type: "application/json", headers: { accept: "text/html,application/xhtml+xml" } });
        attempts.push({ label: "odd charset", path: plain, body: "{}", type: "application/json; charset=latin1" });
        attempts.push({ label: "BOM", path: plain, body: "\uFEFF{}", type: "application/json" });
        attempts.push({ label: "no content type", path: plain, body: "{}" });
        attempts.push({ label: "another method", path: plain, method: route.method === "GET" ? "PATCH" : "OPTIONS" });
        for (const attempt of attempts) {
          if (signedIn) await signIn();
          requests += 1;
          const answer = await send(attempt.label, attempt.method ?? route.method, attempt.path, { signedIn, body: attempt.body, type: attempt.type, ...(attempt.headers ? { headers: attempt.headers } : {}) });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const problem = problemWith(answer, route.url);
          if (problem) problems.push(`${answer.label} → ${problem}`);
        }
      }
    }
    if (process.env["FUZZ_VERBOSE"]) process.stderr.write(`${requests} requests: ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(requests).toBeGreaterThan(1500);
    // Signed in, some requests must get through: otherwise the fuzz only ever met the sign-in check.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  }, 120_000);

  const json = (answer: Answer) => JSON.parse(answer.text) as { error: unknown };
  const standard = expect.objectContaining({ code: expect.any(String), message: expect.any(String) });

  it("answers a 1 MB body 413 and a wrong content type 415 with the standard error body", async () => {
    await signIn();
    const tooLarge = await send("1 MB body", "PUT", "/api/settings", { signedIn: true, body: JSON.stringify({ timeZone: "x".repeat(1024 * 1024) }), type: "application/json" });
    expect(tooLarge.status, tooLarge.text).toBe(413);
    expect(json(tooLarge).error).toEqual(standard);
    const wrongType = await send("xml", "PUT", "/api/settings", { signedIn: true, body: "<a/>", type: "application/xml" });
    expect(wrongType.status, wrongType.text).toBe(415);
    expect(json(wrongType).error).toEqual(standard);
  });

  it("answers a broken %-escape 400 and an over-long id 414 with the standard error body", async () => {
    await signIn();
    const badEscape = await send("bad escape", "GET", "/api/drafts/%E0%A4%A", { signedIn: true });
    expect(badEscape.status, badEscape.text).toBe(400);
    expect(json(badEscape).error).toEqual(standard);
    const longId = await send("long id", "GET", `/api/drafts/${"a".repeat(5000)}`, { signedIn: true });
    expect(longId.status, longId.text).toBe(414);
    expect(json(longId).error).toEqual(standard);
  });

  // Node's HTTP parser answers these itself, before Fastify sees a request.
  it("answers an address longer than Node's limit 414 with the standard error body", async () => {
    const longUrl = await rawRequest(port(), `GET /api/meetings?from=${"9".repeat(40_000)} HTTP/1.1`);
    expect(longUrl.status, longUrl.text).toBe(414);
    expect(longUrl.contentType).toMatch(/^application\/json/);
    expect(json(longUrl).error).toEqual(standard);
  });

  it("answers headers larger than Node's limit 431 with the standard error body", async () => {
    const bigHeader = await rawRequest(port(), `GET /api/meetings HTTP/1.1\r\nx-filler: ${"h".repeat(40_000)}`);
    expect(bigHeader.status, bigHeader.text).toBe(431);
    expect(bigHeader.contentType).toMatch(/^application\/json/);
    expect(json(bigHeader).error).toEqual(standard);
  });

  it("answers a request line that is not HTTP 400 with the standard error body", async () => {
    const garbage = await rawRequest(port(), "GET /a b c\u0000 HTTP/1.1");
    expect(garbage.status, garbage.text).toBe(400);
    expect(json(garbage).error).toEqual(standard);
  });
});
