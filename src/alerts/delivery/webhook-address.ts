import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { AppError, errorMessage } from "../../platform/index.js";

/** Resolves a host name to every address it has; tests pass their own. */
export type WebhookLookup = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

export interface WebhookAddressOptions {
  /** plain http:// (local development, tests); https only otherwise */
  allowHttp: boolean;
  /** loopback, private, link-local… addresses (a self-hosted chat server on the LAN, tests) */
  allowPrivateAddresses: boolean;
  lookup?: WebhookLookup;
}

/** Where a webhook request goes: the URL, and the one vetted address we will connect to. */
export interface WebhookTarget {
  url: URL;
  hostname: string;
  address: string;
  family: 4 | 6;
}

function blockList(rules: Array<[string, number, "ipv4" | "ipv6"]>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, type] of rules) list.addSubnet(network, prefix, type);
  return list;
}

/**
 * Addresses a webhook must never reach unless explicitly allowed, by the name we give the
 * user. BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:10.0.0.5)
 * but not against the other forms that carry an IPv4 address (::127.0.0.1 is ::7f00:1, an
 * IPv4-compatible address), so those are decoded first (embeddedIpv4); the ranges themselves
 * (IPv4-compatible, IPv4-translated, NAT64, 6to4) are refused whatever they embed, since no
 * public webhook needs them and a gateway may turn them into an internal address.
 */
const NON_PUBLIC: ReadonlyArray<{ kind: string; list: BlockList }> = [
  { kind: "a loopback address", list: blockList([["127.0.0.0", 8, "ipv4"], ["::1", 128, "ipv6"]]) },
  { kind: "a private network address", list: blockList([["10.0.0.0", 8, "ipv4"], ["172.16.0.0", 12, "ipv4"], ["192.168.0.0", 16, "ipv4"], ["fc00::", 7, "ipv6"]]) },
  { kind: "a link-local address (this includes cloud metadata services)", list: blockList([["169.254.0.0", 16, "ipv4"], ["fe80::", 10, "ipv6"]]) },
  { kind: "a carrier-grade NAT address", list: blockList([["100.64.0.0", 10, "ipv4"]]) },
  {
    kind: "a reserved or special-purpose address",
    list: blockList([
      ["0.0.0.0", 8, "ipv4"],
      ["192.0.0.0", 24, "ipv4"],
      ["192.0.2.0", 24, "ipv4"],
      ["198.18.0.0", 15, "ipv4"],
      ["198.51.100.0", 24, "ipv4"],
      ["203.0.113.0", 24, "ipv4"],
      ["224.0.0.0", 4, "ipv4"],
      ["240.0.0.0", 4, "ipv4"],
      ["::", 128, "ipv6"],
      // IPv4-compatible (deprecated): ::/96 also holds ::1 and ::, listed above by name
      ["::", 96, "ipv6"],
      // IPv4-translated (SIIT)
      ["::ffff:0:0:0", 96, "ipv6"],
      // site-local (deprecated, still routed inside some networks)
      ["fec0::", 10, "ipv6"],
      ["64:ff9b::", 96, "ipv6"],
      ["64:ff9b:1::", 48, "ipv6"],
      ["100::", 64, "ipv6"],
      ["2001::", 32, "ipv6"],
      ["2001:db8::", 32, "ipv6"],
      ["2002::", 16, "ipv6"],
      ["ff00::", 8, "ipv6"],
    ]),
  },
];

/** The eight 16-bit groups of an IPv6 address, or null when it cannot be read. */
function ipv6Groups(address: string): number[] | null {
  let normalized: string;
  try {
    // URL writes every form (::127.0.0.1, upper case, leading zeros) as compressed hex.
    normalized = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const [head = "", tail] = normalized.split("::");
  const parse = (part: string): number[] => (part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : null;
}

function ipv4From(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address carries, in the forms a network may route to it:
 * IPv4-compatible ::a.b.c.d, mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, NAT64
 * 64:ff9b::a.b.c.d and 64:ff9b:1::/48 (last 32 bits), 6to4 2002:AABB:CCDD::.
 */
function embeddedIpv4(groups: number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, , g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  if (g0 === 0x2002) return ipv4From(g1, g2);
  const zeroTo = (end: number): boolean => groups.slice(0, end).every((group) => group === 0);
  if (zeroTo(5) && (g5 === 0 || g5 === 0xffff)) return ipv4From(g6, g7);
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return ipv4From(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && (g2 === 0 || g2 === 1)) return ipv4From(g6, g7);
  return null;
}

/** Which kind of non-public address this is, or null for a public one. */
export function nonPublicKind(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return "not an IP address";
  if (family === 4) return NON_PUBLIC.find((entry) => entry.list.check(address, "ipv4"))?.kind ?? null;
  const groups = ipv6Groups(address);
  if (!groups) return "not an IP address";
  // ::1 and :: are themselves, not the IPv4 addresses 0.0.0.1 and 0.0.0.0.
  const isLoopbackOrUnspecified = groups.slice(0, 7).every((group) => group === 0) && (groups[7] === 0 || groups[7] === 1);
  const inner = isLoopbackOrUnspecified ? null : embeddedIpv4(groups);
  if (inner) {
    const innerKind = NON_PUBLIC.find((entry) => entry.list.check(inner, "ipv4"))?.kind;
    if (innerKind) return `an IPv6 form of ${innerKind} (${inner})`;
  }
  return NON_PUBLIC.find((entry) => entry.list.check(address, "ipv6"))?.kind ?? null;
}

function refused(message: string): AppError {
  return new AppError(message, { code: "webhook_url_refused", httpStatus: 400, retryable: false });
}

const defaultLookup: WebhookLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Checks a webhook URL and resolves its host to the address we will connect to. Every
 * address the name resolves to must be allowed, not just the first: otherwise a name with
 * one public and one internal address would pass now and reach the internal one later.
 * Messages name the problem and never repeat the URL's path (Slack's holds the secret).
 * Throws AppError: `webhook_url_refused` (permanent) or `webhook_dns_failed` (retryable).
 */
export async function resolveWebhookTarget(rawUrl: string, options: WebhookAddressOptions): Promise<WebhookTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw refused("The webhook URL is not a valid URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && options.allowHttp)) {
    throw refused(options.allowHttp ? "The webhook URL must start with https:// or http://" : "The webhook URL must start with https://");
  }
  if (url.username || url.password) throw refused("The webhook URL must not contain a user name or password");
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(hostname);
  let addresses: ReadonlyArray<{ address: string; family: number }>;
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal }];
  } else {
    try {
      addresses = await (options.lookup ?? defaultLookup)(hostname);
    } catch (error) {
      throw new AppError(`The webhook host ${hostname} could not be resolved: ${errorMessage(error)}`, { code: "webhook_dns_failed", httpStatus: 400, retryable: true, cause: error });
    }
  }
  const first = addresses[0];
  if (!first) throw new AppError(`The webhook host ${hostname} has no address`, { code: "webhook_dns_failed", httpStatus: 400, retryable: true });
  if (!options.allowPrivateAddresses) {
    for (const { address } of addresses) {
      const kind = nonPublicKind(address);
      if (kind) {
        const where = literal !== 0 ? `The webhook address ${address}` : `The webhook host ${hostname} resolves to ${address}, which`;
        throw refused(`${where} is ${kind}; webhooks can only be sent to public internet addresses`);
      }
    }
  }
  if (first.family !== 4 && first.family !== 6) throw refused(`The webhook host ${hostname} resolved to an unknown address family`);
  return { url, hostname, address: first.address, family: first.family };
}

export type WebhookUrlCheck = { ok: true } | { ok: false; message: string };

/** For the settings API: whether a webhook URL can be used, and if not, why (one sentence). */
export async function validateWebhookUrl(url: string, options: WebhookAddressOptions): Promise<WebhookUrlCheck> {
  try {
    await resolveWebhookTarget(url, options);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}
