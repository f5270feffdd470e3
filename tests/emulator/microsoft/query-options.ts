import type { StoredEvent } from "../state.js";

type ExtendedProperty = StoredEvent["extendedProperties"][number];

/**
 * `$expand=singleValueExtendedProperties($filter=id eq '{id}')` ("Get singleValueLegacyExtendedProperty":
 * "the only way to get the singleValueLegacyExtendedProperty object"). Returns the wanted property id,
 * `"all"` for an unfiltered expand (lenient: Graph documents only the filtered form), or undefined.
 */
export function expandedPropertyId(query: Record<string, string>): string | "all" | undefined {
  const expand = query["$expand"];
  if (!expand) return undefined;
  const match = /singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*id\s+eq\s+'((?:[^']|'')*)'\s*\))?/i.exec(expand);
  if (!match) return undefined;
  return match[1] === undefined ? "all" : match[1].replace(/''/g, "'");
}

/**
 * Ids like `String {GUID} Name Foo`: the type keyword and GUID compare case-insensitively, the name
 * case-sensitively ("Filtering the string name (Name) in the id of an extended property is case-sensitive").
 */
function sameProperty(wanted: string, stored: string): boolean {
  const shape = /^(\S+)\s+\{([0-9a-f-]+)\}\s+Name\s+(.+)$/i;
  const a = shape.exec(wanted);
  const b = shape.exec(stored);
  if (!a || !b) return wanted.toLowerCase() === stored.toLowerCase();
  return a[1]!.toLowerCase() === b[1]!.toLowerCase() && a[2]!.toLowerCase() === b[2]!.toLowerCase() && a[3] === b[3];
}

function matchingProperties(event: StoredEvent, wanted: string | "all"): ExtendedProperty[] {
  return wanted === "all" ? event.extendedProperties : event.extendedProperties.filter((p) => sameProperty(wanted, p.id));
}

/**
 * Applies `$expand` (extended properties) and `$select` to one event resource. With `$select`, only the
 * selected properties, `id` and `@odata.etag` remain (OData system query options). An expand that matches
 * nothing leaves the collection out (the emulator's reading; the adapter accepts either).
 */
export function applyEventQuery(resource: Record<string, unknown>, event: StoredEvent, query: Record<string, string>): Record<string, unknown> {
  const wanted = expandedPropertyId(query);
  const properties = wanted ? matchingProperties(event, wanted) : [];
  const expanded = properties.length > 0 ? { singleValueExtendedProperties: properties.map((p) => ({ id: p.id, value: p.value })) } : {};
  const select = query["$select"]?.split(",").map((name) => name.trim()).filter(Boolean);
  if (!select || select.length === 0) return { ...resource, ...expanded };
  const kept = new Set(["@odata.etag", "id", ...select]);
  return { ...Object.fromEntries(Object.entries(resource).filter(([key]) => kept.has(key))), ...expanded };
}
