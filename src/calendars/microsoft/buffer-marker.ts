/**
 * Our buffer events carry a single-value extended property (a MAPI named property in our own
 * property set), so we recognise them whatever the user renames them to. Graph names such a
 * property "String {GUID} Name <name>" ("singleValueLegacyExtendedProperty": custom property ids);
 * the GUID below is Makegood's own property set and must never change, or earlier buffers are
 * no longer recognised.
 */
export const BUFFER_MARKER_PROPERTY_ID = "String {8b5f2d4e-3c71-4a0e-9d6b-2f1e7c5a9b30} Name makegoodMarker";

export function isBufferMarker(properties: readonly { id: string; value?: string | null | undefined }[] | null | undefined): boolean {
  const wanted = BUFFER_MARKER_PROPERTY_ID.toLowerCase();
  return (properties ?? []).some((property) => property.id.toLowerCase() === wanted && Boolean(property.value));
}

/**
 * Extended properties come back only when expanded ("Get singleValueLegacyExtendedProperty":
 * `$expand=singleValueExtendedProperties($filter=id eq '…')`).
 */
export const BUFFER_MARKER_EXPAND = `singleValueExtendedProperties($filter=id eq '${BUFFER_MARKER_PROPERTY_ID}')`;
