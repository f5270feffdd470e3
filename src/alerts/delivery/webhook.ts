import { AppError } from "../../platform/index.js";
import type { SlackMessage } from "./alert-message.js";
import { retryAfterMs } from "./retry-after.js";
import { pinnedPost, type PinnedPostOptions } from "./pinned-post.js";

export type WebhookOptions = PinnedPostOptions;

/**
 * Posts a Slack-compatible message to a user's webhook URL.
 *
 * Server-side request forgery is the risk here: the URL is user input and the request
 * leaves from inside the deployment; pinned-post.ts makes the request to the one address
 * it checked, and follows no redirect (a 3xx could point anywhere, including inside).
 *
 * Failures: 408/429/5xx, timeouts and network errors are retryable (429/503 honour
 * Retry-After); other 4xx and 3xx are permanent. Messages name the host, never the path
 * (Slack's path is the secret).
 */
export async function sendSlackWebhook(url: string, payload: SlackMessage, options: WebhookOptions): Promise<{ status: number }> {
  const reply = await pinnedPost(url, { headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(payload) }, { ...options, what: "webhook" });
  const host = new URL(url).host;
  if (reply.status >= 200 && reply.status < 300) return { status: reply.status };
  throw replyError(host, reply.status, reply.body, retryAfterMs(reply.headers["retry-after"], new Date()));
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
