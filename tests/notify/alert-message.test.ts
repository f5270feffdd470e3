import { describe, expect, it } from "vitest";
import { alertLinks } from "../../src/alerts/delivery/alert-links.js";
import { renderAlertEmail, renderAlertSlack, type AlertMessageInput } from "../../src/alerts/delivery/alert-message.js";
import { messageIdFor } from "../../src/alerts/delivery/mailer.js";

const PUBLIC_URL = "https://makegood.example.com";

const input = (overrides: Partial<AlertMessageInput> = {}): AlertMessageInput => ({
  alert: {
    title: "Did you miss <Q3 review>?",
    body: "Are you sure? We saw no sign that you joined.\n\nIf you were there, mark it attended.",
    data: { links: [{ label: "Yes, I missed it", url: "/?meeting=m1&action=confirm" }, { label: "I was there", url: "https://makegood.example.com/?meeting=m1&action=deny" }] },
  },
  meeting: { title: "Q3 review", start: new Date("2026-07-01T08:00:00Z"), end: new Date("2026-07-01T08:30:00Z") },
  timeZone: "Asia/Tokyo",
  publicUrl: PUBLIC_URL,
  ...overrides,
});

describe("alert messages", () => {
  it("writes the meeting time in the user's zone, in the text and the HTML", () => {
    const email = renderAlertEmail(input());
    expect(email.subject).toBe("Did you miss <Q3 review>?");
    expect(email.text).toContain("When: Wed, Jul 1, 5:00–5:30 PM GMT+9");
    expect(email.html).toContain("5:00–5:30 PM GMT+9");
    expect(renderAlertEmail(input({ timeZone: "Europe/Berlin" })).text).toContain("When: Wed, Jul 1, 10:00–10:30 AM GMT+2");
  });

  it("escapes what came from a calendar and keeps paragraphs", () => {
    const email = renderAlertEmail(input());
    expect(email.html).toContain("Did you miss &lt;Q3 review&gt;?");
    expect(email.html).not.toContain("<Q3 review>");
    expect(email.html).toContain("<p>Are you sure? We saw no sign that you joined.</p><p>If you were there, mark it attended.</p>");
    expect(email.html).toContain('href="https://makegood.example.com/?meeting=m1&amp;action=confirm"');
  });

  it("renders only http(s) links, resolving relative ones against the public URL", () => {
    const links = alertLinks(
      {
        links: [
          { label: "ok", url: "/check-in/t" },
          { label: "script", url: "javascript:alert(1)" },
          { label: "data", url: "data:text/html,<b>x</b>" },
          { label: "", url: "https://makegood.example.com/empty-label" },
          { label: "quote", url: 'https://x.example.com/a"onmouseover="b' },
          "not a link",
          { label: 3, url: "https://x.example.com" },
        ],
      },
      PUBLIC_URL,
    );
    expect(links).toEqual([
      { label: "ok", url: "https://makegood.example.com/check-in/t" },
      { label: "quote", url: "https://x.example.com/a%22onmouseover=%22b" },
    ]);
    expect(alertLinks(null, PUBLIC_URL)).toEqual([]);
    expect(alertLinks({ links: "nope" }, PUBLIC_URL)).toEqual([]);
  });

  it("falls back to UTC for an unknown zone rather than failing", () => {
    expect(renderAlertEmail(input({ timeZone: "Mars/Olympus" })).text).toContain("When: Wed, Jul 1, 8:00–8:30 AM UTC");
  });

  it("omits the meeting lines for an alert about no meeting", () => {
    const email = renderAlertEmail(input({ meeting: null, alert: { title: "Reconnect your Google calendar", body: "Access was revoked.", data: null } }));
    expect(email.text).not.toContain("When:");
    expect(email.text).toContain("Open Makegood: https://makegood.example.com/");
  });

  it("builds Slack blocks with escaped text and <url|label> links", () => {
    const slack = renderAlertSlack(input({ alert: { title: "A & B <x>", body: "Body", data: { links: [{ label: "Go > there", url: "https://x.example.com/a|b" }] } } }));
    expect(slack.text).toBe("A & B <x>");
    expect(slack.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "*A &amp; B &lt;x&gt;*\nBody" } });
    expect(slack.blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "<https://x.example.com/a%7Cb|Go &gt; there>  ·  <https://makegood.example.com/|Open Makegood>" },
    });
    expect(slack.blocks[2]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "Q3 review · Wed, Jul 1, 5:00–5:30 PM GMT+9" }] });
  });
});

describe("Message-IDs", () => {
  it("derive from the idempotency key and the public host", () => {
    expect(messageIdFor("alert:6f1c2b9e-0000-4000-8000-000000000001:email", PUBLIC_URL)).toBe("<alert.6f1c2b9e-0000-4000-8000-000000000001.email@makegood.example.com>");
    expect(messageIdFor("alert:x:email", "http://127.0.0.1:3000")).toBe("<alert.x.email@makegood.local>");
    const odd = messageIdFor("draft:a b<c>", PUBLIC_URL);
    expect(odd).toMatch(/^<h\.[0-9a-f]{40}@makegood\.example\.com>$/);
    expect(messageIdFor("draft:a b<c>", PUBLIC_URL)).toBe(odd);
    expect(messageIdFor("a:b", PUBLIC_URL)).not.toBe(messageIdFor("a.b", PUBLIC_URL));
  });
});
