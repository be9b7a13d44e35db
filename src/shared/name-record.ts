/**
 * Records keyed by names the user chose: samples, process groups, regions, variables, channels,
 * signal points. A plain `{}` has Object.prototype behind it, so `o['__proto__'] = v` replaces
 * the prototype instead of storing v (the name vanishes from a cut-flow while its events still
 * count), and `o['constructor']`, `o['toString']` read Object's functions before anything is
 * stored (a group named `constructor` sums into a function and shows NaN). A null-prototype
 * object has neither problem: every string is a key like any other, and JSON.stringify,
 * structuredClone, Object.keys and Object.entries see them all.
 */

/** An empty record for user-chosen names, or one holding `entries` (later ones win). */
export function nameRecord<V>(entries: Iterable<readonly [string, V]> = []): Record<string, V> {
  const out = Object.create(null) as Record<string, V>
  for (const [k, v] of entries) out[k] = v
  return out
}

/**
 * `record[name]` when `record` holds that name itself, else undefined: never what an ordinary
 * object inherits (for records parsed from JSON or built elsewhere as plain objects).
 */
export function own<V>(record: Readonly<Record<string, V>>, name: string): V | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined
}
