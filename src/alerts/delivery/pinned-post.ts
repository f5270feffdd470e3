import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { AppError, errorMessage } from "../../platform/index.js";
import { resolveWebhookTarget, type WebhookAddressOptions, type WebhookTarget } from "./webhook-address.js";

/**
 * One POST to a user-given URL (a Slack webhook, a push service endpoint, an ntfy server),
 * safe against server-side request forgery: https only (unless allowed), the host resolved
 * and every address checked (webhook-address.ts), and the connection made to exactly the
 * address we checked — the socket's lookup is pinned to it, so a DNS answer that changes
 * between the check and the connect (rebinding) is never used. TLS still verifies the
 * certificate against the host name. Redirects are not followed. One fresh connection per
 * request. Any HTTP answer is returned as it is (the caller classifies it); network errors
 * and the deadline throw retryable AppErrors naming the host (`what` says which kind).
 */
export interface PinnedPostOptions extends WebhookAddressOptions {
  /** the whole exchange: resolving, connecting, sending and reading the reply */
  timeoutMs: number;
}

export interface PinnedReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** the first 16 KB of the answer */
  body: string;
}

const MAX_REPLY_BYTES = 16 * 1024;

export async function pinnedPost(
  url: string,
  request: { headers: Record<string, string | number>; body: string | Buffer },
  options: PinnedPostOptions & { what: string },
): Promise<PinnedReply> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const target = await withDeadline(resolveWebhookTarget(url, options), deadline, options, hostOf(url));
  return post(target, request, deadline, options);
}

function timeoutError(options: { timeoutMs: number; what: string }, step: string, host: string): AppError {
  return new AppError(`The ${options.what} at ${host} did not answer within ${options.timeoutMs} ms (${step})`, { code: "webhook_timeout", retryable: true, details: { host } });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "its host";
  }
}

async function withDeadline<T>(work: Promise<T>, deadline: AbortSignal, options: { timeoutMs: number; what: string }, host: string): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(timeoutError(options, "resolving", host));
    if (deadline.aborted) onAbort();
    else deadline.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) deadline.removeEventListener("abort", onAbort);
  }
}

/**
 * A lookup that answers with the vetted address, whatever name it is asked about. Node 20
 * asks with `all: true` (happy eyeballs) or without; both get the one address.
 */
function pinnedLookup(target: WebhookTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

function post(target: WebhookTarget, request: { headers: Record<string, string | number>; body: string | Buffer }, deadline: AbortSignal, options: { timeoutMs: number; what: string }): Promise<PinnedReply> {
  const host = target.url.host;
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      {
        method: "POST",
        protocol: target.url.protocol,
        hostname: target.hostname,
        port: target.url.port || undefined,
        path: `${target.url.pathname}${target.url.search}`,
        headers: { "user-agent": "Makegood-alerts", ...request.headers, "content-length": Buffer.byteLength(request.body) },
        agent: false,
        lookup: pinnedLookup(target),
      },
      (response) => {
        let reply = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (reply.length < MAX_REPLY_BYTES) reply += chunk;
        });
        response.on("error", (error) => reject(unreachable(options, host, error)));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: reply }));
      },
    );
    const onAbort = () => outgoing.destroy(timeoutError(options, "waiting for the reply", host));
    deadline.addEventListener("abort", onAbort, { once: true });
    outgoing.on("close", () => deadline.removeEventListener("abort", onAbort));
    outgoing.on("error", (error) => reject(error instanceof AppError ? error : unreachable(options, host, error)));
    outgoing.end(request.body);
  });
}

function unreachable(options: { what: string }, host: string, error: unknown): AppError {
  return new AppError(`The ${options.what} at ${host} could not be reached: ${errorMessage(error)}`, { code: "webhook_unreachable", retryable: true, cause: error, details: { host } });
}
