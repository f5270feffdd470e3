import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OAuth2Client } from "google-auth-library";
import type { Emulator } from "./server.js";

export const GOOGLE_REDIRECT = "http://localhost:3000/auth/google/callback";
export const MICROSOFT_REDIRECT = "http://localhost:3000/auth/microsoft/callback";
export const GOOGLE_SCOPES = [
  "openid", "email", "profile",
  "https://www.googleapis.com/auth/calendar.events",
  "https://www.googleapis.com/auth/meetings.space.readonly",
  "https://www.googleapis.com/auth/gmail.send",
];
export const MICROSOFT_SCOPES = "offline_access openid profile User.Read Calendars.ReadWrite Mail.Send OnlineMeetings.Read OnlineMeetingArtifact.Read.All";

export function googleClient(emulator: Emulator): OAuth2Client {
  return new OAuth2Client({
    clientId: emulator.env.GOOGLE_CLIENT_ID,
    clientSecret: emulator.env.GOOGLE_CLIENT_SECRET,
    redirectUri: GOOGLE_REDIRECT,
    endpoints: {
      oauth2AuthBaseUrl: emulator.env.GOOGLE_AUTH_URL,
      oauth2TokenUrl: emulator.env.GOOGLE_TOKEN_URL,
      oauth2RevokeUrl: `${emulator.url}/revoke`,
      oauth2FederatedSignonPemCertsUrl: `${emulator.url}/oauth2/v1/certs`,
      oauth2FederatedSignonJwkCertsUrl: `${emulator.url}/oauth2/v3/certs`,
    },
  });
}

/** Follows the authorize URL without a browser and returns the redirect's query parameters. */
export async function authorize(url: string): Promise<URLSearchParams> {
  const response = await fetch(url, { redirect: "manual" });
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  return new URL(location).searchParams;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** Runs the whole Google consent flow for `email` and returns a client holding its tokens. */
export async function connectGoogle(emulator: Emulator, email: string, scope: string[] = GOOGLE_SCOPES): Promise<OAuth2Client> {
  const client = googleClient(emulator);
  const { verifier, challenge } = pkcePair();
  emulator.control.setNextLogin("google", email);
  const params = await authorize(client.generateAuthUrl({ access_type: "offline", prompt: "consent", scope, state: "s", code_challenge: challenge, code_challenge_method: "S256" as never }));
  const { tokens } = await client.getToken({ code: params.get("code") ?? "", codeVerifier: verifier });
  client.setCredentials(tokens);
  return client;
}

export interface MicrosoftTokens { access_token: string; refresh_token?: string; id_token?: string; scope: string; expires_in: number }

export async function microsoftToken(emulator: Emulator, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.env.MICROSOFT_AUTHORITY_URL}/common/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: emulator.env.MICROSOFT_CLIENT_ID, client_secret: emulator.env.MICROSOFT_CLIENT_SECRET, ...form }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Runs the Microsoft authorization-code flow (PKCE) for `email` and returns the token response. */
export async function connectMicrosoft(emulator: Emulator, email: string, scope: string = MICROSOFT_SCOPES): Promise<MicrosoftTokens> {
  const { verifier, challenge } = pkcePair();
  emulator.control.setNextLogin("microsoft", email);
  const query = new URLSearchParams({ client_id: emulator.env.MICROSOFT_CLIENT_ID, response_type: "code", redirect_uri: MICROSOFT_REDIRECT, scope, state: "st", code_challenge: challenge, code_challenge_method: "S256" });
  const params = await authorize(`${emulator.env.MICROSOFT_AUTHORITY_URL}/common/oauth2/v2.0/authorize?${query.toString()}`);
  const { status, body } = await microsoftToken(emulator, { grant_type: "authorization_code", code: params.get("code") ?? "", redirect_uri: MICROSOFT_REDIRECT, code_verifier: verifier, scope });
  if (status !== 200) throw new Error(JSON.stringify(body));
  return body as unknown as MicrosoftTokens;
}

export interface ReceivedHook { url: string; headers: IncomingHttpHeaders; body: string }

/** A local plain-HTTP webhook receiver; answers Graph validation handshakes unless told not to. */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  echoValidationToken = true;
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => { body += chunk.toString("utf8"); });
      request.on("end", () => {
        const url = new URL(request.url ?? "/", "http://localhost");
        const token = url.searchParams.get("validationToken");
        this.received.push({ url: request.url ?? "/", headers: request.headers, body });
        if (token !== null && this.echoValidationToken) {
          response.writeHead(200, { "content-type": "text/plain" }).end(token);
          return;
        }
        response.writeHead(token !== null ? 500 : 202).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
