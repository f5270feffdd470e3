import type { Metrics } from "../platform/index.js";
import type { ProviderFactory } from "./provider-factory.js";
import { ProviderError } from "./provider-error.js";
import type { CalendarProvider, OAuthProvider } from "./provider.js";

/**
 * Counts every call through the provider interfaces by provider, operation and status (`ok`
 * or the ProviderError kind), without the adapters knowing: the one place that sees every
 * call whatever the provider.
 */
export function instrumentProviders(factory: ProviderFactory, metrics: Pick<Metrics, "providerCall">): ProviderFactory {
  const oauth = new Map<string, OAuthProvider | undefined>();
  return {
    oauth(kind) {
      if (!oauth.has(kind)) {
        const inner = factory.oauth(kind);
        oauth.set(kind, inner && counted(inner, kind, metrics));
      }
      return oauth.get(kind);
    },
    calendar: (connection, tokens) => counted(factory.calendar(connection, tokens), connection.provider, metrics),
  };
}

function counted<T extends CalendarProvider | OAuthProvider>(target: T, provider: string, metrics: Pick<Metrics, "providerCall">): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
        if (isAsyncIterable(result)) return countedPages(result, provider, property, metrics);
        if (!(result instanceof Promise)) return result; // authorizationUrl: no call to the provider
        return result.then(
          (answer: unknown) => {
            metrics.providerCall(provider, property, "ok");
            return answer;
          },
          (error: unknown) => {
            metrics.providerCall(provider, property, error instanceof ProviderError ? error.kind : "error");
            throw error;
          },
        );
      };
    },
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** A paged read (`syncPages`): each page is one call to the provider. */
async function* countedPages(pages: AsyncIterable<unknown>, provider: string, operation: string, metrics: Pick<Metrics, "providerCall">): AsyncGenerator<unknown> {
  try {
    for await (const page of pages) {
      metrics.providerCall(provider, operation, "ok");
      yield page;
    }
  } catch (error) {
    metrics.providerCall(provider, operation, error instanceof ProviderError ? error.kind : "error");
    throw error;
  }
}
