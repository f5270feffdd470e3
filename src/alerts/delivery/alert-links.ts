import { z } from "zod";

/** One action an alert offers ("I'm here", "Yes, I missed it"): a label and where it goes. */
export interface AlertLink {
  label: string;
  /** an absolute http(s) URL, normalised by the URL parser */
  url: string;
}

const MAX_LINKS = 6;
const MAX_LABEL_LENGTH = 80;

// Lenient on purpose: the alert is worth delivering even when one of its links is not, so
// bad entries are dropped one by one instead of failing the whole alert.
const alertData = z.object({ links: z.array(z.unknown()).optional() }).loose();
const linkEntry = z.object({ label: z.string(), url: z.string() });

/**
 * The links an alert carries in its `data` JSON (`{ links: [{ label, url }] }`), safe to
 * put in an email or a Slack message: only http(s) URLs (never `javascript:`, `data:` or
 * `mailto:`), relative ones resolved against the service's public URL, labels on one line
 * and short. Link URLs can hold secrets (a check-in token): never log them.
 */
export function alertLinks(data: unknown, publicUrl: string): AlertLink[] {
  const parsed = alertData.safeParse(data);
  if (!parsed.success || !parsed.data.links) return [];
  const links: AlertLink[] = [];
  for (const entry of parsed.data.links) {
    const link = linkEntry.safeParse(entry);
    if (!link.success) continue;
    const url = safeHttpUrl(link.data.url, publicUrl);
    const label = link.data.label.replace(/\s+/g, " ").trim().slice(0, MAX_LABEL_LENGTH);
    if (url && label) links.push({ label, url });
    if (links.length === MAX_LINKS) break;
  }
  return links;
}

function safeHttpUrl(value: string, base: string): string | null {
  try {
    const url = new URL(value.trim(), `${base}/`);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}
