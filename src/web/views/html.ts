/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A small, self-contained page (no external assets: the service works offline). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Makegood</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330; }
  a.button { display: inline-block; padding: .6rem 1rem; border-radius: .4rem; background: #1d4ed8; color: #fff; text-decoration: none; margin-right: .5rem; }
  a.button:focus { outline: 3px solid #f59e0b; }
  .problem { border-left: 4px solid #b91c1c; padding-left: 1rem; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
