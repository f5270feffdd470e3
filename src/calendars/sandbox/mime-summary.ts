/**
 * Just enough of an RFC 822 message to show it in the outbox preview: the headers we compose
 * (unfolded, RFC 2047 words decoded) and a single text body (7bit, quoted-printable or base64).
 * The sandbox mailbox only ever receives messages our own composer built.
 */
export interface MimeSummary {
  messageId: string | null;
  to: string[];
  subject: string;
  text: string;
}

export function summariseMime(mime: Buffer): MimeSummary {
  const raw = mime.toString("utf8").replace(/\r\n/g, "\n");
  const split = raw.indexOf("\n\n");
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? "" : raw.slice(split + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  const text = encoding === "base64" ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8") : encoding === "quoted-printable" ? decodeQuotedPrintable(body) : body;
  return {
    messageId: headers.get("message-id") ?? null,
    to: (headers.get("to") ?? "").split(",").map((part) => (/<([^>]+)>/.exec(part)?.[1] ?? part).trim()).filter((address) => address.length > 0),
    subject: decodeWords(headers.get("subject") ?? ""),
    text: text.replace(/\n$/, ""),
  };
}

function decodeQuotedPrintable(value: string): string {
  const bytes = value.replace(/=\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQuotedPrintable(data.replace(/_/g, " ")),
    );
}
