import type { Clock } from "../platform/index.js";
import type { Config } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import { createGoogleCalendar } from "./google/calendar.js";
import { createGoogleOAuth, type GoogleEndpoints } from "./google/oauth.js";
import { createMicrosoftCalendar } from "./microsoft/calendar.js";
import type { MicrosoftEndpoints } from "./microsoft/endpoints.js";
import { createMicrosoftOAuth } from "./microsoft/oauth.js";
import type { ProviderFactory } from "./provider-factory.js";
import { ProviderError } from "./provider-error.js";
import type { OAuthProvider, ProviderKind } from "./provider.js";
import { createSandboxCalendar } from "./sandbox/calendar.js";
import type { Database } from "../platform/index.js";

/** The providers: Google and Microsoft configured from PRODUCT §1's endpoint variables, and the sandbox. */
export function createProviderFactory(config: Config, deps: { clock: Clock; log: Logger; db: Database }): ProviderFactory {
  const google: GoogleEndpoints = {
    authUrl: config.endpoints.googleAuthUrl,
    tokenUrl: config.endpoints.googleTokenUrl,
    apiRootUrl: config.endpoints.googleApiRootUrl,
    meetRootUrl: config.endpoints.googleMeetRootUrl,
  };
  const microsoft: MicrosoftEndpoints = {
    authorityUrl: config.endpoints.microsoftAuthorityUrl,
    graphUrl: config.endpoints.microsoftGraphUrl,
    tenant: config.endpoints.microsoftTenant,
  };
  const now = () => deps.clock.now();
  const oauth: Partial<Record<ProviderKind, OAuthProvider>> = {
    ...(config.google ? { google: createGoogleOAuth({ ...config.google, endpoints: google, now }) } : {}),
    ...(config.microsoft ? { microsoft: createMicrosoftOAuth({ ...config.microsoft, endpoints: microsoft }, deps.clock) } : {}),
  };
  return {
    oauth: (kind) => oauth[kind],
    calendar(connection, tokens) {
      const log = deps.log.child({ connectionId: connection.id, provider: connection.provider });
      switch (connection.provider) {
        case "google":
          return createGoogleCalendar({ endpoints: google, tokens, account: connection, clock: deps.clock, log });
        case "microsoft":
          return createMicrosoftCalendar({ endpoints: microsoft, tokens, account: connection, clock: deps.clock, log });
        case "sandbox":
          // Sandbox connections made while it was on keep working when it is switched off.
          return createSandboxCalendar({ db: deps.db, clock: deps.clock, account: connection });
        default:
          throw new ProviderError(connection.provider, "invalid", `No calendar adapter for ${connection.provider} on this server`);
      }
    },
  };
}
