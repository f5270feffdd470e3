import type { AccessTokenSource, CalendarProvider, OAuthProvider, ProviderKind } from "./provider.js";

/** What an adapter needs to know about the connection it acts for. */
export interface ConnectionIdentity {
  id: string;
  provider: ProviderKind;
  accountId: string;
  accountEmail: string;
}

/**
 * Builds providers without the caller knowing which: the one place that maps a
 * connection's kind to its adapter.
 */
export interface ProviderFactory {
  /** the OAuth side of a kind that signs in with OAuth, when configured on this server */
  oauth(kind: ProviderKind): OAuthProvider | undefined;
  calendar(connection: ConnectionIdentity, tokens: AccessTokenSource): CalendarProvider;
}
