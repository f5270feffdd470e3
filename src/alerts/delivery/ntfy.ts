import { AppError } from "../../platform/index.js";
import type { AlertNotification } from "../domain/index.js";
import { pinnedPost, type PinnedPostOptions } from "./pinned-post.js";
import { retryAfterMs } from "./retry-after.js";

/**
 * An alert as an ntfy message (https://docs.ntfy.sh/publish/#publish-as-json): published as
 * JSON to the server's root URL with the topic in the body, so titles and bodies need none of
 * the header encoding the plain form needs. The answers are `http` actions: the ntfy app
 * POSTs the signed link itself, so "I'm here" works from the notification without opening a
 * browser; "Open" is a `view` action to the dashboard, which is also the tap target (`click`).
 * ntfy shows at most three actions. The topic URL names a secret-ish topic and the token is a
 * credential: neither is ever logged.
 */
export interface NtfyTarget {
  /** https://ntfy.sh/<topic> or a self-hosted server's topic URL */
  topicUrl: string;
  /** an access token (`tk_…`), sent as a Bearer token */
  token: string | null;
}

export interface NtfyMessage {
  topic: string;
  title: string;
  message: string;
  priority: 1 | 2 | 3 | 4 | 5;
  tags: string[];
  click: string;
  actions: Array<{ action: "http"; label: string; url: string; method: "POST"; clear: true } | { action: "view"; label: string; url: string; clear: true }>;
}

const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

/** The server's root URL and the topic, from a topic URL; null when it names no topic. */
export function splitTopicUrl(topicUrl: string): { server: string; topic: string } | null {
  let url: URL;
  try {
    url = new URL(topicUrl);
  } catch {
    return null;
  }
  const segments = url.pathname.split("/").filter(Boolean);
  const topic = segments.pop();
  if (!topic || !TOPIC.test(topic) || url.search || url.hash) return null;
  return { server: `${url.origin}/${segments.map((segment) => `${segment}/`).join("")}`, topic };
}

/** Lock-screen loudness: questions about a meeting happening now ring; the digest does not. */
function priorityFor(kind: string): NtfyMessage["priority"] {
  if (kind === "late" || kind === "nudge" || kind === "heads_up") return 4;
  if (kind === "digest") return 2;
  return 3;
}

export function ntfyMessage(topic: string, kind: string, notification: AlertNotification): NtfyMessage {
  return {
    topic,
    title: notification.title,
    message: notification.body,
    priority: priorityFor(kind),
    tags: kind === "late" || kind === "nudge" ? ["alarm_clock"] : kind === "suspected_missed" ? ["grey_question"] : [],
    click: notification.url,
    actions: [
      ...notification.actions.slice(0, 2).map((action) => ({ action: "http" as const, label: action.title, url: action.url, method: "POST" as const, clear: true as const })),
      { action: "view" as const, label: "Open", url: notification.url, clear: true as const },
    ],
  };
}

export async function publishToNtfy(target: NtfyTarget, kind: string, notification: AlertNotification, options: PinnedPostOptions, now: () => Date): Promise<{ status: number }> {
  const split = splitTopicUrl(target.topicUrl);
  if (!split) throw new AppError("The ntfy topic URL names no topic (it should look like https://ntfy.sh/your-topic)", { code: "ntfy_url_refused" });
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const reply = await pinnedPost(split.server, { headers, body: JSON.stringify(ntfyMessage(split.topic, kind, notification)) }, { ...options, what: "ntfy server" });
  const host = new URL(split.server).host;
  if (reply.status >= 200 && reply.status < 300) return { status: reply.status };
  const said = reply.body.replace(/\s+/g, " ").trim().slice(0, 200);
  const facts = { host, status: reply.status };
  if (reply.status === 408 || reply.status === 429 || reply.status >= 500) {
    throw new AppError(`The ntfy server at ${host} is unavailable (HTTP ${reply.status})${said ? `: ${said}` : ""}`, {
      code: "ntfy_unavailable",
      retryable: true,
      retryAfterMs: retryAfterMs(reply.headers["retry-after"], now()),
      details: facts,
    });
  }
  const hint = reply.status === 401 || reply.status === 403 ? " (check the access token in the settings)" : "";
  throw new AppError(`The ntfy server at ${host} refused the message (HTTP ${reply.status})${hint}${said ? `: ${said}` : ""}`, { code: "ntfy_rejected", details: facts });
}
