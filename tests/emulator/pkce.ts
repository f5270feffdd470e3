import { createHash } from "node:crypto";

/** RFC 7636 §4.6: S256 compares BASE64URL(SHA256(verifier)); plain compares the verifier itself. */
export function pkceMatches(challenge: string, method: string | undefined, verifier: string): boolean {
  if ((method ?? "plain") === "plain") return challenge === verifier;
  return createHash("sha256").update(verifier).digest("base64url") === challenge;
}
