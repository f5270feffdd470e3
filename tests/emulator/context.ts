import type { FastifyRequest } from "fastify";
import type { FaultInjector } from "./faults.js";
import type { IdTokenSigner } from "./jwt.js";
import type { RequestLog } from "./request-log.js";
import type { EmulatorState } from "./state.js";
import type { WebhookSender } from "./webhooks.js";
import type { ZoomWorld } from "./zoom/world.js";

export interface EmulatorSettings {
  accessTokenLifetimeSeconds: number;
  /** Google documents authorization codes as short-lived; Microsoft's last about 10 minutes. */
  authorizationCodeLifetimeSeconds: number;
  /** Delay after a Meet call ends before its conference record and participants can be read. */
  meetRecordLagMs: number;
  /** Delay after a Teams meeting ends before its attendance report can be read. */
  teamsReportLagMs: number;
  /** Graph gives the notification endpoint 10 seconds to echo the validation token. */
  subscriptionValidationTimeoutMs: number;
  webhookTimeoutMs: number;
  /** The largest page Zoom's lists answer (Zoom: 300); smaller in tests of paging. */
  zoomMaxPageSize: number;
}

/** Everything a provider surface needs; one instance per running emulator. */
export interface EmulatorContext {
  state: EmulatorState;
  log: RequestLog;
  faults: FaultInjector;
  webhooks: WebhookSender;
  signer: IdTokenSigner;
  settings: EmulatorSettings;
  /** the emulated Zoom: users, grants, meetings, instances, webhooks */
  zoom: ZoomWorld;
  /** https://localhost:PORT, known once the server listens. */
  baseUrl: () => string;
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

/** Form (application/x-www-form-urlencoded) or query parameters as a flat string map. */
export function stringParams(source: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (source && typeof source === "object") {
    for (const [key, value] of Object.entries(source)) if (typeof value === "string") result[key] = value;
  }
  return result;
}

/** HTTP Basic client credentials, which RFC 6749 §2.3.1 lets clients use instead of body parameters. */
export function basicCredentials(request: FastifyRequest): { clientId: string; clientSecret: string } | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Basic\s+(.+)$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const [clientId = "", clientSecret = ""] = Buffer.from(match[1], "base64").toString("utf8").split(":").map(decodeURIComponent);
  return { clientId, clientSecret };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
