import { IANAZone } from "luxon";
import { formatMeetingTime } from "../../platform/index.js";
import { alertLinks, type AlertLink } from "./alert-links.js";

/**
 * An alert as the user reads it outside the app: an email (subject, plain text, HTML) or
 * a Slack-compatible webhook message. Pure: no I/O, no clock.
 *
 * Decisions:
 * - The alert's own title and body (already worded by whoever raised it) are the message;
 *   this adds the meeting's time in the user's zone, the actions the alert carries and a
 *   way back to the dashboard. Nothing is re-worded here.
 * - Everything that came from a calendar or a user is escaped for its medium (HTML
 *   entities; Slack's `&`, `<`, `>`), and links are http(s) only (see `alertLinks`).
 * - An unknown time zone in the settings falls back to UTC and says so ("UTC") rather
 *   than failing the delivery: a slightly less friendly time beats no alert.
 */

export interface AlertForMessage {
  title: string;
  body: string;
  /** the alert's `data` JSON; `{ links: [{ label, url }] }` is used */
  data: unknown;
}

export interface MeetingForMessage {
  title: string;
  start: Date;
  end: Date;
}

export interface AlertMessageInput {
  alert: AlertForMessage;
  meeting: MeetingForMessage | null;
  /** the user's IANA zone (settings), in which the meeting time is written */
  timeZone: string;
  /** where the dashboard is reached, without a trailing slash */
  publicUrl: string;
  locale?: string;
  /** the alert's answers as signed links ("I'm here", …): Slack shows them as buttons */
  answers?: ReadonlyArray<{ title: string; url: string }>;
}

export interface AlertEmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Slack's incoming-webhook shape: `text` is the notification fallback, `blocks` the layout. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: Array<{ type: "mrkdwn"; text: string }> }
  | { type: "actions"; elements: SlackButton[] };

/** A Block Kit link button: Slack opens `url` in the browser (the answer page, which asks once more). */
export interface SlackButton {
  type: "button";
  text: { type: "plain_text"; text: string };
  url: string;
  action_id: string;
  style?: "primary";
}

const FOOTER = "You get this because email alerts are on in your Makegood settings.";
// Slack refuses a section text over 3,000 characters; leave room for the title.
const SLACK_SECTION_LIMIT = 2_900;

interface Parts {
  title: string;
  body: string;
  meetingTitle: string | null;
  when: string | null;
  links: AlertLink[];
  dashboardUrl: string;
}

function parts(input: AlertMessageInput): Parts {
  const zone = IANAZone.isValidZone(input.timeZone) ? input.timeZone : "UTC";
  const meeting = input.meeting;
  return {
    title: oneLine(input.alert.title) || "Makegood alert",
    body: input.alert.body.trim(),
    meetingTitle: meeting ? oneLine(meeting.title) || null : null,
    when: meeting ? formatMeetingTime(meeting.start, meeting.end, zone, input.locale) : null,
    links: alertLinks(input.alert.data, input.publicUrl),
    dashboardUrl: `${input.publicUrl}/`,
  };
}

export function renderAlertEmail(input: AlertMessageInput): AlertEmailContent {
  const p = parts(input);
  return { subject: p.title, text: emailText(p), html: emailHtml(p) };
}

function emailText(p: Parts): string {
  const details = [p.meetingTitle ? `Meeting: ${p.meetingTitle}` : "", p.when ? `When: ${p.when}` : ""].filter(Boolean).join("\n");
  const actions = p.links.map((link) => `${link.label}: ${link.url}`).join("\n");
  return [p.title, p.body, details, actions, `Open Makegood: ${p.dashboardUrl}`, `--\n${FOOTER}`].filter(Boolean).join("\n\n") + "\n";
}

function emailHtml(p: Parts): string {
  const details = [
    p.meetingTitle ? `<p style="margin:0"><strong>Meeting:</strong> ${escapeHtml(p.meetingTitle)}</p>` : "",
    p.when ? `<p style="margin:0"><strong>When:</strong> ${escapeHtml(p.when)}</p>` : "",
  ].join("");
  const button = "display:inline-block;margin:0 8px 8px 0;padding:8px 14px;border-radius:4px;background:#1f5fbf;color:#ffffff;text-decoration:none";
  const actions = p.links.map((link) => `<a href="${escapeHtml(link.url)}" style="${button}">${escapeHtml(link.label)}</a>`).join("");
  const body = p.body
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>")}</p>`)
    .join("");
  return [
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(p.title)}</title></head>`,
    `<body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a">`,
    `<h1 style="font-size:20px">${escapeHtml(p.title)}</h1>`,
    body,
    details ? `<div style="margin:16px 0">${details}</div>` : "",
    actions ? `<p>${actions}</p>` : "",
    `<p><a href="${escapeHtml(p.dashboardUrl)}">Open Makegood</a></p>`,
    `<p style="font-size:12px;color:#666666">${escapeHtml(FOOTER)}</p>`,
    `</body></html>`,
  ].join("\n");
}

export function renderAlertSlack(input: AlertMessageInput): SlackMessage {
  const p = parts(input);
  const blocks: SlackBlock[] = [{ type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(p.title)}*\n${escapeSlack(truncate(p.body, SLACK_SECTION_LIMIT))}` } }];
  const answers = input.answers ?? [];
  if (answers.length > 0) {
    // The answers act through their signed links; the alert's own dashboard links would repeat them.
    const buttons: SlackButton[] = answers.map((answer, index) => ({ type: "button", text: { type: "plain_text", text: truncate(answer.title, 75) }, url: answer.url, action_id: `answer-${index}`, ...(index === 0 ? { style: "primary" as const } : {}) }));
    buttons.push({ type: "button", text: { type: "plain_text", text: "Open Makegood" }, url: p.dashboardUrl, action_id: "open" });
    blocks.push({ type: "actions", elements: buttons });
  } else {
    const links = [...p.links, { label: "Open Makegood", url: p.dashboardUrl }];
    blocks.push({ type: "section", text: { type: "mrkdwn", text: links.map((link) => `<${slackUrl(link.url)}|${escapeSlack(link.label)}>`).join("  ·  ") } });
  }
  const context = [p.meetingTitle, p.when].filter((value): value is string => Boolean(value));
  if (context.length > 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: escapeSlack(context.join(" · ")) }] });
  return { text: p.title, blocks };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Slack's mrkdwn reserves exactly these three (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Inside `<url|label>` a `|` or `>` in the URL would end it early; the URL parser leaves `|` as is. */
function slackUrl(url: string): string {
  return url.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
