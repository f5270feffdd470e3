import { createPkcePair } from "../../../../src/calendars/connections/pkce.js";
import { createMicrosoftCalendar } from "../../../../src/calendars/microsoft/calendar.js";
import type { MicrosoftEndpoints } from "../../../../src/calendars/microsoft/endpoints.js";
import { createMicrosoftOAuth } from "../../../../src/calendars/microsoft/oauth.js";
import type { AccessTokenSource, CalendarProvider, OAuthProvider, ProviderAccount, TokenSet } from "../../../../src/calendars/provider.js";
import { systemClock } from "../../../../src/platform/clock.js";
import { createLogger } from "../../../../src/platform/logger.js";
import { authorize, MICROSOFT_REDIRECT } from "../../../emulator/test-support.js";
import type { Emulator } from "../../../emulator/server.js";

/** A token source like the service's: hands out the access token, refreshes (rotating) when invalidated. */
export class TestTokens implements AccessTokenSource {
  refreshes = 0;
  constructor(private readonly oauth: OAuthProvider, public current: TokenSet) {}
  async accessToken(): Promise<string> {
    if (this.current.expiresAt.getTime() <= Date.now()) await this.refresh();
    return this.current.accessToken;
  }
  invalidate(): void {
    this.current = { ...this.current, expiresAt: new Date(0) };
  }
  private async refresh(): Promise<void> {
    this.refreshes += 1;
    const next = await this.oauth.refresh(this.current.refreshToken ?? "");
    this.current = { ...next, refreshToken: next.refreshToken ?? this.current.refreshToken };
  }
}

export function microsoftOAuth(emulator: Emulator, graphUrl: string): { oauth: OAuthProvider; endpoints: MicrosoftEndpoints } {
  const endpoints = { authorityUrl: emulator.env.MICROSOFT_AUTHORITY_URL, graphUrl, tenant: "common" };
  return { endpoints, oauth: createMicrosoftOAuth({ clientId: emulator.env.MICROSOFT_CLIENT_ID, clientSecret: emulator.env.MICROSOFT_CLIENT_SECRET, endpoints }) };
}

/** The whole Connect Outlook flow against the emulator, through our OAuth provider. */
export async function signIn(emulator: Emulator, oauth: OAuthProvider, email: string): Promise<{ tokens: TokenSet; account: ProviderAccount }> {
  emulator.control.setNextLogin("microsoft", email);
  const pkce = createPkcePair();
  const params = await authorize(oauth.authorizationUrl({ state: "state-1", codeChallenge: pkce.challenge, redirectUri: MICROSOFT_REDIRECT }));
  return oauth.exchangeCode({ code: params.get("code") ?? "", codeVerifier: pkce.verifier, redirectUri: MICROSOFT_REDIRECT });
}

export async function connectCalendar(emulator: Emulator, graphUrl: string, email: string): Promise<{ calendar: CalendarProvider; account: ProviderAccount; tokens: TestTokens }> {
  const { oauth, endpoints } = microsoftOAuth(emulator, graphUrl);
  const { tokens, account } = await signIn(emulator, oauth, email);
  const source = new TestTokens(oauth, tokens);
  const calendar = createMicrosoftCalendar({
    endpoints,
    tokens: source,
    account: { id: `connection-${account.accountId}`, provider: "microsoft", accountId: account.accountId, accountEmail: account.email },
    clock: systemClock,
    log: createLogger("silent"),
  });
  return { calendar, account, tokens: source };
}
