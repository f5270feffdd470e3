import { z } from "zod";

/**
 * Validation failures in words a person understands: "Grace minutes must be a whole number
 * from 0 to 60." instead of zod's "Too small: expected number to be >=0". Each message names
 * the field as the dashboard labels it and, for numbers, the whole allowed range (read from
 * the route's own schema, so the words cannot drift from the rule).
 */

export interface FieldProblem {
  /** machine-readable field name, dotted for nested fields ("workingHours.end"); "" for the request as a whole */
  field: string;
  /** one sentence */
  message: string;
}

/** What fastify-type-provider-zod puts in `error.validation`: the zod issue, flattened. */
export interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

/** The dashboard's words for fields; anything else is spelled out from its name. */
const LABELS: Record<string, string> = {
  timeZone: "Time zone",
  lateGraceMinutes: "Grace minutes",
  settleMinutes: "Settle window minutes",
  autoConfirmMinutes: "Minutes before a miss is confirmed on its own",
  bufferMinutes: "Buffer minutes",
  giftDelayMinutes: "Gift reminder delay (minutes)",
  "workingHours.days": "Working days",
  "workingHours.start": "Working hours start",
  "workingHours.end": "Working hours end",
  workingHours: "Working hours",
  autoSendLateNotice: "Send late notices at once",
  alertChannels: "Alert channels",
  webhookUrl: "Webhook URL",
  sendVia: "Send approved emails",
  checkInPrompt: "When you didn't tap I'm here",
  lateAlertsWithoutSignal: "Ask \u201cRunning late?\u201d for meetings we can't see",
  nudgeMinutes: "Reminder minutes",
  nudgeChannels: "Reminder channels",
  channelsByKind: "Channels per kind of alert",
  "channelsByKind.nudges": "Channels for reminders and heads-ups",
  "channelsByKind.late": "Channels for running late",
  "channelsByKind.missed": "Channels for did you miss it",
  "channelsByKind.digest": "Channels for the end-of-day summary",
  quietHours: "Quiet hours",
  "quietHours.start": "Quiet hours start",
  "quietHours.end": "Quiet hours end",
  ntfyUrl: "ntfy topic",
  ntfyToken: "ntfy access token",
  endpoint: "Endpoint",
  "keys.p256dh": "The device key (p256dh)",
  "keys.auth": "The device auth secret",
  minutes: "Minutes late",
  phone: "Phone number",
  likes: "What they like",
  giftNote: "Gift note",
  meetingId: "The meeting",
  keepMeetings: "Keep meetings",
  missed: "Missed",
  subject: "Subject",
  body: "Message",
  from: "From",
  to: "To",
  limit: "Limit",
  id: "The id in the address",
  token: "The link",
  code: "The sign-in code",
  state: "The sign-in state",
};

const CONTEXT_LABELS: Record<string, string> = { body: "The request body", querystring: "The query string", params: "The address", headers: "The request headers" };

export function fieldLabel(field: string): string {
  const known = LABELS[field];
  if (known) return known;
  const last = field.split(".").pop() ?? field;
  const words = last.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** zod's own English messages; anything else was written for people and is kept. */
const ZOD_DEFAULT = /^(Invalid input|Invalid option|Invalid (URL|string|email|UUID|ISO|date|key|element)|Too (small|big)|Unrecognized keys?|Expected |Required$)/;

/** Turns a route's validation issues into one sentence per field, in the order zod found them. */
export function describeIssues(context: string | undefined, issues: readonly ValidationIssue[], schema: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    const path = issue.instancePath.split("/").filter(Boolean);
    // Lists are placed by the list's name: "alertChannels", not "alertChannels.1".
    const field = path.filter((part) => !/^\d+$/.test(part)).join(".");
    // One sentence per field: the first says what to change; more (a string failing "list" and "at most 3") only confuse.
    if (problems.some((p) => p.field === field)) continue;
    problems.push({ field, message: sentence(context, field, issue, schemaAt(schema, path)) });
  }
  return problems;
}

function sentence(context: string | undefined, field: string, issue: ValidationIssue, node: z.ZodType | undefined): string {
  const label = field ? fieldLabel(field) : (CONTEXT_LABELS[context ?? ""] ?? "The request");
  if (!ZOD_DEFAULT.test(issue.message)) {
    // A hand-written rule: a fragment ("must be a time as HH:mm") follows the label, a sentence stands alone.
    const text = /^[A-Z]/.test(issue.message) ? issue.message : `${label} ${issue.message}`;
    return finish(text);
  }
  const params = issue.params;
  if (node instanceof z.ZodNumber || params["origin"] === "number" || params["expected"] === "number" || params["expected"] === "int") {
    if (issue.keyword === "invalid_type" && params["expected"] !== "number" && params["expected"] !== "int") return typeSentence(label, issue);
    return numberSentence(label, node instanceof z.ZodNumber ? node : undefined, issue);
  }
  switch (issue.keyword) {
    case "invalid_type":
      return typeSentence(label, issue);
    case "too_small":
      return sizeSentence(label, params, "small");
    case "too_big":
      return sizeSentence(label, params, "big");
    case "invalid_value": {
      const values = Array.isArray(params["values"]) ? params["values"].map(String) : [];
      return values.length > 0 ? `${label} must be one of: ${values.join(", ")}.` : `${label} has a value that is not allowed.`;
    }
    case "unrecognized_keys": {
      const keys = Array.isArray(params["keys"]) ? params["keys"].map(String) : [];
      const where = field ? ` in ${label.toLowerCase()}` : "";
      return keys.length === 1 ? `\u201c${keys[0]}\u201d is not a field we know${where}; leave it out.` : `${keys.map((k) => `\u201c${k}\u201d`).join(", ")} are not fields we know${where}; leave them out.`;
    }
    case "invalid_format":
      return formatSentence(label, String(params["format"] ?? ""));
    default:
      return `${label} is not valid.`;
  }
}

function numberSentence(label: string, node: z.ZodNumber | undefined, issue: ValidationIssue): string {
  const whole = node?.isInt ?? issue.params["expected"] === "int";
  const kind = whole ? "a whole number" : "a number";
  const min = bound(node?.minValue) ?? bound(issue.keyword === "too_small" ? issue.params["minimum"] : undefined);
  const max = bound(node?.maxValue) ?? bound(issue.keyword === "too_big" ? issue.params["maximum"] : undefined);
  if (min !== undefined && max !== undefined) return `${label} must be ${kind} from ${min} to ${max}.`;
  if (min !== undefined) return `${label} must be ${kind} of at least ${min}.`;
  if (max !== undefined) return `${label} must be ${kind} of at most ${max}.`;
  return `${label} must be ${kind}.`;
}

/** A bound worth saying: zod's int() adds ±2^53 limits nobody needs to read. */
function bound(value: unknown): number | undefined {
  const n = typeof value === "bigint" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined;
}

function typeSentence(label: string, issue: ValidationIssue): string {
  if (/received undefined$/.test(issue.message)) return `${label} is required.`;
  switch (issue.params["expected"]) {
    case "string":
      return `${label} must be text.`;
    case "boolean":
      return `${label} must be true or false.`;
    case "array":
      return `${label} must be a list.`;
    case "object":
      return `${label} is missing or not in the expected form.`;
    default:
      return `${label} is not in the expected form.`;
  }
}

function sizeSentence(label: string, params: Record<string, unknown>, side: "small" | "big"): string {
  const limit = bound(side === "small" ? params["minimum"] : params["maximum"]) ?? 0;
  if (params["origin"] === "string") {
    if (side === "small") return limit <= 1 ? `${label} must not be empty.` : `${label} must be at least ${limit} characters long.`;
    return `${label} must be at most ${limit} characters long.`;
  }
  if (params["origin"] === "array" || params["origin"] === "set") {
    if (side === "small") return limit <= 1 ? `${label} needs at least one choice.` : `${label} needs at least ${limit} choices.`;
    return `${label} allows at most ${limit} choices.`;
  }
  return side === "small" ? `${label} is too small.` : `${label} is too big.`;
}

function formatSentence(label: string, format: string): string {
  switch (format) {
    case "url":
      return `${label} must be a web address starting with https://.`;
    case "datetime":
      return `${label} must be a date and time with its offset, such as 2026-12-02T09:00:00Z.`;
    case "date":
      return `${label} must be a date such as 2026-12-02.`;
    case "uuid":
    case "guid":
      return `${label} is not an id we issue.`;
    case "email":
      return `${label} must be an email address.`;
    default:
      return `${label} is not in the expected form.`;
  }
}

function finish(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The schema node an issue path points at, through optional/default/nullable/pipe wrappers. */
export function schemaAt(schema: unknown, path: readonly string[]): z.ZodType | undefined {
  let node = unwrap(schema);
  for (const part of path) {
    if (node instanceof z.ZodObject) node = unwrap((node.shape as Record<string, unknown>)[part]);
    else if (node instanceof z.ZodArray) node = unwrap(node.element);
    else return undefined;
  }
  return node;
}

function unwrap(schema: unknown): z.ZodType | undefined {
  let node = schema instanceof z.ZodType ? schema : undefined;
  for (let depth = 0; node && depth < 10; depth += 1) {
    if (node instanceof z.ZodOptional || node instanceof z.ZodNullable || node instanceof z.ZodDefault || node instanceof z.ZodReadonly || node instanceof z.ZodCatch) node = node.unwrap() as z.ZodType;
    else if (node instanceof z.ZodPipe) node = node.in as z.ZodType;
    else break;
  }
  return node;
}
