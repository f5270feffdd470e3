import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { repoRoot } from "../../support/child-process.js";

/**
 * A push service of our own, over HTTPS like the real ones (the emulator's certificate, so
 * NODE_EXTRA_CA_CERTS makes it trusted): what FCM, Mozilla's autopush or Apple's service do
 * with a message, checked the way they and the browser check it.
 *
 * - VAPID (RFC 8292): `Authorization: vapid t=<JWT>, k=<key>`; the JWT is ES256, signed by the
 *   key the subscription was made with (a different key is 403, as on FCM), its `aud` is the
 *   endpoint's origin, `exp` in the future and at most 24 hours away, `sub` mailto: or https:.
 *   Anything wrong is 401/403 with the reason, and recorded as a rejection.
 * - The payload (RFC 8291 / RFC 8188 aes128gcm): decrypted with the subscriber's private key
 *   and auth secret, generated here as a browser would (ECDH P-256, 16 random bytes).
 * - TTL is required (RFC 8030 §5.2); Urgency and Topic are read.
 *
 * Each subscriber can be scripted to answer the next messages with other statuses (429 with
 * Retry-After, 5xx, 410 gone, 413 over a byte limit) to drive the sender's failure handling.
 */
export interface Subscriber {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** the messages this device received, decrypted, in order */
  received: ReceivedPush[];
}

export interface ReceivedPush {
  payload: unknown;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  claims: { aud: string; exp: number; sub: string };
  bodyBytes: number;
}

type Scripted = { status: number; headers?: Record<string, string>; body?: string };

export interface PushService {
  origin: string;
  /** a new browser subscription for `applicationServerKey` (the VAPID public key, base64url) */
  subscribe(applicationServerKey: string): Subscriber;
  /** the next answers for this subscriber, in order; afterwards 201 again */
  script(subscriber: Subscriber, answers: Scripted[]): void;
  /** every message bigger than this (encrypted bytes) is refused with 413 */
  limitBytes(subscriber: Subscriber, bytes: number | null): void;
  /** this device unsubscribed: 410 Gone from now on */
  expire(subscriber: Subscriber): void;
  /** requests refused for a bad VAPID token or an undecryptable body, with the reason */
  rejections: string[];
  /** every request that reached an endpoint, whatever the answer */
  requests: Array<{ subscriberId: string; status: number }>;
  close(): Promise<void>;
}

interface Device {
  subscriber: Subscriber;
  privateKey: Buffer;
  publicKey: Buffer;
  auth: Buffer;
  applicationServerKey: string;
  script: Scripted[];
  limit: number | null;
  gone: boolean;
}

const TLS = path.join(repoRoot, "tests", "emulator", "tls");
const DAY_SECONDS = 24 * 60 * 60;

export async function startPushService(options: { now?: () => number } = {}): Promise<PushService> {
  const now = options.now ?? Date.now;
  const devices = new Map<string, Device>();
  const rejections: string[] = [];
  const requests: PushService["requests"] = [];

  const server = createServer({ cert: readFileSync(path.join(TLS, "server.pem")), key: readFileSync(path.join(TLS, "server-key.pem")) }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, Buffer.concat(chunks), response));
  });

  function answer(response: ServerResponse, device: Device | undefined, status: number, body = "", headers: Record<string, string> = {}): void {
    if (device) requests.push({ subscriberId: device.subscriber.id, status });
    response.writeHead(status, { "content-type": "text/plain", ...headers });
    response.end(body);
  }

  function handle(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const id = /^\/push\/([\w-]+)$/.exec(request.url ?? "")?.[1];
    const device = id ? devices.get(id) : undefined;
    if (request.method !== "POST" || !device) return answer(response, undefined, 404, "no such subscription");
    const vapid = checkVapid(request.headers.authorization, device, origin, now);
    if (!vapid.ok) {
      rejections.push(vapid.reason);
      return answer(response, device, vapid.status, vapid.reason);
    }
    const ttl = Number(request.headers.ttl);
    if (request.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) {
      rejections.push("TTL header missing");
      return answer(response, device, 400, "TTL header missing");
    }
    if (device.gone) return answer(response, device, 410, "push subscription has unsubscribed or expired");
    const scripted = device.script.shift();
    if (scripted) return answer(response, device, scripted.status, scripted.body ?? "", scripted.headers);
    if (device.limit !== null && body.length > device.limit) return answer(response, device, 413, "payload too large");
    if (request.headers["content-encoding"] !== "aes128gcm") {
      rejections.push(`content-encoding ${String(request.headers["content-encoding"])}`);
      return answer(response, device, 415, "content-encoding must be aes128gcm");
    }
    let payload: unknown;
    try {
      payload = JSON.parse(decrypt(body, device).toString("utf8"));
    } catch (error) {
      rejections.push(`undecryptable: ${error instanceof Error ? error.message : String(error)}`);
      return answer(response, device, 400, "could not decrypt");
    }
    device.subscriber.received.push({
      payload,
      ttl,
      urgency: header(request.headers.urgency),
      topic: header(request.headers.topic),
      claims: vapid.claims,
      bodyBytes: body.length,
    });
    answer(response, device, 201, "", { location: `${origin}/message/${randomUUID()}` });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const origin = `https://localhost:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    rejections,
    requests,
    subscribe(applicationServerKey) {
      // As a browser does: a fresh P-256 key pair and a 16-byte auth secret per subscription.
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomUUID();
      const subscriber: Subscriber = { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") }, received: [] };
      devices.set(id, { subscriber, privateKey: ecdh.getPrivateKey(), publicKey: ecdh.getPublicKey(), auth, applicationServerKey, script: [], limit: null, gone: false });
      return subscriber;
    },
    script(subscriber, answers) {
      devices.get(subscriber.id)!.script.push(...answers);
    },
    limitBytes(subscriber, bytes) {
      devices.get(subscriber.id)!.limit = bytes;
    },
    expire(subscriber) {
      devices.get(subscriber.id)!.gone = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

type VapidCheck = { ok: true; claims: { aud: string; exp: number; sub: string } } | { ok: false; status: number; reason: string };

/** RFC 8292 §2–3: the token, its signature by the subscription's key, and its claims. */
function checkVapid(authorization: string | undefined, device: Device, origin: string, now: () => number): VapidCheck {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), ?k=([\w-]+)$/.exec(authorization ?? "");
  if (!match) return { ok: false, status: 401, reason: "Authorization is not `vapid t=…, k=…`" };
  const [, token, key] = match as unknown as [string, string, string];
  if (key !== device.applicationServerKey) return { ok: false, status: 403, reason: "k is not the key this subscription was made with" };
  const [head, claims, signature] = token.split(".") as [string, string, string];
  const header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as { alg?: string; typ?: string };
  if (header.alg !== "ES256") return { ok: false, status: 401, reason: `alg is ${String(header.alg)}, not ES256` };
  const publicKey = Buffer.from(key, "base64url");
  const verifier = createPublicKey({ key: { kty: "EC", crv: "P-256", x: publicKey.subarray(1, 33).toString("base64url"), y: publicKey.subarray(33, 65).toString("base64url") }, format: "jwk" });
  const signed = verify("sha256", Buffer.from(`${head}.${claims}`), { key: verifier, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  if (!signed) return { ok: false, status: 401, reason: "the JWT's ES256 signature does not verify" };
  const body = JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as { aud?: string; exp?: number; sub?: string };
  if (body.aud !== origin) return { ok: false, status: 401, reason: `aud ${String(body.aud)} is not the endpoint's origin ${origin}` };
  const seconds = Math.floor(now() / 1000);
  if (typeof body.exp !== "number" || body.exp <= seconds) return { ok: false, status: 401, reason: "exp is missing or past" };
  if (body.exp > seconds + DAY_SECONDS) return { ok: false, status: 401, reason: "exp is more than 24 hours away" };
  if (typeof body.sub !== "string" || !/^(mailto:|https:)/.test(body.sub)) return { ok: false, status: 401, reason: `sub ${String(body.sub)} is neither mailto: nor https:` };
  return { ok: true, claims: { aud: body.aud, exp: body.exp, sub: body.sub } };
}

/** RFC 8291 §3.4 with RFC 8188's aes128gcm framing: what the browser does with a push message. */
function decrypt(body: Buffer, device: Device): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const serverPublicKey = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, not the 65-byte server key`);
  if (records.length > recordSize) throw new Error("more than one record");
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(device.privateKey);
  const shared = ecdh.computeSecret(serverPublicKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), device.publicKey, serverPublicKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, device.auth, keyInfo, 32));
  const contentKey = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", contentKey, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then any zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error("the last record has no 0x02 delimiter");
  return padded.subarray(0, end);
}
