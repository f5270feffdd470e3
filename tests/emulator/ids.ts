import { randomBytes, randomInt } from "node:crypto";

/** Opaque URL-safe identifier, optionally prefixed so tokens are recognisable in logs. */
export function opaqueId(prefix = "", bytes = 18): string {
  return prefix + randomBytes(bytes).toString("base64url");
}

/** Google account ids ("sub", Meet's users/{id}) are long decimal strings. */
export function googleNumericId(): string {
  let id = String(randomInt(1, 10));
  while (id.length < 21) id += String(randomInt(0, 10));
  return id;
}

/** Lower-case base32hex, the alphabet Google Calendar allows in event ids. */
export function googleEventId(): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuv";
  let id = "";
  for (let i = 0; i < 26; i += 1) id += alphabet[randomInt(0, 32)];
  return id;
}

export function guid(): string {
  const hex = randomBytes(16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Meet codes look like abc-defg-hij. */
export function meetCode(): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const pick = (n: number): string => Array.from({ length: n }, () => letters[randomInt(0, 26)]).join("");
  return `${pick(3)}-${pick(4)}-${pick(3)}`;
}
