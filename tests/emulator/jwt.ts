import { createHash, createPrivateKey, createPublicKey, sign, type JsonWebKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

const TLS_DIR = new URL("./tls/", import.meta.url);

/** The RS256 key pair that signs id_tokens; its certificate is what Google's oauth2/v1/certs publishes. */
export class IdTokenSigner {
  readonly certificatePem = readFileSync(new URL("id-token-cert.pem", TLS_DIR), "utf8");
  private readonly privateKey: KeyObject = createPrivateKey(readFileSync(new URL("id-token-key.pem", TLS_DIR), "utf8"));
  readonly keyId = createHash("sha1").update(this.certificatePem).digest("hex");

  sign(claims: Record<string, unknown>): string {
    const header = { alg: "RS256", kid: this.keyId, typ: "JWT" };
    const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString("base64url");
    const signingInput = `${encode(header)}.${encode(claims)}`;
    return `${signingInput}.${sign("RSA-SHA256", Buffer.from(signingInput), this.privateKey).toString("base64url")}`;
  }

  jwks(): { keys: (JsonWebKey & { kid: string; alg: string; use: string })[] } {
    const jwk = createPublicKey(this.certificatePem).export({ format: "jwk" });
    return { keys: [{ ...jwk, kid: this.keyId, alg: "RS256", use: "sig" }] };
  }

  pemCertificates(): Record<string, string> {
    return { [this.keyId]: this.certificatePem };
  }
}
