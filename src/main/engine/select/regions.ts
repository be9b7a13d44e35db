/**
 * Regions as the cut-flow runs them: each region's full ordered cut list (the parent's cuts
 * first, recursively), whether data are hidden there, and an order in which every region comes
 * after its parent, so a region can continue from where its parent's selection stopped.
 */
import { cutLabel, type SpecRegion } from '../../../shared/spec'
import { SpecError } from './spec-error'

/** A cut with its place in the spec (`regions[region].cuts[index]`). */
export interface ResolvedCut {
  readonly label: string
  readonly expr: string
  readonly path: readonly (string | number)[]
}

export interface ResolvedRegion {
  readonly name: string
  /** The parent region's name, if any. */
  readonly parent?: string
  /** Every cut, the parent's (recursively) first. */
  readonly cuts: readonly ResolvedCut[]
  /** Number of leading cuts that come from the parent (= the parent's cuts.length). */
  readonly inherited: number
  /** Blinded itself or below a blinded region: data samples are hidden. */
  readonly blinded: boolean
}

/** A region holds at most this many cuts (a cut-flow stage fits one byte per event). */
export const MAX_CUTS = 255

/**
 * All regions, parents before their children (otherwise in spec order). The spec schema has
 * already rejected unknown parents and cycles; they are still reported here as SpecError so a
 * hand-built region list cannot loop.
 */
export function resolveRegions(regions: readonly SpecRegion[]): ResolvedRegion[] {
  const index = new Map(regions.map((r, i) => [r.name, i]))
  const done = new Map<string, ResolvedRegion>()
  const out: ResolvedRegion[] = []
  const resolve = (i: number, depth: number): ResolvedRegion => {
    const r = regions[i]
    const known = done.get(r.name)
    if (known) return known
    if (depth > regions.length) {
      throw new SpecError(['regions', i, 'parent'], `parent cycle through region '${r.name}'`)
    }
    let parent: ResolvedRegion | undefined
    if (r.parent !== undefined) {
      const p = index.get(r.parent)
      if (p === undefined) {
        throw new SpecError(['regions', i, 'parent'], `unknown parent region '${r.parent}'`)
      }
      parent = resolve(p, depth + 1)
    }
    const own = r.cuts.map((c, j) => ({
      label: cutLabel(c),
      expr: c.expr,
      path: ['regions', i, 'cuts', j, 'expr'],
    }))
    const cuts = [...(parent?.cuts ?? []), ...own]
    if (cuts.length > MAX_CUTS) {
      throw new SpecError(
        ['regions', i, 'cuts'],
        `region '${r.name}' has ${cuts.length} cuts with its parents'; at most ${MAX_CUTS}`,
      )
    }
    const resolved: ResolvedRegion = {
      name: r.name,
      parent: r.parent,
      cuts,
      inherited: parent?.cuts.length ?? 0,
      blinded: r.blinded || (parent?.blinded ?? false),
    }
    done.set(r.name, resolved)
    out.push(resolved)
    return resolved
  }
  regions.forEach((_, i) => resolve(i, 0))
  return out
}

/** The region `name` and its ancestors, parents first (for computing only what it needs). */
export function withAncestors(regions: readonly ResolvedRegion[], name: string): ResolvedRegion[] {
  const byName = new Map(regions.map((r) => [r.name, r]))
  const chain: ResolvedRegion[] = []
  for (let r = byName.get(name); r; r = r.parent === undefined ? undefined : byName.get(r.parent))
    chain.unshift(r)
  return chain
}
