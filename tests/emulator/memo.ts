/**
 * Memoises a pure string → value function. Formatting an instant in a zone (luxon) is the
 * costliest step of listing thousands of events, and the same instants recur on every page and
 * every sync round, as a real provider would serve them from its own caches. Bounded: the map is
 * dropped when it grows past `limit` entries.
 */
export function memoize<T>(compute: (key: string) => T, limit = 100_000): (key: string) => T {
  let cache = new Map<string, T>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (cache.size >= limit) cache = new Map();
    cache.set(key, value);
    return value;
  };
}
