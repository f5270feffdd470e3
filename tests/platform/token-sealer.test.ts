import { describe, expect, it } from "vitest";
import { parseKeyRing, type KeyRing } from "../../src/platform/key-ring.js";
import { TokenSealer } from "../../src/platform/token-sealer.js";

const keyA = Buffer.alloc(32, 1).toString("base64");
const keyB = Buffer.alloc(32, 2).toString("base64");

function ring(value: string): KeyRing {
  const parsed = parseKeyRing(value);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.keyRing;
}

describe("token sealing", () => {
  it("opens what it sealed and never stores the plaintext", () => {
    const sealer = new TokenSealer(ring(`a:${keyA}`));
    const sealed = sealer.seal("ya29.secret-access-token", "connection-1");
    expect(sealed).not.toContain("secret");
    expect(sealed.startsWith("v1.a.")).toBe(true);
    expect(sealer.open(sealed, "connection-1")).toBe("ya29.secret-access-token");
  });

  it("binds a sealed token to its row: it does not open under another context", () => {
    const sealer = new TokenSealer(ring(keyA));
    const sealed = sealer.seal("token", "connection-1");
    expect(() => sealer.open(sealed, "connection-2")).toThrow(/failed authentication/);
  });

  it("detects tampering", () => {
    const sealer = new TokenSealer(ring(keyA));
    const parts = sealer.seal("token", "c").split(".");
    parts[4] = Buffer.from("other").toString("base64url");
    expect(() => sealer.open(parts.join("."), "c")).toThrow(/failed authentication/);
  });

  it("rotates: old seals open with the older key, new seals use the newest, stale ones are spotted", () => {
    const old = new TokenSealer(ring(`a:${keyA}`)).seal("token", "c");
    const rotated = new TokenSealer(ring(`b:${keyB},a:${keyA}`));
    expect(rotated.open(old, "c")).toBe("token");
    expect(rotated.isStale(old)).toBe(true);
    const fresh = rotated.seal("token", "c");
    expect(fresh.startsWith("v1.b.")).toBe(true);
    expect(rotated.isStale(fresh)).toBe(false);
  });

  it("says which key is missing and how to recover when an old key was dropped too early", () => {
    const old = new TokenSealer(ring(`a:${keyA}`)).seal("token", "c");
    expect(() => new TokenSealer(ring(`b:${keyB}`)).open(old, "c")).toThrow(/sealed with key "a".*rekey/);
  });

  it("derives a stable id for a key listed without one", () => {
    expect(ring(keyA).current.id).toBe(ring(keyA).current.id);
    expect(ring(keyA).current.id).not.toBe(ring(keyB).current.id);
  });

  it.each([
    ["", /is empty/],
    ["not base64!", /not base64/],
    [`${keyA},short`, /\(key 2\) \(got 3 bytes\)/],
    [`x:${keyA},x:${keyB}`, /lists the key id "x" twice/],
  ])("rejects the key list %j", (value, message) => {
    const parsed = parseKeyRing(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(message);
  });
});
