/**
 * Text helpers for sentences people read, shared by every module's wording (a library in the
 * sense of tests/architecture/import-rules.ts: it imports nothing).
 */

/** Collapses runs of whitespace (line breaks in a title) to single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A title in straight double quotes; quotes inside it become single quotes. */
export function quoteTitle(title: string): string {
  return `"${title.replace(/"/g, "'")}"`;
}
