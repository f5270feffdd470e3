import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AlertActionLinks } from "../../src/alerts/action-links.js";
import { actionExpiry, actionsFor } from "../../src/alerts/domain/alert-actions.js";
import { CheckInLinks } from "../../src/detection/check-in-links.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";

const ring = (fill: number) => {
  const parsed = parseKeyRing(Buffer.alloc(32, fill).toString("base64"));
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.keyRing;
};
const PUBLIC_URL = "https://makegood.example.com";
const NOW = new Date("2026-03-04T15:06:00Z");
const tokenOf = (url: string) => url.slice(`${PUBLIC_URL}/alert-action/`.length);

/** Signed answers: one alert, one user, one answer, until it expires; nothing else passes. */
describe("alert answer links", () => {
  const links = new AlertActionLinks(ring(1), PUBLIC_URL);
  const alertId = randomUUID();
  const userId = randomUUID();
  const url = links.url({ alertId, userId, action: "missed", expiresAt: new Date(NOW.getTime() + 60_000) });

  it("verifies its own link, naming the alert, the user and the one answer", () => {
    expect(links.verify(tokenOf(url), NOW)).toEqual({ ok: true, claims: { alertId, userId, action: "missed", expiresAt: new Date(NOW.getTime() + 60_000) } });
  });

  it("refuses a link past its expiry, a changed answer, another key's link and a check-in link", () => {
    expect(links.verify(tokenOf(url), new Date(NOW.getTime() + 60_000))).toEqual({ ok: false, reason: "expired" });
    const [payload, signature] = tokenOf(url).split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const swapped = Buffer.from(JSON.stringify({ ...claims, k: "attended" })).toString("base64url");
    expect(links.verify(`${swapped}.${signature}`, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    expect(new AlertActionLinks(ring(2), PUBLIC_URL).verify(tokenOf(url), NOW)).toEqual({ ok: false, reason: "bad_signature" });
    // The same key ring signs check-in links, under another derived key: one never passes as the other.
    const checkIn = new CheckInLinks(ring(1), PUBLIC_URL).url(randomUUID(), userId, new Date(NOW.getTime() + 60_000));
    expect(links.verify(checkIn.split("/check-in/")[1]!, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    expect(links.verify("not-a-token", NOW)).toEqual({ ok: false, reason: "malformed" });
  });

  it("offers the answers that fit each kind, and links about a meeting under way end two hours after it", () => {
    expect(actionsFor({ kind: "late", data: null })).toEqual(["here", "late_10"]);
    expect(actionsFor({ kind: "nudge", data: null })).toEqual(["here", "late_10"]);
    expect(actionsFor({ kind: "heads_up", data: null })).toEqual(["late_10"]);
    expect(actionsFor({ kind: "suspected_missed", data: null })).toEqual(["missed", "attended"]);
    expect(actionsFor({ kind: "digest", data: { meetingIds: [randomUUID()] } })).toEqual(["all_attended"]);
    expect(actionsFor({ kind: "needs_reauth", data: null })).toEqual([]);
    const meetingEnd = new Date("2026-03-04T16:00:00Z");
    expect(actionExpiry("here", { createdAt: NOW, meetingEnd }).toISOString()).toBe("2026-03-04T18:00:00.000Z");
    expect(actionExpiry("missed", { createdAt: NOW, meetingEnd }).toISOString()).toBe("2026-03-11T15:06:00.000Z");
  });
});
