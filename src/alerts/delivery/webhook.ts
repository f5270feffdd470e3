import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { AppError, errorMessage } from "../../platform/index.js";
import type { SlackMessage } from "./alert-message.js";
import { retryAfterMs } from "./retry-after.js";
import { resolveWebhookTarget, type WebhookAddressOptions, type WebhookTarget } from "./webhook-address.js";

export interface WebhookOptions extends WebhookAddressOptions {
  /** the whole exchange: resolving, connecting, sending and reading the reply */
  timeoutMs: number;
}

const MAX_REPLY_BYTES = 16 * 1024;

/**
 * Posts a Slack-compatible message to a user's webhook URL.
 *
 * Server-side request forgery is the risk here: the URL is user input and the request
 * leaves from inside the deployment. So: https only (unless allowed), the host resolved
 * and every address checked against the non-public ranges (webhook-address.ts), and the
 * connection made to exactly the address we checked — the socket's lookup is pinned to
 * it, so a DNS answer that changes between the check and the connect (rebinding) is never
 * used. TLS still verifies the certificate against the host name. Redirects are not
 * followed (a 3xx could point anywhere, including inside). One fresh connection per
 * request, so no pooled socket from an earlier resolution is reused.
 *
 * Failures: 408/429/5xx, timeouts and network errors are retryable (429/503 honour
 * Retry-After); other 4xx and 3xx are permanent. Messages name the host, never the path
 * (Slack's path is the secret).
 */
export async function sendSlackWebhook(url: string, payload: SlackMessage, options: WebhookOptions): Promise<{ status: number }> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const target = await withDeadline(resolveWebhookTarget(url, options), deadline, options.timeoutMs, "resolving");
  return post(target, JSON.stringify(payload), deadline, options.timeoutMs);
}

function timeoutError(timeoutMs: number, step: string, host: string): AppError {
  return new AppError(`The webhook at ${host} did not answer within ${timeoutMs} ms (${step})`, { code: "webhook_timeout", retryable: true, details: { host } });
}

async function withDeadline<T>(work: Promise<T>, deadline: AbortSignal, timeoutMs: number, step: string): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(timeoutError(timeoutMs, step, "the webhook host"));
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

function post(target: WebhookTarget, body: string, deadline: AbortSignal, timeoutMs: number): Promise<{ status: number }> {
  const host = target.url.host;
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      {
        method: "POST",
        protocol: target.url.protocol,
        hostname: target.hostname,
        port: target.url.port || undefined,
        path: `${target.url.pathname}${target.url.search}`,
        headers: { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "user-agent": "Makegood-alerts" },
        agent: false,
        lookup: pinnedLookup(target),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let reply = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (reply.length < MAX_REPLY_BYTES) reply += chunk;
        });
        response.on("error", (error) => reject(unreachable(host, error)));
        response.on("end", () => {
          if (status >= 200 && status < 300) resolve({ status });
          else reject(replyError(host, status, reply, retryAfterMs(response.headers["retry-after"], new Date())));
        });
      },
    );
    const onAbort = () => request.destroy(timeoutError(timeoutMs, "waiting for the reply", host));
    deadline.addEventListener("abort", onAbort, { once: true });
    request.on("close", () => deadline.removeEventListener("abort", onAbort));
    request.on("error", (error) => reject(error instanceof AppError ? error : unreachable(host, error)));
    request.end(body);
  });
}

function unreachable(host: string, error: unknown): AppError {
  return new AppError(`The webhook at ${host} could not be reached: ${errorMessage(error)}`, { code: "webhook_unreachable", retryable: true, cause: error, details: { host } });
}

function replyError(host: string, status: number, reply: string, retryAfter: number | null): AppError {
  const said = reply.replace(/\s+/g, " ").trim().slice(0, 200);
  const suffix = said ? `: ${said}` : "";
  const details = { host, status };
  if (status === 408 || status === 429 || status >= 500) {
    return new AppError(`The webhook at ${host} is unavailable (HTTP ${status})${suffix}`, { code: "webhook_unavailable", retryable: true, retryAfterMs: retryAfter, details });
  }
  if (status >= 300 && status < 400) {
    return new AppError(`The webhook at ${host} answered with a redirect (HTTP ${status}), which is not followed; use the final URL`, { code: "webhook_redirect", details });
  }
  return new AppError(`The webhook at ${host} refused the message (HTTP ${status})${suffix}`, { code: "webhook_rejected", details });
}
