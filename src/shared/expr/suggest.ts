/** "Did you mean …?" — the known name closest to a misspelt one, if any is close enough. */

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const row = [i]
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost))
    }
    prev = row
  }
  return prev[t.length]
}

/**
 * The candidate nearest to `name`, or undefined when none is within a third of the name's
 * length (at least 1, at most 3 edits). Ties go to the first candidate; an exact
 * case-insensitive match (`sum` → `Sum`) always wins.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)))
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    // A cheap length filter first: NanoAOD files have well over a thousand branches.
    if (Math.abs(c.length - name.length) > limit) continue
    const d = editDistance(name, c)
    const rank = d === 0 ? -1 : d
    if (rank < bestDistance) {
      best = c
      bestDistance = rank
    }
  }
  return bestDistance <= limit ? best : undefined
}
