/** Just enough RFC 5322 / MIME parsing to let tests read what the product sent. */
export interface ParsedMessage {
  headers: Map<string, string>;
  body: string;
}

function decodeEncodedWords(value: string): string {
  // RFC 2047 encoded-words, as mail libraries write non-ASCII subjects and names.
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, _charset: string, encoding: string, text: string) =>
    encoding.toUpperCase() === "B"
      ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"));
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

function splitHeaderBlock(raw: string): { headers: Map<string, string>; rest: string } {
  const normalised = raw.replace(/\r\n/g, "\n");
  const boundary = normalised.indexOf("\n\n");
  const headerText = boundary < 0 ? normalised : normalised.slice(0, boundary);
  const rest = boundary < 0 ? "" : normalised.slice(boundary + 2);
  const headers = new Map<string, string>();
  for (const line of headerText.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeEncodedWords(line.slice(colon + 1).trim()));
  }
  return { headers, rest };
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

export function multipartParts(contentType: string, body: string): string[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return [];
  return body.replace(/\r\n/g, "\n").split(`--${boundary}`).slice(1).filter((part) => !part.startsWith("--")).map((part) => part.replace(/^\n/, "").replace(/\n$/, ""));
}

/** Headers of the message and its text body (the text/plain part of a multipart message when there is one). */
export function parseMessage(raw: string): ParsedMessage {
  const { headers, rest } = splitHeaderBlock(raw);
  const contentType = headers.get("content-type") ?? "text/plain";
  if (/^multipart\//i.test(contentType)) {
    const parts = multipartParts(contentType, rest).map((part) => parseMessage(part));
    const text = parts.find((p) => /^text\/plain/i.test(p.headers.get("content-type") ?? "text/plain")) ?? parts[0];
    return { headers, body: text?.body ?? "" };
  }
  return { headers, body: decodeBody(headers, rest) };
}

export function addressList(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(",").map((part) => (/<([^>]+)>/.exec(part)?.[1] ?? part).trim().toLowerCase()).filter(Boolean);
}
