import { readFile } from "node:fs/promises";

let cached: string | undefined;

/** The package version, shown in the OpenAPI document. */
export async function readVersion(): Promise<string> {
  if (!cached) {
    const manifest = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    cached = manifest.version ?? "0.0.0";
  }
  return cached;
}
